"""Pure rules of resident safety in elderly-care facilities, GB 38600-2019 《养老机构服务安全基本规范》
(mandatory since 2022-01-01).

Policies encoded here:

* Before admission, and again at review, a facility assesses each resident's service-safety risks.
  The standard's service protection names nine (噎食, 食品药品误食, 压疮, 烫伤, 坠床, 跌倒, 走失, 他伤和自伤,
  文体活动意外); the list is data (`SafetyRiskCatalogue` rows, each naming its source), checked here by
  `catalogue_problems`, so a province can add its own risks without a release.
* Each risk is rated 无 / 低 / 中 / 高; a risk rated 中 or 高 must name the measures taken against it.
* A resident's register starts "not assessed" (never "fine"), and the assessment is due again when its
  review date passes, after an incident that befell the resident since, or when the resident's
  self-care (特困 six-indicator category or GB/T 42195 level) is no longer what it was when assessed.
* After an incident the family is told within the hours the region sets: told in time, told late,
  still to be told (before the deadline) or overdue (past it, not yet told).
* Day and night rounds and shift handovers are recorded per unit; a stretch longer than the region's
  interval without one is a gap (before the first record of the day, between two, after the last).

Values in, values out: no ORM, no I/O, no clock. Errors are bilingual "中文 / English".
"""
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise


class RiskLevel(str, enum.Enum):
    """How likely and how harmful a risk is for this resident, least first."""

    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    def __str__(self) -> str:
        return self.value


RISK_ORDER = (RiskLevel.NONE, RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH)
#: Levels whose rating must name the measures taken.
NEEDS_MEASURES = (RiskLevel.MEDIUM, RiskLevel.HIGH)


@dataclass(frozen=True)
class SafetyRisk:
    """One risk of a catalogue: its code, its name and where the standard speaks of it."""

    code: str
    name: str
    clause: str = ""


def as_risks(items: Sequence[Mapping]) -> list[SafetyRisk]:
    """A catalogue's stored items (JSON) as risks."""
    return [SafetyRisk(code=str(item.get("code", "")), name=str(item.get("name", "")),
                       clause=str(item.get("clause", ""))) for item in items]


#: Reserved for an incident of no risk of the catalogue.
OTHER_KIND = "other"
#: The longest code an incident can keep.
MAX_CODE_LENGTH = 30


def catalogue_problems(risks: Sequence[SafetyRisk]) -> list[str]:
    """What is wrong with a catalogue's risks (empty when it can be used): every risk needs a code (at most
    30 characters, not "other") and a name, codes are unique, and there is at least one risk."""
    problems = []
    if not risks:
        problems.append("目录中没有风险项 / the catalogue lists no risk")
    seen: set[str] = set()
    for index, risk in enumerate(risks, start=1):
        if not risk.code.strip() or not risk.name.strip():
            problems.append(f"第{index}项缺少编号或名称 / item {index} has no code or name")
        elif risk.code == OTHER_KIND or len(risk.code) > MAX_CODE_LENGTH:
            problems.append(f"编号不可用：{risk.code}（other 为保留字，最长30个字符）/ code {risk.code} is reserved "
                            f"or longer than {MAX_CODE_LENGTH} characters")
        elif risk.code in seen:
            problems.append(f"编号重复：{risk.code} / duplicate code {risk.code}")
        seen.add(risk.code)
    return problems


@dataclass(frozen=True)
class Rating:
    level: RiskLevel
    measures: str = ""


def rating_problems(risks: Sequence[SafetyRisk], ratings: Mapping[str, Rating]) -> dict[str, str]:
    """Risk code → what is wrong with its rating: every risk of the catalogue rated, no code outside it,
    measures named for 中 and 高."""
    codes = {risk.code for risk in risks}
    problems = {}
    for risk in risks:
        rating = ratings.get(risk.code)
        if rating is None:
            problems[risk.code] = f"{risk.name}：请评定风险等级 / {risk.code}: rate this risk"
        elif rating.level in NEEDS_MEASURES and not rating.measures.strip():
            problems[risk.code] = f"{risk.name}：中、高风险须填写防范措施 / {risk.code}: name the measures for a medium or high risk"
    for code in sorted(set(ratings) - codes):
        problems[code] = f"目录中没有此风险：{code} / {code} is not a risk of the catalogue"
    return problems


def highest_level(levels: Sequence[RiskLevel]) -> RiskLevel:
    """The worst of the ratings (无 when there are none)."""
    return max(levels, key=RISK_ORDER.index, default=RiskLevel.NONE)


class ReviewState(str, enum.Enum):
    NOT_ASSESSED = "not_assessed"
    CURRENT = "current"
    REVIEW_DUE = "review_due"  # an incident or a change in self-care since the assessment
    OVERDUE = "overdue"        # past the review date

    def __str__(self) -> str:
        return self.value


class ReviewReason(str, enum.Enum):
    INCIDENT = "incident"
    CONDITION = "condition"
    DATE = "date"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Review:
    state: ReviewState
    reasons: tuple[ReviewReason, ...] = ()


def risk_review(*, assessed_on: date | None, due_on: date | None, last_incident_at: datetime | None,
                condition_then: tuple[str, str], condition_now: tuple[str, str], today: date,
                recorded_at: datetime | None = None) -> Review:
    """Where a resident's risk register stands on `today`.

    `condition_then` is the self-care category and GB/T 42195 level current when the risks were
    assessed, `condition_now` the current ones ("" for none). An incident after the day of the assessment
    calls for a review; so does one on that day that happened after the assessment was recorded
    (`recorded_at`; both in Asia/Shanghai): a fall in the afternoon after a morning's assessment. Past the
    review date is the most urgent state."""
    if assessed_on is None or due_on is None:
        return Review(ReviewState.NOT_ASSESSED)
    reasons = []
    if due_on < today:
        reasons.append(ReviewReason.DATE)
    if last_incident_at is not None and (
        last_incident_at.date() > assessed_on
        or (last_incident_at.date() == assessed_on and recorded_at is not None and last_incident_at > recorded_at)
    ):
        reasons.append(ReviewReason.INCIDENT)
    if any(now and now != then for then, now in zip(condition_then, condition_now, strict=True)):
        reasons.append(ReviewReason.CONDITION)
    if ReviewReason.DATE in reasons:
        return Review(ReviewState.OVERDUE, tuple(reasons))
    if reasons:
        return Review(ReviewState.REVIEW_DUE, tuple(reasons))
    return Review(ReviewState.CURRENT)


class NoticeState(str, enum.Enum):
    ON_TIME = "on_time"
    LATE = "late"
    PENDING = "pending"  # not yet told, still within the time
    OVERDUE = "overdue"  # not yet told, past the time

    def __str__(self) -> str:
        return self.value


def notice_due_at(*, occurred_at: datetime, within_hours: int) -> datetime:
    """The last moment the family may be told of an incident in time."""
    if isinstance(within_hours, bool) or not isinstance(within_hours, int) or within_hours < 1:
        raise ValueError(f"时限须为正整数（小时）/ within_hours must be a positive int, got {within_hours!r}")
    return occurred_at + timedelta(hours=within_hours)


def family_notice(*, due_at: datetime, notified_at: datetime | None, now: datetime) -> NoticeState:
    """Whether the family was told of an incident by its deadline (aware datetimes)."""
    if notified_at is not None:
        return NoticeState.ON_TIME if notified_at <= due_at else NoticeState.LATE
    return NoticeState.PENDING if now <= due_at else NoticeState.OVERDUE


def record_gaps(*, times: Iterable[datetime], start: datetime, end: datetime,
                max_gap: timedelta) -> list[tuple[datetime, datetime]]:
    """The stretches of [start, end] longer than `max_gap` with no record in them, in order. Records
    outside the window are ignored; a window with no record is one gap if it is longer than `max_gap`."""
    if max_gap <= timedelta(0):
        raise ValueError(f"间隔须为正 / max_gap must be positive, got {max_gap}")
    if end < start:
        raise ValueError(f"时段结束早于开始 / the window ends before it starts: {start} – {end}")
    marks = [start, *sorted(moment for moment in times if start <= moment <= end), end]
    return [(before, after) for before, after in pairwise(marks) if after - before > max_gap]
