"""Demo staff for the demo city (run after seed_demo and seed_demo_residents), then 90 days of
compliance snapshots so the charts and the staffing alerts have something to show. Safe to run again.

The story the data tells today:
- most facilities are staffed to the ratio on every one of the last 90 days;
- SHORT_BY: two facilities are below the ratio on every day (环县夕阳红 was one carer short and
  lost another 40–80 days ago, so the gap grew from 1 to 2; 宁县福寿园 is one short);
- NO_DATA: one facility has residents but no staff records at all;
- DOUBLE_COUNTED: one carer works full time at one facility and half time at another (1.5 FTE);
- a few staff are on leave today, a few certificates expire within 60 days, a cook and a carer
  were replaced and a few carers were hired within the 90 days, so the charts move.
Statuses are kept constant over the 90 days on purpose: backfilling day by day then opens each
alert once instead of opening and resolving it as the days are replayed.

Demo staff are recognised by their ID numbers: they carry the codes of the former 庆阳地区
(6227xx, GB/T 2260 before 2002), which people born 1965–2000 there still have, so they never
collide with the demo residents (6210xx).
"""
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from facilities.demo import demo_facility_manager
from facilities.models import Facility, FacilityKind
from facilities.selectors import region_policies
from residents.rules import id_check_character
from staffing import services
from staffing.census import census_on
from staffing.compliance import compliance_compute, counting_roles
from staffing.models import (
    ComplianceSnapshot,
    ComplianceStatus,
    LeaveKind,
    StaffMember,
    StaffRole,
)
from staffing.rules import StaffRatios, required_staff

SEED = 20261124
HISTORY_DAYS = 90
DEMO_ID_PREFIX = "6227"
# Current county → its code before 2002 (庆阳地区 622700); 华池、合水、正宁 for people from elsewhere.
OLD_COUNTY = {"621002": "622701", "621021": "622721", "621022": "622722", "621026": "622726", "621027": "622727"}
OTHER_OLD_COUNTIES = ["622723", "622724", "622725"]

NO_DATA = "庆城县颐和养老院"
SHORT_BY = {"环县夕阳红养老服务中心": 2, "宁县福寿园养老中心": 1}
GAP_GREW_AT = "环县夕阳红养老服务中心"  # a carer left and was not replaced
CARER_REPLACED_AT = "西峰区康乐老年公寓"
DOUBLE_COUNTED = ("西峰区中心敬老院", "西峰区董志特困供养服务中心")  # full time at the first, 0.5 at the second
COOK_REPLACED_AT = "庆阳市社会福利院"
# facility → (role, leave kind, starts today + n, ends today + n)
LEAVES_TODAY = {
    "庆阳市社会福利院": (StaffRole.CARER, LeaveKind.MATERNITY, -50, 48),
    "庆城县特困人员供养服务中心": (StaffRole.CARER, LeaveKind.SICK, -3, 4),
    "西峰区社会福利中心": (StaffRole.NURSE, LeaveKind.ANNUAL, -1, 5),
    "庆阳市儿童福利院": (StaffRole.CARER, LeaveKind.SICK, -6, 8),
}
RECENT_HIRES_AT = ("西峰区社会福利中心", "庆城县驿马颐养中心")  # extra carers hired inside the 90 days

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董潘袁蔡蒋余杜叶程魏苏吕丁任"
    "姚沈姜崔范贾付方白孟秦侯尹薛闫段雷史贺毛郝常慕巩党路"
)
GIVEN_FEMALE = ["丽", "芳", "娟", "霞", "燕", "敏", "静", "红", "梅", "艳", "玲", "萍", "琴", "慧", "雪", "娜", "蓉", "丹", "秀兰", "桂芳", "小燕", "晓红", "亚琴", "海燕", "春梅", "玉霞", "彩霞", "红梅", "丽娟", "文静", "雅婷", "佳欣", "淑芳", "爱琴"]
GIVEN_MALE = ["伟", "强", "军", "勇", "斌", "涛", "磊", "鹏", "刚", "平", "亮", "杰", "建军", "志刚", "海龙", "文博", "永强", "国庆", "建平", "小军", "俊杰", "宏伟", "晓东", "学文", "振华", "天宇"]
MOBILE_PREFIXES = ["133", "135", "137", "138", "139", "151", "153", "158", "177", "180", "181", "189", "199"]

COUNTED_EXTRA = {StaffRole.CARER, StaffRole.NURSE}  # roles the planner may add to reach the ratio


@dataclass
class Person:
    name: str
    id_number: str
    phone: str
    born: date


@dataclass
class Job:
    person: Person
    role: str
    fte: Decimal
    started_on: date
    ended_on: date | None = None
    leave: tuple[str, date, date] | None = None
    certificate_number: str = ""
    certificate_expires_on: date | None = None

    def counts_on(self, day: date, roles) -> Decimal:
        employed = self.started_on <= day and (self.ended_on is None or self.ended_on >= day)
        away = self.leave is not None and self.leave[1] <= day <= self.leave[2]
        return self.fte if self.role in roles and employed and not away else Decimal(0)


class Command(BaseCommand):
    help = "载入演示工作人员与 90 天配比快照 / Seed demo staff and 90 days of compliance snapshots (idempotent)"

    def handle(self, *args, **options):
        today = timezone.localdate()
        days = [today - timedelta(days=offset) for offset in range(HISTORY_DAYS - 1, -1, -1)]
        people = employments = leaves = 0
        present = StaffMember.objects.filter(id_number__startswith=DEMO_ID_PREFIX).exists()
        if not present:
            writes, last = self._plan_all(today, days)
            # Staff are entered by a facility manager account (facilities.demo), not the administrator.
            with demo_facility_manager({facility for facility, _job in writes} | {last[0]}) as actor:
                with transaction.atomic():
                    employments, leaves = self._write(actor, writes)
                    people = len(self._ids)
                # The double-counted carer's second employment goes in on its own, after the rest has
                # committed and each facility's after-commit recompute has run: that per-facility
                # recompute (staffing.tasks.compliance_for_facility) fails with an IntegrityError once a
                # double-counting alert is open in the *other* facility, so at most one may see both.
                with transaction.atomic():
                    more = self._write(actor, [last])
            employments, leaves = employments + more[0], leaves + more[1]
        with transaction.atomic():
            computed = self._snapshots(days, recompute_all=not present)
        summary = self._today_summary(today)
        if present:
            zh = f"演示工作人员已存在，未新增；补算快照 {computed} 天"
            en = f"demo staff already present, nothing added; {computed} days of snapshots computed"
        else:
            zh = f"演示工作人员：新增 {people} 人、聘用 {employments} 条、请假 {leaves} 条，配比快照 {computed} 天"
            en = f"demo staff: {people} people, {employments} employments, {leaves} leaves, {computed} snapshot days"
        self.stdout.write(f"{zh}；{summary['zh']} / {en}; {summary['en']}")

    # -- planning ---------------------------------------------------------------------------------

    def _plan_all(self, today: date, days: list[date]) -> tuple[list[tuple[Facility, Job]], tuple[Facility, Job]]:
        """Every employment to write, in order, and apart from them the double-counted half-time one."""
        facilities = list(
            Facility.objects.filter(region__code__startswith="6210", status="operating").order_by("id")
        )
        if not facilities:
            raise CommandError("请先运行 seed_demo / run seed_demo first")
        censuses = {day: census_on(day, facility_ids=[f.pk for f in facilities]) for day in days}
        if not censuses[today]:
            raise CommandError("请先运行 seed_demo_residents / run seed_demo_residents first")
        policies = region_policies(region_codes=[f.region_id for f in facilities], on=today)
        by_name = {f.name: f for f in facilities}
        missing = [name for name in (NO_DATA, *SHORT_BY, *DOUBLE_COUNTED) if name not in by_name]
        if missing:
            raise CommandError(f"演示机构缺失 / demo facilities missing: {'、'.join(missing)}")

        rng = random.Random(SEED)
        self._ids: set[str] = set()
        plans: dict[int, list[Job]] = {}
        shared = self._person(rng, by_name[DOUBLE_COUNTED[0]], female=True)
        for facility in facilities:
            if facility.name == NO_DATA:
                continue
            policy = policies[facility.region_id]
            required = {day: self._required(censuses[day].get(facility.pk), policy) for day in days}
            plans[facility.pk] = self._plan(rng, facility, today, days, required, counting_roles(policy), shared)
        self._expiring_soon(rng, today, [job for jobs in plans.values() for job in jobs])
        writes = [(f, job) for f in facilities for job in plans.get(f.pk, [])]
        last = next(w for w in writes if w[1].person is shared and w[0].name == DOUBLE_COUNTED[1])
        return [w for w in writes if w is not last], last

    @staticmethod
    def _required(counts, policy) -> int:
        if counts is None:
            return 0
        ratios = StaffRatios(
            full=policy.staff_ratio_full, partial=policy.staff_ratio_partial,
            self_care=policy.staff_ratio_self_care, orphan=policy.staff_ratio_orphan,
        )
        return required_staff(
            full=counts.full, partial=counts.partial, self_care=counts.self_care, orphans=counts.orphans,
            ratios=ratios, rounding=policy.staff_rounding,
        )

    def _plan(self, rng, facility, today, days, required, roles, shared: Person) -> list[Job]:
        beds = facility.bed_capacity
        short = SHORT_BY.get(facility.name)

        def before_window() -> date:
            """Employed on every day of the 90, hired within the last three years."""
            return days[0] - timedelta(days=rng.randrange(10, 3 * 365 - HISTORY_DAYS))

        def job(role, *, fte="1.00", started_on=None, female=None, born_after=1965, **extra) -> Job:
            if female is None:
                female = rng.random() < (0.88 if role in (StaffRole.CARER, StaffRole.NURSE) else 0.35)
            started_on = started_on or today - timedelta(days=rng.randrange(100, 3 * 365))
            person = self._person(rng, facility, female=female, born_after=born_after)
            return Job(person, role, Decimal(fte), started_on, **self._certificate(rng, role, facility, today), **extra)

        jobs = [job(StaffRole.MANAGER), job(StaffRole.COOK)]
        if beds >= 150:
            jobs.append(job(StaffRole.COOK))
        if beds >= 80:
            jobs.append(job(StaffRole.LOGISTICS, female=False))
        if beds >= 100:
            jobs.append(job(StaffRole.SECURITY, female=False))
        if beds >= 150:
            jobs.append(job(StaffRole.DOCTOR))
        nurses = 2 if beds >= 200 else 1 if beds >= 100 or facility.kind == FacilityKind.CHILD_WELFARE else 0
        if short is not None:
            nurses = min(nurses, max(0, required[today] - short - 1))  # a short facility still has a carer first
        jobs += [job(StaffRole.NURSE) for _ in range(nurses)]

        if facility.name == COOK_REPLACED_AT:
            left = today - timedelta(days=rng.randrange(60, 75))
            jobs.append(job(StaffRole.COOK, started_on=left - timedelta(days=rng.randrange(400, 900)), ended_on=left))
            jobs.append(job(StaffRole.COOK, started_on=left + timedelta(days=3)))
        if facility.name == CARER_REPLACED_AT:
            left = today - timedelta(days=rng.randrange(45, 75))
            jobs.append(job(StaffRole.CARER, started_on=left - timedelta(days=rng.randrange(300, 900)), ended_on=left))
            jobs.append(job(StaffRole.CARER, started_on=left - timedelta(days=rng.randrange(3, 10))))
        shared_job = None
        if facility.name in DOUBLE_COUNTED:
            full_time = facility.name == DOUBLE_COUNTED[0]
            shared_job = Job(
                shared, StaffRole.CARER, Decimal("1.00" if full_time else "0.50"),
                today - timedelta(days=rng.randrange(500, 900) if full_time else rng.randrange(150, 250)),
                certificate_number=f"S000062621002{SEED % 10**6:06d}",  # one person, one certificate
                certificate_expires_on=today + timedelta(days=700),
            )
            if full_time:
                jobs.append(shared_job)
        if facility.name in RECENT_HIRES_AT:
            jobs.append(job(StaffRole.CARER, started_on=today - timedelta(days=rng.randrange(15, 80))))

        if short is not None:
            # Staffed to today's requirement minus the gap; the carers who left made the gap.
            target = Decimal(max(0, required[today] - short))
            while sum(j.counts_on(today, roles) for j in jobs) < target:
                jobs.append(job(StaffRole.CARER, started_on=before_window()))
            if facility.name == GAP_GREW_AT:
                # Short by one less until they left: below the ratio before and after.
                for ended in sorted(rng.sample(range(40, 81), short - 1), reverse=True):
                    ended_on = today - timedelta(days=ended)
                    started_on = ended_on - timedelta(days=rng.randrange(200, 700))
                    jobs.append(job(StaffRole.CARER, started_on=started_on, ended_on=ended_on))
            return jobs

        if facility.name in LEAVES_TODAY:
            role, kind, start, end = LEAVES_TODAY[facility.name]
            maternity = kind == LeaveKind.MATERNITY
            jobs.append(job(role, female=True if maternity else None, born_after=1988 if maternity else 1965,
                            started_on=before_window(),
                            leave=(kind, today + timedelta(days=start), today + timedelta(days=end))))
        if rng.random() < 0.45:
            jobs.append(job(StaffRole.CARER, fte="0.50"))
        # Enough carers employed before the window to meet the ratio on every one of its days.
        deficit = max(required[day] - sum(j.counts_on(day, roles) for j in jobs) for day in days)
        while deficit > 0:
            fte = "0.50" if deficit == Decimal("0.5") else "1.00"
            jobs.append(job(StaffRole.CARER, fte=fte, started_on=before_window()))
            deficit -= Decimal(fte)
        if facility.name == DOUBLE_COUNTED[1]:
            jobs.append(shared_job)  # the half-time job is not needed for the ratio: it is written last
        return jobs

    def _person(self, rng, facility, *, female: bool, born_after: int = 1965) -> Person:
        county = OLD_COUNTY.get(facility.region_id[:6], "622701")
        if rng.random() < 0.1:
            county = rng.choice(OTHER_OLD_COUNTIES)
        given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        name = rng.choice(SURNAMES) + given
        while True:
            born = date(rng.randrange(born_after, 2001), rng.randrange(1, 13), rng.randrange(1, 29))
            sequence = rng.randrange(0, 500) * 2 + (0 if female else 1)
            body = f"{county}{born:%Y%m%d}{sequence:03d}"
            id_number = body + id_check_character(body)
            if id_number not in self._ids:
                self._ids.add(id_number)
                break
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        return Person(name=name, id_number=id_number, phone=phone, born=born)

    @staticmethod
    def _certificate(rng, role, facility, today) -> dict:
        """Certificate numbers in the shape of the real ones; most valid for years."""
        county = facility.region_id[:6]
        later = today + timedelta(days=rng.randrange(90, 4 * 365))
        if role == StaffRole.CARER:
            if rng.random() < 0.15:
                return {}  # not yet certified
            return {"certificate_number": f"S000062{county}{rng.randrange(10**6):06d}", "certificate_expires_on": later}
        if role == StaffRole.NURSE:  # 护士执业证书: year of issue, province, serial
            number = f"{rng.randrange(2008, 2024)}62{rng.randrange(10**6):06d}"
            return {"certificate_number": number, "certificate_expires_on": later}
        if role == StaffRole.DOCTOR:
            return {"certificate_number": f"110{county}{rng.randrange(10**6):06d}"}
        if role == StaffRole.COOK:  # 健康证明, renewed every year
            return {"certificate_number": f"健证{county}{rng.randrange(10**6):06d}",
                    "certificate_expires_on": today + timedelta(days=rng.randrange(61, 365))}
        return {}

    @staticmethod
    def _expiring_soon(rng, today, jobs: list[Job]) -> None:
        certified = [j for j in jobs if j.certificate_expires_on and j.ended_on is None and j.role in COUNTED_EXTRA]
        for chosen in rng.sample(certified, min(4, len(certified))):
            chosen.certificate_expires_on = today + timedelta(days=rng.randrange(5, 59))

    # -- writing ----------------------------------------------------------------------------------

    @staticmethod
    def _write(actor, writes: list[tuple[Facility, Job]]) -> tuple[int, int]:
        """Through the services, as the demo's facility-manager account; returns (employments, leaves)."""
        leaves = 0
        for facility, job in writes:
            employment = services.staff_employ(
                by=actor, facility=facility, name=job.person.name, id_number=job.person.id_number, role=job.role,
                started_on=job.started_on, fte=job.fte, phone=job.person.phone,
                certificate_number=job.certificate_number, certificate_expires_on=job.certificate_expires_on,
            )
            if job.ended_on:
                services.employment_end(by=actor, employment=employment, ended_on=job.ended_on)
            if job.leave:
                kind, starts_on, ends_on = job.leave
                services.leave_record(by=actor, employment=employment, kind=kind, starts_on=starts_on, ends_on=ends_on)
                leaves += 1
        return len(writes), leaves

    @staticmethod
    def _snapshots(days: list[date], *, recompute_all: bool) -> int:
        """Compute the window oldest first (alerts end up matching today); a rerun fills only gaps."""
        if recompute_all:
            todo = days
        else:
            have = set(ComplianceSnapshot.objects.filter(day__in=days).values_list("day", flat=True).distinct())
            todo = [day for day in days if day not in have]
            if todo and todo[-1] != days[-1]:
                todo.append(days[-1])  # end on today so the open alerts describe today
        for day in todo:
            compliance_compute(day=day)
        return len(todo)

    @staticmethod
    def _today_summary(today: date) -> dict[str, str]:
        rows = list(
            ComplianceSnapshot.objects.filter(day=today, facility__region__code__startswith="6210")
            .values_list("status", "facility__name").order_by("facility_id")
        )
        count = {status: sum(1 for s, _ in rows if s == status) for status in ComplianceStatus.values}
        below = "、".join(name for s, name in rows if s == ComplianceStatus.BELOW) or "无"
        no_data = "、".join(name for s, name in rows if s == ComplianceStatus.NO_DATA) or "无"
        return {
            "zh": f"今日达标 {count['compliant']}、不达标 {count['below']}（{below}）、"
                  f"缺少数据 {count['no_data']}（{no_data}）、无在住 {count['empty']}",
            "en": f"today compliant {count['compliant']}, below {count['below']}, "
                  f"no data {count['no_data']}, empty {count['empty']}",
        }
