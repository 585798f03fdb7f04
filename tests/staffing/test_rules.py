"""Specs for staffing.rules: 民政 care-staff ratios (1:3 失能, 1:6 半失能, 1:10 自理, 1:1 孤儿).

Pure functions only: no database, no Django. Results are checked against an
independent integer-only oracle that works on a common denominator.
"""

import dataclasses
import re
from decimal import Decimal
from fractions import Fraction
from itertools import product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from staffing.rules import (
    ROUNDING_MODES,
    StaffingExplanation,
    StaffRatios,
    explain_required_staff,
    required_staff,
    staffing_gap,
)

DEFAULT = StaffRatios()


def oracle(full, partial, self_care, orphans, ratios, rounding):
    """Integer-only restatement: ceil(a / b) == -(-a // b)."""
    levels = [
        (full, ratios.full),
        (partial, ratios.partial),
        (self_care, ratios.self_care),
        (orphans, ratios.orphan),
    ]
    if rounding == "per_level":
        return sum(-(-count // ratio) for count, ratio in levels)
    denominator = ratios.full * ratios.partial * ratios.self_care * ratios.orphan
    numerator = sum(count * (denominator // ratio) for count, ratio in levels)
    return -(-numerator // denominator)


def staff(rounding="total", ratios=DEFAULT, **counts):
    return required_staff(ratios=ratios, rounding=rounding, **counts)


small = st.integers(0, 12)
large = st.integers(0, 10**6)
ratio_values = st.integers(1, 50)
custom_ratios = st.builds(
    StaffRatios,
    full=ratio_values,
    partial=ratio_values,
    self_care=ratio_values,
    orphan=ratio_values,
)
rounding_modes = st.sampled_from(ROUNDING_MODES)


# --- StaffRatios ---------------------------------------------------------------------------


def test_default_ratios_are_the_minzheng_standard():
    assert DEFAULT == StaffRatios(full=3, partial=6, self_care=10, orphan=1)


def test_ratios_are_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT.full = 4


@pytest.mark.parametrize("field", ["full", "partial", "self_care", "orphan"])
@pytest.mark.parametrize("bad", [0, -1, True, 1.5, 3.0, "3", None, Decimal(3)])
def test_ratio_that_is_not_a_positive_int_is_rejected(field, bad):
    with pytest.raises(ValueError, match=f"ratio {field} must be a positive int"):
        StaffRatios(**{field: bad})


def test_rounding_modes_are_total_and_per_level():
    assert ROUNDING_MODES == ("total", "per_level")


# --- required_staff: hand examples ----------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "total", "per_level"),
    [
        ({"full": 7, "partial": 12, "self_care": 20}, 7, 7),  # 6.33 -> 7; 3 + 2 + 2
        ({"full": 1, "partial": 1, "self_care": 1}, 1, 3),  # 0.6 -> 1; 1 + 1 + 1
        ({"full": 0, "partial": 0, "self_care": 0}, 0, 0),
        ({"full": 3, "partial": 6, "self_care": 10}, 3, 3),  # exact: no rounding at all
        ({"full": 2, "partial": 2, "self_care": 0}, 1, 2),  # 2/3 + 1/3 = 1 exactly
        ({"full": 0, "partial": 0, "self_care": 0, "orphans": 2}, 2, 2),
        ({"full": 1, "partial": 0, "self_care": 0, "orphans": 1}, 2, 2),
        ({"full": 100, "partial": 50, "self_care": 30}, 45, 46),  # 33.33 + 8.33 + 3
    ],
)
def test_hand_examples(counts, total, per_level):
    assert staff("total", **counts) == total
    assert staff("per_level", **counts) == per_level


def test_default_rounding_is_total():
    assert required_staff(full=1, partial=1, self_care=1) == 1


def test_exact_arithmetic_puts_a_whole_sum_on_the_whole_number():
    # 1/3 + 1/6 + 5/10 is exactly 1; float addition must not push it to 2.
    assert staff(full=1, partial=1, self_care=5) == 1


# --- required_staff: exhaustive against the oracle ------------------------------------------


@pytest.mark.parametrize("rounding", ROUNDING_MODES)
@pytest.mark.parametrize("orphans", range(4))
def test_every_small_combination_matches_the_integer_oracle(rounding, orphans):
    for full, partial, self_care in product(range(13), repeat=3):
        counts = {"full": full, "partial": partial, "self_care": self_care, "orphans": orphans}
        expected = oracle(full, partial, self_care, orphans, DEFAULT, rounding)
        assert staff(rounding, **counts) == expected, counts
        explanation = explain_required_staff(rounding=rounding, **counts)
        assert explanation.required == expected, counts
        assert explanation.exact == (
            Fraction(full, 3) + Fraction(partial, 6) + Fraction(self_care, 10) + orphans
        )


# --- required_staff: properties on large counts --------------------------------------------


@given(large, large, large, large, custom_ratios, rounding_modes)
def test_large_counts_and_custom_ratios_match_the_integer_oracle(
    full, partial, self_care, orphans, ratios, rounding
):
    counts = {"full": full, "partial": partial, "self_care": self_care, "orphans": orphans}
    assert staff(rounding, ratios, **counts) == oracle(
        full, partial, self_care, orphans, ratios, rounding
    )


@given(
    large, large, large, large,
    st.sampled_from(["full", "partial", "self_care", "orphans"]),
    st.integers(0, 10**6),
    rounding_modes,
)
def test_more_residents_at_any_level_never_need_fewer_staff(
    full, partial, self_care, orphans, level, extra, rounding
):
    counts = {"full": full, "partial": partial, "self_care": self_care, "orphans": orphans}
    more = {**counts, level: counts[level] + extra}
    assert staff(rounding, **more) >= staff(rounding, **counts)


@given(large, large, large, large, custom_ratios)
def test_total_rounding_never_needs_more_than_per_level(full, partial, self_care, orphans, ratios):
    counts = {"full": full, "partial": partial, "self_care": self_care, "orphans": orphans}
    assert staff("total", ratios, **counts) <= staff("per_level", ratios, **counts)


@given(large, large, large, large, custom_ratios)
def test_per_level_exceeds_total_by_less_than_the_number_of_non_zero_levels(
    full, partial, self_care, orphans, ratios
):
    counts = {"full": full, "partial": partial, "self_care": self_care, "orphans": orphans}
    difference = staff("per_level", ratios, **counts) - staff("total", ratios, **counts)
    non_zero_levels = sum(1 for count in counts.values() if count > 0)
    assert difference < max(non_zero_levels, 1)


@given(large, large, large, large)
def test_one_to_one_ratios_need_one_staff_per_resident(full, partial, self_care, orphans):
    ones = StaffRatios(full=1, partial=1, self_care=1, orphan=1)
    counts = {"full": full, "partial": partial, "self_care": self_care, "orphans": orphans}
    for rounding in ROUNDING_MODES:
        assert staff(rounding, ones, **counts) == full + partial + self_care + orphans


@given(large, large, large, st.integers(1, 10**6), rounding_modes)
def test_each_orphan_needs_one_whole_staff_member_by_default(
    full, partial, self_care, orphans, rounding
):
    counts = {"full": full, "partial": partial, "self_care": self_care}
    assert staff(rounding, orphans=orphans, **counts) == staff(rounding, **counts) + orphans


# --- required_staff: invalid input ---------------------------------------------------------


@pytest.mark.parametrize("field", ["full", "partial", "self_care", "orphans"])
@pytest.mark.parametrize("bad", [-1, -(10**6), True, False, 1.0, 2.5, "3", None, Decimal(3)])
@pytest.mark.parametrize("rounding", ROUNDING_MODES)
def test_count_that_is_not_a_non_negative_int_is_rejected(field, bad, rounding):
    counts = {"full": 1, "partial": 1, "self_care": 1, "orphans": 1, field: bad}
    with pytest.raises(ValueError, match=f"{field} must be a non-negative int"):
        required_staff(rounding=rounding, **counts)
    with pytest.raises(ValueError, match=f"{field} must be a non-negative int"):
        explain_required_staff(rounding=rounding, **counts)


@pytest.mark.parametrize("rounding", ["", "TOTAL", "per-level", "ceil", None])
def test_unknown_rounding_is_rejected(rounding):
    with pytest.raises(ValueError, match="rounding must be one of"):
        required_staff(full=1, partial=1, self_care=1, rounding=rounding)
    with pytest.raises(ValueError, match="rounding must be one of"):
        explain_required_staff(full=1, partial=1, self_care=1, rounding=rounding)


def test_counts_are_keyword_only():
    with pytest.raises(TypeError):
        required_staff(7, 12, 20)


# --- explain_required_staff ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "formula"),
    [
        (
            {"full": 7, "partial": 12, "self_care": 20},
            "失能 7 ÷ 3 + 半失能 12 ÷ 6 + 自理 20 ÷ 10 = 6.33，向上取整为 7",
        ),
        (
            {"full": 7, "partial": 12, "self_care": 20, "rounding": "per_level"},
            "⌈失能 7 ÷ 3⌉ + ⌈半失能 12 ÷ 6⌉ + ⌈自理 20 ÷ 10⌉ = 3 + 2 + 2 = 7",
        ),
        (
            {"full": 7, "partial": 12, "self_care": 20, "orphans": 2},
            "失能 7 ÷ 3 + 半失能 12 ÷ 6 + 自理 20 ÷ 10 + 孤儿 2 ÷ 1 = 8.33，向上取整为 9",
        ),
        (
            {"full": 7, "partial": 12, "self_care": 20, "orphans": 2, "rounding": "per_level"},
            "⌈失能 7 ÷ 3⌉ + ⌈半失能 12 ÷ 6⌉ + ⌈自理 20 ÷ 10⌉ + ⌈孤儿 2 ÷ 1⌉ = 3 + 2 + 2 + 2 = 9",
        ),
        (
            {"full": 1, "partial": 1, "self_care": 1},
            "失能 1 ÷ 3 + 半失能 1 ÷ 6 + 自理 1 ÷ 10 = 0.60，向上取整为 1",
        ),
        (
            {"full": 2, "partial": 0, "self_care": 0},
            "失能 2 ÷ 3 + 半失能 0 ÷ 6 + 自理 0 ÷ 10 = 0.67，向上取整为 1",
        ),
        (
            {"full": 0, "partial": 0, "self_care": 0},
            "失能 0 ÷ 3 + 半失能 0 ÷ 6 + 自理 0 ÷ 10 = 0.00，向上取整为 0",
        ),
        (
            {"full": 0, "partial": 0, "self_care": 0, "rounding": "per_level"},
            "⌈失能 0 ÷ 3⌉ + ⌈半失能 0 ÷ 6⌉ + ⌈自理 0 ÷ 10⌉ = 0 + 0 + 0 = 0",
        ),
        (
            {"full": 0, "partial": 0, "self_care": 1, "ratios": StaffRatios(self_care=200)},
            "失能 0 ÷ 3 + 半失能 0 ÷ 6 + 自理 1 ÷ 200 = 0.01，向上取整为 1",  # 0.005 rounds half up
        ),
        (
            {"full": 5, "partial": 0, "self_care": 0, "ratios": StaffRatios(full=4)},
            "失能 5 ÷ 4 + 半失能 0 ÷ 6 + 自理 0 ÷ 10 = 1.25，向上取整为 2",
        ),
    ],
)
def test_formula_is_what_the_facility_page_prints(kwargs, formula):
    assert explain_required_staff(**kwargs).formula_zh == formula


def test_explanation_carries_exact_fraction_and_required_number():
    explanation = explain_required_staff(full=7, partial=12, self_care=20)
    assert explanation == StaffingExplanation(
        exact=Fraction(19, 3),
        required=7,
        formula_zh="失能 7 ÷ 3 + 半失能 12 ÷ 6 + 自理 20 ÷ 10 = 6.33，向上取整为 7",
        formula_en="fully disabled 7 ÷ 3 + semi-disabled 12 ÷ 6 + self-care 20 ÷ 10 = 6.33, rounded up to 7",
    )
    assert isinstance(explanation.exact, Fraction)


def test_the_english_formula_has_the_same_numbers_in_english_words():
    explanation = explain_required_staff(full=1, partial=1, self_care=1, orphans=2, rounding="per_level")
    assert explanation.formula_zh == "⌈失能 1 ÷ 3⌉ + ⌈半失能 1 ÷ 6⌉ + ⌈自理 1 ÷ 10⌉ + ⌈孤儿 2 ÷ 1⌉ = 1 + 1 + 1 + 2 = 5"
    assert explanation.formula_en == (
        "⌈fully disabled 1 ÷ 3⌉ + ⌈semi-disabled 1 ÷ 6⌉ + ⌈self-care 1 ÷ 10⌉ + ⌈orphans 2 ÷ 1⌉ = 1 + 1 + 1 + 2 = 5"
    )


def test_per_level_explanation_keeps_the_exact_sum_not_the_sum_of_ceilings():
    explanation = explain_required_staff(full=1, partial=1, self_care=1, rounding="per_level")
    assert explanation.exact == Fraction(3, 5)
    assert explanation.required == 3


@given(large, large, large, large, custom_ratios, rounding_modes)
def test_explanation_agrees_with_required_staff(
    full, partial, self_care, orphans, ratios, rounding
):
    counts = {"full": full, "partial": partial, "self_care": self_care, "orphans": orphans}
    explanation = explain_required_staff(ratios=ratios, rounding=rounding, **counts)
    assert explanation.required == required_staff(ratios=ratios, rounding=rounding, **counts)
    assert explanation.exact == sum(
        Fraction(count, ratio)
        for count, ratio in zip(
            counts.values(), (ratios.full, ratios.partial, ratios.self_care, ratios.orphan)
        )
    )
    assert explanation.formula_zh.endswith(str(explanation.required))
    assert ("孤儿" in explanation.formula_zh) == (orphans > 0)


@given(large, large, large, large, custom_ratios)
def test_shown_two_decimal_sum_is_the_exact_sum_rounded_half_up(
    full, partial, self_care, orphans, ratios
):
    explanation = explain_required_staff(
        full=full, partial=partial, self_care=self_care, orphans=orphans, ratios=ratios
    )
    shown = re.search(r"= (\d+\.\d\d)，", explanation.formula_zh).group(1)
    error = Fraction(shown) - explanation.exact
    assert -Fraction(1, 200) < error <= Fraction(1, 200)


@given(large, large, large, large, custom_ratios)
def test_per_level_formula_adds_up_its_own_ceilings(full, partial, self_care, orphans, ratios):
    explanation = explain_required_staff(
        full=full, partial=partial, self_care=self_care, orphans=orphans, ratios=ratios,
        rounding="per_level",
    )
    _, values, result = explanation.formula_zh.split(" = ")
    assert sum(int(v) for v in values.split(" + ")) == int(result) == explanation.required


# --- staffing_gap --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("required", "actual", "gap"),
    [
        (7, "4.5", "2.5"),
        (7, "0", "7"),
        (7, "7", "0"),
        (7, "7.0", "0"),
        (7, "8.25", "0"),
        (0, "0", "0"),
        (0, "3", "0"),
        (3, "2.75", "0.25"),
    ],
)
def test_gap_is_the_missing_full_time_equivalents_never_negative(required, actual, gap):
    result = staffing_gap(required=required, actual=Decimal(actual))
    assert isinstance(result, Decimal)
    assert result == Decimal(gap)


@given(
    st.integers(0, 10**6),
    st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
)
def test_gap_closes_exactly_the_shortfall(required, actual):
    gap = staffing_gap(required=required, actual=actual)
    assert gap >= 0
    assert actual + gap >= required
    assert (gap == 0) == (actual >= required)
    if gap > 0:
        assert actual + gap == required


@pytest.mark.parametrize("required", [-1, True, 1.5, "7", None])
def test_gap_rejects_a_required_count_that_is_not_a_non_negative_int(required):
    with pytest.raises(ValueError, match="required must be a non-negative int"):
        staffing_gap(required=required, actual=Decimal(1))


@pytest.mark.parametrize(
    "actual", [4.5, 4, "4.5", None, Decimal("-0.5"), Decimal("NaN"), Decimal("Infinity")]
)
def test_gap_rejects_actual_staff_that_is_not_a_finite_non_negative_decimal(actual):
    with pytest.raises(ValueError, match="actual must be a finite non-negative Decimal"):
        staffing_gap(required=7, actual=actual)
