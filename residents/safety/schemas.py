"""API shapes of resident safety (GB 38600-2019)."""
from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Schema

from common.api_fields import MAX_ID, Day, LocalDateTime, Month, Text

from ..models import IncidentHarm, RiskLevelChoice, RoundKind, SafetyAssessmentReason
from ..safety_rules import NoticeState, ReviewReason, ReviewState
from .selectors import incident_notice_state


class RatingIn(Schema):
    level: RiskLevelChoice
    measures: Text = Field("", max_length=500, description="防范措施；中、高风险必填 / measures, required for medium and high")


class SafetyAssessmentIn(Schema):
    assessed_on: Day
    reason: SafetyAssessmentReason
    ratings: dict[str, RatingIn] = Field(..., description="风险编号 → 等级与措施，须覆盖目录中每一项 / risk code → rating, every risk of the catalogue")
    assessor: Text = Field(..., min_length=1, max_length=50)
    notes: Text = Field("", max_length=2000)


class SafetyAssessmentOut(Schema):
    id: int
    person_id: int
    facility_id: int
    catalogue_id: int
    catalogue_code: str = Field(..., alias="catalogue.code")
    assessed_on: date
    reason: SafetyAssessmentReason
    ratings: dict[str, dict]
    highest: RiskLevelChoice
    self_care_then: str
    ability_then: str
    assessor: str
    due_on: date = Field(description="复评截止日 / review due by this day")


class SafetyIncidentIn(Schema):
    facility_id: int = Field(..., ge=1, le=MAX_ID)
    person_id: int | None = Field(None, ge=1, le=MAX_ID, description="涉及的老年人 / the resident it befell")
    occurred_at: LocalDateTime = Field(..., description="发生时间，不带时区按北京时间 / local time without a zone")
    kind: Text = Field(..., max_length=30, description="风险目录编号或 other / a risk code of the catalogue, or other")
    place: Text = Field(..., min_length=1, max_length=100)
    harm: IncidentHarm
    description: Text = Field(..., min_length=1, max_length=4000)
    actions: Text = Field(..., min_length=1, max_length=4000)
    family_notified_at: LocalDateTime | None = None
    family_notified: Text = Field("", max_length=100)


class SafetyIncidentFollowUpIn(Schema):
    family_notified_at: LocalDateTime | None = None
    family_notified: Text = Field("", max_length=100)
    review: Text = Field("", max_length=4000)
    reviewed_on: Day | None = None


class SafetyIncidentRowOut(Schema):
    """An incident in a list: what, where and how bad; its account of what happened is read one at a time."""

    id: int
    facility_id: int
    person_id: int | None
    kind: str
    kind_name: str
    occurred_at: datetime
    place: str
    harm: IncidentHarm
    notice_due_at: datetime
    family_notified_at: datetime | None
    notice: NoticeState = Field(description="告知家属：按时、超时、待告知、逾期未告知 / told in time, late, pending, overdue")
    reviewed_on: date | None

    @staticmethod
    def resolve_notice(incident) -> str:
        return incident_notice_state(incident, timezone.now())


class SafetyIncidentOut(SafetyIncidentRowOut):
    description: str
    actions: str
    family_notified: str
    review: str


class IncidentFilterIn(Schema):
    month: Month | None = Field(None, description="月份 YYYY-MM（默认本月）/ month, default this month")
    facility_id: int | None = Field(None, ge=1, le=MAX_ID)
    kind: Text = Field("", max_length=30, description="事件类别编号 / kind code")


class RegisterRowOut(Schema):
    person_id: int
    name: str
    state: ReviewState
    reasons: list[ReviewReason]
    assessment_id: int | None
    assessed_on: date | None
    due_on: date | None
    highest: RiskLevelChoice | None


class SafetyRoundIn(Schema):
    unit: Text = Field(..., min_length=1, max_length=50, description="区域 / unit, e.g. 一楼A区")
    kind: RoundKind
    at: LocalDateTime = Field(..., description="时间，不带时区按北京时间 / local time without a zone")
    staff: Text = Field(..., min_length=1, max_length=50, description="巡查人或交班人 / who went round or handed over")
    received_by: Text = Field("", max_length=50, description="接班人（交接班必填）/ who took over (handovers)")
    findings: Text = Field("", max_length=2000)


class SafetyRoundOut(Schema):
    id: int
    facility_id: int
    unit: str
    kind: RoundKind
    at: datetime
    staff: str
    received_by: str
    findings: str


class GapOut(Schema):
    start: datetime
    end: datetime


class UnitDayOut(Schema):
    unit: str = Field(description="区域；空为尚无区域记录的机构 / '' for a facility with no unit recorded yet")
    records: list[SafetyRoundOut]
    round_gaps: list[GapOut]
    handover_gaps: list[GapOut]


class RoundsFilterIn(Schema):
    day: Day | None = Field(None, description="日期（默认今天）/ day, default today")
