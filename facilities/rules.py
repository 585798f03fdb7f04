"""Pure domain rules about facilities: region scope, star rating, credit code.

Policies encoded here:

* GB/T 2260 行政区划代码: six digits, two each for province, city and county;
  a level that is not used is "00" ("620000" is a province, "621000" a city,
  "621002" a county). Townships (GB/T 10114) append three digits to their
  county's code. A region therefore covers exactly the codes that start with
  its significant digits, so scoping is a prefix match.
* GB/T 37276-2018 养老机构等级划分与评定: 1000 points in four sections —
  环境 120, 设施设备 130, 运营管理 150, 服务 600. A star level is reached when
  the total reaches that level's threshold and every section reaches that
  level's percentage of its maximum. Provinces publish their own thresholds, so
  they are a parameter. Scores come in half points: arithmetic is exact Decimal,
  never float, so 48 of 120 is exactly 40 %.
* A rating is valid for a fixed number of years (three by default), up to but
  not including the same calendar day that many years later.
* GB 32100-2015 统一社会信用代码: 18 characters from a 31-character alphabet
  (no I, O, S, V, Z); the last is a MOD 31 check character over the first 17
  with weights 3^i mod 31.
* 投诉举报 首问负责、限时办结: a complaint about a facility is acknowledged within N working
  days of receipt and concluded within M (1 and 15 by default; region parameters). Days are
  counted from the day after receipt on the Chinese working-day calendar (holidays and make-up
  working days), so a complaint received on a Saturday is due for acknowledgement on Monday.
  A complainant's contact details are shown masked to everyone but the inspector who owns it.
* Working days (工作日): each year's holidays and make-up working days (调休上班) come from that
  year's State Council notice (国务院办公厅关于…年部分节假日安排的通知), published around
  November of the year before. A deadline that counts over a day of a year nobody has entered
  yet is counted Monday to Friday and is **provisional** until the year is entered.

Everything here is values in, values out: no ORM, no I/O, no clock.
Error messages are bilingual "中文 / English" because they reach clerks' forms.
"""

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    Context,
    Decimal,
    Inexact,
    localcontext,
)
from types import MappingProxyType

# --- GB/T 2260 region codes -------------------------------------------------

_REGION_CODE = re.compile(r"[0-9]{6}|[0-9]{9}")  # ASCII only: \d would take full-width digits


def region_scope_prefix(code: str) -> str:
    """The significant leading digits of a region code: every code below it starts with them."""
    if not _REGION_CODE.fullmatch(code):
        raise ValueError(f"行政区划代码须为6位或9位数字 / a region code must be 6 or 9 digits, got {code!r}")
    if code.startswith("00"):
        raise ValueError(f"行政区划代码没有00省份 / no province has the code 00, got {code!r}")
    if len(code) == 9 or code[4:] != "00":
        return code
    if code[2:4] != "00":
        return code[:4]
    return code[:2]


def region_level(code: str) -> str:
    """The level of a region, read from its code alone: province, city, county or township."""
    return {2: "province", 4: "city", 6: "county", 9: "township"}[len(region_scope_prefix(code))]


def region_in_scope(code: str, scope: str) -> bool:
    """Whether `code` lies within (or is) the region `scope`.

    `code` is validated too: a malformed code must not slip into a scope because
    it happens to start with the right digits.
    """
    region_scope_prefix(code)
    return code.startswith(region_scope_prefix(scope))


def region_ancestors(code: str) -> list[str]:
    """The region itself, then each enclosing region up to the province, most specific first.

    "621002100" -> ["621002100", "621002", "621000", "620000"]; used to find the most specific
    rule set that applies.
    """
    prefix = region_scope_prefix(code)
    chain = [code]
    if len(prefix) == 9:
        chain.append(code[:6])
        prefix = region_scope_prefix(code[:6])
    if len(prefix) == 6:
        chain.append(code[:4] + "00")
    if len(prefix) >= 4:
        chain.append(code[:2] + "0000")
    return list(dict.fromkeys(chain))


# --- GB/T 37276-2018 star rating ---------------------------------------------

SECTION_MAXIMA = {"environment": 120, "equipment": 130, "management": 150, "service": 600}
_SECTION_LABELS_ZH = {"environment": "环境", "equipment": "设施设备", "management": "运营管理", "service": "服务"}
TOTAL_MAXIMUM = sum(SECTION_MAXIMA.values())
STAR_LEVELS = (1, 2, 3, 4, 5)

# Addition, subtraction and division by 100 of finite decimals are exact at this
# precision; the Inexact trap turns any surprise into an error, never a wrong star.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[Inexact])


def _is_int(value: object) -> bool:
    """bool is an int subclass, but True/False is never a score or a threshold."""
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class StarThresholds:
    """Per level 1–5: the minimum total, and the minimum percentage of every section's maximum.

    Both must not decrease from one level to the next, so a higher star always
    implies every lower one. The mappings are frozen on construction.
    """

    totals: Mapping[int, int]
    section_percent: Mapping[int, int]

    def __post_init__(self) -> None:
        for name, ceiling in (("totals", TOTAL_MAXIMUM), ("section_percent", 100)):
            values = dict(getattr(self, name))
            if set(values) != set(STAR_LEVELS):
                raise ValueError(
                    f"须为1至5星各设一个门槛 / {name} needs exactly levels 1–5, got {sorted(values)}"
                )
            ordered = [values[level] for level in STAR_LEVELS]
            if not all(_is_int(v) and 0 <= v <= ceiling for v in ordered):
                raise ValueError(
                    f"门槛须为0至{ceiling}的整数 / {name} must be ints from 0 to {ceiling}, got {ordered}"
                )
            if ordered != sorted(ordered):
                raise ValueError(f"门槛不能随星级降低 / {name} must not decrease with the level, got {ordered}")
            object.__setattr__(self, name, MappingProxyType(values))


DEFAULT_THRESHOLDS = StarThresholds(
    totals={1: 360, 2: 450, 3: 570, 4: 780, 5: 900},
    section_percent={1: 40, 2: 50, 3: 60, 4: 80, 5: 90},
)


@dataclass(frozen=True)
class NextLevelGap:
    """What stands between a facility and the next star.

    `section_shortfalls` is, per section, what it lacks to reach the level's
    percentage (0 when met). `total_shortfall` is what the total still lacks
    once those section points have been added, so the least extra score that
    reaches `level` is their sum. Values are exact, not rounded to half points.
    """

    level: int
    section_shortfalls: Mapping[str, Decimal]
    total_shortfall: Decimal


def _scores(**raw: object) -> dict[str, Decimal]:
    """Validated section scores as Decimal; int and Decimal only, so no float ever enters."""
    scores = {}
    for section, value in raw.items():
        label = _SECTION_LABELS_ZH[section]
        maximum = SECTION_MAXIMA[section]
        if not (_is_int(value) or isinstance(value, Decimal)) or not Decimal(value).is_finite():
            raise ValueError(
                f"{label}得分须为整数或Decimal / {section} score must be an int or a finite Decimal, got {value!r}"
            )
        if not 0 <= value <= maximum:
            raise ValueError(
                f"{label}得分须在0至{maximum}之间 / {section} score must be from 0 to {maximum}, got {value!r}"
            )
        scores[section] = Decimal(value)
    return scores


def _section_minimum(section: str, percent: int) -> Decimal:
    return Decimal(percent * SECTION_MAXIMA[section]) / 100


def _reaches(scores: dict[str, Decimal], level: int, thresholds: StarThresholds) -> bool:
    percent = thresholds.section_percent[level]
    return sum(scores.values()) >= thresholds.totals[level] and all(
        score >= _section_minimum(section, percent) for section, score in scores.items()
    )


def _level(scores: dict[str, Decimal], thresholds: StarThresholds) -> int:
    return max((level for level in STAR_LEVELS if _reaches(scores, level, thresholds)), default=0)


def star_level(
    *,
    environment: int | Decimal,
    equipment: int | Decimal,
    management: int | Decimal,
    service: int | Decimal,
    thresholds: StarThresholds = DEFAULT_THRESHOLDS,
) -> int:
    """The highest star level (1–5) the scores reach, 0 when none."""
    scores = _scores(environment=environment, equipment=equipment, management=management, service=service)
    with localcontext(_EXACT):
        return _level(scores, thresholds)


def points_to_next_level(
    *,
    environment: int | Decimal,
    equipment: int | Decimal,
    management: int | Decimal,
    service: int | Decimal,
    thresholds: StarThresholds = DEFAULT_THRESHOLDS,
) -> NextLevelGap | None:
    """How far the scores are from the level above the current one; None at five stars."""
    scores = _scores(environment=environment, equipment=equipment, management=management, service=service)
    with localcontext(_EXACT):
        target = _level(scores, thresholds) + 1
        if target > STAR_LEVELS[-1]:
            return None
        percent = thresholds.section_percent[target]
        shortfalls = {
            section: max(_section_minimum(section, percent) - score, Decimal(0))
            for section, score in scores.items()
        }
        raised_total = sum(scores.values()) + sum(shortfalls.values())
        return NextLevelGap(
            level=target,
            section_shortfalls=MappingProxyType(shortfalls),
            total_shortfall=max(thresholds.totals[target] - raised_total, Decimal(0)),
        )


# --- Rating validity -----------------------------------------------------------


def rating_expires_on(rated_on: date, years: int = 3) -> date:
    """The first day the rating no longer holds: the same day `years` later.

    A rating given on 29 February expires on 28 February when the target year
    is not a leap year; expiring on 1 March would add a day nobody granted.
    """
    if not _is_int(years) or years < 1:
        raise ValueError(f"有效期须为至少1年的整数 / years must be an int of at least 1, got {years!r}")
    year = rated_on.year + years
    if (rated_on.month, rated_on.day) == (2, 29) and not calendar.isleap(year):
        return date(year, 2, 28)
    return rated_on.replace(year=year)


def rating_is_valid(rated_on: date, on: date, years: int = 3) -> bool:
    """Whether a rating given on `rated_on` holds on the day `on`."""
    expires_on = rating_expires_on(rated_on, years)
    return rated_on <= on < expires_on


@dataclass(frozen=True)
class PastRating:
    """An earlier evaluation of the same facility: its date and the level it reached (0 = failed)."""

    rated_on: date
    level: int


_LEVEL_ZH = {1: "一级", 2: "二级", 3: "三级", 4: "四级", 5: "五级"}


AFTER_EXPIRY_FIRST = "first"  # an expired facility is rated again as if for the first time
AFTER_EXPIRY_LAST = "last"  # an expired facility goes on from its last level, one step at a time


def rating_refusal(
    *, level: int, on: date, history: Sequence[PastRating], first_max_level: int = 3,
    upgrade_wait_years: int = 1, reapply_wait_years: int = 1, valid_years: int = 3,
    after_expiry: str = AFTER_EXPIRY_LAST,
) -> str | None:
    """Why the region's rules forbid recording an evaluation that reaches `level` on `on`, or None.

    - no evaluation within `reapply_wait_years` after a failed one (level 0);
    - a facility's first rating is at most `first_max_level`;
    - an upgrade goes one level at a time, and only after `upgrade_wait_years` at the current level;
    - once every rating has expired the region's `after_expiry` rule applies: `"first"` caps the level
      as for a first rating, `"last"` allows at most one level above the last one held. Either way
      an expired facility never jumps levels.
    """
    earlier = sorted((past for past in history if past.rated_on <= on), key=lambda past: past.rated_on)
    failed = [past for past in earlier if past.level == 0]
    if failed and on < rating_expires_on(failed[-1].rated_on, reapply_wait_years):
        return (
            f"上次评定（{failed[-1].rated_on.isoformat()}）未通过，{reapply_wait_years}年内不得再次申请"
            f"（{rating_expires_on(failed[-1].rated_on, reapply_wait_years).isoformat()} 起可申请）"
        )
    if level == 0:
        return None
    current = [past for past in earlier if past.level > 0 and rating_is_valid(past.rated_on, on, valid_years)]
    if not any(past.level > 0 for past in earlier):
        if level > first_max_level:
            return f"首次评定最高为{_LEVEL_ZH[first_max_level]}，本次评分达到{_LEVEL_ZH[level]}，不能直接评定"
        return None
    if not current:
        if after_expiry == AFTER_EXPIRY_FIRST and level > first_max_level:
            return f"原等级已过期，按首次评定办理：最高为{_LEVEL_ZH[first_max_level]}，本次评分达到{_LEVEL_ZH[level]}，不能直接评定"
        last = [past for past in earlier if past.level > 0][-1]
        if after_expiry != AFTER_EXPIRY_FIRST and level > last.level + 1:
            return f"原等级（{_LEVEL_ZH[last.level]}）已过期，晋级须逐级进行：只能申请{_LEVEL_ZH[last.level + 1]}"
        return None
    if current and level > current[-1].level:
        holding = current[-1]
        if level > holding.level + 1:
            return f"晋级须逐级进行：现为{_LEVEL_ZH[holding.level]}，只能申请{_LEVEL_ZH[holding.level + 1]}"
        eligible = rating_expires_on(holding.rated_on, upgrade_wait_years)
        if on < eligible:
            return f"取得{_LEVEL_ZH[holding.level]}满{upgrade_wait_years}年后方可申请晋级（{eligible.isoformat()} 起）"
    return None


# --- GB 32100-2015 统一社会信用代码 ---------------------------------------------

_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_VALUES = {character: value for value, character in enumerate(_CREDIT_ALPHABET)}
_CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def credit_code_check_character(body17: str) -> str:
    """The check character that completes the first 17 characters of a credit code."""
    if not isinstance(body17, str) or len(body17) != 17 or not set(body17) <= _CREDIT_VALUES.keys():
        raise ValueError(
            "统一社会信用代码本体须为17位，只含数字和除I、O、S、V、Z外的大写字母 / "
            f"a credit code body must be 17 characters of 0-9 and A-Z without I, O, S, V, Z, got {body17!r}"
        )
    total = sum(_CREDIT_VALUES[c] * w for c, w in zip(body17, _CREDIT_WEIGHTS))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(value: str) -> bool:
    """Whether `value` is a well-formed credit code with the right check character.

    Surrounding whitespace is ignored; lowercase is not accepted, because the
    code is printed and registered in uppercase. Never raises.
    """
    if not isinstance(value, str):
        return False
    code = value.strip()
    if len(code) != 18:
        return False
    try:
        return credit_code_check_character(code[:17]) == code[17]
    except ValueError:
        return False


# --- working days, complaints (投诉举报) -----------------------------------------------


def add_working_days(start: date, days: int, *, is_workday) -> date:
    """The day `days` working days after `start`, with the calendar passed in.

    `is_workday(d)` decides each day, so official holidays and make-up working days (调休) come
    from the caller's calendar.
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValueError(f"工作日数须为非负整数 / working days must be a non-negative int, got {days!r}")
    current = start
    remaining = days
    while remaining:
        current = date.fromordinal(current.toordinal() + 1)
        if is_workday(current):
            remaining -= 1
    return current


@dataclass(frozen=True)
class WorkingDayDeadline:
    """A deadline in working days; `provisional` when a day counted lies in a year not entered."""

    due: date
    provisional: bool


def working_day_deadline(start: date, days: int, *, is_workday, known_years=None) -> WorkingDayDeadline:
    """`add_working_days`, and whether any day it counted over (after `start`, up to the result)
    lies in a year outside `known_years`: the caller's `is_workday` can only guess such a year
    (Monday to Friday), so the deadline is provisional until the year's notice is entered.
    `known_years=None` takes `is_workday` as exact for every year."""
    due = add_working_days(start, days, is_workday=is_workday)
    if known_years is None or due == start:
        return WorkingDayDeadline(due=due, provisional=False)
    counted = range(date.fromordinal(start.toordinal() + 1).year, due.year + 1)
    return WorkingDayDeadline(due=due, provisional=any(year not in known_years for year in counted))


REMIND_FROM_MONTH = 11  # the State Council publishes next year's holidays around November


def working_day_year_to_enter(today: date, known_years) -> int | None:
    """The year whose holidays an administrator should enter now: this year if it is not known,
    from 1 November next year until it is; None when nothing is missing."""
    if today.year not in known_years:
        return today.year
    if today.month >= REMIND_FROM_MONTH and today.year + 1 not in known_years:
        return today.year + 1
    return None


@dataclass(frozen=True)
class ComplaintDue:
    """The last day to acknowledge (受理) and to conclude (办结) a complaint; overdue the day after.

    `provisional` when either was counted over a year whose holidays nobody has entered yet."""

    acknowledge_by: date
    conclude_by: date
    provisional: bool = False


def complaint_due_dates(
    received_on: date, *, acknowledge_days: int, conclude_days: int, is_workday, known_years=None,
) -> ComplaintDue:
    """限时办结: the acknowledgement and conclusion deadlines of a complaint received on a day.

    `known_years` as in `working_day_deadline`."""
    if _is_int(acknowledge_days) and _is_int(conclude_days) and conclude_days < acknowledge_days:
        raise ValueError(
            "办结时限不能短于受理时限 / the conclusion limit cannot be shorter than the acknowledgement limit, "
            f"got {acknowledge_days} and {conclude_days}"
        )
    acknowledge = add_working_days(received_on, acknowledge_days, is_workday=is_workday)
    conclude = working_day_deadline(received_on, conclude_days, is_workday=is_workday, known_years=known_years)
    # The conclusion deadline is never earlier than the acknowledgement one, so it counts over every
    # day the acknowledgement did: its flag covers both.
    return ComplaintDue(acknowledge_by=acknowledge, conclude_by=conclude.due, provisional=conclude.provisional)


def mask_contact(value: str) -> str:
    """A complainant's phone number or address with its middle starred; the length is kept.

    Eleven characters or more keep the first 3 and last 4 (139****5678, as phone numbers are
    usually masked); 5 to 10 keep the first and the last; 4 or fewer are starred entirely.
    """
    value = value or ""
    length = len(value)
    if length <= 4:
        return "*" * length
    keep_head, keep_tail = (3, 4) if length >= 11 else (1, 1)
    return value[:keep_head] + "*" * (length - keep_head - keep_tail) + value[length - keep_tail:]
