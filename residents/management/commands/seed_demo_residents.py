"""Demo residents for the demo city: people in every category, some overdue assessments, dispersed
people with visits due, and orphans in the child-welfare institutions. Safe to run again."""
import random
from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from common.history import save_with_history
from facilities.demo import demo_facility_manager, demo_inspector
from facilities.models import Facility, FacilityKind, Operator, Region, RegionPolicy
from residents import scans, services
from residents.ability.selectors import ability_scale_for
from residents.ability.services import ability_assessment_record, ltc_assessment_record
from residents.models import Person, SupportForm, SupportKind
from residents.rules import id_check_character

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺顾毛郝龚邵万覃武钱戴严莫孔向常汤"
GIVEN = "秀英桂兰凤珍玉梅淑芳建国志强德明文华永红春生金海福贵长林玉兰翠花振华家宝世英荣华明亮守仁汉民"
SEED = 20261123
DEMO_ACCOUNTS = 12  # people given a payment account


def _id_number(rng: random.Random, region: str, born: date, male: bool) -> str:
    sequence = rng.randrange(0, 100) * 10 + rng.randrange(0, 10)
    sequence = sequence - sequence % 2 + (1 if male else 0)
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    return body + id_check_character(body)


def _name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


def _indicators(rng: random.Random, unable: int) -> dict[str, bool]:
    names = ["eating_unable", "dressing_unable", "transfer_unable", "toileting_unable", "walking_unable", "bathing_unable"]
    chosen = set(rng.sample(names, unable))
    return {name: name in chosen for name in names}


class Command(BaseCommand):
    help = "载入演示人员 / Seed demo residents, assessments and dispersed support (idempotent)"

    @transaction.atomic
    def handle(self, *args, **options):
        with services.scans_deferred():
            self._seed()

    def _seed(self):
        if Person.objects.filter(id_number__startswith="6210").count() >= 100:
            self.stdout.write("演示人员已存在 / demo residents already present")
            return
        inspector = demo_inspector()  # region work: people, support status, dispersed support
        rng = random.Random(SEED)
        self.ability_rng = random.Random(SEED + 42195)
        self.ltc_rng = random.Random(SEED + 2021)
        self._city_accepts_ltc()
        today = timezone.localdate()
        created = 0
        facilities = list(Facility.objects.filter(region__code__startswith="6210", status="operating").order_by("id"))
        with demo_facility_manager(facilities) as manager:  # facility work: admissions, assessments
            for facility in facilities:
                if facility.kind == FacilityKind.CHILD_WELFARE:
                    created += self._orphans(rng, inspector, manager, facility, today)
                else:
                    created += self._elderly(rng, inspector, manager, facility, today)
        created += self._dispersed(rng, inspector, today)
        self._bank_accounts(inspector)
        scans.scan_assessments(today=today)
        scans.scan_visits(today=today)
        scans.scan_duplicate_enrolment()
        scans.scan_capacity()
        self.stdout.write(f"演示人员：新增 {created} 人 / demo residents: {created} new")

    def _bank_accounts(self, inspector) -> None:
        """Some of the city's people with the account their allowances are paid into (the payment roster's
        columns); made-up numbers of a demo bank."""
        for person in Person.objects.filter(hukou_region__code__startswith="6210").order_by("id")[:DEMO_ACCOUNTS]:
            services.person_bank_account_set(by=inspector, person=person, bank_name="演示银行庆阳分行",
                                             account=f"62284800{person.pk:011d}")

    def _person(self, rng, actor, *, county: str, born: date, male: bool, **fields) -> Person:
        while True:
            id_number = _id_number(rng, county, born, male)
            if not Person.objects.filter(id_number=id_number).exists():
                break
        return services.person_register(
            by=actor, name=_name(rng), id_number=id_number, hukou_region=Region.objects.get(code=county),
            hukou_type=fields.pop("hukou_type", "rural"), phone=f"139{rng.randrange(10**7, 10**8)}", **fields,
        )

    def _elderly(self, rng, actor, manager, facility: Facility, today: date) -> int:
        count = max(4, facility.bed_capacity // 8)
        county = facility.region_id[:6]
        for index in range(count):
            born = date(rng.randrange(1932, 1957), rng.randrange(1, 13), rng.randrange(1, 29))
            person = self._person(rng, actor, county=county, born=born, male=rng.random() < 0.55)
            admitted = today - timedelta(days=rng.randrange(200, 2500))
            confirmed = admitted - timedelta(days=rng.randrange(30, 400))
            if facility.kind == FacilityKind.CARE_HOME or (facility.operator != Operator.PRIVATE and index % 2 == 0):
                services.support_status_confirm(
                    by=actor, person=person, kind=SupportKind.HARDSHIP, confirmed_on=confirmed,
                    support_form=SupportForm.CENTRALISED, certificate_number=f"甘特困{county}{rng.randrange(10000, 99999)}",
                )
            elif index % 3 == 0:
                services.support_status_confirm(by=actor, person=person, kind=SupportKind.DIBAO, confirmed_on=confirmed)
            else:
                services.support_status_confirm(by=actor, person=person, kind=SupportKind.SELF_PAYING, confirmed_on=confirmed)
            services.stay_admit(by=manager, facility=facility, person=person, admitted_on=admitted)
            if index % 7 == 3:
                continue  # never assessed: opens "assessment missing"
            overdue = index % 9 == 1
            assessed_on = today - timedelta(days=rng.randrange(400, 500) if overdue else rng.randrange(10, 300))
            unable = rng.choices(range(7), weights=[30, 10, 10, 10, 12, 12, 16])[0]
            services.assessment_record(
                by=manager, person=person, assessed_on=max(assessed_on, admitted), unable=_indicators(rng, unable),
                assessors=f"{_name(rng)}、{_name(rng)}", reason="initial" if not overdue else "periodic",
            )
            if index % 5 != 4:  # one in five without a GB/T 42195 assessment yet
                self._ability(manager, person, facility, admitted, today)
            elif index % 10 == 9:  # half of those have a long-term-care result instead
                self._ltc(manager, person, admitted, today)
        return count

    def _city_accepts_ltc(self) -> None:
        """The demo city accepts long-term-care results (采信) from 2020; 西峰区's own rules (seed_demo_accountability)
        do not, so both cases show. The city records the accounts allowances are paid into."""
        if not RegionPolicy.objects.filter(region_id="621000").exists():
            policy = RegionPolicy(region_id="621000", effective_from=date(2020, 1, 1), accept_ltc_assessment=True,
                                  records_bank_accounts=True,
                                  note="演示：庆阳市采信长期护理保险失能评估结果，登记发放银行账号")
            save_with_history(policy, by=None, reason="演示区划规则")

    def _ltc(self, manager, person: Person, admitted: date, today: date) -> None:
        rng = self.ltc_rng
        assessed_on = max(admitted, today - timedelta(days=rng.randrange(30, 300)))
        ltc_assessment_record(
            by=manager, person=person, source="庆阳市医疗保障局长期护理保险失能评估（演示）",
            ltc_level=rng.choice((1, 2, 3, 4, 5)), assessed_on=assessed_on, valid_until=assessed_on + timedelta(days=730),
        )

    def _ability(self, manager, person: Person, facility: Facility, admitted: date, today: date) -> None:
        """A GB/T 42195 assessment whose items follow one ability profile, from its own random stream (the
        people above stay the same whatever is added here)."""
        rng = self.ability_rng
        scale = ability_scale_for(region_code=facility.region_id, on=today)
        share = rng.choice((1.0, 0.85, 0.65, 0.45, 0.25))
        answers = {}
        for item in scale.items:
            top = max(score for score, _label in item["options"])
            answers[item["code"]] = min(top, max(0, round(top * share + rng.uniform(-0.6, 0.6))))
        disorder = rng.random() < 0.12
        ability_assessment_record(
            by=manager, person=person, assessed_on=max(admitted, today - timedelta(days=rng.randrange(5, 330))),
            reason="initial", answers=answers, assessor=_name(rng), second_assessor=_name(rng) + "（复核）",
            mental_disorder=disorder, diagnosis="阿尔茨海默病 F00.1" if disorder else "",
            risk_events_30d=rng.choice((0, 0, 0, 1, 2)),
        )

    def _orphans(self, rng, actor, manager, facility: Facility, today: date) -> int:
        count = max(3, facility.bed_capacity // 10)
        county = facility.region_id[:6]
        for index in range(count):
            born = today - timedelta(days=rng.randrange(3 * 365, 15 * 365))
            person = self._person(rng, actor, county=county, born=born, male=rng.random() < 0.5, hukou_type="urban")
            admitted = max(born + timedelta(days=30), today - timedelta(days=rng.randrange(100, 1500)))
            kind = SupportKind.ORPHAN if index % 4 else SupportKind.UNSUPPORTED_CHILD
            services.support_status_confirm(by=actor, person=person, kind=kind, confirmed_on=admitted)
            services.stay_admit(by=manager, facility=facility, person=person, admitted_on=admitted)
            services.assessment_record(
                by=manager, person=person, assessed_on=max(admitted, today - timedelta(days=rng.randrange(20, 330))),
                unable=_indicators(rng, rng.choice((0, 0, 2, 5))),
                assessors=_name(rng), reason="initial",
            )
        return count

    def _dispersed(self, rng, actor, today: date) -> int:
        townships = list(Region.objects.filter(code__startswith="6210", level="township").order_by("code"))
        for index in range(24):
            township = townships[index % len(townships)]
            born = date(rng.randrange(1935, 1957), rng.randrange(1, 13), rng.randrange(1, 29))
            disability = {"disability_category": "physical", "disability_grade": 2} if index % 6 == 0 else {}
            person = self._person(
                rng, actor, county=township.code[:6], born=born, male=rng.random() < 0.5,
                residence_region=township, address=f"{township.full_name}{rng.randrange(1, 30)}组{rng.randrange(1, 90)}号",
                **disability,
            )
            confirmed = today - timedelta(days=rng.randrange(120, 1500))
            services.support_status_confirm(
                by=actor, person=person, kind=SupportKind.HARDSHIP, confirmed_on=confirmed,
                support_form=SupportForm.DISPERSED, certificate_number=f"甘特困{township.code[:6]}{rng.randrange(10000, 99999)}",
            )
            services.care_agreement_record(
                by=actor, person=person, caregiver_name=_name(rng), caregiver_relation=rng.choice(["侄子", "邻居", "村干部", "女儿"]),
                township_party=f"{township.name}人民政府", signed_on=confirmed, valid_until=confirmed + timedelta(days=3 * 365),
            )
            last_visit = today - timedelta(days=rng.randrange(40, 90) if index % 4 == 0 else rng.randrange(1, 25))
            services.visit_record(
                by=actor, person=person, visited_on=last_visit, visitor=f"{township.name}民政助理员",
                mode=rng.choice(["home", "home", "phone"]), findings="身体状况稳定，生活用品齐全，照料人履约良好。",
            )
            services.assessment_record(
                by=actor, person=person, assessed_on=max(confirmed, today - timedelta(days=rng.randrange(20, 330))),
                unable=_indicators(rng, rng.choice((0, 1, 2, 4))),
                assessors=f"{township.name}民政助理员", reason="initial",
            )
        return 24
