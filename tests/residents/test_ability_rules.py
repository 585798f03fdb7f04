"""GB/T 42195-2022: the level from the total and the standard's adjustments; scores from a scale's items."""
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from residents.ability_rules import (
    MAX_TOTAL,
    AbilityLevel,
    ScaleItem,
    ability_scores,
    as_scale_items,
    preliminary_level,
    scale_items,
    scale_problems,
)
from residents.rules import ability_level  # DESIGN §3 names it here

INTACT, MILD, MODERATE, SEVERE, TOTAL = (AbilityLevel.INTACT, AbilityLevel.MILD, AbilityLevel.MODERATE,
                                         AbilityLevel.SEVERE, AbilityLevel.TOTAL)
NATIONAL = Path(__file__).resolve().parents[2] / "residents" / "data" / "ability_scale_gbt42195_2022.json"


@pytest.mark.parametrize(("total", "level"), [
    (90, INTACT), (89, MILD), (66, MILD), (65, MODERATE), (46, MODERATE), (45, SEVERE), (30, SEVERE),
    (29, TOTAL), (0, TOTAL),
])
def test_the_total_gives_the_preliminary_level_at_each_boundary(total, level):
    assert preliminary_level(total) is level
    assert ability_level(total=total) is level


@pytest.mark.parametrize(("kwargs", "level"), [
    ({"total": 90, "coma": True}, TOTAL),
    ({"total": 90, "mental_disorder": True}, MILD),
    ({"total": 90, "risk_events_30d": 1}, INTACT),
    ({"total": 90, "risk_events_30d": 2}, MILD),
    ({"total": 70, "mental_disorder": True, "risk_events_30d": 3}, MODERATE),
    ({"total": 70, "mental_disorder": True, "risk_events_30d": 3, "stack_raises": True}, SEVERE),
    ({"total": 20, "mental_disorder": True, "risk_events_30d": 5, "stack_raises": True}, TOTAL),
    ({"total": 35, "mental_disorder": True}, TOTAL),
    ({"total": 50, "coma": True, "mental_disorder": True}, TOTAL),
])
def test_the_adjustments_raise_a_level_and_never_past_total(kwargs, level):
    assert ability_level(**kwargs) is level


@pytest.mark.parametrize("kwargs", [{"total": -1}, {"total": 91}, {"total": 50, "risk_events_30d": -1}])
def test_impossible_values_are_refused(kwargs):
    with pytest.raises(ValueError, match="/"):
        ability_level(**kwargs)


@pytest.mark.parametrize("total", [True, 45.0, "45"])
def test_a_total_that_is_not_an_int_is_refused(total):
    with pytest.raises(TypeError):
        ability_level(total=total)


@given(total=st.integers(0, MAX_TOTAL), disorder=st.booleans(), events=st.integers(0, 50), stack=st.booleans())
def test_adjustments_only_ever_make_the_level_worse_by_at_most_two(total, disorder, events, stack):
    order = list(AbilityLevel)
    plain, adjusted = ability_level(total=total), ability_level(
        total=total, mental_disorder=disorder, risk_events_30d=events, stack_raises=stack)
    steps = order.index(adjusted) - order.index(plain)
    assert 0 <= steps <= (2 if stack else 1)
    assert steps == 0 or disorder or events >= 2


@given(st.integers(0, MAX_TOTAL - 1))
def test_a_higher_total_never_gives_a_worse_level(total):
    order = list(AbilityLevel)
    assert order.index(preliminary_level(total + 1)) <= order.index(preliminary_level(total))


def test_the_national_scale_has_26_items_in_four_indicators_adding_up_to_90():
    items = as_scale_items(scale_items(json.loads(NATIONAL.read_text(encoding="utf-8"))))
    assert scale_problems(items) == []
    assert len(items) == 26
    assert {item.indicator: 0 for item in items}.keys() == {"self_care", "movement", "mental", "sensory_social"}
    by_indicator = {}
    for item in items:
        by_indicator[item.indicator] = by_indicator.get(item.indicator, 0) + item.maximum
    assert by_indicator == {"self_care": 32, "movement": 15, "mental": 28, "sensory_social": 15}


def test_a_scale_that_does_not_add_up_is_named_wrong():
    items = [ScaleItem("B.1.1", "self_care", "进食", (0, 1, 2, 4)), ScaleItem("B.1.1", "other", "x", (0, 1))]
    problems = "\n".join(scale_problems(items))
    assert "B.1.1" in problems and "repeated" in problems and "unknown indicator" in problems
    assert "options must score each of 0 to the maximum" in problems and "add up to 90" in problems


def test_scores_add_up_by_indicator_and_refuse_what_the_scale_does_not_offer():
    items = [ScaleItem("A", "self_care", "a", (0, 1, 2)), ScaleItem("B", "mental", "b", (0, 1))]
    scores = ability_scores(items, {"A": 2, "B": 1})
    assert scores.total == 3 and scores.by_indicator["self_care"] == 2 and scores.by_indicator["movement"] == 0
    with pytest.raises(ValueError, match="items not scored: B"):
        ability_scores(items, {"A": 2})
    with pytest.raises(ValueError, match="items not in the scale: Z"):
        ability_scores(items, {"A": 2, "B": 1, "Z": 0})
    with pytest.raises(ValueError, match="must score one of"):
        ability_scores(items, {"A": 3, "B": 1})
    with pytest.raises(TypeError):
        ability_scores(items, {"A": True, "B": 1})
