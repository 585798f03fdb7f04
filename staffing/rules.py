"""Pure domain rules about how many care staff a facility needs.

Policy encoded here: the 民政 staffing ratios for 特困人员供养服务设施 / 养老机构 —
one care worker per 3 residents who are 失能 (完全丧失生活自理能力), per 6 who are
半失能 (部分丧失生活自理能力), per 10 who are 自理 (具备生活自理能力), and one per
orphan in 集中供养. Provinces set their own numbers, so the ratios are a parameter.

Two readings of "1:3, 1:6, 1:10" exist in practice, so both are offered:
"total" rounds the exact sum up once; "per_level" rounds each level up and adds.
Arithmetic is exact (Fraction / int) so that rounding up never hinges on float
error: a float sum a hair above a whole number would add a phantom staff member.

The staffing budget (政府购买服务经费): the posts a facility needs (required_staff) times the
region's annual cost per post, against the posts and amount already funded; the gap may be
negative (more funded than needed). Money is Decimal to the fen, never float.

Possible undeclared relatives (近亲属备案): two addresses are "the same" when they read the same
after full-width characters, spaces and punctuation are set aside; such a match is only ever a
reason to look, never a finding.

Everything here is values in, values out: no ORM, no I/O, no clock.
"""

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from common.money import round_fen


def _is_int(value: object) -> bool:
    """bool is an int subclass, but True/False is never a head count or ratio."""
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class StaffRatios:
    """Residents per staff member at each level."""

    full: int = 3
    partial: int = 6
    self_care: int = 10
    orphan: int = 1

    def __post_init__(self) -> None:
        for name in ("full", "partial", "self_care", "orphan"):
            ratio = getattr(self, name)
            if not _is_int(ratio) or ratio <= 0:
                raise ValueError(
                    f"配比必须是正整数 / ratio {name} must be a positive int, got {ratio!r}"
                )


ROUNDING_MODES = ("total", "per_level")


@dataclass(frozen=True)
class StaffingExplanation:
    """The number the facility page shows, with the working behind it."""

    exact: Fraction
    required: int
    formula_zh: str
    formula_en: str


#: The levels' words in the English formula.
ENGLISH_LABELS = {"失能": "fully disabled", "半失能": "semi-disabled", "自理": "self-care", "孤儿": "orphans"}


def _terms(
    full: int, partial: int, self_care: int, orphans: int, ratios: StaffRatios
) -> list[tuple[str, int, int]]:
    """(label, count, ratio) per level; the orphan term only when there are orphans."""
    counts = {"full": full, "partial": partial, "self_care": self_care, "orphans": orphans}
    for name, count in counts.items():
        if not _is_int(count) or count < 0:
            raise ValueError(
                f"人数必须是非负整数 / {name} must be a non-negative int, got {count!r}"
            )
    terms = [
        ("失能", full, ratios.full),
        ("半失能", partial, ratios.partial),
        ("自理", self_care, ratios.self_care),
    ]
    if orphans > 0:
        terms.append(("孤儿", orphans, ratios.orphan))
    return terms


def _check_rounding(rounding: str) -> None:
    if rounding not in ROUNDING_MODES:
        raise ValueError(
            f"未知的取整方式 / rounding must be one of {ROUNDING_MODES}, got {rounding!r}"
        )


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def _two_decimals(value: Fraction) -> str:
    """Non-negative fraction rounded half up to two decimals, without floats."""
    hundredths = (value.numerator * 200 + value.denominator) // (2 * value.denominator)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def required_staff(
    *,
    full: int,
    partial: int,
    self_care: int,
    orphans: int = 0,
    ratios: StaffRatios = StaffRatios(),
    rounding: str = "total",
) -> int:
    """Minimum number of care staff for the given resident counts."""
    terms = _terms(full, partial, self_care, orphans, ratios)
    _check_rounding(rounding)
    if rounding == "total":
        return math.ceil(sum(Fraction(count, ratio) for _, count, ratio in terms))
    return sum(_ceil_div(count, ratio) for _, count, ratio in terms)


def explain_required_staff(
    *,
    full: int,
    partial: int,
    self_care: int,
    orphans: int = 0,
    ratios: StaffRatios = StaffRatios(),
    rounding: str = "total",
) -> StaffingExplanation:
    """required_staff plus the exact sum and the formula for the facility page, in Chinese and in English."""
    terms = _terms(full, partial, self_care, orphans, ratios)
    required = required_staff(
        full=full,
        partial=partial,
        self_care=self_care,
        orphans=orphans,
        ratios=ratios,
        rounding=rounding,
    )
    exact = sum((Fraction(count, ratio) for _, count, ratio in terms), Fraction(0))
    english = [(ENGLISH_LABELS[label], count, ratio) for label, count, ratio in terms]
    if rounding == "total":
        zh, en = (" + ".join(f"{label} {count} ÷ {ratio}" for label, count, ratio in named) for named in (terms, english))
        formula_zh = f"{zh} = {_two_decimals(exact)}，向上取整为 {required}"
        formula_en = f"{en} = {_two_decimals(exact)}, rounded up to {required}"
    else:
        zh, en = (" + ".join(f"⌈{label} {count} ÷ {ratio}⌉" for label, count, ratio in named) for named in (terms, english))
        values_text = " + ".join(str(_ceil_div(count, ratio)) for _, count, ratio in terms)
        formula_zh = f"{zh} = {values_text} = {required}"
        formula_en = f"{en} = {values_text} = {required}"
    return StaffingExplanation(exact=exact, required=required, formula_zh=formula_zh, formula_en=formula_en)


def staffing_gap(*, required: int, actual: Decimal) -> Decimal:
    """Full-time-equivalent staff still missing; zero when the facility is covered."""
    if not _is_int(required) or required < 0:
        raise ValueError(
            f"应配人数必须是非负整数 / required must be a non-negative int, got {required!r}"
        )
    if not isinstance(actual, Decimal) or not actual.is_finite() or actual < 0:
        raise ValueError(
            f"实际人数必须是非负的有限Decimal / actual must be a finite non-negative Decimal, "
            f"got {actual!r}"
        )
    return max(Decimal(0), Decimal(required) - actual)


# --- the staffing budget (政府购买服务经费) ------------------------------------------------



@dataclass(frozen=True)
class BudgetLine:
    """One facility's (or a sum of facilities') budget for a year; gaps are required − funded."""

    required_posts: int
    required_amount: Decimal
    funded_posts: int
    funded_amount: Decimal

    @property
    def gap_posts(self) -> int:
        return self.required_posts - self.funded_posts

    @property
    def gap_amount(self) -> Decimal:
        return self.required_amount - self.funded_amount

    def __add__(self, other: "BudgetLine") -> "BudgetLine":
        return BudgetLine(
            required_posts=self.required_posts + other.required_posts,
            required_amount=self.required_amount + other.required_amount,
            funded_posts=self.funded_posts + other.funded_posts,
            funded_amount=self.funded_amount + other.funded_amount,
        )


EMPTY_BUDGET = BudgetLine(required_posts=0, required_amount=Decimal("0.00"), funded_posts=0, funded_amount=Decimal("0.00"))


def _money(value: object, name: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise ValueError(f"{name} 须为非负金额 / {name} must be a non-negative finite Decimal, got {value!r}")
    return round_fen(value)


def budget_line(
    *, required: int, cost_per_post: Decimal, funded_posts: int = 0, funded_amount: Decimal | None = None,
) -> BudgetLine:
    """required × cost per post, against the funded posts and amount (posts × cost when no amount is set)."""
    for name, count in (("required", required), ("funded_posts", funded_posts)):
        if not _is_int(count) or count < 0:
            raise ValueError(f"岗位数须为非负整数 / {name} must be a non-negative int, got {count!r}")
    cost = _money(cost_per_post, "cost_per_post")
    return BudgetLine(
        required_posts=required,
        required_amount=cost * required,
        funded_posts=funded_posts,
        funded_amount=cost * funded_posts if funded_amount is None else _money(funded_amount, "funded_amount"),
    )


# --- addresses (近亲属关系核查) -----------------------------------------------------------

_ADDRESS_NOISE = re.compile(r"[\s\W_]+")


def normalize_address(text: str) -> str:
    """An address reduced for comparison: NFKC (full-width to half-width), no spaces or punctuation,
    Latin letters upper-case. "西峰区 董志镇１号" and "西峰区董志镇1号" compare equal; "" stays "".
    """
    return _ADDRESS_NOISE.sub("", unicodedata.normalize("NFKC", text or "")).upper()
