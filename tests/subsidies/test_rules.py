"""Specs for subsidies.rules: benefit months and money arithmetic."""

import ast
import sys
from datetime import date, timedelta
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common import money
from subsidies import rules
from subsidies.rules import (
    days_in_month,
    first_benefit_month,
    is_benefit_month,
    last_benefit_month,
    month_start,
    next_month,
    prorate,
    prorate_parts,
    prorate_shares,
    round_fen,
)

FEN = Decimal("0.01")


@pytest.mark.parametrize("module", [rules, money], ids=["subsidies.rules", "common.money"])
def test_rules_module_is_pure(module):
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {name for name in imported if name.split(".")[0] not in sys.stdlib_module_names} <= {"common.money", "common.months"}
    called = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert not called & {"today", "now", "utcnow", "open"}
    assert "float" not in {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


# --- Months -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start", "following", "length"),
    [
        (date(2024, 1, 1), date(2024, 1, 1), date(2024, 2, 1), 31),
        (date(2024, 1, 31), date(2024, 1, 1), date(2024, 2, 1), 31),
        (date(2024, 2, 1), date(2024, 2, 1), date(2024, 3, 1), 29),
        (date(2024, 2, 29), date(2024, 2, 1), date(2024, 3, 1), 29),
        (date(2023, 2, 28), date(2023, 2, 1), date(2023, 3, 1), 28),
        (date(2100, 2, 28), date(2100, 2, 1), date(2100, 3, 1), 28),  # divisible by 100: not leap
        (date(2000, 2, 29), date(2000, 2, 1), date(2000, 3, 1), 29),  # divisible by 400: leap
        (date(1900, 2, 15), date(1900, 2, 1), date(1900, 3, 1), 28),
        (date(2024, 4, 30), date(2024, 4, 1), date(2024, 5, 1), 30),
        (date(2024, 6, 15), date(2024, 6, 1), date(2024, 7, 1), 30),
        (date(2024, 7, 31), date(2024, 7, 1), date(2024, 8, 1), 31),
        (date(2024, 11, 30), date(2024, 11, 1), date(2024, 12, 1), 30),
        (date(2024, 12, 1), date(2024, 12, 1), date(2025, 1, 1), 31),
        (date(2024, 12, 31), date(2024, 12, 1), date(2025, 1, 1), 31),
    ],
)
def test_month_helpers(day, start, following, length):
    assert month_start(day) == start
    assert next_month(day) == next_month(start) == following
    assert days_in_month(day) == days_in_month(start) == length


any_day = st.dates(min_value=date(1900, 1, 1), max_value=date(2399, 12, 31))


@given(any_day)
def test_next_month_starts_the_day_after_this_month_ends(day):
    start = month_start(day)
    assert start.day == 1
    assert next_month(day) == start + timedelta(days=days_in_month(day))
    assert next_month(day) - timedelta(days=1) >= day


# --- Benefit months -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("confirmed_on", "first"),
    [
        (date(2024, 3, 1), date(2024, 4, 1)),  # confirmed on the 1st: still from next month
        (date(2024, 3, 15), date(2024, 4, 1)),
        (date(2024, 3, 31), date(2024, 4, 1)),  # confirmed on the last day
        (date(2024, 1, 31), date(2024, 2, 1)),
        (date(2024, 2, 29), date(2024, 3, 1)),
        (date(2023, 2, 28), date(2023, 3, 1)),
        (date(2100, 2, 28), date(2100, 3, 1)),
        (date(2024, 12, 1), date(2025, 1, 1)),
        (date(2024, 12, 31), date(2025, 1, 1)),
    ],
)
def test_support_starts_the_month_after_confirmation(confirmed_on, first):
    assert first_benefit_month(confirmed_on) == first


@pytest.mark.parametrize(
    ("terminated_on", "last"),
    [
        (date(2024, 3, 1), date(2024, 3, 1)),
        (date(2024, 3, 15), date(2024, 3, 1)),
        (date(2024, 3, 31), date(2024, 3, 1)),
        (date(2024, 2, 29), date(2024, 2, 1)),
        (date(2024, 12, 31), date(2024, 12, 1)),
        (date(2025, 1, 1), date(2025, 1, 1)),
    ],
)
def test_the_month_of_termination_is_the_last_paid(terminated_on, last):
    assert last_benefit_month(terminated_on) == last


@pytest.mark.parametrize(
    ("month", "confirmed_on", "terminated_on", "paid"),
    [
        (date(2024, 3, 1), date(2024, 3, 15), None, False),
        (date(2024, 2, 1), date(2024, 3, 15), None, False),
        (date(2024, 4, 1), date(2024, 3, 15), None, True),
        (date(2040, 1, 1), date(2024, 3, 15), None, True),
        (date(2024, 3, 1), date(2024, 3, 1), None, False),
        (date(2024, 4, 1), date(2024, 3, 1), None, True),
        (date(2024, 3, 1), date(2024, 3, 31), None, False),
        (date(2024, 4, 1), date(2024, 3, 31), None, True),
        (date(2024, 12, 1), date(2024, 12, 31), None, False),
        (date(2025, 1, 1), date(2024, 12, 31), None, True),
        (date(2024, 6, 1), date(2024, 3, 15), date(2024, 6, 10), True),
        (date(2024, 7, 1), date(2024, 3, 15), date(2024, 6, 10), False),
        (date(2024, 6, 1), date(2024, 3, 15), date(2024, 6, 30), True),
        (date(2024, 7, 1), date(2024, 3, 15), date(2024, 7, 1), True),
        (date(2024, 12, 1), date(2024, 3, 15), date(2024, 12, 31), True),
        (date(2025, 1, 1), date(2024, 3, 15), date(2024, 12, 31), False),
        (date(2024, 4, 1), date(2024, 3, 15), date(2024, 4, 1), True),  # one paid month
        (date(2024, 3, 1), date(2024, 3, 5), date(2024, 3, 20), False),  # ended within the confirmation month
        (date(2024, 4, 1), date(2024, 3, 5), date(2024, 3, 20), False),
        (date(2024, 4, 20), date(2024, 3, 15), None, True),  # any day names its month
        (date(2024, 3, 31), date(2024, 3, 15), None, False),
        (date(2024, 6, 30), date(2024, 3, 15), date(2024, 6, 10), True),
    ],
)
def test_support_is_paid_from_the_month_after_confirmation_through_the_termination_month(
    month, confirmed_on, terminated_on, paid
):
    assert is_benefit_month(month, confirmed_on=confirmed_on, terminated_on=terminated_on) is paid


def months_between(first: date, last: date) -> list[date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    st.one_of(st.none(), st.integers(0, 2000)),
)
def test_paid_months_are_one_unbroken_run_from_first_to_last(confirmed_on, days_until_termination):
    terminated_on = (
        None if days_until_termination is None else confirmed_on + timedelta(days=days_until_termination)
    )
    window = months_between(date(1999, 1, 1), date(2037, 12, 1))
    paid = [m for m in window if is_benefit_month(m, confirmed_on=confirmed_on, terminated_on=terminated_on)]
    last = date(2037, 12, 1) if terminated_on is None else last_benefit_month(terminated_on)
    assert paid == months_between(first_benefit_month(confirmed_on), last)


# --- Rounding to the fen -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        ("2.345", "2.35"),
        ("-2.345", "-2.35"),
        ("2.344", "2.34"),
        ("-2.344", "-2.34"),
        ("2.3449999999", "2.34"),
        ("2.3450000001", "2.35"),
        ("2.355", "2.36"),
        ("2.365", "2.37"),
        ("1.005", "1.01"),  # 1.005 as a float is 1.00499…
        ("2.675", "2.68"),  # so is 2.675
        ("0.005", "0.01"),
        ("-0.005", "-0.01"),
        ("0.0049", "0.00"),
        ("0.004", "0.00"),
        ("999.995", "1000.00"),
        ("-999.995", "-1000.00"),
        ("2", "2.00"),
        ("2.3", "2.30"),
        ("2.30", "2.30"),
        ("0", "0.00"),
        ("1E+3", "1000.00"),
        ("123456789012345678901234567890.125", "123456789012345678901234567890.13"),
    ],
)
def test_round_fen_rounds_half_away_from_zero_to_two_places(amount, rounded):
    result = round_fen(Decimal(amount))
    assert result == Decimal(rounded)
    assert str(result) == rounded


@pytest.mark.parametrize("amount", [2.345, 2, 0, True, "2.345", None, Fraction(469, 200)])
def test_round_fen_refuses_anything_but_decimal(amount):
    with pytest.raises(TypeError, match=" / money must be a Decimal"):
        round_fen(amount)


@pytest.mark.parametrize("amount", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_round_fen_refuses_non_finite_amounts(amount):
    with pytest.raises(ValueError, match=" / money must be finite"):
        round_fen(Decimal(amount))


def test_round_fen_ignores_the_callers_decimal_context():
    with localcontext() as context:
        context.prec = 3
        assert round_fen(Decimal("12345.675")) == Decimal("12345.68")


money = st.decimals(min_value=Decimal(-1000000), max_value=Decimal(1000000), places=2)
fine_money = st.decimals(min_value=Decimal(-1000000), max_value=Decimal(1000000), places=6)


def half_up(value: Fraction) -> Decimal:
    """The reference rounding: exact rational, half away from zero, to the fen."""
    cents = int(abs(value) * 100 + Fraction(1, 2))
    sign = "-" if value < 0 else ""
    return Decimal(f"{sign}{cents}E-2")


@given(fine_money)
def test_round_fen_matches_exact_rational_rounding(amount):
    assert round_fen(amount) == half_up(Fraction(amount))


@given(fine_money)
def test_round_fen_is_within_half_a_fen_and_symmetric(amount):
    rounded = round_fen(amount)
    assert abs(rounded - amount) <= Decimal("0.005")
    assert rounded.as_tuple().exponent == -2
    assert round_fen(-amount) == -rounded


@given(money)
def test_round_fen_keeps_whole_fen_amounts(amount):
    assert round_fen(amount) == amount


# --- Proration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("monthly", "days", "length", "share"),
    [
        ("1000", 15, 30, "500.00"),
        ("1000", 1, 31, "32.26"),  # 32.258…
        ("1000", 10, 31, "322.58"),  # 322.580…
        ("1000", 14, 29, "482.76"),  # 482.758…
        ("1000.00", 1, 28, "35.71"),  # 35.714…
        ("1234.56", 7, 30, "288.06"),  # 288.064
        ("0.15", 1, 30, "0.01"),  # exactly 0.005
        ("0.70", 1, 28, "0.03"),  # exactly 0.025
        ("4.805", 1, 31, "0.16"),  # exactly 0.155
        ("-4.805", 1, 31, "-0.16"),
        ("0.14", 1, 28, "0.01"),  # exactly 0.005
        ("0.13", 1, 28, "0.00"),  # 0.00464…
        ("620.00", 29, 29, "620.00"),
        ("94.873", 3, 28, "10.16"),  # 10.164964…: 0.00004 below a half fen
        ("933.753", 3, 28, "100.04"),  # 100.044964…
        ("123456789012345678901234567.89", 1, 31, "3982477064914376738749502.19"),  # beyond 28 digits
        ("38271604593827160459382715.925", 1, 31, "1234567890123456789012345.68"),  # exactly on a half fen
    ],
)
def test_prorate_examples(monthly, days, length, share):
    result = prorate(Decimal(monthly), days=days, days_in_month=length)
    assert result == Decimal(share)
    assert str(result) == share


@pytest.mark.parametrize("length", [28, 29, 30, 31])
@pytest.mark.parametrize("monthly", ["0", "0.01", "123.45", "620", "1000.00", "99999999.99", "-300.50"])
def test_no_days_pays_nothing_and_a_full_month_pays_the_monthly_amount(monthly, length):
    assert prorate(Decimal(monthly), days=0, days_in_month=length) == 0
    assert prorate(Decimal(monthly), days=length, days_in_month=length) == Decimal(monthly)


@pytest.mark.parametrize(("days", "length"), [(-1, 30), (31, 30), (29, 28), (30, 29), (32, 31), (-31, 31)])
def test_days_outside_the_month_are_rejected(days, length):
    with pytest.raises(ValueError, match=" / days must be 0 to"):
        prorate(Decimal(1000), days=days, days_in_month=length)


@pytest.mark.parametrize("length", [0, 1, 27, 32, 365, -30])
def test_a_month_has_28_to_31_days(length):
    with pytest.raises(ValueError, match=" / days_in_month must be 28 to 31"):
        prorate(Decimal(1000), days=0, days_in_month=length)


@pytest.mark.parametrize(
    ("monthly", "days", "length", "name"),
    [
        (1000.0, 15, 30, "money"),
        (1000, 15, 30, "money"),
        ("1000", 15, 30, "money"),
        (Decimal(1000), 15.0, 30, "days"),
        (Decimal(1000), Decimal(15), 30, "days"),
        (Decimal(1000), True, 30, "days"),
        (Decimal(1000), 15, 30.0, "days_in_month"),
        (Decimal(1000), 15, Decimal(30), "days_in_month"),
    ],
)
def test_prorate_refuses_floats_and_other_types(monthly, days, length, name):
    with pytest.raises(TypeError, match=f" / {name} must be a"):
        prorate(monthly, days=days, days_in_month=length)


@pytest.mark.parametrize("monthly", ["NaN", "Infinity"])
def test_prorate_refuses_non_finite_amounts(monthly):
    with pytest.raises(ValueError, match=" / money must be finite"):
        prorate(Decimal(monthly), days=1, days_in_month=30)


def test_prorate_ignores_the_callers_decimal_context():
    with localcontext() as context:
        context.prec = 4
        assert prorate(Decimal("123456.78"), days=10, days_in_month=31) == Decimal("39824.77")


@st.composite
def month_splits(draw) -> tuple[int, int, int]:
    length = draw(st.integers(28, 31))
    first = draw(st.integers(0, length))
    return first, length - first, length


@given(money, month_splits())
def test_a_month_split_in_two_pays_the_monthly_amount_to_within_a_fen(monthly, split):
    first, second, length = split
    paid = prorate(monthly, days=first, days_in_month=length) + prorate(
        monthly, days=second, days_in_month=length
    )
    assert abs(paid - monthly) <= FEN


amounts = st.one_of(
    money,
    fine_money,
    st.decimals(min_value=Decimal("-1E40"), max_value=Decimal("1E40"), places=12),
    st.decimals(min_value=Decimal("-1E60"), max_value=Decimal("1E60"), allow_nan=False, allow_infinity=False),
)


@given(amounts, st.integers(28, 31), st.data())
def test_prorate_equals_exact_rational_share_rounded_half_up(monthly, length, data):
    days = data.draw(st.integers(0, length))
    assert prorate(monthly, days=days, days_in_month=length) == half_up(Fraction(monthly) * days / length)


@given(money.filter(lambda m: m >= 0), st.integers(28, 31), st.data())
def test_more_days_never_pay_less(monthly, length, data):
    days = data.draw(st.integers(0, length - 1))
    fewer = prorate(monthly, days=days, days_in_month=length)
    assert fewer <= prorate(monthly, days=days + 1, days_in_month=length)


# --- Each part's share of a line -----------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "dim", "shares"),
    [
        ([(Decimal(600), 9), (Decimal(1200), 22)], 31, ["174.19", "851.62"]),  # line 1025.81
        ([(Decimal(800), 9), (Decimal(800), 22)], 31, ["232.26", "567.74"]),  # line 800.00
        ([(Decimal(100), 10), (Decimal(100), 10), (Decimal(100), 10)], 30, ["33.33", "33.34", "33.33"]),
        ([(Decimal(800), 31)], 31, ["800.00"]),
        ([(Decimal(0), 5), (Decimal(400), 26)], 31, ["0.00", "335.48"]),  # a part without a standard
    ],
)
def test_prorate_shares_table(parts, dim, shares):
    assert prorate_shares(parts, days_in_month=dim) == [Decimal(share) for share in shares]
    assert sum(Decimal(share) for share in shares) == prorate_parts(parts, days_in_month=dim)


@given(
    monthly=st.lists(st.decimals(min_value=0, max_value=99999, places=2), min_size=1, max_size=6),
    cuts=st.lists(st.integers(0, 31), min_size=6, max_size=6),
    dim=st.integers(28, 31),
)
def test_prorate_shares_add_up_to_the_line_and_each_is_within_a_fen_of_its_exact_amount(monthly, cuts, dim):
    parts, left = [], dim
    for amount, cut in zip(monthly, cuts):
        days = min(cut, left)
        parts.append((amount, days))
        left -= days
    shares = prorate_shares(parts, days_in_month=dim)
    assert sum(shares, Decimal(0)) == prorate_parts(parts, days_in_month=dim)
    for share, (amount, days) in zip(shares, parts, strict=True):
        assert abs(Fraction(share) - Fraction(amount) * days / dim) <= Fraction(1, 100)
        assert share == share.quantize(FEN)
