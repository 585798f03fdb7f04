"""Demo safety records (GB 38600-2019) for the demo city's elderly-care facilities: risk assessments (some
overdue, some with high risks and their measures, some residents never assessed), the last three months'
incidents (told in time, late, still to tell; some reviewed) and yesterday's and today's rounds and
handovers in two units (the first facility's ground floor missed its night rounds yesterday, so the scan
of yesterday opens its alert). Dated back from today, so it holds on any
day. Safe to run again."""
import random
from datetime import time, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from facilities.demo import demo_facility_manager
from facilities.models import Facility, FacilityKind
from residents import scans
from residents.models import IncidentHarm, RoundKind, SafetyRiskAssessment, Stay
from residents.safety.selectors import safety_catalogue_for
from residents.safety.services import (
    safety_assessment_record,
    safety_incident_follow_up,
    safety_incident_record,
    safety_round_record,
)
from residents.safety_rules import NEEDS_MEASURES, RiskLevel, as_risks
from residents.services import scans_deferred

SEED = 20191227
MEASURES = {
    "choking": "软食、小口慢咽，进餐时专人看护",
    "food_drug_misuse": "药品由护理员保管，按时协助服药",
    "pressure_injury": "每2小时翻身，使用防压疮气垫床",
    "scald": "洗浴水温由护理员调试，不使用热水袋",
    "bed_fall": "夜间使用床栏，床旁呼叫器",
    "fall": "穿防滑鞋，如厕与起身时陪护，使用助行器",
    "wandering": "佩戴定位手环，出入登记",
    "harm": "减少刺激，危险物品收存，每日情绪观察",
    "recreation_accident": "活动前评估身体状况，控制活动强度",
}
PLACES = ("卫生间", "房间床旁", "走廊", "餐厅", "院内活动区", "浴室")


class Command(BaseCommand):
    help = "载入演示安全记录 / Seed demo risk assessments and incidents (idempotent)"

    @transaction.atomic
    def handle(self, *args, **options):
        if SafetyRiskAssessment.objects.filter(facility__region__code__startswith="6210").exists():
            self.stdout.write("演示安全记录已存在 / demo safety records already present")
            return
        rng = random.Random(SEED)
        now = timezone.localtime()
        today = now.date()
        facilities = list(Facility.objects.filter(region__code__startswith="6210", status="operating")
                          .exclude(kind=FacilityKind.CHILD_WELFARE).order_by("id"))
        assessments = incidents = rounds = 0
        with demo_facility_manager(facilities) as manager, scans_deferred():
            for facility in facilities:
                catalogue = safety_catalogue_for(region_code=facility.region_id, on=today)
                risks = as_risks(catalogue.items)
                stays = Stay.objects.filter(facility=facility, ended_on__isnull=True).select_related("person").order_by("id")
                for index, stay in enumerate(stays):
                    if index % 6 == 5:
                        continue  # never assessed: grey in the register
                    days_ago = rng.randrange(380, 460) if index % 8 == 1 else rng.randrange(3, 300)
                    assessed_on = max(stay.admitted_on, today - timedelta(days=days_ago))
                    ratings = {}
                    for risk in risks:
                        level = rng.choices(list(RiskLevel), weights=(45, 30, 17, 8))[0]
                        ratings[risk.code] = {"level": level.value,
                                              "measures": MEASURES.get(risk.code, "专人看护") if level in NEEDS_MEASURES else ""}
                    safety_assessment_record(by=manager, person=stay.person, assessed_on=assessed_on,
                                             reason="admission" if assessed_on == stay.admitted_on else "periodic",
                                             ratings=ratings, assessor=f"评估员{index % 4 + 1}号")
                    assessments += 1
                    if index % 7 == 2:
                        incidents += self._incident(rng, manager, facility, stay, risks, now)
                rounds += self._rounds(manager, facility, now, skip_night=facility == facilities[0])
        scans.scan_round_gaps(day=today - timedelta(days=1))
        self.stdout.write(f"演示安全记录：风险评估 {assessments} 份，安全事件 {incidents} 起，巡查与交接班 {rounds} 条 / "
                          f"demo safety: {assessments} assessments, {incidents} incidents, {rounds} rounds")

    def _incident(self, rng, manager, facility, stay, risks, now) -> int:
        """One incident in the last three months (never before the stay began), told in time or late or not
        yet, reviewed when it is over a week old."""
        occurred_at = max(now - timedelta(days=rng.randrange(0, 90), hours=rng.randrange(1, 20)),
                          timezone.make_aware(timezone.datetime.combine(stay.admitted_on, timezone.datetime.min.time()))
                          + timedelta(hours=9))
        if occurred_at >= now:
            return 0
        kind = rng.choice(("fall", "fall", "fall", "bed_fall", "choking", "wandering", "scald", "pressure_injury"))
        told_after = rng.choice((2, 3, 6, 30, None))
        notified_at = occurred_at + timedelta(hours=told_after) if told_after is not None else None
        if notified_at is not None and notified_at > now:
            notified_at = None
        place = rng.choice(PLACES)
        incident = safety_incident_record(
            by=manager, facility=facility, person=stay.person, occurred_at=occurred_at, kind=kind,
            place=place, harm=rng.choice((IncidentHarm.NONE, IncidentHarm.MINOR, IncidentHarm.MINOR,
                                                       IncidentHarm.TREATED)),
            description=f"{stay.person.name}在{place}发生{next(r.name for r in risks if r.code == kind)}，值班护理员发现后报告",
            actions="立即查看并处置，通知医务室检查，加强巡视",
            family_notified_at=notified_at, family_notified="家属（子女）" if notified_at else "",
        )
        if (now - occurred_at).days > 7:
            safety_incident_follow_up(
                by=manager, incident=incident, family_notified_at=notified_at, family_notified=incident.family_notified,
                review="夜间巡视间隔过长；已调整为每2小时巡视一次", reviewed_on=(occurred_at + timedelta(days=3)).date(),
            )
        return 1

    def _rounds(self, manager, facility, now, *, skip_night: bool) -> int:
        """Rounds every two hours and handovers at 08:00 and 20:00 in two units, yesterday and today so far;
        with `skip_night`, no ground-floor round from 00:00 to 06:00 yesterday."""
        count = 0
        today = now.date()
        for days_back in (1, 0):
            day = today - timedelta(days=days_back)
            for unit in ("一楼", "二楼"):
                for hour in range(0, 24, 2):
                    at = timezone.make_aware(timezone.datetime.combine(day, time(hour, 10)))
                    if at > now or (skip_night and days_back == 1 and unit == "一楼" and hour < 6):
                        continue
                    safety_round_record(by=manager, facility=facility, unit=unit, kind=RoundKind.ROUND, at=at,
                                        staff=f"护理员{hour % 3 + 1}号", findings="夜间一名老人未眠，已安抚" if hour == 2 else "")
                    count += 1
                for hour in (8, 20):
                    at = timezone.make_aware(timezone.datetime.combine(day, time(hour, 0)))
                    if at <= now:
                        safety_round_record(by=manager, facility=facility, unit=unit, kind=RoundKind.HANDOVER, at=at,
                                            staff="夜班护理员" if hour == 8 else "白班护理员",
                                            received_by="白班护理员" if hour == 8 else "夜班护理员")
                        count += 1
        return count
