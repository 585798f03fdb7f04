"""Pure domain rules about when 特困人员 support is paid, and how much.

Policies encoded here:

* 《特困人员认定办法》(民政部): support is granted from the month after the
  county 民政 department confirms eligibility, and stops from the month after
  it is terminated — so the month of termination is still paid.
* Money is yuan as Decimal, rounded half-up (half away from zero) to the fen,
  0.01 yuan, as payment ledgers do, by the one `round_fen` (common.money, importable
  from here too). A float is refused: 0.1 + 0.2 is not 0.3.
* A part month is paid by calendar day: monthly × days / days in the month.

Everything here is values in, values out: no ORM, no I/O, no clock.
Error messages are bilingual "中文 / English" because they reach clerks' forms.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Context, Decimal
from fractions import Fraction

import common.months as _months
from common.money import require_money as _require_money
from common.money import round_fen  # the one rounding, also importable from here (DESIGN §3)

# Month arithmetic lives in common.months; DESIGN §3 names these here.
month_start = _months.month_start
next_month = _months.next_month
days_in_month = _months.days_in_month


def first_benefit_month(confirmed_on: date) -> date:
    """Support starts the month after confirmation, whatever the day of confirmation."""
    return next_month(confirmed_on)


def last_benefit_month(terminated_on: date) -> date:
    """Support stops from the month after termination, so the termination month is the last paid."""
    return month_start(terminated_on)


def is_benefit_month(month: date, *, confirmed_on: date, terminated_on: date | None) -> bool:
    """Whether support is paid for the month `month` falls in; no end while not terminated."""
    start = month_start(month)
    if start < first_benefit_month(confirmed_on):
        return False
    return terminated_on is None or start <= last_benefit_month(terminated_on)


def _require_int(name: str, value: object) -> None:
    """bool is an int subclass, but True/False is never a day count."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}须为整数 / {name} must be an int, got {type(value).__name__} {value!r}")


def prorate(monthly: Decimal, *, days: int, days_in_month: int) -> Decimal:
    """The share of a monthly amount for `days` of a month, rounded once, to the fen.

    monthly × days is computed exactly. A quotient not exactly on a half fen is
    at least 1/31 of a unit in the last place of `monthly` (or of 0.001, if
    that is finer) away from one; three guard digits beyond that place keep the
    division's own rounding from crossing it, so the result is as if exact.
    """
    _require_money(monthly)
    _require_int("days", days)
    _require_int("days_in_month", days_in_month)
    if not 28 <= days_in_month <= 31:
        raise ValueError(f"当月天数须在28至31之间 / days_in_month must be 28 to 31, got {days_in_month}")
    if not 0 <= days <= days_in_month:
        raise ValueError(f"天数须在0至{days_in_month}之间 / days must be 0 to {days_in_month}, got {days}")
    fractional_digits = max(-monthly.as_tuple().exponent, 3)
    context = Context(prec=monthly.adjusted() + 2 + fractional_digits + 3)
    share = context.divide(context.multiply(monthly, days), days_in_month)
    return round_fen(share)


def _fraction_to_fen(value: Fraction) -> Decimal:
    """Round an exact quotient half away from zero to the fen, once."""
    cents = abs(value) * 100
    whole = int(cents)
    if cents - whole >= Fraction(1, 2):
        whole += 1
    signed = -whole if value < 0 else whole
    return Decimal(signed).scaleb(-2)


def prorate_parts(parts: Sequence[tuple[Decimal, int]], *, days_in_month: int) -> Decimal:
    """A month paid in parts at different monthly amounts: Σ monthly × days / days in month, rounded once.

    With one part this is `prorate`. With several (a category or standard that changes within the
    month under day-based proration) the parts are added exactly before the one rounding, so the
    line is never a sum of separately rounded pieces.
    """
    total_days = 0
    for monthly, days in parts:
        _require_money(monthly)
        _require_int("days", days)
        if days < 0:
            raise ValueError(f"天数不能为负 / days must not be negative, got {days}")
        total_days += days
    _require_int("days_in_month", days_in_month)
    if not 28 <= days_in_month <= 31:
        raise ValueError(f"当月天数须在28至31之间 / days_in_month must be 28 to 31, got {days_in_month}")
    if total_days > days_in_month:
        raise ValueError(f"天数合计超过当月天数 / parts cover {total_days} days, more than {days_in_month}")
    if len(parts) == 1 and total_days == days_in_month and not parts[0][0].is_signed():
        return round_fen(parts[0][0])  # a whole month at one amount: monthly × n / n, the common case
    exact = sum((Fraction(monthly) * days for monthly, days in parts), Fraction(0))
    return _fraction_to_fen(exact / days_in_month)


def prorate_shares(parts: Sequence[tuple[Decimal, int]], *, days_in_month: int) -> list[Decimal]:
    """Each part's share of a month paid in parts: shares that add up exactly to `prorate_parts`.

    The running total is rounded once at each part and each share is the step between two
    rounded running totals, so no fen appears or vanishes and each share is within a fen of its
    exact amount (monthly × days / days in the month).
    """
    line = prorate_parts(parts, days_in_month=days_in_month)
    if len(parts) == 1:
        return [line]
    shares, before, running = [], Decimal("0.00"), Fraction(0)
    for monthly, days in parts:
        running += Fraction(monthly) * days
        rounded = _fraction_to_fen(running / days_in_month)
        shares.append(rounded - before)
        before = rounded
    return shares


def apply_multiplier(monthly: Decimal, multiplier: Decimal) -> Decimal:
    """A standard scaled by a star-level multiplier, exactly; the line rounds it once later."""
    _require_money(monthly)
    _require_money(multiplier)
    if multiplier < 0:
        raise ValueError(f"系数不能为负 / a multiplier must not be negative, got {multiplier}")
    context = Context(prec=monthly.adjusted() + multiplier.adjusted() + 40)
    return context.multiply(monthly, multiplier)
