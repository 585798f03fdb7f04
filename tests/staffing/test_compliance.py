"""The daily compliance scan against hand-computed answers, idempotency and a fixed query count."""
import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facilities.models import Alert, AlertKind, FacilityKind, RegionPolicy
from staffing.compliance import compliance_compute
from staffing.models import ComplianceSnapshot
from tests.factories import (
    AssessmentFactory,
    EmploymentFactory,
    FacilityFactory,
    LeaveFactory,
    PersonFactory,
    StayFactory,
    SupportStatusFactory,
)

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 23)


_born = itertools.count()


def residents(facility, category=None, n=1, *, admitted=date(2025, 3, 1), assessed=date(2026, 3, 2)):
    for _ in range(n):
        person = PersonFactory(born=date(1930, 1, 1) + timedelta(days=next(_born)))
        stay = StayFactory(facility=facility, person=person, admitted_on=admitted)
        if category:
            AssessmentFactory(person=stay.person, assessed_on=assessed, computed_category=category)


def carers(facility, n=1, *, fte="1.00", role="carer"):
    return [EmploymentFactory(facility=facility, fte=Decimal(fte), role=role) for _ in range(n)]


@pytest.fixture
def scene(facilities, regions):
    a, b, c = facilities["a"], facilities["b"], facilities["c"]
    # A: 5 assessed fully disabled + 2 unassessed (counted as fully disabled), 12 partial, 20 self-care.
    residents(a, "full", 5)
    residents(a, None, 2)
    residents(a, "partial", 12)
    residents(a, "self_care", 20)
    # A's staff: 5 carers (one on sick leave today), one half-time carer, one nurse; the cook does not count.
    on_leave = carers(a, 5)[0]
    LeaveFactory(employment=on_leave, starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 30))
    carers(a, fte="0.50")
    carers(a, role="nurse")
    carers(a, role="cook")
    # B: residents and no staff records at all.
    residents(b, "self_care", 3)
    # C: one of each category, counted per level in its county; two carers.
    RegionPolicy.objects.create(region=regions["621021"], effective_from=date(2020, 1, 1), staff_rounding="per_level")
    residents(c, "full")
    residents(c, "partial")
    residents(c, "self_care")
    shared = carers(c, fte="0.50")[0]
    carers(c)
    # The same carer also full time at A: 1.5 FTE on one day.
    EmploymentFactory(facility=a, staff=shared.staff, fte=Decimal("1.00"))
    # D: a child-welfare institution with three orphans and one adult; four carers.
    d = FacilityFactory(name="儿童福利院", kind=FacilityKind.CHILD_WELFARE, region=regions["621002101"])
    for _ in range(3):
        stay = StayFactory(facility=d, person=PersonFactory(born=date(2015, 6, 1)))
        SupportStatusFactory(person=stay.person, kind="orphan", support_form="", confirmed_on=date(2020, 1, 1))
    residents(d, "self_care")
    carers(d, 4)
    # A discharged resident and a future admission are not in care today.
    StayFactory(facility=d, admitted_on=date(2024, 1, 1), ended_on=DAY, end_reason="moved_home")
    StayFactory(facility=d, admitted_on=date(2026, 12, 1))
    return {"a": a, "b": b, "c": c, "d": d}


def test_scan_matches_hand_computed_answers(scene):
    compliance_compute(day=DAY)
    snap = {s.facility_id: s for s in ComplianceSnapshot.objects.filter(day=DAY)}
    a = snap[scene["a"].pk]
    # 7/3 + 12/6 + 20/10 = 6.33 → 7 required; 4 + 0.5 + 1 (nurse) + 1 (the shared carer) = 6.5 counted.
    assert (a.full, a.partial, a.self_care, a.orphans, a.unassessed) == (7, 12, 20, 0, 2)
    assert (a.required, a.actual, a.gap, a.status) == (7, Decimal("6.50"), Decimal("0.50"), "below")
    b = snap[scene["b"].pk]
    assert (b.required, b.actual, b.status) == (1, Decimal(0), "no_data")
    c = snap[scene["c"].pk]
    # per level: ⌈1/3⌉ + ⌈1/6⌉ + ⌈1/10⌉ = 3 required; 1.5 counted.
    assert (c.required, c.actual, c.gap, c.status) == (3, Decimal("1.50"), Decimal("1.50"), "below")
    d = snap[scene["d"].pk]
    # 3 orphans at 1:1 + 1 self-care at 1:10 → ⌈3.1⌉ = 4; four carers.
    assert (d.orphans, d.self_care, d.required, d.actual, d.status) == (3, 1, 4, Decimal("4.00"), "compliant")


def test_alerts_open_with_the_gap_and_resolve_when_back(scene):
    compliance_compute(day=DAY)
    below = Alert.objects.get(kind=AlertKind.STAFFING_BELOW, facility=scene["a"], resolved_at__isnull=True)
    assert "实有 6.5（折算全职），缺 0.5 名" in below.message
    assert Alert.objects.filter(kind=AlertKind.STAFFING_NO_DATA, facility=scene["b"], resolved_at__isnull=True).exists()
    carers(scene["a"])
    compliance_compute(day=DAY)
    below.refresh_from_db()
    assert below.resolved_at is not None


def test_the_same_carer_counted_twice_is_flagged_in_both_facilities(scene):
    compliance_compute(day=DAY)
    flagged = Alert.objects.filter(kind=AlertKind.STAFF_DOUBLE_COUNTED, resolved_at__isnull=True)
    assert {alert.facility_id for alert in flagged} == {scene["a"].pk, scene["c"].pk}
    assert "合计计入 1.5 个全职岗位" in flagged.first().message


def test_rerunning_a_day_replaces_it(scene):
    compliance_compute(day=DAY)
    first = list(ComplianceSnapshot.objects.order_by("facility_id").values_list("facility_id", "required", "actual", "status"))
    alerts = Alert.objects.count()
    compliance_compute(day=DAY)
    again = list(ComplianceSnapshot.objects.order_by("facility_id").values_list("facility_id", "required", "actual", "status"))
    assert first == again and Alert.objects.count() == alerts


def test_one_facility_rescan_leaves_the_others_alone(scene):
    compliance_compute(day=DAY)
    compliance_compute(day=DAY, facility_ids=[scene["b"].pk])
    assert ComplianceSnapshot.objects.filter(day=DAY).count() == 5


def test_empty_facility_is_neither_compliant_nor_alerted(facilities):
    compliance_compute(day=DAY)
    assert set(ComplianceSnapshot.objects.values_list("status", flat=True)) == {"empty"}
    assert not Alert.objects.exists()


def _scan_queries(n, regions):
    for i in range(n):
        facility = FacilityFactory(region=regions["621002100"])
        residents(facility, "full", 2)
        carers(facility)
    with CaptureQueriesContext(connection) as ctx:
        compliance_compute(day=DAY)
    statements = [q["sql"] for q in ctx.captured_queries]
    inserts = [sql for sql in statements if sql.startswith('INSERT INTO "staffing_compliancesnapshot"')]
    return len(statements) - len(inserts), len(inserts)


def test_scan_query_count_is_the_same_for_3_and_300_facilities(regions):
    # facilities, census, staff FTE, policies, old snapshots, the insert, the alert syncs: the same
    # statements whatever the number of facilities. SQLite caps the parameters of one statement, so
    # Django splits the one bulk insert into batches there; PostgreSQL sends a single statement.
    three, three_inserts = _scan_queries(3, regions)
    three_hundred, inserts = _scan_queries(297, regions)
    assert three == three_hundred
    assert three_inserts == 1
    fields = [f for f in ComplianceSnapshot._meta.concrete_fields if not f.primary_key]
    batch = min(1000, connection.ops.bulk_batch_size(fields, [None] * 300))
    assert inserts == -(-300 // batch)


def test_rescanning_one_of_two_facilities_sharing_a_carer_keeps_one_alert_each(scene):
    compliance_compute(day=DAY)
    compliance_compute(day=DAY, facility_ids=[scene["a"].pk])
    flagged = Alert.objects.filter(kind=AlertKind.STAFF_DOUBLE_COUNTED, resolved_at__isnull=True)
    assert sorted(flagged.values_list("facility_id", flat=True)) == sorted([scene["a"].pk, scene["c"].pk])
