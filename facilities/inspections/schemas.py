"""Request and response shapes of the inspections API."""
from datetime import date
from typing import Literal

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Schema

from common.api_fields import MAX_ID

from ..checklist_rules import MAX_EVIDENCE_LENGTH, CheckResult
from ..models import FindingSeverity, FindingStatus, InspectionKind
from ..place_schemas import FacilityPlaceOut


class InspectionFilterIn(Schema):
    facility_id: int | None = Field(None, ge=1, le=MAX_ID, description="机构 / facility")
    kind: InspectionKind | None = Field(None, description="检查类型 / kind of inspection")
    state: Literal["open", "closed", "all"] = Field("all", description="未结案 / 已结案 / 全部 / open, closed or all")
    year: int | None = Field(None, ge=2000, le=2100, description="检查年度 / year of the inspection")


class InspectionIn(Schema):
    facility_id: int = Field(..., ge=1, le=MAX_ID)
    inspected_on: date
    kind: InspectionKind
    inspectors: str = Field(..., min_length=1, max_length=200, description="检查人员 / inspectors' names")
    summary: str = Field("", max_length=4000, description="检查情况 / what was inspected and seen")


class FindingIn(Schema):
    category: str = Field(..., min_length=1, max_length=50, description="问题类别 / category, e.g. 消防安全")
    severity: FindingSeverity
    description: str = Field(..., min_length=1, max_length=2000)
    deadline: date = Field(..., description="整改期限，不早于检查日期 / rectification deadline, not before the inspection")


class RectifyIn(Schema):
    rectification: str = Field(..., min_length=1, max_length=2000, description="整改情况 / what was done")
    rectified_on: date = Field(..., description="整改完成日期 / when it was done")


class VerifyIn(Schema):
    verified_on: date = Field(..., description="复核日期 / when the inspector checked it")


class FindingReturnIn(Schema):
    reason: str = Field(..., max_length=300, description="退回整改的原因 / why the rectification is sent back")


class CloseIn(Schema):
    closed_on: date = Field(..., description="结案日期 / closing date")


class FollowUpIn(Schema):
    visited_on: date
    visitors: str = Field(..., min_length=1, max_length=200)
    notes: str = Field(..., min_length=1, max_length=2000)


class FollowUpOut(Schema):
    id: int
    visited_on: date
    visitors: str
    notes: str


class FindingOut(Schema):
    id: int
    inspection_id: int
    category: str
    severity: FindingSeverity
    severity_display: str
    description: str
    deadline: date
    status: FindingStatus
    status_display: str
    overdue: bool = Field(description="已过整改期限且未整改 / past the deadline and not rectified")
    rectification: str
    rectified_on: date | None
    evidence_url: str | None = Field(description="整改材料（需登录）/ the evidence file (signed-in users in scope)")
    verified_on: date | None
    hazard_code: str = Field(description="重大事故隐患编号，非空即挂牌督办 / major-hazard item code; set means supervised")
    escalated_on: date | None = Field(description="逾期升级市级督办的日期 / when it went up to the city")
    escalated_to: str | None = Field(description="督办部门所在区划 / the supervising region's code")

    @staticmethod
    def resolve_escalated_to(obj):
        return obj.escalated_to_id

    @staticmethod
    def resolve_severity_display(obj):
        return obj.get_severity_display()

    @staticmethod
    def resolve_status_display(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_overdue(obj):
        return obj.status == FindingStatus.OPEN and obj.deadline < timezone.localdate()

    @staticmethod
    def resolve_evidence_url(obj):
        return reverse("finding_evidence", args=[obj.pk]) if obj.evidence else None


class _InspectionBase(FacilityPlaceOut):
    id: int
    inspected_on: date
    kind: InspectionKind
    kind_display: str
    inspectors: str
    summary: str
    closed_on: date | None

    @staticmethod
    def resolve_kind_display(obj):
        return obj.get_kind_display()


class InspectionOut(_InspectionBase):
    """One inspection of a list; the counts come from the list query, so no query per row."""

    findings_total: int
    findings_open: int = Field(description="未复核销号的问题数 / findings not yet verified")
    findings_overdue: int = Field(description="逾期未整改的问题数 / findings past their deadline and not rectified")


class InspectionDetailOut(_InspectionBase):
    recorded_by_name: str
    findings: list[FindingOut]
    follow_ups: list[FollowUpOut]

    @staticmethod
    def resolve_recorded_by_name(obj):
        return obj.recorded_by.full_name or obj.recorded_by.username

    @staticmethod
    def resolve_findings(obj):
        return list(obj.findings.all())

    @staticmethod
    def resolve_follow_ups(obj):
        return list(obj.follow_ups.all())


class ChecklistAnswerIn(Schema):
    code: str = Field(..., min_length=1, max_length=30, description="检查项编号 / item code")
    result: CheckResult = Field(..., description="met 符合 / not_met 不符合 / na 不适用")
    evidence: str = Field("", max_length=MAX_EVIDENCE_LENGTH,
                          description="情况说明，不符合或不适用必填 / the evidence; required unless met")


class ChecklistIn(Schema):
    answers: list[ChecklistAnswerIn] = Field(..., max_length=500, description="每项一条 / one per item")
    deadline: date | None = Field(None, description="整改期限，有不符合项时必填 / deadline, required when an item is not met")


class ChecklistItemOut(Schema):
    code: str
    group: str
    text: str
    basis: str
    major: bool = Field(description="重大事故隐患 / a major-hazard situation")
    result: CheckResult | None = Field(description="未填写为空 / null until the checklist is filled in")
    evidence: str
    finding_id: int | None


class ChecklistOut(Schema):
    checklist_id: int
    code: str
    name: str
    source: str
    effective_from: date
    region: str | None
    items: list[ChecklistItemOut]


class MajorHazardOut(FindingOut):
    facility_id: int
    facility_name: str
    inspected_on: date
    supervision: Literal["open", "escalated"] = Field(description="督办中 / 逾期升级市级督办 / open or escalated")
    age_days: int = Field(description="发现至今天数 / days since the inspection found it")

    @staticmethod
    def resolve_facility_id(obj):
        return obj.inspection.facility_id

    @staticmethod
    def resolve_facility_name(obj):
        return obj.inspection.facility.name

    @staticmethod
    def resolve_inspected_on(obj):
        return obj.inspection.inspected_on
