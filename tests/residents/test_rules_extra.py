"""Specs for the remaining residents.rules: 无劳动能力 under 《特困人员认定办法》, working days, months.

Pure functions only: no database, no Django, no clock.
"""
import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facilities.rules import add_working_days
from residents.rules import NO_LABOUR_CAPACITY_RULE, add_months, no_labour_capacity_reason

CATEGORIES = ["vision", "hearing", "speech", "physical", "intellectual", "mental", "multiple"]
QUALIFYING = {("intellectual", 1), ("intellectual", 2), ("intellectual", 3), ("mental", 1), ("mental", 2),
              ("mental", 3), ("physical", 1), ("physical", 2), ("vision", 1)}

# --- no_labour_capacity_reason -----------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "reason"),
    [(60, "年满60周岁"), (61, "年满60周岁"), (100, "年满60周岁"), (15, "未满16周岁"), (0, "未满16周岁"),
     (16, None), (40, None), (59, None)],
)
def test_age_alone_decides_for_a_person_without_disability(age, reason):
    assert no_labour_capacity_reason(age=age) == reason
    assert no_labour_capacity_reason(age=age, disability_category="", disability_grade=None) == reason


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("grade", [1, 2, 3, 4])
def test_working_age_disability_qualifies_exactly_as_article_seven_lists(category, grade):
    """一、二、三级智力或精神残疾；一、二级肢体残疾；一级视力残疾 — nothing else."""
    expected = "残疾等级符合认定条件" if (category, grade) in QUALIFYING else None

    assert no_labour_capacity_reason(age=40, disability_category=category, disability_grade=grade) == expected


@pytest.mark.parametrize(
    ("category", "grade"),
    [("physical", None), ("", 1), ("unknown", 1), ("intellectual", 0), ("vision", 5)],
)
def test_an_incomplete_or_unknown_disability_does_not_qualify(category, grade):
    assert no_labour_capacity_reason(age=40, disability_category=category, disability_grade=grade) is None


def test_the_rule_text_names_the_document_and_every_case():
    for part in ("《特困人员认定办法》", "60周岁以上", "未满16周岁", "一、二、三级智力或精神残疾", "一、二级肢体残疾", "一级视力残疾"):
        assert part in NO_LABOUR_CAPACITY_RULE


ages = st.integers(min_value=0, max_value=130)
disabilities = st.tuples(st.sampled_from(["", *CATEGORIES]), st.none() | st.integers(1, 4))


@given(ages, disabilities)
def test_age_sixty_or_more_always_qualifies_whatever_the_disability(age, disability):
    category, grade = disability

    if age >= 60:
        assert no_labour_capacity_reason(age=age, disability_category=category, disability_grade=grade) == "年满60周岁"


@given(st.integers(16, 59), disabilities)
def test_between_sixteen_and_fifty_nine_only_a_listed_disability_qualifies(age, disability):
    category, grade = disability

    reason = no_labour_capacity_reason(age=age, disability_category=category, disability_grade=grade)

    assert (reason is not None) == ((category, grade) in QUALIFYING)


@given(st.integers(16, 59), st.sampled_from(sorted(QUALIFYING)), st.integers(1, 4))
def test_a_more_severe_grade_of_a_qualifying_category_also_qualifies(age, qualifying, grade):
    category, worst_qualifying = qualifying

    if grade <= worst_qualifying:
        assert no_labour_capacity_reason(age=age, disability_category=category, disability_grade=grade) is not None


@given(ages, disabilities)
def test_the_answer_is_none_or_one_of_three_reasons(age, disability):
    category, grade = disability

    assert no_labour_capacity_reason(age=age, disability_category=category, disability_grade=grade) in (
        None, "年满60周岁", "未满16周岁", "残疾等级符合认定条件",
    )


# --- add_working_days --------------------------------------------------------------------


def weekdays(day: date) -> bool:
    return day.weekday() < 5


def every_day(day: date) -> bool:
    return True


HOLIDAY = {date(2026, 10, d) for d in range(1, 8)}
MAKE_UP = {date(2026, 9, 20), date(2026, 10, 10)}


def national_day_2026(day: date) -> bool:
    """A hand-written calendar: weekdays, less the National Day week, plus two make-up working days."""
    return day in MAKE_UP or (day.weekday() < 5 and day not in HOLIDAY)


@pytest.mark.parametrize(
    ("start", "days", "is_workday", "expected"),
    [
        (date(2026, 3, 2), 0, weekdays, date(2026, 3, 2)),           # zero days: the start itself
        (date(2026, 3, 7), 0, weekdays, date(2026, 3, 7)),           # … even on a Saturday
        (date(2026, 3, 2), 1, weekdays, date(2026, 3, 3)),           # Monday → Tuesday
        (date(2026, 3, 6), 1, weekdays, date(2026, 3, 9)),           # Friday → Monday
        (date(2026, 3, 7), 1, weekdays, date(2026, 3, 9)),           # Saturday → Monday
        (date(2026, 3, 2), 10, weekdays, date(2026, 3, 16)),         # two full weeks
        (date(2026, 3, 2), 10, every_day, date(2026, 3, 12)),
        (date(2026, 9, 30), 1, national_day_2026, date(2026, 10, 8)),
        (date(2026, 9, 30), 3, national_day_2026, date(2026, 10, 10)),  # the Saturday make-up day counts
        (date(2026, 9, 30), 10, national_day_2026, date(2026, 10, 20)),
        (date(2026, 9, 19), 1, national_day_2026, date(2026, 9, 20)),   # Sunday make-up day
        (date(2026, 12, 31), 1, weekdays, date(2027, 1, 1)),         # year rollover
    ],
)
def test_working_days_skip_what_the_calendar_says_is_not_a_working_day(start, days, is_workday, expected):
    assert add_working_days(start, days, is_workday=is_workday) == expected


@pytest.mark.parametrize("days", [-1, True, False, 1.0, "3", None])
def test_working_days_must_be_a_non_negative_int(days):
    with pytest.raises(ValueError, match="non-negative int"):
        add_working_days(date(2026, 3, 2), days, is_workday=weekdays)


def test_the_start_day_itself_is_never_counted():
    asked = []

    def calendar_spy(day):
        asked.append(day)
        return True

    add_working_days(date(2026, 3, 2), 2, is_workday=calendar_spy)

    assert asked == [date(2026, 3, 3), date(2026, 3, 4)]


starts = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
holiday_sets = st.frozensets(st.dates(min_value=date(2000, 1, 1), max_value=date(2091, 12, 31)), max_size=40)


@given(starts, st.integers(0, 60), holiday_sets)
def test_exactly_n_working_days_lie_after_the_start_up_to_the_result(start, days, holidays):
    def is_workday(day):
        return day.weekday() < 5 and day not in holidays

    result = add_working_days(start, days, is_workday=is_workday)

    counted = sum(is_workday(start + timedelta(days=i)) for i in range(1, (result - start).days + 1))
    assert counted == days
    if days:
        assert is_workday(result)
        assert result > start
    else:
        assert result == start


@given(starts, st.integers(0, 30), st.integers(0, 30), holiday_sets)
def test_working_days_add_up(start, a, b, holidays):
    def is_workday(day):
        return day.weekday() < 5 and day not in holidays

    assert add_working_days(add_working_days(start, a, is_workday=is_workday), b, is_workday=is_workday) == add_working_days(
        start, a + b, is_workday=is_workday
    )


@given(starts, st.integers(0, 60))
def test_with_every_day_a_working_day_n_working_days_are_n_days(start, days):
    assert add_working_days(start, days, is_workday=every_day) == start + timedelta(days=days)


# --- add_months --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),    # clipped to the end of February
        (date(2024, 1, 31), 1, date(2024, 2, 29)),    # leap year
        (date(2000, 1, 31), 1, date(2000, 2, 29)),    # divisible by 400: leap
        (date(2100, 1, 31), 1, date(2100, 2, 28)),    # divisible by 100: not leap
        (date(2024, 2, 29), 12, date(2025, 2, 28)),   # a leap day a year on
        (date(2024, 2, 29), 48, date(2028, 2, 29)),   # … and four years on
        (date(2026, 3, 31), 6, date(2026, 9, 30)),    # 30-day month
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),   # December rolls over into January
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 6, 15), 12, date(2027, 6, 15)),
        (date(2026, 6, 15), 0, date(2026, 6, 15)),
        (date(2026, 6, 15), 30, date(2028, 12, 15)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),  # backwards across a year
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_and_clips_to_the_months_end(day, months, expected):
    assert add_months(day, months) == expected


days_any = st.dates(min_value=date(1900, 1, 1), max_value=date(9000, 12, 31))


@given(days_any, st.integers(-120, 120))
def test_add_months_lands_in_the_right_month_on_the_same_or_last_day(day, months):
    result = add_months(day, months)

    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == min(day.day, calendar.monthrange(result.year, result.month)[1])


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9000, 12, 28)).filter(lambda d: d.day <= 28), st.integers(-120, 120))
def test_add_months_is_reversible_for_days_every_month_has(day, months):
    assert add_months(add_months(day, months), -months) == day


@given(days_any, st.integers(1, 120))
def test_add_months_moves_forward_for_positive_months(day, months):
    assert add_months(day, months) > day
