"""The pure rules of the inspection checklist and of supervised rectification, table-driven and property-based."""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facilities.checklist_rules import (
    Answer,
    ChecklistItem,
    CheckResult,
    Supervision,
    answer_problems,
    as_items,
    checklist_problems,
    hazards_found,
    recheck_refusal,
    supervising_region,
    supervision_state,
)

ITEMS = [
    ChecklistItem("H1", "设施", "危房", "第四条", major=True),
    ChecklistItem("H2", "管理", "通道堵塞", "第六条", major=True),
    ChecklistItem("G1", "服务安全", "巡查记录"),
]
MET = Answer(CheckResult.MET)


def answers(**changes):
    base = {item.code: MET for item in ITEMS}
    base.update(changes)
    return base


@pytest.mark.parametrize("items, expected", [
    (ITEMS, []),
    ([], ["没有检查项"]),
    ([ChecklistItem("", "g", "t")], ["缺少编号、类别或内容"]),
    ([ChecklistItem("A", " ", "t")], ["缺少编号、类别或内容"]),
    ([ChecklistItem("A", "g", "")], ["缺少编号、类别或内容"]),
    ([ChecklistItem("A" * 31, "g", "t")], ["编号过长"]),
    ([ChecklistItem("A" * 30, "g", "t")], []),
    ([ChecklistItem("A", "g", "t"), ChecklistItem("A", "g", "u")], ["编号重复"]),
])
def test_checklist_problems(items, expected):
    problems = checklist_problems(items)
    assert len(problems) == len(expected)
    for problem, fragment in zip(problems, expected, strict=True):
        assert fragment in problem and " / " in problem  # Chinese and English


@pytest.mark.parametrize("changes, expected", [
    ({}, {}),
    ({"H1": Answer(CheckResult.NOT_MET, "C级危房")}, {}),
    ({"H1": Answer(CheckResult.NOT_MET, "")}, {"H1": "须写明情况"}),
    ({"H1": Answer(CheckResult.NOT_MET, "   ")}, {"H1": "须写明情况"}),
    ({"G1": Answer(CheckResult.NOT_APPLICABLE, "")}, {"G1": "须写明情况"}),
    ({"G1": Answer(CheckResult.NOT_APPLICABLE, "无此设施")}, {}),
    ({"G1": Answer(CheckResult.MET, "记录齐全")}, {}),
    ({"G1": Answer(CheckResult.MET, "x" * 1001)}, {"G1": "1000"}),
    ({"G1": Answer(CheckResult.NOT_MET, "x" * 1000)}, {}),
    ({"Z9": MET}, {"Z9": "没有该项"}),
])
def test_answer_problems(changes, expected):
    problems = answer_problems(ITEMS, answers(**changes))
    assert set(problems) == set(expected)
    for code, fragment in expected.items():
        assert fragment in problems[code]


def test_an_unanswered_item_is_a_problem():
    given_answers = answers()
    del given_answers["H2"]
    assert "每项" in answer_problems(ITEMS, given_answers)["H2"] or "every item" in answer_problems(ITEMS, given_answers)["H2"]


@pytest.mark.parametrize("changes, expected", [
    ({}, []),
    ({"H1": Answer(CheckResult.NOT_MET, "x")}, ["H1"]),
    ({"H1": Answer(CheckResult.NOT_APPLICABLE, "x")}, []),
    ({"G1": Answer(CheckResult.NOT_MET, "x")}, []),
    ({"H2": Answer(CheckResult.NOT_MET, "x"), "H1": Answer(CheckResult.NOT_MET, "y")}, ["H1", "H2"]),
])
def test_hazards_found_are_the_major_items_not_met_in_order(changes, expected):
    assert [item.code for item in hazards_found(ITEMS, answers(**changes))] == expected


DEADLINE = date(2024, 2, 29)  # a leap day


@pytest.mark.parametrize("today, verified, expected", [
    (date(2024, 2, 28), False, Supervision.OPEN),
    (DEADLINE, False, Supervision.OPEN),  # the deadline itself is still in time
    (date(2024, 3, 1), False, Supervision.ESCALATED),
    (date(2025, 1, 1), False, Supervision.ESCALATED),
    (date(2025, 1, 1), True, Supervision.CLOSED),
    (date(2024, 2, 1), True, Supervision.CLOSED),
])
def test_supervision_state(today, verified, expected):
    assert supervision_state(deadline=DEADLINE, today=today, verified=verified) == expected


@given(deadline=st.dates(), days=st.integers(-400, 400))
def test_escalated_exactly_when_the_deadline_has_passed(deadline, days):
    try:
        today = deadline + timedelta(days=days)
    except OverflowError:
        return
    state = supervision_state(deadline=deadline, today=today, verified=False)
    assert (state == Supervision.ESCALATED) == (days > 0)
    assert supervision_state(deadline=deadline, today=today, verified=True) == Supervision.CLOSED


@pytest.mark.parametrize("found_by, rechecked_by, rectified_on, on, fragment", [
    (1, 2, date(2026, 6, 10), date(2026, 6, 10), ""),
    (1, 2, date(2026, 6, 10), date(2026, 6, 12), ""),
    (None, 2, date(2026, 6, 10), date(2026, 6, 12), ""),  # found before finders were recorded
    (1, 1, date(2026, 6, 10), date(2026, 6, 12), "发现人以外"),
    (1, 2, None, date(2026, 6, 12), "尚未填报整改"),
    (1, 2, date(2026, 6, 10), date(2026, 6, 9), "不能早于整改完成日期"),
])
def test_recheck_refusal(found_by, rechecked_by, rectified_on, on, fragment):
    refusal = recheck_refusal(found_by=found_by, rechecked_by=rechecked_by, rectified_on=rectified_on, on=on)
    assert (fragment in refusal) if fragment else refusal == ""


KNOWN = {"621000", "620000", "110100", "110000", "420000"}


@pytest.mark.parametrize("region, expected", [
    ("621002100", "621000"),  # a township of a county of Qingyang
    ("621002", "621000"),
    ("621000", "621000"),  # a facility registered at the city itself
    ("620000", "620000"),  # at the province: the province supervises
    ("110105", "110100"),  # a district of Beijing: the municipality's 市辖区 code
    ("429004", "420000"),  # 仙桃, a county-level city under the province: no city between
])
def test_supervising_region(region, expected):
    assert supervising_region(region, known=KNOWN) == expected


def test_as_items_reads_stored_rows_and_only_true_is_major():
    rows = [{"code": "A", "group": "g", "text": "t", "basis": "b", "major": True},
            {"code": "B", "group": "g", "text": "u", "major": "yes"}, {"code": 3, "group": "g", "text": "v"}]
    items = as_items(rows)
    assert [item.major for item in items] == [True, False, False]
    assert items[2].code == "3" and items[1].basis == ""
