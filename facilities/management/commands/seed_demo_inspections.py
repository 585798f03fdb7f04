"""Demo star ratings and inspections for the demo city (run after seed_demo), then the alert scans.
Safe to run again: a facility that already has ratings (or inspections) is left as it is.

The story the data tells today (every date is counted back from today, so it holds on any day):
- current star levels 1 to 5 all occur; a few facilities are unrated (children's homes are not
  rated under GB/T 37276, one evaluation failed); the ratings were reached the way the rules allow:
  a first rating of at most level 3, then one level up after at least a year;
- EXPIRING: one rating expires within 90 days; EXPIRED: one expired and was not renewed; RENEWED:
  one facility let its rating lapse and was rated again;
- most facilities were inspected this year, with findings open, due within a week, overdue,
  rectified and waiting for verification, and verified; some inspections are closed;
- NOT_INSPECTED: a few facilities have had no on-site inspection this calendar year, one of them
  with a serious finding from last year still not rectified;
- CHECKLIST: one inspection filled in the safety checklist: two major hazards under supervised
  rectification past their deadline (escalated to the city), one reported rectified with a photo and
  waiting for a re-check by an inspector other than the city's, who found it.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from facilities.checklist_rules import Answer, CheckResult
from facilities.inspections import services
from facilities.inspections.scans import scan_major_hazards, scan_ratings, scan_rectifications
from facilities.inspections.selectors import checklist_in_force
from facilities.models import (
    Facility,
    FacilityAssignment,
    FindingSeverity,
    InspectionKind,
    StarRating,
)
from facilities.ratings.services import rating_record
from facilities.selectors import current_level_subquery

CITY = "621000"

# Section scores (环境 / 设施设备 / 运营管理 / 服务) that reach each level under the default scheme.
SCORES = {
    0: ("40", "45", "55", "200"),
    1: ("50", "55", "62", "250"),
    2: ("65", "70", "80", "320"),
    3: ("80", "90", "100", "400"),
    4: ("100", "110", "125", "500"),
    5: ("110", "120", "140", "560"),
}

# facility → the evaluations it went through, as (days before today, level), oldest first.
RATINGS = {
    "庆阳市社会福利院": [(2 * 365 + 120, 3), (365 + 100, 4), (80, 5)],
    "西峰区中心敬老院": [(2 * 365 + 30, 3), (300, 4)],
    "西峰区社会福利中心": [(365 + 200, 3), (150, 4)],
    "庆城县特困人员供养服务中心": [(500, 3)],
    "西峰区康乐老年公寓": [(420, 3)],
    "镇原县屯字中心敬老院": [(3 * 365 - 40, 3)],  # EXPIRING: valid for about 40 more days
    "西峰区董志特困供养服务中心": [(600, 2)],
    "环县夕阳红养老服务中心": [(250, 2)],
    "宁县早胜敬老院": [(200, 1)],
    "环县洪德敬老院": [(3 * 365 + 45, 1)],  # EXPIRED about 45 days ago, not renewed
    "庆城县驿马颐养中心": [(4 * 365 + 30, 2), (300, 3)],  # RENEWED after the first rating lapsed
    "宁县福寿园养老中心": [(100, 0)],  # failed evaluation: unrated
}
EXPIRING = "镇原县屯字中心敬老院"
EXPIRED = "环县洪德敬老院"
NOT_INSPECTED = ("庆城县颐和养老院", "环县儿童福利院", "庆城县马岭敬老院")


@dataclass(frozen=True)
class F:
    """A finding and what became of it: open (deadline in `days` days), overdue (deadline `days`
    ago), rectified (waiting for verification) or verified."""

    category: str
    severity: str
    description: str
    state: str
    days: int = 30


@dataclass(frozen=True)
class Check:
    """The safety checklist filled in at a visit: every item not listed is met; the deadline is `deadline`
    days after the inspection. A not-met item is (evidence, "open" or "rectified")."""

    not_met: dict[str, tuple[str, str]]
    not_applicable: dict[str, str]
    deadline: int


@dataclass(frozen=True)
class Visit:
    facility: str
    when: int | tuple[int, int]  # days before today (kept within this year), or (month, day) of last year
    kind: str
    summary: str
    findings: list[F] = field(default_factory=list)
    close: bool = False
    check: Check | None = None
    within_year: bool = True  # an `int` day is kept within this year (so "inspected this year" holds on 1 January)


# A photo's first bytes are all the evidence check reads; the demo's "photo" is a 1×1 PNG.
DEMO_PHOTO = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


S, M, N = FindingSeverity.SERIOUS, FindingSeverity.MAJOR, FindingSeverity.MINOR
VISITS = [
    Visit("西峰区中心敬老院", 40, InspectionKind.ROUTINE, "检查消防安全、食品安全、服务质量和档案管理，现场查看居室、厨房、消防控制室。", [
        F("消防安全", S, "二楼东侧安全出口堆放杂物，疏散通道不畅通。", "verified"),
        F("食品安全", M, "食品留样记录不全，缺少部分餐次留样。", "rectified"),
        F("档案管理", N, "部分入住老人生活自理能力评估表未经评估人员签字。", "open", 20),
    ]),
    Visit("西峰区董志特困供养服务中心", 75, InspectionKind.UNANNOUNCED, "夜间暗访，检查值班值守和消防设施运行情况。", [
        F("消防安全", S, "厨房燃气泄漏报警装置失效，未及时维修。", "overdue", 20),
        F("人员配备", M, "夜班仅 1 名护理员值守，失能老人照护力量不足。", "open", 3),
    ]),
    Visit("西峰区董志特困供养服务中心", (6, 12), InspectionKind.ROUTINE, "年度例行检查。", [
        F("卫生防疫", N, "洗衣房污衣、洁衣未分区存放。", "verified"),
    ], close=True),
    Visit("庆城县特困人员供养服务中心", 120, InspectionKind.ROUTINE, "年度例行检查，重点检查设施设备和卫生防疫。", [
        F("卫生防疫", N, "餐具消毒记录不连续。", "verified"),
        F("设施设备", N, "部分居室床头呼叫器损坏。", "verified"),
    ], close=True),
    Visit("环县洪德敬老院", 25, InspectionKind.ROUTINE, "检查安全管理和服务质量。", [
        F("安全管理", M, "部分老人居室使用电热毯，未登记、未定期检查。", "open", 25),
        F("服务质量", N, "护理记录不连续，交接班记录缺失。", "open", 25),
    ]),
    Visit("宁县早胜敬老院", 60, InspectionKind.COMPLAINT, "核查家属关于伙食标准的投诉。", [
        F("服务质量", M, "家属反映伙食标准偏低，经核实每周食谱未按标准执行。", "overdue", 5),
    ]),
    Visit("镇原县屯字中心敬老院", 15, InspectionKind.ROUTINE, "检查消防安全、食品安全和服务质量，未发现问题。", [], close=True),
    Visit("庆阳市社会福利院", 90, InspectionKind.ROUTINE, "年度例行检查。", [
        F("消防安全", M, "消防控制室值班人员未持证上岗。", "verified"),
        F("资金使用", N, "部分服务收费未在公示栏公示。", "verified"),
    ], close=True),
    Visit("西峰区社会福利中心", 30, InspectionKind.RECHECK, "对上次检查问题整改情况进行抽查复查。", [
        F("设施设备", N, "卫生间无障碍扶手松动。", "rectified"),
    ]),
    Visit("西峰区康乐老年公寓", 50, InspectionKind.UNANNOUNCED, "暗访检查消防安全和合同管理。", [
        F("消防安全", S, "发现电动自行车在楼道内充电。", "overdue", 10),
        F("运营管理", M, "未与部分入住老人签订服务合同。", "open", 10),
    ]),
    Visit("环县夕阳红养老服务中心", 10, InspectionKind.ROUTINE, "检查护理人员配备和服务质量。", [
        F("人员配备", M, "护理人员不足，失能老人照护配比不达标。", "open", 30),
    ]),
    Visit("宁县福寿园养老中心", 35, InspectionKind.ROUTINE, "年度例行检查。", [
        F("人员配备", M, "护理员配备不足，未按要求补充。", "open", 5),
        F("食品安全", N, "厨房从业人员健康证过期 1 人。", "verified"),
    ]),
    Visit("庆阳市儿童福利院", 45, InspectionKind.ROUTINE, "检查安全管理和儿童养育照料。", [
        F("安全管理", N, "儿童活动区防护栏高度不足。", "verified"),
    ], close=True),
    Visit("宁县儿童福利院", 20, InspectionKind.ROUTINE, "检查卫生防疫和档案管理。", [
        F("卫生防疫", N, "活动室消毒记录不全。", "rectified"),
    ]),
    Visit("庆城县驿马颐养中心", 5, InspectionKind.ROUTINE, "检查档案管理和服务质量。", [
        F("档案管理", N, "入住老人健康档案未及时更新。", "open", 30),
    ]),
    Visit("庆城县颐和养老院", (9, 20), InspectionKind.ROUTINE, "年度例行检查。", [
        F("消防安全", S, "自动喷水灭火系统未经验收即投入使用。", "overdue", 0),
        F("运营管理", N, "未按规定公示收费项目。", "verified"),
    ]),
    Visit("环县儿童福利院", (11, 5), InspectionKind.ROUTINE, "年度例行检查，未发现问题。", [], close=True),
    Visit("西峰区社会福利中心", 55, InspectionKind.ROUTINE, "按重大事故隐患判定标准和 GB 38600 逐项检查。", check=Check(
        not_met={
            "H6-2": ("北侧安全出口上锁，钥匙由门卫保管，夜间无法开启。", "open"),
            "H6-4": ("夜间两栋楼仅一名值班人员，巡查记录中断。", "rectified"),
            "G7-1": ("交接班记录未写明失能老人的情况。", "open"),
        },
        not_applicable={"H5-4": "未设内设医疗机构，由签约卫生院提供医疗服务。"},
        deadline=15,
    ), within_year=False),
]
INSPECTORS = {"621002": "李秀兰、王建国", "621021": "王建国、张丽", "621022": "王建国、马晓东", "621026": "王建国、杨文华", "621027": "王建国、杨文华"}


class Command(BaseCommand):
    help = "载入演示等级评定与督导检查 / Seed demo star ratings and inspections for 庆阳市 (idempotent)"

    def handle(self, *args, **options):
        today = timezone.localdate()
        facilities = {f.name: f for f in Facility.objects.filter(region__code__startswith=CITY[:4])}
        missing = (set(RATINGS) | {v.facility for v in VISITS}) - set(facilities)
        if missing:
            raise CommandError(f"请先运行 seed_demo / run seed_demo first (missing: {'、'.join(sorted(missing))})")
        admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
        inspector = User.objects.filter(role=Role.INSPECTOR, region_code=CITY, is_active=True).order_by("pk").first()
        if admin is None or inspector is None:
            raise CommandError("需要演示管理员和庆阳市督查账号，请先运行 seed_demo / run seed_demo first")
        with transaction.atomic():
            rated = self._ratings(facilities, admin, today)
            inspected = self._inspections(facilities, inspector, admin, today)
        rectifications = scan_rectifications(today=today)
        hazards = scan_major_hazards(today=today)
        ratings = scan_ratings(today=today)
        self._report(today, rated, inspected, rectifications, ratings, hazards)

    # --- ratings ------------------------------------------------------------------------

    def _ratings(self, facilities, admin, today) -> int:
        done = set(StarRating.objects.filter(facility__name__in=list(RATINGS)).values_list("facility__name", flat=True))
        recorded = 0
        for name, steps in RATINGS.items():
            if name in done:
                continue
            for number, (days_ago, level) in enumerate(steps, start=1):
                rated_on = today - timedelta(days=days_ago)
                environment, equipment, management, service = (Decimal(v) for v in SCORES[level])
                rating = rating_record(
                    by=admin, facility=facilities[name], rated_on=rated_on, environment=environment,
                    equipment=equipment, management=management, service=service,
                    evaluators="庆阳市民政局等级评定组：王建国、张丽、杨文华",
                    certificate_number=f"庆民养评〔{rated_on.year}〕{facilities[name].pk:03d}-{number}号" if level else "",
                )
                if rating.level != level:
                    raise CommandError(f"{name}: 评分得出 {rating.level} 级，预期 {level} 级（区划评星门槛已改？）")
                recorded += 1
        return recorded

    # --- inspections --------------------------------------------------------------------

    def _inspections(self, facilities, inspector, admin, today) -> int:
        done = set(Facility.objects.filter(name__in=[v.facility for v in VISITS], inspections__isnull=False)
                   .values_list("name", flat=True))
        managers = {
            a.facility_id: a.user for a in FacilityAssignment.objects.filter(
                user__is_active=True, user__role=Role.MANAGER, facility__in=list(facilities.values()),
            ).select_related("user").order_by("pk")
        }
        recorded = 0
        for visit in VISITS:
            if visit.facility in done:
                continue
            facility = facilities[visit.facility]
            if isinstance(visit.when, tuple):
                inspected_on = date(today.year - 1, *visit.when)
            elif visit.within_year:
                inspected_on = max(today - timedelta(days=visit.when), date(today.year, 1, 1))
            else:
                inspected_on = today - timedelta(days=visit.when)
            inspection = services.inspection_record(
                by=inspector, facility=facility, inspected_on=inspected_on, kind=visit.kind,
                inspectors=INSPECTORS.get(facility.region_id[:6], "王建国"), summary=visit.summary,
            )
            last_verified = inspected_on
            for item in visit.findings:
                last_verified = max(last_verified, self._finding(
                    inspection, item, inspector=inspector, manager=managers.get(facility.pk, admin), today=today,
                ))
            if visit.check:
                self._checklist(inspection, visit.check, inspector=inspector,
                                manager=managers.get(facility.pk, admin), today=today)
            if visit.close:
                services.inspection_close(by=inspector, inspection=inspection, closed_on=min(today, last_verified))
            recorded += 1
        return recorded

    def _finding(self, inspection, item: F, *, inspector, manager, today) -> date:
        """Record one finding and take it as far as its state says; returns its verification date."""
        start = inspection.inspected_on

        def clamp(day: date) -> date:
            return min(max(day, start), today)

        if item.state == "open":
            deadline = today + timedelta(days=item.days)
        elif item.state == "overdue":
            # days=0: the usual 30 days after an inspection long past
            deadline = start + timedelta(days=30) if item.days == 0 else max(start, today - timedelta(days=item.days))
        else:
            deadline = start + timedelta(days=30)
        finding = services.finding_add(
            by=inspector, inspection=inspection, category=item.category, severity=item.severity,
            description=item.description, deadline=deadline,
        )
        if item.state in ("rectified", "verified"):
            rectified_on = clamp(today - timedelta(days=2)) if item.state == "rectified" else clamp(start + timedelta(days=10))
            finding = services.finding_rectify(
                by=manager, finding=finding, rectified_on=rectified_on,
                rectification=f"已按要求整改：{item.description.rstrip('。')}的问题已处理完毕，并建立日常检查制度。",
            )
            if item.state == "verified":
                verified_on = clamp(rectified_on + timedelta(days=5))
                services.finding_verify(by=inspector, finding=finding, verified_on=verified_on)
                return verified_on
        return start

    def _checklist(self, inspection, check: Check, *, inspector, manager, today) -> None:
        checklist = checklist_in_force(facility=inspection.facility, on=inspection.inspected_on)
        answers = {row["code"]: Answer(result=CheckResult.MET) for row in checklist.items}
        answers.update({code: Answer(result=CheckResult.NOT_MET, evidence=evidence)
                        for code, (evidence, _state) in check.not_met.items()})
        answers.update({code: Answer(result=CheckResult.NOT_APPLICABLE, evidence=reason)
                        for code, reason in check.not_applicable.items()})
        saved = services.checklist_record(by=inspector, inspection=inspection, answers=answers,
                                          deadline=inspection.inspected_on + timedelta(days=check.deadline))
        for row in saved:
            if row.finding is not None and check.not_met[row.item_code][1] == "rectified":
                services.finding_rectify(
                    by=manager, finding=row.finding, rectified_on=max(inspection.inspected_on, today - timedelta(days=3)),
                    rectification="已增配夜间值班人员一名，两栋楼各一人，巡查每两小时一次并记录。",
                    evidence=ContentFile(DEMO_PHOTO, name="photo.png"),
                )

    def _report(self, today, rated, inspected, rectifications, ratings, hazards) -> None:
        levels = {}
        for level in Facility.objects.filter(region__code__startswith=CITY[:4]).annotate(
            star_level=current_level_subquery(on=today)
        ).values_list("star_level", flat=True):
            levels[level] = levels.get(level, 0) + 1
        self.stdout.write(
            f"等级评定：新录入 {rated} 条；当前星级分布 "
            + "、".join(f"{level}星 {levels.get(level, 0)}" for level in range(1, 6))
            + f"、未评级 {levels.get(0, 0)}"
        )
        self.stdout.write(f"督导检查：新录入 {inspected} 次；本年度未检查：{'、'.join(NOT_INSPECTED)}")
        self.stdout.write(
            f"预警：整改逾期 新开 {rectifications[0]} / 解除 {rectifications[1]}；"
            f"等级到期 新开 {ratings[0]} / 解除 {ratings[1]}（即将到期：{EXPIRING}；已过期：{EXPIRED}）；"
            f"重大事故隐患逾期 新开 {hazards[0]} / 解除 {hazards[1]}"
        )
