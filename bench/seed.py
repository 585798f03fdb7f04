"""A whole province at scale, written in bulk: the data `make bench` measures against.

One real province of the national region table (Gansu, 620000, by default) with synthetic
townships under each of its counties (the national table stops at counties), then facilities of
every kind with capacities, people in them and at home (valid GB 11643 ID numbers), their support
statuses, stays, self-care assessment histories, dispersed-support agreements and visits, staff
with employments and leave (some facilities understaffed, some with no staff records, a few carers
counted twice), star ratings computed with the GB/T 37276 rule, the sample subsidy standards and
two years of daily compliance snapshots.

Rows are written with PostgreSQL's COPY (psycopg `cursor.copy`) or, on SQLite, with bulk_create.
Every database constraint holds (one active stay and one open status per kind per person, dates
in order, scores within range, levels computed by `star_level`). What bulk seeding skips on
purpose: the simple-history rows (the audit trail starts empty, as after a data migration) and
the per-row services (their checks are reproduced here: no minors outside child-welfare
institutions, levels from scores, categories from the six indicators).
"""
from __future__ import annotations

import math
import random
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max

from accounts.models import Role, User
from common.pinyin import name_initials
from facilities.models import (
    Facility,
    FacilityAssignment,
    FacilityKind,
    FacilityStatus,
    Operator,
    Region,
    RegionLevel,
    RegionPolicy,
    StarRating,
)
from facilities.rules import credit_code_check_character, rating_expires_on, star_level
from residents.models import (
    CareAgreement,
    Person,
    SelfCareAssessment,
    Stay,
    SupportStatus,
    Visit,
)
from residents.rules import add_months, assessment_due_on, id_check_character, is_assessment_valid
from staffing.models import ComplianceSnapshot, Employment, Leave, StaffMember
from staffing.rules import required_staff
from subsidies.models import SubsidyStandard

PASSWORD = "Minzheng@2026"
SEED = 20260701

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜"
    "崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺顾毛郝龚邵万覃武钱戴严莫孔向常汤"
)
GIVEN = "秀英桂兰凤珍玉梅淑芳建国志强德明文华永红春生金海福贵长林翠花振家宝世荣亮守仁汉民有才占奎存孝彩霞兴旺"
PLACE_A = "东西南北中新大小上下高平安和兴永太长青红白金石柳杨王张马牛黄龙凤鹿云花川"
PLACE_B = "川山河湾坪塬沟岭坡寨堡店庄集口源峪台湖桥峰屯滩窑铺"
BRANDS = ("福寿", "康乐", "颐和", "夕阳红", "松鹤", "安康", "乐龄", "金秋", "仁爱", "百福", "长青", "祥和", "颐年", "爱心")
ELDERLY_SUFFIX = ("养老院", "颐养中心", "老年公寓", "养老服务中心", "护理院")
INDICATOR_FIELDS = SelfCareAssessment.INDICATOR_FIELDS
CATEGORIES = ("self_care", "partial", "full")
BETTER = {"full": "partial", "partial": "self_care", "self_care": "self_care"}


@dataclass(frozen=True)
class Sizes:
    facilities: int = 3000
    people: int = 300_000
    staff: int = 40_000
    months: int = 24
    in_facility_share: float = 0.4


@dataclass
class FacilityRow:
    id: int
    kind: str
    region_id: str
    county: str
    capacity: int
    status: str
    operator: str
    residents: int = 0
    census: Counter = field(default_factory=Counter)


class Writer:
    """COPY on PostgreSQL, bulk_create elsewhere; explicit primary keys so rows can refer to each other."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.counts: Counter = Counter()
        self._next: dict[type, int] = {}

    def next_id(self, model, count: int = 1) -> int:
        if model not in self._next:
            self._next[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        first = self._next[model]
        self._next[model] += count
        return first

    def write(self, model, fields: tuple[str, ...], rows) -> int:
        opts = model._meta
        columns = [opts.get_field(name).column for name in fields]
        count = 0
        if self.postgres:
            sql = f'COPY {opts.db_table} ({", ".join(columns)}) FROM STDIN'
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            attnames = [opts.get_field(name).attname for name in fields]
            batch = []
            for row in rows:
                batch.append(model(**dict(zip(attnames, row))))
                if len(batch) >= 2000:
                    model.objects.bulk_create(batch)
                    count += len(batch)
                    batch = []
            model.objects.bulk_create(batch)
            count += len(batch)
        self.counts[opts.db_table] += count
        return count

    @contextmanager
    def indexes_deferred(self, models):
        """Drop the secondary indexes, unique and foreign-key constraints of big tables for the load and
        build them again after it (PostgreSQL): one sort per index and one join per foreign key instead
        of a check and an index insertion per row. Check constraints and primary keys stay in force."""
        if not self.postgres:
            yield
            return
        tables = [model._meta.db_table for model in models]
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the checks pending from earlier writes
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute("""
                SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype
                FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u')
            """, [tables])
            constraints = cursor.fetchall()
            for table, name, _definition, _kind in constraints:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            cursor.execute("""
                SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
            """, [tables])
            indexes = cursor.fetchall()
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
        yield
        with connection.cursor() as cursor:
            for _name, definition in indexes:
                cursor.execute(definition)
            for kind in ("u", "f"):
                for table, name, definition, contype in constraints:
                    if contype == kind:
                        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')

    def reset_sequences(self, models) -> None:
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


class Province:
    """Builds one province; `build()` returns the row counts per table."""

    def __init__(self, *, province: str = "620000", sizes: Sizes = Sizes(), today: date, seed: int = SEED, log=print):
        self.province = province
        self.prefix = province[:2]
        self.sizes = sizes
        self.today = today
        self.window_start = add_months(today, -sizes.months)
        self.rng = random.Random(seed)
        self.log = log
        self.out = Writer()
        self.now = datetime.now(UTC)
        self.id_numbers: set[str] = set()
        self.timings: dict[str, float] = {}

    # --- helpers -----------------------------------------------------------------------------

    def _step(self, name: str, started: float) -> None:
        self.timings[name] = time.perf_counter() - started
        self.log(f"  {name:<28} {self.timings[name]:6.1f} s")

    def _days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def _name(self) -> str:
        rng = self.rng
        given = rng.choice(GIVEN) if rng.random() < 0.35 else rng.choice(GIVEN) + rng.choice(GIVEN)
        return rng.choice(SURNAMES) + given

    def _phone(self) -> str:
        return f"1{self.rng.choice('3589')}{self.rng.randrange(10**8, 10**9)}"

    def _id_number(self, county: str, born: date, male: bool) -> str:
        rng = self.rng
        while True:
            sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
            body = f"{county}{born:%Y%m%d}{sequence:03d}"
            number = body + id_check_character(body)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def _born(self, low_age: float, high_age: float, mode_age: float | None = None) -> date:
        age = self.rng.triangular(low_age, high_age, mode_age) if mode_age else self.rng.uniform(low_age, high_age)
        return self.today - timedelta(days=int(age * 365.25))

    # --- build -------------------------------------------------------------------------------

    @transaction.atomic
    def build(self) -> Counter:
        started = time.perf_counter()
        if Facility.objects.filter(region__code__startswith=self.prefix).exists():
            raise RuntimeError(f"{self.province} already has facilities: seed_scale needs a province without data")
        step = time.perf_counter()
        self._regions()
        self._users()
        self._step("regions, users, standards", step)
        if self.out.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        big = [Person, SupportStatus, Stay, SelfCareAssessment, CareAgreement, Visit, StaffMember, Employment,
               ComplianceSnapshot]
        with self.out.indexes_deferred(big):
            step = time.perf_counter()
            self._facilities()
            self._step("facilities", step)
            step = time.perf_counter()
            self._people()
            self._step("people, stays, assessments", step)
            step = time.perf_counter()
            self._staff()
            self._step("staff, employments, leave", step)
            step = time.perf_counter()
            self._ratings()
            self._step("star ratings", step)
            step = time.perf_counter()
            self._snapshots()
            self._step("compliance snapshots", step)
            step = time.perf_counter()
        self._step("indexes and constraints", step)
        self.out.reset_sequences([Facility, Person, SupportStatus, Stay, SelfCareAssessment, CareAgreement, Visit,
                                  StaffMember, Employment, Leave, StarRating, ComplianceSnapshot])
        step = time.perf_counter()
        self._scans()
        self._step("alert scans", step)
        self.timings["total"] = time.perf_counter() - started
        return self.out.counts

    def analyze(self) -> None:
        if self.out.postgres:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    # --- regions, users, rules ------------------------------------------------------------------

    def _regions(self) -> None:
        if not Region.objects.filter(code=self.province).exists():
            call_command("load_regions", stdout=_Null())
        counties = list(
            Region.objects.filter(code__startswith=self.prefix, level=RegionLevel.COUNTY)
            .exclude(name="市辖区").order_by("code")
        )
        existing = set(Region.objects.filter(code__startswith=self.prefix, level=RegionLevel.TOWNSHIP)
                       .values_list("code", flat=True))
        rng = self.rng
        new = []
        # About one township per 2.3 facilities, as in the province (≈ 1,300 for 3,000 facilities).
        per_county = max(2, round(self.sizes.facilities / 2.3 / max(1, len(counties))))
        for county in counties:
            names = set()
            count = max(2, int(per_county * rng.uniform(0.6, 1.4)))
            streets = rng.randint(1, 4) if county.name.endswith(("区", "市")) else 0
            for index in range(count):
                if index < streets:
                    code, suffix = f"{county.code}{index + 1:03d}", "街道"
                elif index < streets + (count - streets) * 2 // 3:
                    code, suffix = f"{county.code}{100 + index:03d}", "镇"
                else:
                    code, suffix = f"{county.code}{200 + index:03d}", "乡"
                while True:
                    name = rng.choice(PLACE_A) + rng.choice(PLACE_B) + suffix
                    if name not in names:
                        names.add(name)
                        break
                if code not in existing:
                    new.append(Region(code=code, name=name, full_name=county.full_name + name,
                                      level=RegionLevel.TOWNSHIP, parent_id=county.code))
        Region.objects.bulk_create(new, batch_size=1000)
        self.out.counts["facilities_region (townships)"] += len(new)
        self.counties = [c.code for c in counties]
        self.county_names = {c.code: c.name for c in counties}
        self.county_full = {c.code: c.full_name for c in counties}
        townships = list(Region.objects.filter(code__startswith=self.prefix, level=RegionLevel.TOWNSHIP)
                         .values_list("code", "name", "full_name"))
        self.townships = [code for code, _n, _f in townships]
        self.township_names = {code: name for code, name, _f in townships}
        self.township_full = {code: full for code, _n, full in townships}
        self.townships_of: dict[str, list[str]] = defaultdict(list)
        for code in self.townships:
            self.townships_of[code[:6]].append(code)
        self.counties = [c for c in self.counties if self.townships_of.get(c)]

    def _users(self) -> None:
        def user(username, full_name, role, region=""):
            found = User.objects.filter(username=username).first()
            if found is None:
                found = User(username=username, full_name=full_name, role=role, region_code=region)
                found.set_password(PASSWORD)
                found.save()
            return found

        p = self.province
        self.admin = user("scale_admin", "省级管理员", Role.ADMIN)
        self.users = {
            "admin": self.admin,
            "clerk": user("scale_clerk", "省救助经办", Role.CLERK, p),
            "inspector": user("scale_inspector", "省民政督查", Role.INSPECTOR, p),
            "clerk_county": user("scale_clerk_county", "县救助经办", Role.CLERK, self.counties[0]),
            "manager": user("scale_manager", "机构负责人", Role.MANAGER),
        }
        RegionPolicy.objects.get_or_create(region_id=p, effective_from=date(2020, 1, 1),
                                           defaults={"note": "省级规则参数（与全国默认一致）"})
        call_command("load_sample_standards", stdout=_Null())
        SubsidyStandard.objects.get_or_create(
            region_id=p, item="basic_living", hukou_type="rural", support_form="", category="",
            effective_from=date(2025, 1, 1), defaults={"amount": Decimal("820.00"), "basis": "省级农村特困基本生活标准（示例）"},
        )

    # --- facilities ------------------------------------------------------------------------------

    def _facilities(self) -> None:
        rng, n = self.rng, self.sizes.facilities
        cities = sorted({c[:4] for c in self.counties})
        child_regions = [next(c for c in self.counties if c.startswith(city)) for city in cities]
        child_regions += [c for c in self.counties if c not in child_regions and rng.random() < 0.5]
        child_regions = child_regions[: max(1, n // 30)]
        rest = n - len(child_regions)
        care_homes = round(rest * 0.56)
        plan = [(FacilityKind.CHILD_WELFARE, code) for code in child_regions]
        plan += [(FacilityKind.CARE_HOME, rng.choice(self.townships)) for _ in range(care_homes)]
        for _ in range(rest - care_homes):
            county = rng.choice(self.counties)
            plan.append((FacilityKind.ELDERLY_CARE,
                         county if rng.random() < 0.6 else rng.choice(self.townships_of[county])))
        first = self.out.next_id(Facility, len(plan))
        self.facilities: list[FacilityRow] = []
        names_in: dict[str, set] = defaultdict(set)
        rows = []
        for offset, (kind, region) in enumerate(plan):
            county = region[:6]
            place = self.township_names.get(region) or self.county_names[county]
            if kind == FacilityKind.CHILD_WELFARE:
                base, operator, capacity = f"{place}儿童福利院", Operator.PUBLIC, rng.randint(60, 260)
            elif kind == FacilityKind.CARE_HOME:
                base = f"{place}{rng.choice(('敬老院', '特困人员供养服务中心', '中心敬老院'))}"
                operator = Operator.PUBLIC if rng.random() < 0.8 else Operator.PUBLIC_PRIVATE
                capacity = int(rng.triangular(30, 180, 60))
            else:
                base = f"{place}{rng.choice(BRANDS)}{rng.choice(ELDERLY_SUFFIX)}"
                operator = rng.choices([Operator.PUBLIC, Operator.PRIVATE, Operator.PUBLIC_PRIVATE], [35, 45, 20])[0]
                capacity = int(rng.triangular(50, 600, 120))
            name, number = base, 1
            while name in names_in[region]:
                number += 1
                name = f"{base}（{number}）" if kind != FacilityKind.CARE_HOME else f"{place}第{number}敬老院"
            names_in[region].add(name)
            status = rng.choices([FacilityStatus.OPERATING, FacilityStatus.SUSPENDED, FacilityStatus.CLOSED],
                                 [97, 2, 1])[0]
            facility_id = first + offset
            credit_body = f"{'52' if operator == Operator.PRIVATE else '12'}{county}MB{facility_id % 10**7:07d}"
            rows.append((
                facility_id, name, kind, f"{(self.township_full.get(region) or self.county_full[county])}{rng.randint(1, 300)}号",
                capacity, operator, f"民养许{county}{facility_id:06d}", credit_body + credit_code_check_character(credit_body),
                self._days_ago(3700, 11000), status, self._name(), self._phone(), self.now, self.now, region,
            ))
            self.facilities.append(FacilityRow(facility_id, kind, region, county, capacity, status, operator))
        self.out.write(Facility, ("id", "name", "kind", "address", "bed_capacity", "operator", "licence_number",
                                  "credit_code", "opened_on", "status", "contact_person", "contact_phone",
                                  "created_at", "updated_at", "region"), rows)
        self.by_kind: dict[str, list[FacilityRow]] = defaultdict(list)
        for row in self.facilities:
            if row.status != FacilityStatus.CLOSED:
                self.by_kind[row.kind].append(row)
        managed = [f.id for f in self.facilities if f.status == FacilityStatus.OPERATING][:3]
        FacilityAssignment.objects.bulk_create(
            [FacilityAssignment(user=self.users["manager"], facility_id=pk) for pk in managed]
        )

    # --- people ----------------------------------------------------------------------------------

    def _people(self) -> None:
        rng, sizes = self.rng, self.sizes
        in_care = round(sizes.people * sizes.in_facility_share)
        gone = round(sizes.people * 0.01)
        at_home = sizes.people - in_care - gone
        open_facilities = [f for f in self.facilities if f.status != FacilityStatus.CLOSED]
        weights = []
        for facility in open_facilities:
            occupancy = rng.uniform(1.03, 1.12) if rng.random() < 0.01 else rng.uniform(0.3, 0.95)
            if rng.random() < 0.01:
                occupancy = 0.0  # newly opened, nobody admitted yet
            weights.append(facility.capacity * occupancy)
        total = sum(weights) or 1.0
        shares = [in_care * w / total for w in weights]
        counts = [int(s) for s in shares]
        for index in sorted(range(len(shares)), key=lambda i: shares[i] - counts[i], reverse=True)[: in_care - sum(counts)]:
            counts[index] += 1
        self._start_people()
        for facility, count in zip(open_facilities, counts):
            for _ in range(count):
                if facility.kind == FacilityKind.CHILD_WELFARE:
                    self._child_in_care(facility)
                else:
                    self._elderly_in_care(facility)
        elderly = self.by_kind[FacilityKind.CARE_HOME] + self.by_kind[FacilityKind.ELDERLY_CARE]
        for _ in range(gone):
            self._died_in_care(rng.choice(elderly))
        for _ in range(at_home):
            self._at_home(rng.choice(self.townships))
        self._flush_people()

    def _start_people(self) -> None:
        self.person_rows, self.status_rows, self.stay_rows, self.assessment_rows = [], [], [], []
        self.agreement_rows, self.visit_rows = [], []
        self.next_person = self.out.next_id(Person, 10**9)
        self.next_status = self.out.next_id(SupportStatus, 10**9)
        self.next_stay = self.out.next_id(Stay, 10**9)
        self.next_assessment = self.out.next_id(SelfCareAssessment, 10**9)
        self.next_agreement = self.out.next_id(CareAgreement, 10**9)
        self.next_visit = self.out.next_id(Visit, 10**9)

    def _person(self, *, county: str, born: date, male: bool, hukou_type: str, residence: str | None = None,
                due: date | None = None, disability: tuple[str, int] | None = None, address: str = "") -> int:
        pid = self.next_person
        self.next_person += 1
        name = self._name()
        self.person_rows.append([
            pid, name, self._id_number(county, born, male), born, "M" if male else "F", hukou_type,
            address, self._phone() if self.rng.random() < 0.6 else "", "", "",
            disability[0] if disability else "", disability[1] if disability else None, "", due,
            self.now, self.now, county, residence, False, name_initials(name),
        ])
        return pid

    def _status(self, pid: int, kind: str, form: str, confirmed: date, terminated: date | None = None,
                reason: str = "") -> None:
        certificate = f"甘特困{confirmed:%Y}{pid:07d}" if kind == "hardship" else ""
        self.status_rows.append((self.next_status, kind, form, confirmed, certificate, terminated, reason, self.now, pid))
        self.next_status += 1

    def _stay(self, pid: int, facility_id: int, admitted: date, ended: date | None = None, reason: str = "") -> None:
        self.stay_rows.append((self.next_stay, admitted, ended, reason, "", facility_id, pid))
        self.next_stay += 1

    def _assessments(self, pid: int, *, since: date, until: date, category: str, facility_id: int | None,
                     never: float, overdue: float) -> tuple[str | None, date | None]:
        """An assessment history from `since` up to `until`: yearly, the last one current, overdue or none.
        Returns the category and date of the latest."""
        rng = self.rng
        roll = rng.random()
        if roll < never or since >= until:
            return None, None
        span = (until - since).days
        if roll < never + overdue and span > 400:
            latest = until - timedelta(days=rng.randint(366, min(460, span)))
        else:
            latest = until - timedelta(days=rng.randint(0, min(330, span)))
        dates = [latest]
        while True:
            earlier = dates[-1] - timedelta(days=rng.randint(330, 365))
            if earlier < since or earlier < self.window_start - timedelta(days=365):
                break
            dates.append(earlier)
        current = category
        for index, on in enumerate(dates):
            if index and rng.random() < 0.2:
                current = BETTER[current]
            self._assessment(pid, on, current, facility_id, periodic=index < len(dates) - 1)
        return category, latest

    def _assessment(self, pid: int, on: date, category: str, facility_id: int | None, *, periodic: bool) -> None:
        rng = self.rng
        unable = 0 if category == "self_care" else rng.randint(1, 3) if category == "partial" else rng.randint(4, 6)
        chosen = set(rng.sample(range(6), unable))
        computed = category
        override, reason = "", ""
        if category == "full" and unable == 4 and rng.random() < 0.05:
            # An assessor's override with its recorded reason (认知障碍 with four indicators).
            computed, unable = "partial", 3
            chosen = set(rng.sample(range(6), 3))
            override, reason = "full", "认知障碍，需全程照护（评估人调整）"
        self.assessment_rows.append((
            self.next_assessment, on, *(i in chosen for i in range(6)), computed, override, reason, category,
            f"{self._name()}、{self._name()}", "periodic" if periodic else "initial",
            assessment_due_on(assessed_on=on, interval_months=12), False, self.now, facility_id, pid, self.admin.pk,
        ))
        self.next_assessment += 1

    def _category(self, weights) -> str:
        return self.rng.choices(CATEGORIES, weights)[0]

    def _elderly_in_care(self, facility: FacilityRow) -> None:
        rng, today = self.rng, self.today
        county = facility.county if rng.random() < 0.9 else rng.choice(self.counties)
        born = self._born(60, 99, 82)
        male = rng.random() < 0.55
        if facility.kind == FacilityKind.CARE_HOME:
            kind = "hardship"
            rural = rng.random() < 0.88
        else:
            hardship = 0.5 if facility.operator != Operator.PRIVATE else 0.12
            kind = "hardship" if rng.random() < hardship else rng.choices(["dibao", "self_paying"], [30, 70])[0]
            rural = rng.random() < 0.55
        admitted = max(self._days_ago(1, 3650), born + timedelta(days=int(60.2 * 365.25)))
        if admitted >= today:
            admitted = today - timedelta(days=1)
        confirmed = admitted - timedelta(days=rng.randint(0, 400)) if kind != "hardship" else \
            admitted - timedelta(days=rng.randint(20, 300))
        weights = (55, 28, 17) if facility.kind == FacilityKind.CARE_HOME else (45, 30, 25)
        category = self._category(weights)
        pid = self._person(county=county, born=born, male=male, hukou_type="rural" if rural else "urban")
        self._status(pid, kind, "centralised" if kind == "hardship" else "", confirmed)
        if kind == "hardship" and rng.random() < 0.04 and admitted > today - timedelta(days=2000):
            others = self.by_kind[facility.kind]
            previous = rng.choice(others)
            if previous.id != facility.id:
                earlier = admitted - timedelta(days=rng.randint(100, 900))
                self._stay(pid, previous.id, earlier, admitted, "transferred")
        self._stay(pid, facility.id, admitted)
        latest, assessed_on = self._assessments(pid, since=admitted, until=today, category=category,
                                                facility_id=facility.id, never=0.03, overdue=0.05)
        self._set_due(assessed_on)
        self._count(facility, self._valid_today(latest, assessed_on), orphan=False)

    def _child_in_care(self, facility: FacilityRow) -> None:
        rng, today = self.rng, self.today
        born = self.today - timedelta(days=rng.randint(200, 17 * 365))
        admitted = max(born + timedelta(days=30), self._days_ago(1, 2500))
        if admitted >= today:
            admitted = today - timedelta(days=1)
        confirmed = admitted
        kind = "orphan" if rng.random() < 0.75 else "unsupported_child"
        pid = self._person(county=facility.county, born=born, male=rng.random() < 0.5,
                           hukou_type="urban" if rng.random() < 0.5 else "rural")
        self._status(pid, kind, "", confirmed)
        self._stay(pid, facility.id, admitted)
        latest, assessed_on = self._assessments(pid, since=admitted, until=today, category=self._category((60, 20, 20)),
                                                facility_id=facility.id, never=0.02, overdue=0.03)
        self._set_due(assessed_on)
        self._count(facility, self._valid_today(latest, assessed_on), orphan=True)

    def _died_in_care(self, facility: FacilityRow) -> None:
        rng = self.rng
        died = self.window_start + timedelta(days=rng.randint(0, (self.today - self.window_start).days - 1))
        admitted = died - timedelta(days=rng.randint(60, 2500))
        born = min(self._born(70, 100, 88), admitted - timedelta(days=62 * 365))
        pid = self._person(county=facility.county, born=born, male=rng.random() < 0.5, hukou_type="rural")
        self._status(pid, "hardship", "centralised", admitted - timedelta(days=rng.randint(20, 200)), died, "死亡")
        self._stay(pid, facility.id, admitted, died, "died")
        _category, assessed_on = self._assessments(pid, since=admitted, until=died, category=self._category((20, 35, 45)),
                                                   facility_id=facility.id, never=0.02, overdue=0.05)
        self._set_due(assessed_on)

    def _at_home(self, township: str) -> None:
        rng, today = self.rng, self.today
        county = township[:6]
        address = f"{self.township_full[township]}{rng.randint(1, 30)}组{rng.randint(1, 90)}号"
        roll = rng.random()
        disability = None
        if roll < 0.08:  # children at home: orphans and de-facto unsupported children with relatives
            born = today - timedelta(days=rng.randint(365, 17 * 365))
            kind, form, weights = ("orphan" if rng.random() < 0.7 else "unsupported_child"), "", (85, 10, 5)
            confirmed = max(born + timedelta(days=30), self._days_ago(30, 2500))
        else:
            if roll < 0.23:  # adults with a severe disability and no labour capacity
                born = self._born(18, 59)
                disability = (rng.choice(["physical", "intellectual", "mental", "vision", "multiple"]), rng.choice((1, 2)))
            else:
                born = self._born(60, 96, 75)
            kind, form, weights = "hardship", "dispersed", (70, 22, 8)
            confirmed = max(born + timedelta(days=18 * 365 + 5), self._days_ago(30, 4000))
        if confirmed >= today:
            confirmed = today - timedelta(days=1)
        pid = self._person(county=county, born=born, male=rng.random() < 0.52,
                           hukou_type="rural" if rng.random() < 0.85 else "urban", residence=township,
                           disability=disability, address=address)
        terminated = reason = None
        if rng.random() < 0.01 and (today - confirmed).days > 60:
            terminated = max(confirmed, self.window_start) + timedelta(
                days=rng.randint(0, (today - max(confirmed, self.window_start)).days - 1))
            reason = rng.choice(["死亡", "获得赡养", "收入超过标准"])
        self._status(pid, kind, form, confirmed, terminated, reason or "")
        until = terminated or today
        _category, assessed_on = self._assessments(pid, since=confirmed, until=until, category=self._category(weights),
                                                   facility_id=None, never=0.02, overdue=0.05)
        self._set_due(assessed_on)
        if kind == "hardship" and terminated is None:
            signed = max(confirmed, today - timedelta(days=rng.randint(30, 1000)))
            self.agreement_rows.append((
                self.next_agreement, self._name(), rng.choice(["侄子", "邻居", "村干部", "女儿", "儿子", "外甥"]),
                self._phone(), f"{self.township_names[township]}人民政府", signed, signed + timedelta(days=3 * 365 - 1), pid,
            ))
            self.next_agreement += 1
            visited = self._days_ago(1, 28) if rng.random() < 0.92 else self._days_ago(35, 120)
            self.visit_rows.append((
                self.next_visit, max(visited, confirmed), f"{self.township_names[township]}民政助理员",
                rng.choice(["home", "home", "home", "phone", "video"]), "身体状况稳定，生活用品齐全，照料人履约良好。",
                pid, self.admin.pk,
            ))
            self.next_visit += 1

    def _set_due(self, assessed_on: date | None) -> None:
        self.person_rows[-1][13] = assessment_due_on(assessed_on=assessed_on, interval_months=12) if assessed_on else None

    def _valid_today(self, category: str | None, assessed_on: date | None) -> str | None:
        """The category the census counts today: none once the latest assessment is overdue (residents.rules)."""
        due = assessment_due_on(assessed_on=assessed_on, interval_months=12) if assessed_on else None
        return category if is_assessment_valid(assessed_on=assessed_on, due_on=due, on=self.today) else None

    def _count(self, facility: FacilityRow, category: str | None, *, orphan: bool) -> None:
        facility.residents += 1
        if orphan:
            facility.census["orphans"] += 1
        elif category is None:
            facility.census["full"] += 1
            facility.census["unassessed"] += 1
        else:
            facility.census[category] += 1

    def _flush_people(self) -> None:
        out = self.out
        out.write(Person, ("id", "name", "id_number", "birth_date", "sex", "hukou_type", "address", "phone",
                           "emergency_contact_name", "emergency_contact_phone", "disability_category",
                           "disability_grade", "photo", "assessment_due_on", "created_at", "updated_at",
                           "hukou_region", "residence_region", "assessment_due_provisional", "name_initials"), self.person_rows)
        out.write(SupportStatus, ("id", "kind", "support_form", "confirmed_on", "certificate_number", "terminated_on",
                                  "termination_reason", "recorded_at", "person"), self.status_rows)
        out.write(Stay, ("id", "admitted_on", "ended_on", "end_reason", "note", "facility", "person"), self.stay_rows)
        out.write(SelfCareAssessment, ("id", "assessed_on", *INDICATOR_FIELDS, "computed_category", "override_category",
                                       "override_reason", "category", "assessors", "reason", "due_on", "due_provisional", "recorded_at",
                                       "facility", "person", "recorded_by"), self.assessment_rows)
        out.write(CareAgreement, ("id", "caregiver_name", "caregiver_relation", "caregiver_phone", "township_party",
                                  "signed_on", "valid_until", "person"), self.agreement_rows)
        out.write(Visit, ("id", "visited_on", "visitor", "mode", "findings", "person", "recorded_by"), self.visit_rows)
        self.person_rows = self.status_rows = self.stay_rows = self.assessment_rows = None
        self.agreement_rows = self.visit_rows = None

    # --- staff -----------------------------------------------------------------------------------

    def _staff(self) -> None:
        rng, today = self.rng, self.today
        plan: list[tuple[FacilityRow, str, Decimal]] = []  # (facility, role, fte) of each staff member's current job
        self.staffing_mode: dict[int, str] = {}
        for facility in self.facilities:
            if facility.status == FacilityStatus.CLOSED:
                continue
            c = facility.census
            required = required_staff(full=c["full"], partial=c["partial"], self_care=c["self_care"], orphans=c["orphans"])
            mode = "ok"
            if facility.residents and rng.random() < 0.015:
                mode = "none"
            elif required and rng.random() < 0.14:
                mode = "below"
            self.staffing_mode[facility.id] = mode
            if mode == "none":
                continue
            if mode == "below":
                counting = min(required - 1, math.floor(required * rng.uniform(0.55, 0.9)))
            else:
                counting = math.ceil(required * rng.uniform(1.0, 1.25)) if required else 0
            for index in range(max(0, counting)):
                plan.append((facility, "nurse" if index % 9 == 8 else "carer", Decimal("1.00")))
            if counting and rng.random() < 0.2:
                plan.append((facility, "carer", Decimal("0.50")))  # a part-time carer on top
        remaining = self.sizes.staff - len(plan)
        staffed = [f for f in self.facilities if f.status != FacilityStatus.CLOSED and self.staffing_mode.get(f.id) != "none"]
        if remaining > 0 and staffed:
            weights = [f.residents + f.capacity / 4 + 2 for f in staffed]
            chosen = rng.choices(staffed, weights, k=remaining)
            managers = set()
            for facility in chosen:
                if facility.id not in managers:
                    managers.add(facility.id)
                    role = "manager"
                elif facility.kind == FacilityKind.CHILD_WELFARE and rng.random() < 0.2:
                    role = "social_worker"
                elif facility.kind == FacilityKind.ELDERLY_CARE and facility.capacity > 100 and rng.random() < 0.1:
                    role = "doctor"
                else:
                    role = rng.choices(["cook", "logistics", "security", "other", "manager"], [35, 30, 15, 10, 10])[0]
                plan.append((facility, role, Decimal("1.00")))
        elif remaining < 0:
            plan = plan[: self.sizes.staff]
        staff_first = self.out.next_id(StaffMember, len(plan))
        next_employment = self.out.next_id(Employment, 10**9)
        next_leave = self.out.next_id(Leave, 10**9)
        staff_rows, employment_rows, leave_rows = [], [], []
        same_county: dict[str, list[FacilityRow]] = defaultdict(list)
        for facility in staffed:
            same_county[facility.county].append(facility)
        for offset, (facility, role, fte) in enumerate(plan):
            staff_id = staff_first + offset
            born = self._born(20, 58)
            home = rng.choice(self.townships_of[facility.county])  # staff live near work, like recipients
            staff_rows.append((staff_id, self._name(), self._id_number(facility.county, born, rng.random() < 0.3),
                               self._phone(), f"{self.township_full[home]}{rng.randint(1, 30)}组{rng.randint(1, 90)}号"))
            started = self._days_ago(20, 3500)
            if rng.random() < 0.1:  # an earlier job elsewhere, part of the two-year history
                ended = started - timedelta(days=rng.randint(1, 60))
                earlier = rng.choice(same_county[facility.county])
                employment_rows.append((next_employment, role, Decimal("1.00"), ended - timedelta(days=rng.randint(200, 1500)),
                                        ended, "", None, earlier.id, staff_id))
                next_employment += 1
            second = None
            if role == "carer" and fte == 1 and rng.random() < 0.01:
                others = [f for f in same_county[facility.county] if f.id != facility.id]
                if others:
                    second = rng.choice(others)
                    if rng.random() < 0.85:
                        fte = Decimal("0.50")  # two half-time jobs: fine
            certificate = f"养护{started:%Y}{staff_id:07d}" if role in ("carer", "nurse") else ""
            expires = started + timedelta(days=5 * 365) if certificate else None
            employment_rows.append((next_employment, role, fte, started, None, certificate, expires, facility.id, staff_id))
            current = next_employment
            next_employment += 1
            if second is not None:  # a second job in another facility the same days (1.5 FTE: counted twice)
                employment_rows.append((next_employment, "carer", Decimal("0.50"), self._days_ago(20, 800), None,
                                        certificate, expires, second.id, staff_id))
                next_employment += 1
            roll = rng.random()
            if roll < 0.025:
                leave_rows.append((next_leave, rng.choice(["annual", "sick"]), self._days_ago(0, 5),
                                   today + timedelta(days=rng.randint(0, 14)), current))
                next_leave += 1
            elif roll < 0.1:
                starts = max(started, self._days_ago(30, 700))
                leave_rows.append((next_leave, rng.choice(["annual", "sick", "maternity", "other"]), starts,
                                   starts + timedelta(days=rng.randint(1, 20)), current))
                next_leave += 1
        self.out.write(StaffMember, ("id", "name", "id_number", "phone", "address"), staff_rows)
        self.out.write(Employment, ("id", "role", "fte", "started_on", "ended_on", "certificate_number",
                                   "certificate_expires_on", "facility", "staff"), employment_rows)
        self.out.write(Leave, ("id", "kind", "starts_on", "ends_on", "employment"), leave_rows)
        self.counting_fte: Counter = Counter()
        self.employments: Counter = Counter()
        for row in employment_rows:
            if row[4] is None:
                self.employments[row[7]] += 1
                if row[1] in ("carer", "nurse"):
                    self.counting_fte[row[7]] += row[2]

    # --- ratings ---------------------------------------------------------------------------------

    def _ratings(self) -> None:
        rng = self.rng
        totals = {1: 360, 2: 450, 3: 570, 4: 780, 5: 900}
        percent = {1: 40, 2: 50, 3: 60, 4: 80, 5: 90}
        maxima = {"environment": 120, "equipment": 130, "management": 150, "service": 600}
        rows = []
        next_id = self.out.next_id(StarRating, 10**9)
        for facility in self.facilities:
            share = {FacilityKind.ELDERLY_CARE: 0.65, FacilityKind.CARE_HOME: 0.35}.get(facility.kind, 0)
            if facility.status == FacilityStatus.CLOSED or rng.random() >= share:
                continue
            rated = self._days_ago(10, 1300)
            history = [rated]
            if rng.random() < 0.15:
                history.append(rated - timedelta(days=rng.randint(1100, 1400)))
            for rated_on in history:
                target = rng.choices([1, 2, 3, 4, 5], [10, 25, 35, 20, 10])[0]
                low = max(percent[target] / 100, totals[target] / 1000) + 0.005
                high = min(percent[target + 1] / 100, totals[target + 1] / 1000) - 0.005 if target < 5 else 0.99
                share_of_max = rng.uniform(low, max(low, high))
                scores = {
                    section: Decimal(str(round(min(top, max(0, top * (share_of_max + rng.uniform(-0.015, 0.015)))), 1)))
                    for section, top in maxima.items()
                }
                level = star_level(**scores)
                rows.append((next_id, rated_on, scores["environment"], scores["equipment"], scores["management"],
                             scores["service"], level, rating_expires_on(rated_on), f"甘养评{rated_on:%Y}{next_id:05d}",
                             "省养老机构等级评定委员会", "", self.now, facility.id, self.admin.pk, ""))
                next_id += 1
        self.out.write(StarRating, ("id", "rated_on", "environment", "equipment", "management", "service", "level",
                                    "expires_on", "certificate_number", "evaluators", "report", "recorded_at",
                                    "facility", "recorded_by", "withdrawal_reason"), rows)

    # --- compliance history ----------------------------------------------------------------------

    def _snapshots(self) -> None:
        """Daily snapshots up to yesterday, from each facility's census drifting up to today's (two years).

        Written set-based: one INSERT … SELECT over generate_series on PostgreSQL (the rows are
        history for charts and the region dashboard; today's are computed by the real scan).
        """
        days = (self.today - self.window_start).days
        base = [
            (f.id, f.census["full"], f.census["partial"], f.census["self_care"], f.census["orphans"],
             f.census["unassessed"], self.counting_fte.get(f.id, Decimal(0)), self.employments.get(f.id, 0))
            for f in self.facilities if f.status != FacilityStatus.CLOSED
        ]
        ratios = '{"full": 3, "partial": 6, "self_care": 10, "orphan": 1, "rounding": "total", "roles": ["carer", "nurse"]}'
        if not self.out.postgres:
            self._snapshots_python(base, days, ratios)
            return
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE bench_census (idx int, facility_id bigint, f int, p int, s int, o int,"
                           " u int, actual numeric, employments int) ON COMMIT DROP")
            with cursor.cursor.copy("COPY bench_census FROM STDIN") as copy:
                for index, row in enumerate(base):
                    copy.write_row((index, *row))
            first = self.out.next_id(ComplianceSnapshot, len(base) * days)
            # The census grows linearly from 85 % two years ago to today's (integer arithmetic).
            cursor.execute("""
                INSERT INTO staffing_compliancesnapshot
                  (id, facility_id, day, "full", "partial", self_care, orphans, unassessed, required, actual, gap,
                   status, ratios, computed_at)
                SELECT %(first)s + n * %(facilities)s + idx, facility_id, day, f, p, s, o, u, required, actual,
                       GREATEST(required - actual, 0),
                       CASE WHEN f + p + s + o = 0 THEN 'empty' WHEN employments = 0 THEN 'no_data'
                            WHEN actual >= required THEN 'compliant' ELSE 'below' END,
                       %(ratios)s::jsonb, now()
                FROM (
                  SELECT c.idx, c.facility_id, d.day, d.n, x.f, x.p, x.s, x.o, x.u, c.actual, c.employments,
                         (10 * x.f + 5 * x.p + 3 * x.s + 29) / 30 + x.o AS required
                  FROM (SELECT n, %(start)s::date + n AS day FROM generate_series(0, %(days)s - 1) AS n) AS d
                  CROSS JOIN bench_census c
                  CROSS JOIN LATERAL (
                    SELECT c.f * (85 * %(days)s + 15 * d.n) / (100 * %(days)s) AS f,
                           c.p * (85 * %(days)s + 15 * d.n) / (100 * %(days)s) AS p,
                           c.s * (85 * %(days)s + 15 * d.n) / (100 * %(days)s) AS s,
                           c.o * (85 * %(days)s + 15 * d.n) / (100 * %(days)s) AS o,
                           c.u * (85 * %(days)s + 15 * d.n) / (100 * %(days)s) AS u
                  ) AS x
                ) AS rows
            """, {"first": first, "facilities": len(base), "ratios": ratios, "start": self.window_start, "days": days})
            self.out.counts[ComplianceSnapshot._meta.db_table] += cursor.rowcount

    def _snapshots_python(self, base, days, ratios) -> None:
        import json

        rows = []
        first = self.out.next_id(ComplianceSnapshot, len(base) * days)
        for offset in range(days):
            day = self.window_start + timedelta(days=offset)
            for facility_id, f, p, s, o, u, actual, employments in base:
                f, p, s, o, u = (v * (85 * days + 15 * offset) // (100 * days) for v in (f, p, s, o, u))
                required = (10 * f + 5 * p + 3 * s + 29) // 30 + o
                status = "empty" if f + p + s + o == 0 else "no_data" if employments == 0 else \
                    "compliant" if actual >= required else "below"
                rows.append((first + len(rows), facility_id, day, f, p, s, o, u, required, actual,
                             max(Decimal(required) - actual, Decimal(0)), status, json.loads(ratios), self.now))
        self.out.write(ComplianceSnapshot, ("id", "facility", "day", "full", "partial", "self_care", "orphans",
                                            "unassessed", "required", "actual", "gap", "status", "ratios",
                                            "computed_at"), rows)

    # --- alerts ----------------------------------------------------------------------------------

    def _scans(self) -> None:
        """The real nightly scans over the seeded data, so the alert pages show a province's alerts."""
        from facilities.inspections.scans import scan_ratings
        from residents import scans

        scans.scan_assessments(today=self.today)
        scans.scan_visits(today=self.today)
        scans.scan_duplicate_enrolment()
        scans.scan_capacity()
        scan_ratings(today=self.today)


class _Null:
    def write(self, *_args, **_kwargs):
        pass

    def flush(self):
        pass
