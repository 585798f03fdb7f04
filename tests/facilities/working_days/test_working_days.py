"""The working-day calendar as data (DESIGN §3 "Working days").

The rules: a deadline counted over a year nobody has entered is provisional; from 1 November the
administrator is reminded of next year. The database calendar: entered years are exactly their
rows, `chinese-calendar` covers the years it knows, other years count Monday to Friday; a deadline
costs a fixed few queries. The year's turn through the services: a complaint received on
2026-12-25 over New Year, a change reported in late January 2027 over the Spring Festival while
2027 is not entered (provisional, a badge on the pages, a field in the API), then 2027 entered
→ counted again, no longer provisional, the move in the history. The loader command.

2027's notice is not published as this is written, so the 2027 used here is this test's own (the
Spring Festival falls on Saturday 2027-02-06): 元旦 01-01 to 01-03; 春节 02-05 to 02-12 with Saturday
02-13 a make-up working day.
"""
import csv
import io
from datetime import date, datetime, time, timedelta
from importlib import import_module
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from facilities.complaints.services import complaint_register
from facilities.models import Complaint, ComplaintChannel, HolidayNotice, WorkingDayCalendar, WorkingDayKind
from facilities.rules import working_day_deadline, working_day_year_to_enter
from facilities.tasks import recount_working_day_deadlines
from facilities.working_days import services as calendar_services
from facilities.working_days.calendar import LIBRARY, WorkingDays
from residents.models import SelfCareAssessment
from residents.services import assessment_change_report, assessment_record
from tests.factories import PersonFactory, StayFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知"
DAYS_2027 = [
    *[(date(2027, 1, d), WorkingDayKind.HOLIDAY, "元旦") for d in (1, 2, 3)],
    *[(date(2027, 2, d), WorkingDayKind.HOLIDAY, "春节") for d in range(5, 13)],
    (date(2027, 2, 13), WorkingDayKind.WORKDAY, "春节"),
]


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def weekdays(day: date) -> bool:
    return day.weekday() < 5


def enter_2027(admin):
    """As the administrator would: the notice, then its days (one transaction, like a CSV upload)."""
    return calendar_services.working_days_replace(by=admin, notices=[calendar_services.NoticeDays(
        year=2027, title=NOTICE_2027, number="测试〔2026〕1号", published_on=date(2026, 11, 5),
        days=tuple(calendar_services.CalendarDay(day, kind, name) for day, kind, name in DAYS_2027),
    )])


# --- rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "days", "known", "due", "provisional"), [
    (date(2026, 12, 25), 10, {2026}, date(2027, 1, 8), True),        # New Year 2027 counted as a Friday at work
    (date(2026, 12, 25), 10, {2026, 2027}, date(2027, 1, 8), False),
    (date(2026, 12, 18), 5, {2026}, date(2026, 12, 25), False),      # stays inside the known year
    (date(2026, 12, 31), 0, set(), date(2026, 12, 31), False),       # no day counted
    (date(2026, 12, 31), 1, {2026}, date(2027, 1, 1), True),
    (date(2030, 6, 3), 1, set(), date(2030, 6, 4), True),
    (date(2026, 6, 1), 3, None, date(2026, 6, 4), False),            # None: the calendar given is exact
])
def test_a_deadline_is_provisional_when_it_counts_over_a_year_not_entered(start, days, known, due, provisional):
    deadline = working_day_deadline(start, days, is_workday=weekdays, known_years=known)
    assert (deadline.due, deadline.provisional) == (due, provisional)


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    days=st.integers(min_value=0, max_value=400),
    known=st.sets(st.integers(min_value=2019, max_value=2038)),
)
def test_provisional_exactly_when_a_counted_day_lies_in_an_unknown_year(start, days, known):
    deadline = working_day_deadline(start, days, is_workday=weekdays, known_years=known)
    counted = [start + timedelta(days=n) for n in range(1, (deadline.due - start).days + 1)]
    assert deadline.provisional == any(day.year not in known for day in counted)


@pytest.mark.parametrize(("today", "known", "year"), [
    (date(2026, 10, 31), {2026}, None),
    (date(2026, 11, 1), {2026}, 2027),       # from 1 November
    (date(2026, 12, 31), {2026}, 2027),
    (date(2026, 11, 1), {2026, 2027}, None),  # … until next year is entered
    (date(2027, 1, 1), {2026}, 2027),        # still missing once it has begun
    (date(2027, 1, 1), {2026, 2027}, None),
    (date(2028, 2, 29), {2028}, None),
    (date(2031, 1, 1), set(range(2004, 2027)), 2031),
])
def test_the_year_to_enter(today, known, year):
    assert working_day_year_to_enter(today, known) == year


# --- the database calendar --------------------------------------------------------------------


@pytest.mark.django_db
def test_with_nothing_entered_the_library_years_follow_chinese_calendar_and_others_count_weekdays():
    calendar = WorkingDays()
    assert {2025, 2026} <= calendar.known_years and 2027 not in calendar.known_years
    assert calendar.is_workday(date(2026, 10, 8))                # the Thursday after National Day week
    assert calendar.is_workday(date(2026, 10, 10))               # Saturday, a make-up working day (调休)
    assert not calendar.is_workday(date(2026, 10, 5))            # National Day
    assert calendar.is_workday(date(2027, 1, 1))                 # 2027 unknown: a Friday like any other
    assert not calendar.is_workday(date(2027, 1, 2))


@pytest.mark.django_db
def test_an_entered_year_is_exactly_its_rows(cast):
    enter_2027(cast["admin"])
    calendar = WorkingDays()
    assert 2027 in calendar.entered_years
    assert not calendar.is_workday(date(2027, 1, 1))
    assert calendar.is_workday(date(2027, 2, 13))  # the Saturday make-up day
    assert calendar.is_workday(date(2027, 5, 3))   # no May Day rows in this test's 2027: a Monday at work
    # An entered year that the library also knows: the rows win, the library is not read.
    calendar_services.working_days_load_library(by=None)
    WorkingDayCalendar.objects.filter(day=date(2026, 10, 5)).delete()
    assert WorkingDays().is_workday(date(2026, 10, 5))


@pytest.mark.django_db
def test_counting_a_deadline_costs_a_query_per_year_not_per_day(cast, django_assert_num_queries):
    calendar_services.working_days_load_library(by=None)
    with django_assert_num_queries(3):  # the entered years; the days of 2026; the days of 2027
        deadline = WorkingDays().deadline(date(2026, 12, 25), 30)
    assert deadline.provisional


# --- the year's turn through the services ---------------------------------------------------


@pytest.fixture
def admin(cast):
    return cast["admin"]


@pytest.fixture
def enter(admin, django_capture_on_commit_callbacks):
    """Enter 2027 and run what waits for the commit (the recount, then the scans it asks for)."""

    def _enter():
        with django_capture_on_commit_callbacks(execute=True):
            enter_2027(admin)

    return _enter


@pytest.fixture
def resident(cast, regions, facilities):
    """Living in facility A, assessed on 2026-03-02 (the next periodic assessment due 2027-03-02)."""
    with time_machine.travel(at(date(2026, 3, 2)), tick=False):
        person = PersonFactory(hukou_region=regions["621002"])
        StayFactory(person=person, facility=facilities["a"], admitted_on=date(2025, 2, 3))
        assessment_record(
            by=cast["manager_a"], person=person, assessed_on=date(2026, 3, 2), assessors="张医生",
            unable={name: False for name in SelfCareAssessment.INDICATOR_FIELDS}, reason="initial",
        )
    return person


def test_a_complaint_received_before_new_year_is_provisional_until_2027_is_entered(cast, facilities, admin, enter, login):
    with time_machine.travel(at(date(2026, 12, 25)), tick=False):
        complaint = complaint_register(
            by=cast["inspector"], facility=facilities["a"], channel=ComplaintChannel.HOTLINE_12345,
            received_at=at(date(2026, 12, 25)), content="夜间无人值守",
        )
        # Friday 12-25: 12-28 … 12-31, then 2027 counted Monday to Friday (New Year's Day a Friday at work).
        assert (complaint.acknowledge_due_on, complaint.conclude_due_on, complaint.due_provisional) == (
            date(2026, 12, 28), date(2027, 1, 15), True)
        client = login(cast["inspector"])
        assert 'data-testid="provisional"' in client.get("/facilities/complaints/").content.decode()
        detail = client.get(f"/facilities/complaints/{complaint.pk}/").content.decode()
        assert "暂按周一至周五计算" in detail
        item = client.get(f"/api/complaints/{complaint.pk}").json()
        assert (item["conclude_due_on"], item["due_provisional"]) == ("2027-01-15", True)
        exported = list(csv.DictReader(io.StringIO(client.get("/facilities/complaints/?export=csv").content.decode("utf-8-sig"))))
        assert [(row["办结期限"], row["期限暂定"]) for row in exported] == [("2027-01-15", "是")]

        enter()  # the recount runs after the commit (in-process in tests, a Celery task otherwise)

    complaint.refresh_from_db()
    # 元旦 01-01 to 01-03 now off: the fifteenth working day moves to Monday 01-18.
    assert (complaint.conclude_due_on, complaint.due_provisional) == (date(2027, 1, 18), False)
    record = complaint.history.latest()
    assert (record.history_user, record.history_change_reason) == (admin, "工作日历变更，重新计算期限")
    assert 'data-testid="provisional"' not in client.get(f"/facilities/complaints/{complaint.pk}/").content.decode()


def test_a_change_reported_in_late_january_2027_is_provisional_then_counted_over_the_spring_festival(
    cast, resident, enter, login,
):
    person = resident
    with time_machine.travel(at(date(2027, 1, 25)), tick=False):
        due = assessment_change_report(by=cast["manager_a"], person=person, reported_on=date(2027, 1, 25))
        # 2027 not entered: ten weekdays, the Spring Festival week counted as work.
        assert due == date(2027, 2, 8)
        person.refresh_from_db()
        assert person.assessment_due_provisional
        client = login(cast["manager_a"])
        assert 'data-testid="provisional"' in client.get(f"/people/{person.pk}/").content.decode()
        assert 'data-testid="provisional"' in client.get("/people/").content.decode()
        listed = client.get("/api/people").json()["items"]
        assert [(p["assessment_due_on"], p["assessment_due_provisional"]) for p in listed] == [("2027-02-08", True)]

        enter()

        person.refresh_from_db()
        # 01-26 … 01-29, 02-01 … 02-04, the Saturday make-up day 02-13, then Monday 02-15.
        assert (person.assessment_due_on, person.assessment_due_provisional) == (date(2027, 2, 15), False)
        assert person.history.latest().history_change_reason == "工作日历变更，重新计算复评期限"
        assert 'data-testid="provisional"' not in client.get(f"/people/{person.pk}/").content.decode()


def test_an_assessment_after_the_report_ends_the_reported_change(cast, resident):
    person = resident
    with time_machine.travel(at(date(2027, 1, 25)), tick=False):
        assessment_change_report(by=cast["manager_a"], person=person, reported_on=date(2027, 1, 25))
        assessment_record(
            by=cast["manager_a"], person=person, assessed_on=date(2027, 1, 25), assessors="张医生",
            unable={name: False for name in SelfCareAssessment.INDICATOR_FIELDS}, reason="change_reported",
        )
    person.refresh_from_db()
    assert (person.change_reported_on, person.assessment_due_on, person.assessment_due_provisional) == (
        None, date(2028, 1, 25), False)


def test_the_nightly_recount_settles_deadlines_a_lost_task_left_provisional(cast, facilities):
    with time_machine.travel(at(date(2026, 12, 25)), tick=False):
        complaint = complaint_register(
            by=cast["inspector"], facility=facilities["a"], channel=ComplaintChannel.LETTER,
            received_at=at(date(2026, 12, 25)), content="伙食差",
        )
    # The year entered behind the services' back (as if the recount task had never been delivered).
    notice = HolidayNotice.objects.create(year=2027, title=NOTICE_2027)
    WorkingDayCalendar.objects.bulk_create(
        WorkingDayCalendar(day=day, kind=kind, name=name, notice=notice) for day, kind, name in DAYS_2027
    )
    assert recount_working_day_deadlines.delay().get() == 1
    complaint.refresh_from_db()
    assert (complaint.conclude_due_on, complaint.due_provisional) == (date(2027, 1, 18), False)


# --- the loader ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_working_days_copies_the_library_years_once_with_their_notices():
    out = StringIO()
    call_command("load_working_days", stdout=out)
    assert LIBRARY in out.getvalue()
    notice_2026 = HolidayNotice.objects.get(year=2026)
    assert (notice_2026.title, notice_2026.number, notice_2026.published_on, notice_2026.source) == (
        "国务院办公厅关于2026年部分节假日安排的通知", "国办发明电〔2025〕7号", date(2025, 11, 4), LIBRARY)
    assert HolidayNotice.objects.get(year=2025).number == "国办发明电〔2024〕12号"
    days_2026 = WorkingDayCalendar.objects.filter(day__year=2026)
    assert days_2026.filter(kind=WorkingDayKind.HOLIDAY).count() == 33
    assert sorted(days_2026.filter(kind=WorkingDayKind.WORKDAY).values_list("day", flat=True)) == [
        date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20), date(2026, 10, 10)]
    assert days_2026.get(day=date(2026, 2, 17)).name == "春节"
    assert WorkingDayCalendar.history.filter(day=date(2026, 2, 17)).get().history_change_reason == "从 chinese-calendar 载入"
    before = (HolidayNotice.objects.count(), WorkingDayCalendar.objects.count(), WorkingDayCalendar.history.count())

    again = StringIO()
    call_command("load_working_days", stdout=again)

    assert "already present" in again.getvalue()
    assert (HolidayNotice.objects.count(), WorkingDayCalendar.objects.count(), WorkingDayCalendar.history.count()) == before
    assert not HolidayNotice.objects.filter(year=2027).exists()


@pytest.mark.django_db
def test_the_loader_leaves_a_year_the_administrator_changed_as_it_is(cast):
    call_command("load_working_days", stdout=StringIO())
    calendar_services.working_day_delete(by=cast["admin"], entry=WorkingDayCalendar.objects.get(day=date(2026, 10, 7)))
    call_command("load_working_days", stdout=StringIO())
    assert not WorkingDayCalendar.objects.filter(day=date(2026, 10, 7)).exists()


def test_the_migration_gives_complaints_registered_before_it_their_limits(cast, facilities):
    """Complaints registered before the limits were stored: the migration counts them back from
    their deadlines on the calendar that set them."""
    migration = import_module("facilities.migrations.0007_working_day_calendar")
    with time_machine.travel(at(date(2026, 12, 25)), tick=False):
        complaint = complaint_register(
            by=cast["inspector"], facility=facilities["a"], channel=ComplaintChannel.VISIT,
            received_at=at(date(2026, 12, 25)), content="来访反映",
        )
    Complaint.objects.filter(pk=complaint.pk).update(acknowledge_working_days=0, conclude_working_days=0, due_provisional=False)

    migration.limits_of_registered_complaints(django_apps, None)

    complaint.refresh_from_db()
    assert (complaint.acknowledge_working_days, complaint.conclude_working_days, complaint.due_provisional) == (1, 15, True)
