"""One rule for "a valid assessment" (residents.rules), pure: no database.

Valid from the day it was made through its due date — the re-assessment interval later, or a
reported change's deadline if that comes first; the latest assessment on or before a day decides.
"""
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from residents.rules import (
    AssessmentStatus,
    add_months,
    assessment_due_on,
    assessment_status,
    is_assessment_valid,
    latest_assessment,
    valid_assessment,
)


@dataclass(frozen=True)
class A:
    id: int
    assessed_on: date
    due_on: date
    category: str = "partial"


def made(n, on, *, months=12, change=None, category="partial"):
    return A(n, on, assessment_due_on(assessed_on=on, interval_months=months, change_due_on=change), category)


@pytest.mark.parametrize(
    ("assessed_on", "months", "change", "due"),
    [
        (date(2026, 3, 31), 12, None, date(2027, 3, 31)),
        (date(2024, 2, 29), 12, None, date(2025, 2, 28)),  # leap day: the month's end a year later
        (date(2026, 1, 31), 1, None, date(2026, 2, 28)),
        (date(2026, 3, 31), 6, None, date(2026, 9, 30)),
        (date(2026, 3, 31), 12, date(2026, 10, 20), date(2026, 10, 20)),  # a reported change comes first
        (date(2026, 3, 31), 6, date(2026, 10, 20), date(2026, 9, 30)),  # never later than the interval
        (date(2026, 3, 31), 12, date(2026, 3, 31), date(2026, 3, 31)),
    ],
)
def test_the_due_date_is_the_interval_later_or_a_reported_changes_deadline(assessed_on, months, change, due):
    assert assessment_due_on(assessed_on=assessed_on, interval_months=months, change_due_on=change) == due


@pytest.mark.parametrize("months", [0, -1, True, 1.5, None])
def test_an_interval_that_is_not_a_positive_number_of_months_is_refused(months):
    with pytest.raises(ValueError, match="复评周期"):
        assessment_due_on(assessed_on=date(2026, 1, 1), interval_months=months)


def test_a_change_deadline_before_the_assessment_is_refused():
    with pytest.raises(ValueError, match="状况变化"):
        assessment_due_on(assessed_on=date(2026, 5, 1), interval_months=12, change_due_on=date(2026, 4, 30))


@pytest.mark.parametrize(
    ("on", "valid"),
    [
        (date(2025, 6, 30), False),  # before it was made
        (date(2025, 7, 1), True),  # the day it was made
        (date(2026, 6, 30), True),
        (date(2026, 7, 1), True),  # the due date itself: still valid
        (date(2026, 7, 2), False),  # the day after: no longer
    ],
)
def test_valid_from_the_day_made_through_the_due_date(on, valid):
    assert is_assessment_valid(assessed_on=date(2025, 7, 1), due_on=date(2026, 7, 1), on=on) is valid


def test_never_assessed_is_never_valid():
    assert not is_assessment_valid(assessed_on=None, due_on=date(2027, 1, 1), on=date(2026, 1, 1))


def test_after_a_reported_change_the_assessment_lapses_once_the_deadline_passes():
    assessment = made(1, date(2026, 3, 31), change=date(2026, 10, 20))
    assert valid_assessment([assessment], date(2026, 10, 20)) == assessment
    assert valid_assessment([assessment], date(2026, 10, 21)) is None


def test_the_latest_assessment_decides_and_an_older_one_never_stands_in():
    older = made(1, date(2025, 12, 1), months=24)  # valid until 2027-12-01 on its own
    latest = made(2, date(2026, 3, 1), change=date(2026, 4, 1))  # lapsed after a reported change
    assert latest_assessment([older, latest], date(2026, 5, 1)) == latest
    assert valid_assessment([older, latest], date(2026, 5, 1)) is None
    assert valid_assessment([older, latest], date(2026, 2, 1)) == older  # before the latest was made


def test_two_assessments_on_one_day_the_later_record_decides():
    first, second = made(1, date(2026, 3, 1), category="full"), made(2, date(2026, 3, 1), category="self_care")
    assert valid_assessment([second, first], date(2026, 3, 2)).category == "self_care"


@pytest.mark.parametrize(
    ("assessed_on", "due_on", "status"),
    [
        (None, None, AssessmentStatus.MISSING),
        (None, date(2026, 12, 1), AssessmentStatus.MISSING),  # a reported change, but never assessed
        (date(2025, 1, 1), date(2026, 1, 1), AssessmentStatus.OVERDUE),
        (date(2025, 11, 2), date(2026, 11, 2), AssessmentStatus.OVERDUE),  # due yesterday
        (date(2025, 11, 3), date(2026, 11, 3), AssessmentStatus.DUE_SOON),  # due today: still valid
        (date(2025, 12, 3), date(2026, 12, 3), AssessmentStatus.DUE_SOON),  # in 30 days
        (date(2025, 12, 4), date(2026, 12, 4), AssessmentStatus.VALID),
    ],
)
def test_assessment_status_on_a_day(assessed_on, due_on, status):
    assert assessment_status(assessed_on=assessed_on, due_on=due_on, on=date(2026, 11, 3)) == status


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@given(assessed_on=days, months=st.integers(1, 36), offset=st.integers(-400, 1200))
def test_valid_exactly_while_the_day_is_not_past_the_interval(assessed_on, months, offset):
    on = assessed_on + timedelta(days=offset)
    due = assessment_due_on(assessed_on=assessed_on, interval_months=months)
    assert is_assessment_valid(assessed_on=assessed_on, due_on=due, on=on) == (
        assessed_on <= on <= add_months(assessed_on, months)
    )


@given(assessed_on=days, months=st.integers(1, 36), change_after=st.integers(0, 60), offset=st.integers(0, 1200))
def test_a_reported_change_never_makes_an_assessment_valid_longer(assessed_on, months, change_after, offset):
    on = assessed_on + timedelta(days=offset)
    periodic = assessment_due_on(assessed_on=assessed_on, interval_months=months)
    changed = assessment_due_on(assessed_on=assessed_on, interval_months=months,
                                change_due_on=assessed_on + timedelta(days=change_after))
    assert changed <= periodic
    if is_assessment_valid(assessed_on=assessed_on, due_on=changed, on=on):
        assert is_assessment_valid(assessed_on=assessed_on, due_on=periodic, on=on)


@given(st.lists(st.tuples(days, st.integers(1, 36)), min_size=1, max_size=6), days)
def test_a_valid_assessment_is_always_the_latest_one(history, on):
    assessments = [made(n, day, months=months) for n, (day, months) in enumerate(history)]
    valid = valid_assessment(assessments, on)
    assert valid is None or valid == latest_assessment(assessments, on)
    if valid is not None:
        assert all(a.assessed_on <= valid.assessed_on for a in assessments if a.assessed_on <= on)
