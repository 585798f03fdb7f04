"""Pure domain rules about residents: self-care category, citizen ID number, age.

Policies encoded here:

* 《特困人员认定办法》(民政部): 生活自理能力 is assessed on six indicators
  (自主吃饭、自主穿衣、自主上下床、自主如厕、室内自主行走、自主洗澡).
  All six achievable -> 具备生活自理能力; 1–3 not achievable -> 部分丧失生活自理能力;
  4 or more not achievable -> 完全丧失生活自理能力.
* GB 11643-1999 公民身份号码: 6-digit region code, 8-digit birth date (YYYYMMDD),
  3-digit sequence code whose last digit is odd for men and even for women,
  and a check character computed with ISO 7064 MOD 11-2.
* Self-care assessments: when one is valid, for claims, staffing, alerts and pages alike (see below).
* 特殊救助对象款物代管: an append-only ledger whose balances never go negative (see below).
* 公示: 7 days, names and masked ID numbers, never a minor (see below).
* GB/T 42195-2022 老年人能力评估: `ability_level` and the scales' rules live in `residents.ability_rules`.

Everything here is values in, values out: no ORM, no I/O, no clock.
Error messages are bilingual "中文 / English" because they reach clerks' forms.
"""

import enum
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Protocol, TypeVar

from common.money import round_fen
from common.months import add_months

from . import ability_rules as _ability

# GB/T 42195's level lives in residents.ability_rules; DESIGN §3 names it here.
AbilityLevel = _ability.AbilityLevel
ability_level = _ability.ability_level


class SelfCare(str, enum.Enum):
    """The three 生活自理能力 categories of 《特困人员认定办法》."""

    FULL = "full"
    PARTIAL = "partial"
    SELF_CARE = "self_care"

    def __str__(self) -> str:
        """Print the stored value (as Django's TextChoices do), not "SelfCare.FULL"."""
        return self.value

    @property
    def label_zh(self) -> str:
        return _SELF_CARE_LABELS_ZH[self]


_SELF_CARE_LABELS_ZH = {
    SelfCare.FULL: "完全丧失生活自理能力",
    SelfCare.PARTIAL: "部分丧失生活自理能力",
    SelfCare.SELF_CARE: "具备生活自理能力",
}

INDICATORS = (
    ("eating", "自主吃饭"),
    ("dressing", "自主穿衣"),
    ("transfer", "自主上下床"),
    ("toileting", "自主如厕"),
    ("walking", "室内自主行走"),
    ("bathing", "自主洗澡"),
)


def self_care_category(unable: int) -> SelfCare:
    """Category from the number of the six indicators the person cannot do.

    bool is rejected although it is an int: a True/False here is a caller bug,
    not a count.
    """
    if isinstance(unable, bool) or not isinstance(unable, int):
        raise ValueError(  # noqa: TRY004 (DESIGN §3: every bad input to a rule is a ValueError)
            f"不能达到的指标数必须是整数 / unable count must be an int, got {type(unable).__name__}"
        )
    if not 0 <= unable <= len(INDICATORS):
        raise ValueError(
            f"不能达到的指标数应在0到{len(INDICATORS)}之间 / "
            f"unable count must be between 0 and {len(INDICATORS)}, got {unable}"
        )
    if unable == 0:
        return SelfCare.SELF_CARE
    if unable <= 3:
        return SelfCare.PARTIAL
    return SelfCare.FULL


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"


def _is_ascii_digits(text: str) -> bool:
    """str.isdigit() alone would accept full-width and superscript digits."""
    return text.isascii() and text.isdigit()


def id_check_character(body17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits of an ID number."""
    if not isinstance(body17, str) or len(body17) != 17 or not _is_ascii_digits(body17):
        raise ValueError("身份证号码本体应为17位数字 / ID number body must be 17 digits")
    total = sum(int(digit) * weight for digit, weight in zip(body17, _WEIGHTS))
    return _CHECK_CHARACTERS[total % 11]


@dataclass(frozen=True)
class IdNumber:
    """A parsed, valid 18-digit citizen ID number.

    The full number is left out of repr() so it does not leak into logs and tracebacks.
    """

    value: str = field(repr=False)
    birth_date: date
    sex: str
    region_code: str

    @property
    def masked(self) -> str:
        return mask_id_number(self.value)


def parse_id_number(value: str) -> IdNumber:
    """Validate and decode an 18-digit GB 11643-1999 citizen ID number.

    Whether the birth date lies in the future is not checked: only the caller knows today.
    Messages never echo the number itself (personal information).
    """
    if not isinstance(value, str):
        raise ValueError("身份证号码必须是字符串 / ID number must be a string")  # noqa: TRY004 (DESIGN §3)
    number = value.strip().upper()
    if len(number) != 18:
        raise ValueError(
            f"身份证号码应为18位，实际为{len(number)}位 / "
            f"ID number must be 18 characters, got {len(number)}"
        )
    body, check = number[:17], number[17]
    if not _is_ascii_digits(body):
        raise ValueError(
            "身份证号码前17位必须是数字 / the first 17 characters of an ID number must be digits"
        )
    if not (_is_ascii_digits(check) or check == "X"):
        raise ValueError(
            "身份证号码最后一位必须是数字或X / the last character of an ID number must be a digit or X"
        )
    year, month, day = int(body[6:10]), int(body[10:12]), int(body[12:14])
    if year < 1900:
        raise ValueError(
            "身份证号码中的出生年份早于1900年 / birth year in ID number is before 1900"
        )
    try:
        birth_date = date(year, month, day)
    except ValueError:
        raise ValueError(
            "身份证号码中的出生日期不存在 / birth date in ID number is not a real date"
        ) from None
    if id_check_character(body) != check:
        raise ValueError(
            "身份证号码校验位错误，请核对每一位 / ID number check character does not match, "
            "check each digit"
        )
    return IdNumber(
        value=number,
        birth_date=birth_date,
        sex="M" if int(body[16]) % 2 == 1 else "F",
        region_code=body[:6],
    )


def mask_id_number(value: str) -> str:
    """Hide the middle of an ID number for display; no validation.

    18 characters keep 4 + 4 visible; other lengths keep 2 + 2. Strings of 4 or fewer
    characters are starred entirely, since keeping 2 + 2 would reveal all of them.
    The length is always preserved.
    """
    keep = 4 if len(value) == 18 else 2
    if len(value) <= 2 * keep:
        return "*" * len(value)
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]


def age_on(birth_date: date, on: date) -> int:
    """Completed years on a given day.

    Comparing (month, day) pairs makes a 29 February birthday count as reached
    on 1 March in non-leap years.
    """
    if on < birth_date:
        raise ValueError(
            f"日期{on.isoformat()}早于出生日期 / date {on.isoformat()} is before the birth date"
        )
    not_yet = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - not_yet


# 《特困人员认定办法》第七条: 无劳动能力 — aged 60 or more, under 16, or one of these disabilities.
_QUALIFYING_DISABILITY_GRADES = {
    "intellectual": {1, 2, 3},
    "mental": {1, 2, 3},
    "physical": {1, 2},
    "vision": {1},
}
ADULT_AGE = 18


def no_labour_capacity_reason(*, age: int, disability_category: str = "", disability_grade: int | None = None) -> str | None:
    """Why a person counts as having no labour capacity under 《特困人员认定办法》, or None.

    Provinces may add further cases; those are recorded by the bureau, not decided here.
    """
    if age >= 60:
        return "年满60周岁"
    if age < 16:
        return "未满16周岁"
    if disability_grade in _QUALIFYING_DISABILITY_GRADES.get(disability_category, set()):
        return "残疾等级符合认定条件"
    return None


NO_LABOUR_CAPACITY_RULE = (
    "《特困人员认定办法》规定的无劳动能力情形：60周岁以上；未满16周岁；一、二、三级智力或精神残疾；"
    "一、二级肢体残疾；一级视力残疾"
)


# --- self-care assessments: when one is valid ------------------------------------------------
#
# Policy (DESIGN §3, the region's rule parameters): an assessment is valid from the day it was made
# through its due date (下次评估截止日) — the same day `interval` months later, the region's
# re-assessment interval in force when it was made (12 by default), or, once a change of condition
# is reported, the re-assessment deadline the report sets (10 working days by default), whichever
# comes first. From the day after, it no longer counts: claims price the person at the self-care
# tier and flag the line, staffing counts them as fully disabled, and an alert says it is overdue.
# The latest assessment on or before a day decides: an older one never stands in for a later one
# that has lapsed. Set-based queries (residents.selectors.valid_category_on) say the same in SQL.


class Assessed(Protocol):
    id: int
    assessed_on: date
    due_on: date


AssessedT = TypeVar("AssessedT", bound=Assessed)


def assessment_due_on(*, assessed_on: date, interval_months: int, change_due_on: date | None = None) -> date:
    """The last day an assessment made on `assessed_on` is valid."""
    if isinstance(interval_months, bool) or not isinstance(interval_months, int) or interval_months < 1:
        raise ValueError(f"复评周期须为正整数（月）/ the re-assessment interval must be a positive number of months, "
                         f"got {interval_months!r}")
    if change_due_on is not None and change_due_on < assessed_on:
        raise ValueError("状况变化复评时限早于评估日期 / a change deadline before the assessment it shortens")
    periodic = add_months(assessed_on, interval_months)
    return periodic if change_due_on is None else min(periodic, change_due_on)


def is_assessment_valid(*, assessed_on: date | None, due_on: date | None, on: date) -> bool:
    """Whether an assessment counts on `on`: made by then, and `on` is not past its due date."""
    return assessed_on is not None and due_on is not None and assessed_on <= on <= due_on


def latest_assessment(assessments: Iterable[AssessedT], on: date) -> AssessedT | None:
    """The assessment that decides on `on`: the latest made on or before it (the later record on a tie)."""
    done = [a for a in assessments if a.assessed_on <= on]
    return max(done, key=lambda a: (a.assessed_on, a.id)) if done else None


def valid_assessment(assessments: Iterable[AssessedT], on: date) -> AssessedT | None:
    """The latest assessment on or before `on` if it is still valid that day, else None."""
    latest = latest_assessment(assessments, on)
    if latest is None or not is_assessment_valid(assessed_on=latest.assessed_on, due_on=latest.due_on, on=on):
        return None
    return latest


class AssessmentStatus(str, enum.Enum):
    """How a person's assessment looks on a day, for pages and alerts."""

    MISSING = "missing"    # never assessed
    OVERDUE = "overdue"    # the latest assessment is past its due date: no valid assessment
    DUE_SOON = "due_soon"  # valid, and due within the warning window
    VALID = "valid"

    def __str__(self) -> str:
        return self.value


def assessment_status(*, assessed_on: date | None, due_on: date | None, on: date, soon_days: int = 30) -> AssessmentStatus:
    """The state of the latest assessment (`assessed_on`, `due_on`; None when never assessed) on `on`."""
    if assessed_on is None:
        return AssessmentStatus.MISSING
    if not is_assessment_valid(assessed_on=assessed_on, due_on=due_on, on=on):
        return AssessmentStatus.OVERDUE
    return AssessmentStatus.DUE_SOON if due_on <= on + timedelta(days=soon_days) else AssessmentStatus.VALID


# --- custody of residents' money and goods (特殊救助对象款物代管) ----------------------------------
#
# Policy: the facility (受托方) keeps an append-only ledger per resident; every deposit and withdrawal
# is a line with the running balance of its kind of holding, and a holding's balance can never go
# below zero. Corrections are reversal lines, never edits. Amounts are yuan with at most two decimals.

DEPOSIT, WITHDRAWAL = "deposit", "withdrawal"


class InsufficientBalance(ValueError):
    """A withdrawal larger than what is held; carries the figures for the message."""

    def __init__(self, balance: Decimal, amount: Decimal):
        self.balance, self.amount = balance, amount
        super().__init__(f"余额不足：现有 {balance} 元，不能支取 {amount} 元 / insufficient balance: "
                         f"{balance} held, {amount} asked")


def check_custody_amount(amount: Decimal) -> Decimal:
    """A positive amount of yuan with at most two decimals (fen); returned with exactly two."""
    if isinstance(amount, bool) or not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValueError("金额须为有限的十进制数 / amount must be a finite Decimal")
    if amount <= 0:
        raise ValueError("金额须大于0 / amount must be greater than 0")
    if amount != round_fen(amount):
        raise ValueError("金额最多两位小数（分）/ amount has at most two decimals")
    return round_fen(amount)


def custody_balance_after(balance: Decimal, *, kind: str, amount: Decimal) -> Decimal:
    """The holding's balance after a deposit or withdrawal; a withdrawal may not overdraw it."""
    amount = check_custody_amount(amount)
    if kind == DEPOSIT:
        return balance + amount
    if kind == WITHDRAWAL:
        if amount > balance:
            raise InsufficientBalance(balance, amount)
        return balance - amount
    raise ValueError(f"未知的收支类型 / unknown entry kind {kind!r}")


def reversal_kind(kind: str) -> str:
    """A correction moves the same amount the other way."""
    return {DEPOSIT: WITHDRAWAL, WITHDRAWAL: DEPOSIT}[kind]


@dataclass(frozen=True)
class StatementFigures:
    """One holding on a monthly statement: opening + deposits − withdrawals = closing."""

    opening: Decimal
    deposits: Decimal
    withdrawals: Decimal
    closing: Decimal


def custody_statement(opening: dict[str, Decimal], moves: list[tuple[str, str, Decimal]]) -> dict[str, StatementFigures]:
    """Per holding: the month's figures from the opening balances and the month's (holding, kind,
    amount) moves, in order. Raises InsufficientBalance if the moves would ever overdraw a holding."""
    running = dict(opening)
    deposits: dict[str, Decimal] = {}
    withdrawals: dict[str, Decimal] = {}
    for holding, kind, amount in moves:
        running[holding] = custody_balance_after(running.get(holding, Decimal("0.00")), kind=kind, amount=amount)
        totals = deposits if kind == DEPOSIT else withdrawals
        totals[holding] = totals.get(holding, Decimal("0.00")) + amount
    return {
        holding: StatementFigures(
            opening=opening.get(holding, Decimal("0.00")), deposits=deposits.get(holding, Decimal("0.00")),
            withdrawals=withdrawals.get(holding, Decimal("0.00")), closing=running[holding],
        )
        for holding in running
    }


def draw_sample(ids, size: int, *, seed: int) -> list:
    """抽查: `size` of the ids (all of them if fewer), drawn with a recorded seed, so the same seed
    and the same population always give the same residents in the same order."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"抽查份数须为正整数 / sample size must be a positive int, got {size!r}")
    population = sorted(set(ids))
    return random.Random(seed).sample(population, min(size, len(population)))


# --- public notices (公示) ---------------------------------------------------------------------
#
# Policy (《特困人员认定办法》第十一条 and local practice): the township posts the people newly
# confirmed or terminated as special hardship for 7 days, names and masked ID numbers only; minors'
# details are never published (《未成年人保护法》), so anyone under 18 on the posting day is left out.

NOTICE_DAYS = 7


def notice_period_end(posted_on: date, days: int = NOTICE_DAYS) -> date:
    """The last day of the notice period: a 7-day notice posted on the 1st runs to the 7th inclusive."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"公示天数须为正整数 / notice days must be a positive int, got {days!r}")
    return posted_on + timedelta(days=days - 1)


def in_notice_period(day: date, *, posted_on: date, ends_on: date) -> bool:
    return posted_on <= day <= ends_on


def is_notice_eligible(birth_date: date, on: date) -> bool:
    """Whether a person may appear on a notice posted on `on`: an adult (18 or older) that day.
    Someone not yet born that day is not eligible either."""
    if on < birth_date:
        return False
    return age_on(birth_date, on) >= ADULT_AGE


@dataclass(frozen=True)
class NoticeCandidate:
    person_id: int
    name: str
    id_number: str = field(repr=False)
    birth_date: date
    change: str  # "confirmed" or "terminated"
    changed_on: date


@dataclass(frozen=True)
class NoticeRow:
    person_id: int
    name: str
    masked_id_number: str
    change: str
    changed_on: date


def notice_entries(people, *, on: date) -> list[NoticeRow]:
    """The rows to post on `on`: adults only, masked ID numbers, newly confirmed first, then by date
    and name. Never a minor, whatever the input."""
    rows = [
        NoticeRow(p.person_id, p.name, mask_id_number(p.id_number), p.change, p.changed_on)
        for p in people if is_notice_eligible(p.birth_date, on)
    ]
    order = {"confirmed": 0, "terminated": 1}
    return sorted(rows, key=lambda row: (order.get(row.change, 2), row.changed_on, row.name, row.person_id))
