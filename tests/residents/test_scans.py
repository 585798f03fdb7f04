"""Specs for residents.scans: alerts about people open and resolve idempotently, in a fixed number of queries.

Services run their scan after the commit (`django_capture_on_commit_callbacks(execute=True)`); the
nightly task `scan_residents` runs every scan. The clock is moved with time_machine.
"""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facilities.models import Alert, AlertKind, Facility, RegionPolicy, Severity
from residents import scans, services
from residents.models import Person, SelfCareAssessment, Stay, SupportForm, Visit
from residents.tasks import scan_residents
from tests.factories import AssessmentFactory, PersonFactory, StayFactory, SupportStatusFactory

START = date(2026, 3, 2)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    with time_machine.travel(at(START), tick=False) as traveller:
        yield traveller


# The kinds these scans own; other apps' scans (staffing) may run after the same commits.
RESIDENT_KINDS = [
    AlertKind.ASSESSMENT_MISSING, AlertKind.ASSESSMENT_OVERDUE, AlertKind.VISIT_OVERDUE,
    AlertKind.DUPLICATE_ENROLMENT, AlertKind.OVER_CAPACITY,
]


def resident_alerts():
    return Alert.objects.filter(kind__in=RESIDENT_KINDS)


def open_alerts(kind=None):
    alerts = resident_alerts().filter(resolved_at__isnull=True)
    return list(alerts.filter(kind=kind) if kind else alerts)


def all_unable(flag: bool) -> dict[str, bool]:
    return dict.fromkeys(SelfCareAssessment.INDICATOR_FIELDS, flag)


@pytest.fixture
def admitted(cast, regions, facility_a, clock, django_capture_on_commit_callbacks):
    """A person admitted to facility A on START through the service, with the after-commit scan run."""
    person = PersonFactory(name="孙玉珍", hukou_region=regions["621002"])
    with django_capture_on_commit_callbacks(execute=True):
        services.stay_admit(by=cast["manager_a"], facility=facility_a, person=person, admitted_on=START)
    return person


# --- assessment missing / overdue ----------------------------------------------------------


def test_an_admitted_resident_without_assessment_opens_one_assessment_missing_alert(admitted, facility_a):
    [alert] = open_alerts()

    assert (alert.kind, alert.facility, alert.region_id) == (AlertKind.ASSESSMENT_MISSING, facility_a, "621002100")
    assert (alert.subject, alert.subject_label) == (f"person:{admitted.pk}", "孙玉珍")
    assert alert.message == "孙玉珍 尚未做生活自理能力评估"
    assert alert.severity == Severity.WARNING


def test_running_the_scan_twice_opens_nothing_new(admitted):
    first = scan_residents()
    second = scan_residents()

    assert first["assessments"] == (0, 0)
    assert [second[name] for name in ("assessments", "visits", "duplicates", "capacity")] == [(0, 0)] * 4
    assert resident_alerts().count() == 1


def test_recording_an_assessment_resolves_assessment_missing(cast, admitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_record(
            by=cast["manager_a"], person=admitted, assessed_on=START, unable=all_unable(False), assessors="张医生",
            reason="initial",
        )

    alert = resident_alerts().get()
    assert alert.resolved_at == at(START)
    assert open_alerts() == []


@pytest.fixture
def assessed(cast, admitted, django_capture_on_commit_callbacks):
    """The admitted resident, assessed on START: due again on 2027-03-02."""
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_record(
            by=cast["manager_a"], person=admitted, assessed_on=START, unable=all_unable(True), assessors="张医生",
            reason="initial",
        )
    return admitted


def test_an_assessment_is_not_overdue_on_its_due_date(assessed, clock):
    clock.move_to(at(date(2027, 3, 2)))

    scan_residents()

    assert open_alerts() == []


def test_past_the_due_date_an_assessment_overdue_alert_gives_the_days_overdue(assessed, clock, facility_a):
    clock.move_to(at(date(2027, 3, 12)))

    scan_residents()

    [alert] = open_alerts()
    assert (alert.kind, alert.facility, alert.subject) == (AlertKind.ASSESSMENT_OVERDUE, facility_a, f"person:{assessed.pk}")
    assert alert.message == "孙玉珍 的生活自理能力评估应于 2027-03-02 前复评，已逾期 10 天"
    assert alert.details == {"due_on": "2027-03-02"}


def test_the_next_days_scan_updates_the_days_overdue_on_the_same_alert(assessed, clock):
    clock.move_to(at(date(2027, 3, 12)))
    scan_residents()
    clock.move_to(at(date(2027, 3, 13)))

    assert scan_residents()["assessments"] == (0, 0)

    [alert] = open_alerts()
    assert alert.message.endswith("已逾期 11 天")
    assert Alert.objects.filter(kind=AlertKind.ASSESSMENT_OVERDUE).count() == 1


def test_a_reassessment_resolves_assessment_overdue(cast, assessed, clock, django_capture_on_commit_callbacks):
    clock.move_to(at(date(2027, 3, 12)))
    scan_residents()

    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_record(
            by=cast["manager_a"], person=assessed, assessed_on=date(2027, 3, 12), unable=all_unable(True),
            assessors="张医生", reason="periodic",
        )

    assert open_alerts() == []


def test_discharge_resolves_assessment_overdue(cast, assessed, clock, django_capture_on_commit_callbacks):
    clock.move_to(at(date(2027, 3, 12)))
    scan_residents()
    assert len(open_alerts(AlertKind.ASSESSMENT_OVERDUE)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.stay_discharge(by=cast["manager_a"], stay=assessed.stays.get(), ended_on=date(2027, 3, 12), reason="moved_home")

    assert open_alerts() == []
    assert Alert.objects.get(kind=AlertKind.ASSESSMENT_OVERDUE).resolved_at == at(date(2027, 3, 12))


def test_transfer_moves_the_alert_to_the_new_facility(cast, admitted, facility_a, facility_b, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.stay_transfer(by=cast["manager_a"], stay=admitted.stays.get(), to_facility=facility_b, transferred_on=START)

    [alert] = open_alerts()
    assert (alert.kind, alert.facility) == (AlertKind.ASSESSMENT_MISSING, facility_b)
    assert resident_alerts().get(facility=facility_a).resolved_at is not None


# --- visits ------------------------------------------------------------------------------


@pytest.fixture
def dispersed(cast, regions, township, clock, django_capture_on_commit_callbacks):
    """A person confirmed for dispersed support on START, living in 肖金镇."""
    person = PersonFactory(name="赵德福", born=date(1956, 4, 1), hukou_region=regions["621002"], residence_region=township)
    with django_capture_on_commit_callbacks(execute=True):
        services.support_status_confirm(
            by=cast["inspector"], person=person, kind="hardship", support_form=SupportForm.DISPERSED, confirmed_on=START,
        )
    return person


def test_a_dispersed_person_is_not_overdue_within_thirty_days(dispersed, clock):
    clock.move_to(at(START + timedelta(days=30)))

    scan_residents()

    assert open_alerts() == []


def test_a_dispersed_person_not_visited_for_thirty_days_opens_visit_overdue(dispersed, clock):
    clock.move_to(at(START + timedelta(days=31)))

    scan_residents()

    [alert] = open_alerts()
    assert (alert.kind, alert.facility, alert.region_id, alert.subject) == (
        AlertKind.VISIT_OVERDUE, None, "621002100", f"person:{dispersed.pk}",
    )
    assert alert.message == "赵德福 探访逾期 1 天（尚无探访记录，周期 30 天）"
    assert alert.details == {"due_on": "2026-04-01"}


def test_a_visit_resolves_visit_overdue_and_restarts_the_interval(cast, dispersed, clock, django_capture_on_commit_callbacks):
    clock.move_to(at(date(2026, 4, 10)))
    scan_residents()

    with django_capture_on_commit_callbacks(execute=True):
        services.visit_record(by=cast["inspector"], person=dispersed, visited_on=date(2026, 4, 10), visitor="刘某", mode="home", findings="正常")

    assert open_alerts() == []
    clock.move_to(at(date(2026, 5, 11)))
    scan_residents()
    [alert] = open_alerts()
    assert alert.message == "赵德福 探访逾期 1 天（上次探访 2026-04-10，周期 30 天）"


def test_a_county_policy_of_sixty_days_changes_the_visit_interval(dispersed, regions, clock):
    RegionPolicy.objects.create(region=regions["621002"], effective_from=date(2026, 1, 1), visit_interval_days=60)

    clock.move_to(at(START + timedelta(days=31)))
    scan_residents()
    assert open_alerts() == []

    clock.move_to(at(START + timedelta(days=61)))
    scan_residents()
    [alert] = open_alerts()
    assert alert.message == "赵德福 探访逾期 1 天（尚无探访记录，周期 60 天）"


def test_a_visit_before_confirmation_does_not_start_the_interval_early(cast, regions, township, clock, django_capture_on_commit_callbacks):
    """The 入户调查 before confirmation is a visit too; the first support visit is due 30 days after confirmation."""
    person = PersonFactory(name="钱大有", hukou_region=regions["621002"], residence_region=township)
    Visit.objects.create(person=person, visited_on=date(2026, 1, 20), visitor="刘某", mode="home", findings="入户调查", recorded_by=cast["inspector"])
    with django_capture_on_commit_callbacks(execute=True):
        services.support_status_confirm(
            by=cast["inspector"], person=person, kind="hardship", support_form=SupportForm.DISPERSED, confirmed_on=START,
        )

    clock.move_to(at(START + timedelta(days=20)))
    scan_residents()
    assert open_alerts() == []

    clock.move_to(at(START + timedelta(days=31)))
    scan_residents()
    [alert] = open_alerts()
    assert alert.message == "钱大有 探访逾期 1 天（上次探访 2026-01-20，周期 30 天）"


def test_terminating_dispersed_support_resolves_visit_overdue(cast, dispersed, clock, django_capture_on_commit_callbacks):
    clock.move_to(at(date(2026, 4, 10)))
    scan_residents()

    with django_capture_on_commit_callbacks(execute=True):
        services.support_status_terminate(by=cast["inspector"], status=dispersed.statuses.get(), terminated_on=date(2026, 4, 10), reason="迁出")

    assert open_alerts() == []


# --- duplicate enrolment -----------------------------------------------------------------


@pytest.fixture
def enrolled_twice(regions, township, facility_a, clock):
    """Data from before the entry checks: in facility A and under dispersed support at once."""
    person = PersonFactory(name="周老汉", hukou_region=regions["621002"], residence_region=township)
    StayFactory(person=person, facility=facility_a, admitted_on=date(2025, 6, 1))
    AssessmentFactory(person=person, assessed_on=date(2025, 6, 1))
    Person.objects.filter(pk=person.pk).update(assessment_due_on=date(2026, 6, 1))
    SupportStatusFactory(person=person, support_form=SupportForm.DISPERSED, confirmed_on=date(2026, 2, 20))
    return person


def test_a_person_in_a_facility_and_under_dispersed_support_opens_a_critical_alert(enrolled_twice, facility_a):
    scan_residents()

    [alert] = open_alerts(AlertKind.DUPLICATE_ENROLMENT)
    assert (alert.severity, alert.facility, alert.region_id, alert.subject) == (
        Severity.CRITICAL, facility_a, "621002100", f"person:{enrolled_twice.pk}",
    )
    assert alert.message == "周老汉 既在西峰区中心敬老院入住，又登记为分散供养"
    assert scan_residents()["duplicates"] == (0, 0)
    assert Alert.objects.filter(kind=AlertKind.DUPLICATE_ENROLMENT).count() == 1


def test_ending_the_dispersed_support_resolves_duplicate_enrolment(cast, enrolled_twice, django_capture_on_commit_callbacks):
    scan_residents()

    with django_capture_on_commit_callbacks(execute=True):
        services.support_status_terminate(
            by=cast["inspector"], status=enrolled_twice.statuses.get(), terminated_on=START, reason="已集中供养，登记有误",
        )

    assert open_alerts(AlertKind.DUPLICATE_ENROLMENT) == []


def test_discharge_resolves_duplicate_enrolment(cast, enrolled_twice, django_capture_on_commit_callbacks):
    scan_residents()

    with django_capture_on_commit_callbacks(execute=True):
        services.stay_discharge(by=cast["manager_a"], stay=enrolled_twice.stays.get(), ended_on=START, reason="moved_home")

    assert open_alerts(AlertKind.DUPLICATE_ENROLMENT) == []


# --- capacity ----------------------------------------------------------------------------


@pytest.fixture
def three_residents(facility_a, clock):
    stays = StayFactory.create_batch(3, facility=facility_a, admitted_on=date(2026, 1, 5))
    for stay in stays:
        AssessmentFactory(person=stay.person, assessed_on=date(2026, 1, 5))
        Person.objects.filter(pk=stay.person_id).update(assessment_due_on=date(2027, 1, 5))
    return stays


def test_a_facility_at_capacity_is_not_over_capacity(three_residents, facility_a):
    Facility.objects.filter(pk=facility_a.pk).update(bed_capacity=3)

    assert scans.scan_capacity() == (0, 0)
    assert open_alerts() == []


def test_reducing_beds_below_occupancy_opens_over_capacity_and_a_discharge_resolves_it(
    cast, three_residents, facility_a, django_capture_on_commit_callbacks,
):
    Facility.objects.filter(pk=facility_a.pk).update(bed_capacity=2)

    assert scans.scan_capacity() == (1, 0)
    [alert] = open_alerts()
    assert (alert.kind, alert.severity, alert.facility, alert.subject) == (AlertKind.OVER_CAPACITY, Severity.CRITICAL, facility_a, "")
    assert alert.message == "西峰区中心敬老院 入住 3 人，超过床位 2 张"
    assert alert.details == {"residents": 3, "beds": 2}
    assert scans.scan_capacity() == (0, 0)

    with django_capture_on_commit_callbacks(execute=True):
        services.stay_discharge(by=cast["manager_a"], stay=three_residents[0], ended_on=START, reason="moved_home")

    assert open_alerts() == []


def test_restoring_the_beds_resolves_over_capacity_at_the_next_scan(three_residents, facility_a):
    Facility.objects.filter(pk=facility_a.pk).update(bed_capacity=2)
    scans.scan_capacity()
    Facility.objects.filter(pk=facility_a.pk).update(bed_capacity=120)

    assert scans.scan_capacity() == (0, 1)
    assert open_alerts() == []


def test_a_facility_scan_leaves_other_facilities_alerts_alone(three_residents, facility_a, facility_b):
    Facility.objects.filter(pk=facility_a.pk).update(bed_capacity=2)
    scans.scan_capacity()

    assert scans.scan_capacity(facility_ids=[facility_b.pk]) == (0, 0)
    assert len(open_alerts(AlertKind.OVER_CAPACITY)) == 1


# --- query count -------------------------------------------------------------------------


def populate(n: int, *, facility, township, user) -> None:
    """n residents (unassessed, overdue, up to date in turn), n dispersed people, one enrolled twice, over capacity."""
    for i in range(n):
        stay = StayFactory(facility=facility, admitted_on=date(2025, 1, 6))
        if i % 3:
            due = date(2026, 1, 6) if i % 3 == 1 else date(2027, 1, 6)
            AssessmentFactory(person=stay.person, assessed_on=date(2025, 1, 6), due_on=due)
            Person.objects.filter(pk=stay.person_id).update(assessment_due_on=due)
        person = PersonFactory(residence_region=township)
        SupportStatusFactory(person=person, support_form=SupportForm.DISPERSED, confirmed_on=date(2025, 1, 6))
        if i % 2:
            Visit.objects.create(person=person, visited_on=date(2025, 12, 1), visitor="刘某", mode="phone", findings="正常", recorded_by=user)
    SupportStatusFactory(person=Stay.objects.filter(facility=facility).first().person, support_form=SupportForm.DISPERSED)
    Facility.objects.filter(pk=facility.pk).update(bed_capacity=n - 1)


def clear() -> None:
    Alert.objects.all().delete()
    Stay.objects.all().delete()
    SelfCareAssessment.objects.all().delete()
    Person.objects.all().delete()


def run_resident_scans() -> dict:
    """What the nightly `scan_residents` task runs, without other apps' scans."""
    return {
        "assessments": scans.scan_assessments(today=START),
        "visits": scans.scan_visits(today=START),
        "duplicates": scans.scan_duplicate_enrolment(),
        "capacity": scans.scan_capacity(),
    }


def scan_query_counts(n: int, **where) -> tuple[int, int, dict]:
    populate(n, **where)
    with CaptureQueriesContext(connection) as first:
        opened = run_resident_scans()
    with CaptureQueriesContext(connection) as again:
        run_resident_scans()
    clear()
    return len(first), len(again), opened


def test_the_scans_run_the_same_number_of_queries_for_3_and_30_residents(cast, facility_a, township, clock):
    where = {"facility": facility_a, "township": township, "user": cast["inspector"]}

    first_3, again_3, opened_3 = scan_query_counts(3, **where)
    first_30, again_30, opened_30 = scan_query_counts(30, **where)

    # Each scan opens alerts of its kinds in both runs, so both runs take the same path …
    assert opened_3 == {"assessments": (2, 0), "visits": (3, 0), "duplicates": (1, 0), "capacity": (1, 0)}
    assert opened_30 == {"assessments": (20, 0), "visits": (30, 0), "duplicates": (1, 0), "capacity": (1, 0)}
    # … and per scan of the four: read its rows (visits also read the region policies, 1 query),
    # then SAVEPOINT, lock the open alerts, INSERT the new ones, RELEASE: 4 × 5 + 1 = 21.
    assert first_3 == first_30 == 21
    # The rerun finds nothing to insert, update or resolve: 4 × 4 + 1 = 17.
    assert again_3 == again_30 == 17
