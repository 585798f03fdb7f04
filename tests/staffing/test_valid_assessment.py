"""One rule for "a valid assessment", everywhere: the census (staffing), the resident list's filter,
the alerts and the claims agree with residents.rules on the same data, including the day an
assessment lapses; a resident without a valid assessment counts as fully disabled for staffing
(DESIGN §3) and is priced at the self-care tier and flagged in claims (README).
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from facilities.models import Alert, AlertKind, RegionPolicy
from residents import scans, services
from residents.models import Person, SelfCareAssessment
from residents.rules import AssessmentStatus, assessment_status, valid_assessment
from residents.selectors import PersonFilters, person_list
from staffing.census import census_on
from subsidies.models import ClaimLine
from tests.factories import AssessmentFactory, EmploymentFactory, PersonFactory, StayFactory, SupportStatusFactory

BOUNDARY = date(2026, 11, 20)  # the due date several histories below share


@dataclass(frozen=True)
class History:
    name: str
    assessments: tuple  # (assessed_on, due_on, category)


HISTORIES = [
    History("never assessed", ()),
    History("valid all along", ((date(2026, 5, 1), date(2027, 5, 1), "partial"),)),
    History("due on the boundary", ((date(2025, 11, 20), BOUNDARY, "partial"),)),
    History("due the day before", ((date(2025, 11, 19), BOUNDARY - timedelta(days=1), "self_care"),)),
    History("due the day after", ((date(2025, 11, 21), BOUNDARY + timedelta(days=1), "self_care"),)),
    History("shortened by a reported change", ((date(2026, 9, 1), BOUNDARY, "self_care"),)),
    History("an older one still in time, the latest lapsed", (
        (date(2025, 6, 1), date(2027, 6, 1), "full"), (date(2026, 8, 1), BOUNDARY - timedelta(days=2), "self_care"),
    )),
    History("re-assessed on the boundary", (
        (date(2025, 11, 20), BOUNDARY, "partial"), (BOUNDARY, date(2027, 11, 20), "full"),
    )),
    History("two on one day", ((date(2026, 2, 1), date(2027, 2, 1), "full"), (date(2026, 2, 1), date(2027, 2, 1), "partial"))),
    History("made after the boundary", ((BOUNDARY + timedelta(days=1), date(2027, 11, 21), "partial"),)),
]
DAYS = [BOUNDARY + timedelta(days=offset) for offset in range(-3, 4)]


@pytest.fixture
def residents(facilities):
    """Each history, three times over, in facility A; in care since 2025."""
    people = {}
    for copy in range(3):
        for history in HISTORIES:
            person = PersonFactory(name=f"{history.name} {copy}")
            StayFactory(person=person, facility=facilities["a"], admitted_on=date(2025, 1, 1))
            for assessed_on, due_on, category in history.assessments:
                AssessmentFactory(person=person, assessed_on=assessed_on, due_on=due_on, computed_category=category)
            Person.objects.filter(pk=person.pk).update(
                assessment_due_on=max(history.assessments, key=lambda a: a[0])[1] if history.assessments else None,
            )
            people[person.pk] = history
    return people


def _by_rule(day: date) -> dict[int, str | None]:
    """The category each resident counts in on `day` by the pure rule: None without a valid assessment."""
    rows: dict[int, list] = {}
    for assessment in SelfCareAssessment.objects.all():
        rows.setdefault(assessment.person_id, []).append(assessment)
    return {
        pk: (valid.category if (valid := valid_assessment(rows.get(pk, []), day)) else None)
        for pk in Person.objects.values_list("pk", flat=True)
    }


@pytest.mark.parametrize("day", DAYS, ids=[d.isoformat() for d in DAYS])
def test_the_census_counts_what_the_rule_says_on_every_day_around_the_boundary(facilities, residents, day):
    expected = _by_rule(day)
    census = census_on(day, facility_ids=[facilities["a"].pk])[facilities["a"].pk]
    without = sum(category is None for category in expected.values())
    assert census.unassessed == without
    assert census.full == without + sum(category == "full" for category in expected.values())
    assert census.partial == sum(category == "partial" for category in expected.values())
    assert census.self_care == sum(category == "self_care" for category in expected.values())


@pytest.mark.parametrize("day", DAYS, ids=[d.isoformat() for d in DAYS])
def test_the_overdue_filter_and_the_alerts_say_what_the_rule_says(cast, facilities, residents, day):
    people = list(person_list(user=cast["manager_a"], filters=PersonFilters(in_care=True), today=day))
    status = {
        person.pk: assessment_status(assessed_on=person.latest_assessed_on, due_on=person.latest_due_on, on=day)
        for person in people
    }
    lapsed = {pk for pk, s in status.items() if s in (AssessmentStatus.MISSING, AssessmentStatus.OVERDUE)}
    expected = {pk for pk, category in _by_rule(day).items() if category is None}
    assert lapsed == expected
    overdue = person_list(user=cast["manager_a"], filters=PersonFilters(assessment_overdue=True), today=day)
    assert set(overdue.values_list("pk", flat=True)) == expected
    scans.scan_assessments(today=day)
    alerted = Alert.objects.filter(kind__in=[AlertKind.ASSESSMENT_MISSING, AlertKind.ASSESSMENT_OVERDUE],
                                   resolved_at__isnull=True).values_list("subject", flat=True)
    assert set(alerted) == {f"person:{pk}" for pk in expected}


def test_on_the_boundary_day_the_assessment_still_counts_and_the_next_day_it_does_not(facilities, residents):
    a = facilities["a"].pk

    def counts(day):
        census = census_on(day, facility_ids=[a])[a]
        return census.full, census.partial, census.self_care, census.unassessed

    # On the due date "due on the boundary" is partial and "shortened by a reported change" self-care;
    # the next day both count as fully disabled without a valid assessment, and "made after the
    # boundary" is assessed (partial). Three of each history.
    assert counts(BOUNDARY) == (3 + 12, 9, 6, 12)
    assert counts(BOUNDARY + timedelta(days=1)) == (3 + 15, 9, 3, 15)


# --- through the pages and the claims ----------------------------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def assessed_resident(cast, facilities, time_machine, django_capture_on_commit_callbacks):
    """A 特困 resident of A assessed partially disabled through the service on 2025-12-01 (due 2026-12-01);
    A has 2 carers for its one resident."""
    time_machine.move_to(at(date(2025, 12, 1)), tick=False)
    person = PersonFactory(name="周秀兰", residence_region_id="621002100")
    SupportStatusFactory(person=person, confirmed_on=date(2025, 3, 10))
    StayFactory(person=person, facility=facilities["a"], admitted_on=date(2025, 3, 10))
    EmploymentFactory.create_batch(2, facility=facilities["a"])
    unable = dict.fromkeys(SelfCareAssessment.INDICATOR_FIELDS, False) | {"eating_unable": True}
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_record(by=cast["manager_a"], person=person, assessed_on=date(2025, 12, 1), unable=unable,
                                   assessors="张三、李四", reason="initial")
    return person


def _panel(client, facility) -> str:
    return client.get(reverse("staffing_facility_panel", args=[facility.pk])).content.decode()


def test_a_lapsed_assessment_counts_as_fully_disabled_on_the_page_and_in_claims(
    cast, facilities, assessed_resident, login, generate, sample_standards, time_machine,
):
    time_machine.move_to(at(date(2026, 12, 1)), tick=False)  # the due date: still valid
    client = login(cast["manager_a"])
    assert "无有效评估" not in _panel(client, facilities["a"])
    page = client.get(reverse("person_detail", args=[assessed_resident.pk])).content.decode()
    assert "2026-12-01" in page and "已逾期" not in page
    [row] = client.get("/api/people", {"in_care": "true"}).json()["items"]
    assert (row["latest_due_on"], row["assessment_status"]) == ("2026-12-01", "due_soon")
    generate(date(2026, 12, 1))
    care = ClaimLine.objects.get(batch__month=date(2026, 12, 1), item="care")
    assert (care.category, care.amount, care.flags) == ("partial", Decimal("600.00"), [])

    time_machine.move_to(at(date(2026, 12, 2)), tick=False)  # the day after: no longer
    client = login(cast["manager_a"])
    panel = _panel(client, facilities["a"])
    assert "其中 1 人无有效评估（未评估或已逾期），按失能计" in panel and "失能 1 ÷ 3" in panel
    page = client.get(reverse("person_detail", args=[assessed_resident.pk])).content.decode()
    assert "已逾期，评估不再有效" in page
    listed = client.get(reverse("person_list"), {"assessment_overdue": "on"}).content.decode()
    assert "周秀兰" in listed and "2026-12-01 逾期" in listed
    [row] = client.get("/api/people", {"assessment_overdue": "true"}).json()["items"]
    assert (row["name"], row["assessment_status"]) == ("周秀兰", "overdue")
    detail = client.get(f"/api/people/{assessed_resident.pk}").json()
    assert detail["latest_assessment"]["due_on"] == "2026-12-01"
    scans.scan_assessments(today=date(2026, 12, 2))
    assert Alert.objects.get(kind=AlertKind.ASSESSMENT_OVERDUE, resolved_at__isnull=True).subject_label == "周秀兰"
    generate(date(2027, 1, 1))
    care = ClaimLine.objects.get(batch__month=date(2027, 1, 1), item="care")
    assert (care.category, care.amount, care.flags) == ("self_care", Decimal("200.00"), ["no_valid_assessment"])


def test_a_reported_change_ends_the_assessment_once_its_deadline_passes(
    cast, facilities, assessed_resident, login, generate, sample_standards, time_machine,
):
    time_machine.move_to(at(date(2026, 3, 16)), tick=False)
    client = login(cast["manager_a"])
    response = client.post(reverse("change_report", args=[assessed_resident.pk]), {"reported_on": "2026-03-16"})
    assert response.status_code == 302
    assessment = assessed_resident.assessments.get()
    assert assessment.due_on == date(2026, 3, 30)  # 10 working days
    assessed_resident.refresh_from_db()
    assert assessed_resident.assessment_due_on == date(2026, 3, 30)
    assert "无有效评估" not in _panel(client, facilities["a"])
    time_machine.move_to(at(date(2026, 3, 31)), tick=False)
    assert "其中 1 人无有效评估" in _panel(login(cast["manager_a"]), facilities["a"])
    generate(date(2026, 4, 1))
    care = ClaimLine.objects.get(batch__month=date(2026, 4, 1), item="care")
    assert (care.category, care.flags) == ("self_care", ["no_valid_assessment"])
    generate(date(2026, 3, 1))  # March's 1st was before the deadline: priced by the assessment
    assert ClaimLine.objects.get(batch__month=date(2026, 3, 1), item="care").category == "partial"


def test_a_region_interval_in_force_when_assessed_sets_the_due_date(cast, facilities, regions, time_machine):
    RegionPolicy.objects.create(region=regions["621002"], effective_from=date(2025, 1, 1), reassessment_months=6)
    time_machine.move_to(at(date(2026, 3, 31)), tick=False)
    person = PersonFactory()
    StayFactory(person=person, facility=facilities["a"], admitted_on=date(2025, 3, 10))
    unable = dict.fromkeys(SelfCareAssessment.INDICATOR_FIELDS, False)
    services.assessment_record(by=cast["manager_a"], person=person, assessed_on=date(2026, 3, 31), unable=unable,
                               assessors="张三", reason="initial")
    assert person.assessments.get().due_on == date(2026, 9, 30)
    a = facilities["a"].pk
    assert census_on(date(2026, 9, 30), facility_ids=[a])[a].self_care == 1
    assert census_on(date(2026, 10, 1), facility_ids=[a])[a].unassessed == 1
