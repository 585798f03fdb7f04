"""GB 38600-2019 resident safety: the catalogue's checks, ratings, the register's review state and the family
notice, table-driven and property-based."""
import json
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from residents.safety_rules import (
    RISK_ORDER,
    NoticeState,
    Rating,
    ReviewReason,
    ReviewState,
    RiskLevel,
    SafetyRisk,
    as_risks,
    catalogue_problems,
    family_notice,
    highest_level,
    notice_due_at,
    rating_problems,
    record_gaps,
    risk_review,
)

NATIONAL = Path(__file__).resolve().parents[2] / "residents" / "data" / "safety_risks_gb38600_2019.json"
SHANGHAI = ZoneInfo("Asia/Shanghai")
NONE, LOW, MEDIUM, HIGH = RiskLevel.NONE, RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH
RISKS = [SafetyRisk("fall", "跌倒"), SafetyRisk("choking", "噎食")]


def test_the_national_catalogue_names_the_nine_risks_of_the_standard_with_its_source():
    document = json.loads(NATIONAL.read_text(encoding="utf-8"))
    risks = as_risks(document["items"])
    assert [risk.name for risk in risks] == ["噎食", "食品药品误食", "压疮", "烫伤", "坠床", "跌倒", "走失", "他伤和自伤",
                                             "文体活动意外"]
    assert not catalogue_problems(risks)
    assert "GB 38600-2019" in document["source"] and document["effective_from"] == "2022-01-01"


@pytest.mark.parametrize(("risks", "fragment"), [
    ([], "no risk"),
    ([SafetyRisk("", "跌倒")], "item 1 has no code"),
    ([SafetyRisk("fall", " ")], "item 1 has no code"),
    ([SafetyRisk("fall", "跌倒"), SafetyRisk("fall", "坠床")], "duplicate code fall"),
    ([SafetyRisk("other", "其他")], "reserved"),
    ([SafetyRisk("x" * 31, "过长")], "longer than 30"),
])
def test_a_broken_catalogue_is_named(risks, fragment):
    assert any(fragment in problem for problem in catalogue_problems(risks))


@pytest.mark.parametrize(("ratings", "problems"), [
    ({"fall": Rating(LOW), "choking": Rating(NONE)}, set()),
    ({"fall": Rating(HIGH, "陪护"), "choking": Rating(MEDIUM, "软食")}, set()),
    ({"fall": Rating(LOW)}, {"choking"}),
    ({"fall": Rating(HIGH), "choking": Rating(LOW)}, {"fall"}),
    ({"fall": Rating(MEDIUM, "  "), "choking": Rating(LOW)}, {"fall"}),
    ({"fall": Rating(LOW), "choking": Rating(LOW), "scald": Rating(LOW)}, {"scald"}),
])
def test_every_risk_is_rated_and_medium_or_high_ones_name_their_measures(ratings, problems):
    found = rating_problems(RISKS, ratings)
    assert set(found) == problems
    assert all(" / " in message for message in found.values())  # Chinese and English


@given(st.lists(st.sampled_from(list(RiskLevel))))
def test_the_highest_level_is_one_of_the_ratings_and_none_is_below_it(levels):
    highest = highest_level(levels)
    assert highest == (max(levels, key=RISK_ORDER.index) if levels else NONE)
    assert all(RISK_ORDER.index(level) <= RISK_ORDER.index(highest) for level in levels)


TODAY = date(2026, 12, 7)
ASSESSED, DUE = date(2026, 6, 1), date(2027, 6, 1)
RECORDED = datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)  # the assessment was recorded at 10:00 that day
SAME = (("partial", "moderate"), ("partial", "moderate"))


def noon(day: date | None) -> datetime | None:
    return None if day is None else datetime(day.year, day.month, day.day, 12, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(("assessed_on", "due_on", "incident", "conditions", "today", "state", "reasons"), [
    (None, None, None, SAME, TODAY, ReviewState.NOT_ASSESSED, ()),
    (None, None, date(2026, 12, 1), SAME, TODAY, ReviewState.NOT_ASSESSED, ()),
    (ASSESSED, DUE, None, SAME, TODAY, ReviewState.CURRENT, ()),
    (ASSESSED, DUE, None, SAME, DUE, ReviewState.CURRENT, ()),  # the due day itself is still in time
    (ASSESSED, DUE, None, SAME, DUE + timedelta(days=1), ReviewState.OVERDUE, (ReviewReason.DATE,)),
    (ASSESSED, DUE, RECORDED - timedelta(hours=3), SAME, TODAY, ReviewState.CURRENT, ()),  # the morning's fall, then the assessment
    (ASSESSED, DUE, RECORDED, SAME, TODAY, ReviewState.CURRENT, ()),
    (ASSESSED, DUE, RECORDED + timedelta(hours=5), SAME, TODAY, ReviewState.REVIEW_DUE, (ReviewReason.INCIDENT,)),
    (ASSESSED, DUE, ASSESSED + timedelta(days=1), SAME, TODAY, ReviewState.REVIEW_DUE, (ReviewReason.INCIDENT,)),
    (ASSESSED, DUE, date(2026, 5, 1), SAME, TODAY, ReviewState.CURRENT, ()),
    (ASSESSED, DUE, None, (("partial", "moderate"), ("full", "moderate")), TODAY, ReviewState.REVIEW_DUE,
     (ReviewReason.CONDITION,)),
    (ASSESSED, DUE, None, (("partial", "moderate"), ("partial", "severe")), TODAY, ReviewState.REVIEW_DUE,
     (ReviewReason.CONDITION,)),
    (ASSESSED, DUE, None, (("", ""), ("partial", "")), TODAY, ReviewState.REVIEW_DUE, (ReviewReason.CONDITION,)),
    (ASSESSED, DUE, None, (("partial", "moderate"), ("", "")), TODAY, ReviewState.CURRENT, ()),  # nothing newer known
    (ASSESSED, DUE, date(2026, 7, 1), (("partial", ""), ("full", "")), date(2027, 7, 1), ReviewState.OVERDUE,
     (ReviewReason.DATE, ReviewReason.INCIDENT, ReviewReason.CONDITION)),
])
def test_the_register_starts_grey_and_asks_for_a_review_after_a_date_an_incident_or_a_change(
        assessed_on, due_on, incident, conditions, today, state, reasons):
    incident_at = incident if isinstance(incident, datetime) or incident is None else noon(incident)
    review = risk_review(assessed_on=assessed_on, due_on=due_on, last_incident_at=incident_at, recorded_at=RECORDED,
                         condition_then=conditions[0], condition_now=conditions[1], today=today)
    assert review.state is state and review.reasons == reasons


@given(assessed=st.dates(date(2000, 1, 1), date(2040, 1, 1)), months=st.integers(1, 36),
       incident=st.none() | st.dates(date(2000, 1, 1), date(2041, 1, 1)), today=st.dates(date(2000, 1, 1), date(2045, 1, 1)))
def test_an_assessed_resident_is_never_not_assessed_and_current_means_no_reason(assessed, months, incident, today):
    due = assessed + timedelta(days=30 * months)
    review = risk_review(assessed_on=assessed, due_on=due, last_incident_at=noon(incident), condition_then=("", ""),
                         condition_now=("", ""), today=today, recorded_at=noon(assessed))
    assert review.state is not ReviewState.NOT_ASSESSED
    assert (review.state is ReviewState.CURRENT) == (not review.reasons)
    assert (review.state is ReviewState.OVERDUE) == (today > due)


OCCURRED = datetime(2026, 12, 1, 6, 30, tzinfo=SHANGHAI)


@pytest.mark.parametrize(("notified", "now", "state"), [
    (OCCURRED + timedelta(hours=2), OCCURRED + timedelta(days=9), NoticeState.ON_TIME),
    (OCCURRED + timedelta(hours=24), OCCURRED + timedelta(days=9), NoticeState.ON_TIME),  # the deadline itself
    (OCCURRED + timedelta(hours=24, minutes=1), OCCURRED + timedelta(days=9), NoticeState.LATE),
    (None, OCCURRED + timedelta(hours=23), NoticeState.PENDING),
    (None, OCCURRED + timedelta(hours=24), NoticeState.PENDING),
    (None, OCCURRED + timedelta(hours=24, seconds=1), NoticeState.OVERDUE),
])
def test_the_family_is_told_within_the_regions_hours(notified, now, state):
    due = notice_due_at(occurred_at=OCCURRED, within_hours=24)
    assert due == datetime(2026, 12, 2, 6, 30, tzinfo=SHANGHAI)
    assert family_notice(due_at=due, notified_at=notified, now=now) is state


def test_the_deadline_is_the_same_moment_in_any_zone_and_across_new_year():
    new_years_eve = datetime(2026, 12, 31, 20, 0, tzinfo=SHANGHAI)
    due = notice_due_at(occurred_at=new_years_eve, within_hours=12)
    assert due == datetime(2027, 1, 1, 8, 0, tzinfo=SHANGHAI) == datetime(2027, 1, 1, 0, 0, tzinfo=UTC)
    assert family_notice(due_at=due, notified_at=datetime(2027, 1, 1, 0, 0, tzinfo=UTC), now=due) is NoticeState.ON_TIME


@pytest.mark.parametrize("hours", [0, -1, True, 1.5, "24"])
def test_the_hours_are_a_positive_whole_number(hours):
    with pytest.raises(ValueError, match="within_hours"):
        notice_due_at(occurred_at=OCCURRED, within_hours=hours)


DAY_START = datetime(2026, 12, 6, 0, 0, tzinfo=SHANGHAI)
DAY_END = DAY_START + timedelta(days=1)
FOUR_HOURS = timedelta(hours=4)


def _at(hour, minute=0):
    return DAY_START + timedelta(hours=hour, minutes=minute)


@pytest.mark.parametrize(("times", "gaps"), [
    ([], [(DAY_START, DAY_END)]),
    ([_at(h) for h in range(0, 24, 2)], []),
    ([_at(h) for h in range(0, 24, 4)], []),  # exactly four hours apart is not a gap
    ([_at(1), _at(5)], [(_at(5), DAY_END)]),
    ([_at(1), _at(5, 2), _at(9), _at(13), _at(17), _at(21)], [(_at(1), _at(5, 2))]),
    ([_at(h) for h in range(6, 24, 2)], [(DAY_START, _at(6))]),  # no round in the small hours
    ([_at(h) for h in range(0, 24, 2)] + [DAY_START - timedelta(hours=1), DAY_END + timedelta(hours=1)], []),
])
def test_a_stretch_longer_than_the_interval_without_a_record_is_a_gap(times, gaps):
    assert record_gaps(times=times, start=DAY_START, end=DAY_END, max_gap=FOUR_HOURS) == gaps


def test_a_day_not_over_is_read_up_to_now_and_the_window_and_interval_are_checked():
    now = _at(9, 30)
    assert record_gaps(times=[_at(2), _at(6)], start=DAY_START, end=now, max_gap=FOUR_HOURS) == []
    assert record_gaps(times=[_at(2)], start=DAY_START, end=now, max_gap=FOUR_HOURS) == [(_at(2), now)]
    with pytest.raises(ValueError, match="max_gap"):
        record_gaps(times=[], start=DAY_START, end=DAY_END, max_gap=timedelta(0))
    with pytest.raises(ValueError, match="ends before"):
        record_gaps(times=[], start=DAY_END, end=DAY_START, max_gap=FOUR_HOURS)


@given(st.lists(st.integers(0, 24 * 60), max_size=30), st.integers(1, 24))
def test_gaps_are_in_order_longer_than_the_interval_and_hold_no_record(minutes, hours):
    times = [DAY_START + timedelta(minutes=m) for m in minutes]
    gaps = record_gaps(times=times, start=DAY_START, end=DAY_END, max_gap=timedelta(hours=hours))
    assert all(end - start > timedelta(hours=hours) for start, end in gaps)
    assert all(not start < moment < end for start, end in gaps for moment in times)
    assert gaps == sorted(gaps)
    covered = sorted({DAY_START, DAY_END, *times})
    assert all(later - earlier <= timedelta(hours=hours) for earlier, later in pairwise(covered)
               if (earlier, later) not in gaps)
