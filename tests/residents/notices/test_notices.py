"""Specs for public notices (公示): the pure rules (never a minor, property-based), making a notice,
objections only within the 7-day notice period, history, and scoping.

The clock stands still on Monday 2026-11-16 (Asia/Shanghai).
"""
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import assume, example, given
from hypothesis import strategies as st

from residents.models import Notice, NoticeEntry, NoticeObjection
from residents.notices import services as notices
from residents.notices.selectors import notice_candidates, notice_list, notices_visible_to
from residents.rules import (
    NoticeCandidate,
    add_months,
    age_on,
    in_notice_period,
    is_notice_eligible,
    mask_id_number,
    notice_entries,
    notice_period_end,
)
from tests.factories import make_id_number
from tests.helpers import OCTOBER, TODAY, frozen, make_notice

pytestmark = pytest.mark.usefixtures("frozen_today")


# --- pure rules --------------------------------------------------------------------------------


@pytest.mark.parametrize("posted_on, ends_on", [
    (date(2026, 11, 1), date(2026, 11, 7)),
    (date(2026, 12, 28), date(2027, 1, 3)),
    (date(2028, 2, 25), date(2028, 3, 2)),
])
def test_the_notice_period_is_seven_days_counting_the_posting_day(posted_on, ends_on):
    assert notice_period_end(posted_on) == ends_on
    assert in_notice_period(ends_on, posted_on=posted_on, ends_on=ends_on)
    assert not in_notice_period(ends_on + timedelta(days=1), posted_on=posted_on, ends_on=ends_on)
    assert not in_notice_period(posted_on - timedelta(days=1), posted_on=posted_on, ends_on=ends_on)


def test_notice_days_must_be_positive():
    with pytest.raises(ValueError):
        notice_period_end(TODAY, days=0)


@pytest.mark.parametrize("born, on, eligible", [
    (date(2008, 11, 16), date(2026, 11, 16), True),   # 18th birthday: an adult that day
    (date(2008, 11, 17), date(2026, 11, 16), False),  # one day short
    (date(2008, 2, 29), date(2026, 2, 28), False),    # 29 Feb: not yet 18 on 28 Feb of a common year
    (date(2008, 2, 29), date(2026, 3, 1), True),      # … but on 1 March
    (date(2008, 2, 29), date(2028, 2, 29), True),
    (date(2030, 1, 1), date(2026, 11, 16), False),    # not born yet
])
def test_only_adults_on_the_posting_day_are_eligible(born, on, eligible):
    assert is_notice_eligible(born, on) is eligible


# Birth dates around the 18th birthday of the posting day, including 29 February, and anyone else.
posting_days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


@st.composite
def people_around_eighteen(draw, on):
    anchors = [date(on.year - 18, on.month, min(on.day, 28)), date(2008, 2, 29), date(2004, 2, 29), date(2012, 2, 29)]
    born = draw(st.one_of(
        st.sampled_from(anchors).flatmap(lambda d: st.integers(-3, 3).map(lambda n: d + timedelta(days=n))),
        st.integers(-3, 3).map(lambda n: _eighteen_years_before(on) + timedelta(days=n)),
        st.dates(min_value=date(1920, 1, 1), max_value=on + timedelta(days=400)),
    ))
    serial = draw(st.integers(0, 499))
    return NoticeCandidate(
        person_id=draw(st.integers(1, 10**6)), name=draw(st.text(min_size=1, max_size=6)),
        id_number=make_id_number(born=born, serial=serial),
        birth_date=born, change=draw(st.sampled_from(["confirmed", "terminated"])),
        changed_on=draw(st.dates(min_value=on - timedelta(days=60), max_value=on)),
    )


def _eighteen_years_before(day: date) -> date:
    return add_months(day, -12 * 18)


@given(st.data(), posting_days)
@example(data=None, on=date(2026, 2, 28))
def test_a_notice_never_contains_a_minor(data, on):
    if data is None:  # the explicit example: someone born 29 Feb 2008 the day before they turn 18
        people = [NoticeCandidate(1, "王", make_id_number(born=date(2008, 2, 29)), date(2008, 2, 29), "confirmed", on)]
    else:
        people = data.draw(st.lists(people_around_eighteen(on), max_size=25, unique_by=lambda p: p.person_id))
    rows = notice_entries(people, on=on)
    by_id = {person.person_id: person for person in people}
    for row in rows:
        source = by_id[row.person_id]
        assert source.birth_date <= on and age_on(source.birth_date, on) >= 18
        assert row.masked_id_number == mask_id_number(source.id_number) != source.id_number
    adults = [p for p in people if p.birth_date <= on and age_on(p.birth_date, on) >= 18]
    assert len(rows) == len(adults)


@given(posting_days, st.integers(-2, 2))
def test_the_day_a_person_turns_eighteen_decides(on, shift):
    born = _eighteen_years_before(on) + timedelta(days=shift)
    assume(born.year >= 1900)
    person = NoticeCandidate(7, "李", make_id_number(born=born), born, "terminated", on)
    assert bool(notice_entries([person], on=on)) == (age_on(born, on) >= 18)


def test_rows_list_confirmations_first_then_by_date_and_never_a_full_id():
    born = date(1950, 1, 1)
    people = [
        NoticeCandidate(1, "乙", make_id_number(born=born, serial=1), born, "terminated", date(2026, 10, 3)),
        NoticeCandidate(2, "甲", make_id_number(born=born, serial=2), born, "confirmed", date(2026, 10, 9)),
        NoticeCandidate(3, "丙", make_id_number(born=born, serial=3), born, "confirmed", date(2026, 10, 2)),
    ]
    rows = notice_entries(people, on=TODAY)
    assert [r.name for r in rows] == ["丙", "甲", "乙"]
    assert all(r.masked_id_number.count("*") == 10 for r in rows)


# --- making a notice ----------------------------------------------------------------------------


def test_a_notice_lists_the_townships_new_and_ended_hardship_adults_only(cast, changes):
    notice = make_notice(cast["inspector"], changes)
    rows = list(notice.entries.order_by("position").values_list("name", "change", "changed_on"))
    assert rows == [("赵德明", "confirmed", date(2026, 10, 12)), ("周成年", "confirmed", date(2026, 10, 16)),
                    ("钱凤珍", "terminated", date(2026, 10, 20))]
    assert notice.minors_withheld == 1 and notice.ends_on == date(2026, 11, 22)
    assert "孙小宝" not in NoticeEntry.objects.values_list("name", flat=True)
    assert all("*" in masked for masked in notice.entries.values_list("masked_id_number", flat=True))


def test_the_list_is_frozen_when_the_notice_is_made(cast, changes):
    notice = make_notice(cast["inspector"], changes)
    entry = notice.entries.get(name="赵德明")
    person = entry.person
    person.name = "赵德明（改名）"
    person.save()
    entry.refresh_from_db()
    assert entry.name == "赵德明"


def test_clerks_of_the_region_make_notices_managers_and_others_do_not(cast, changes):
    make_notice(cast["clerk"], changes, period=(date(2026, 10, 1), date(2026, 10, 15)))
    for user in (cast["manager_a"], cast["inspector_other"], cast["admin"]):
        with pytest.raises(PermissionDenied):
            make_notice(user, changes)


@pytest.mark.parametrize("period, posted_on, field, message", [
    ((date(2026, 10, 31), date(2026, 10, 1)), TODAY, "period_end", "统计期间止不能早于统计期间起"),
    ((date(2026, 11, 1), date(2026, 11, 30)), date(2026, 11, 30), "period_end", "统计期间尚未结束，不能制作公示"),
    (OCTOBER, date(2026, 10, 30), "posted_on", "张贴日期不能早于统计期间止"),
    (OCTOBER, TODAY + timedelta(days=31), "posted_on", "张贴日期最多可在 30 天后"),
])
def test_bad_periods_are_refused(cast, changes, period, posted_on, field, message):
    with pytest.raises(ValidationError) as caught:
        make_notice(cast["inspector"], changes, period=period, posted_on=posted_on)
    assert caught.value.message_dict[field] == [message]


def test_notices_are_made_for_townships_and_counties_once_per_period(cast, changes, regions):
    with pytest.raises(ValidationError) as caught:
        make_notice(cast["inspector_city"], regions["621000"])
    assert "请选择乡镇（街道）或县（区）" in caught.value.message_dict["township"][0]
    make_notice(cast["inspector"], changes)
    with pytest.raises(ValidationError, match="已经制作"):
        make_notice(cast["inspector"], changes)


def test_the_preview_shows_what_would_be_posted_without_saving(cast, changes):
    preview = notices.notice_preview(by=cast["inspector"], township=changes, period_start=OCTOBER[0],
                                     period_end=OCTOBER[1], posted_on=TODAY)
    assert [row.name for row in preview.rows] == ["赵德明", "周成年", "钱凤珍"]
    assert preview.minors_withheld == 1 and not Notice.objects.exists()


def test_a_notice_posted_the_day_before_the_18th_birthday_leaves_that_person_out(cast, changes):
    notice = make_notice(cast["inspector"], changes, posted_on=date(2026, 11, 15))
    assert "周成年" not in notice.entries.values_list("name", flat=True) and notice.minors_withheld == 2


def test_candidates_are_found_in_one_query(cast, changes, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = notice_candidates(user=cast["inspector"], township=changes, period_start=OCTOBER[0],
                                  period_end=OCTOBER[1])
    assert len(found) == 4  # three adults and the minor; the rule removes the minor


# --- objections ---------------------------------------------------------------------------------


@pytest.fixture
def notice(cast, changes):
    return make_notice(cast["inspector"], changes, posted_on=date(2026, 11, 12))  # runs to 2026-11-18


def object_to(notice, by, **fields):
    fields.setdefault("received_on", TODAY)
    fields.setdefault("objector", "村民李某")
    fields.setdefault("content", "此人有子女赡养，不符合特困条件")
    return notices.notice_objection_record(by=by, notice=notice, **fields)


def test_objections_are_recorded_during_the_period_about_an_entry_or_the_whole_list(cast, notice):
    entry = notice.entries.get(name="赵德明")
    about = object_to(notice, cast["inspector"], entry=entry, objector_contact="13900000000")
    general = object_to(notice, cast["clerk"], objector="匿名", content="某某应列入而未列入")
    assert about.entry == entry and general.entry is None
    assert list(NoticeObjection.objects.values_list("objector", flat=True)) == ["村民李某", "匿名"]


def test_an_objection_received_outside_the_period_is_refused(cast, notice):
    with pytest.raises(ValidationError) as caught:
        object_to(notice, cast["inspector"], received_on=date(2026, 11, 11))
    assert caught.value.message_dict["received_on"] == ["收到日期须在公示期内（2026-11-12 至 2026-11-18）"]
    with pytest.raises(ValidationError) as caught:
        object_to(notice, cast["inspector"], received_on=TODAY + timedelta(days=1))
    assert caught.value.message_dict["received_on"] == ["日期不能晚于今天"]


def test_recording_an_objection_after_the_period_is_refused_with_a_clear_message(cast, notice):
    with frozen(date(2026, 11, 19)), pytest.raises(ValidationError) as caught:
        object_to(notice, cast["inspector"], received_on=date(2026, 11, 18))
    assert caught.value.message_dict["received_on"] == [
        "公示期已于 2026-11-18 结束，不能再登记异议（公示期为 2026-11-12 至 2026-11-18）"]
    with frozen(date(2026, 11, 18)):
        object_to(notice, cast["inspector"], received_on=date(2026, 11, 18))  # the last day still counts


def test_an_entry_of_another_notice_is_refused(cast, notice, changes):
    other = make_notice(cast["inspector"], changes, period=(date(2026, 9, 1), date(2026, 9, 30)))
    with pytest.raises(ValidationError) as caught:
        object_to(notice, cast["inspector"], entry=other.entries.first())
    assert caught.value.message_dict["entry"] == ["该人员不在本次公示名单中"]


def test_handling_an_objection_is_kept_in_its_history(cast, notice):
    objection = object_to(notice, cast["inspector"])
    notices.notice_objection_handle(by=cast["inspector"], objection=objection, result="经入户核实，子女无赡养能力，维持认定",
                                    handled_on=TODAY)
    with frozen(date(2026, 12, 1)):  # handling may go on after the period
        notices.notice_objection_handle(by=cast["clerk"], objection=objection, result="复核后维持认定",
                                        handled_on=date(2026, 12, 1))
    history = list(objection.history.order_by("history_date", "history_id"))
    assert [h.history_change_reason for h in history] == ["登记异议", "登记处理结果", "修改处理结果"]
    assert [h.history_user for h in history] == [cast["inspector"], cast["inspector"], cast["clerk"]]
    with pytest.raises(ValidationError):
        notices.notice_objection_handle(by=cast["clerk"], objection=objection, result="", handled_on=TODAY)
    with pytest.raises(PermissionDenied):
        notices.notice_objection_handle(by=cast["manager_a"], objection=objection, result="x", handled_on=TODAY)


# --- scoping ------------------------------------------------------------------------------------


def test_notices_are_visible_to_regional_users_of_the_township_only(cast, notice):
    for who in ("inspector", "inspector_city", "clerk"):
        assert list(notices_visible_to(cast[who])) == [notice], who
    for who in ("manager_a", "manager_b", "inspector_other", "admin"):
        assert not notices_visible_to(cast[who]).exists(), who
    assert notice_list(user=cast["inspector"]).get().entry_count == 2  # posted before 周成年 turned 18
