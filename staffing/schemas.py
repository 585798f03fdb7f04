"""Request and response shapes of the staffing API: employments, leave and compliance snapshots.

ID numbers only ever leave as `masked_id_number`; the full number is accepted when employing and
never returned. Decimals (FTE, staff counted, gap) are returned as strings, exactly as stored.
"""
from datetime import date
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Schema

from common.api_fields import MAX_ID, REGION_CODE, Day
from facilities.place_schemas import FacilityPlaceOut

from .models import ComplianceStatus, LeaveKind, StaffRole

# --- employments -------------------------------------------------------------------------


class EmploymentFilterIn(Schema):
    facility_id: int | None = Field(None, ge=1, le=MAX_ID, description="机构 / facility")
    role: StaffRole | None = Field(None, description="岗位 / role")
    active: bool = Field(
        True, description="true：今天仍在职（含尚未到岗）；false：已离职 / true: not ended before today; false: ended"
    )


class LeaveOut(Schema):
    id: int
    employment_id: int
    kind: LeaveKind
    starts_on: date
    ends_on: date


class EmploymentOut(Schema):
    """A row of the list; `on_leave` comes from an annotation of the list query, so no query per row."""

    id: int
    staff_id: int
    name: str
    masked_id_number: str = Field(description="身份证号码（脱敏）/ ID number, masked")
    facility_id: int
    facility_name: str
    role: StaffRole
    fte: Decimal = Field(description="折算全职，字符串 / full-time equivalent, as a string")
    started_on: date
    ended_on: date | None
    certificate_number: str
    certificate_expires_on: date | None
    on_leave: bool = Field(description="今天在休假 / on leave today")

    @staticmethod
    def resolve_name(obj):
        return obj.staff.name

    @staticmethod
    def resolve_masked_id_number(obj):
        return obj.staff.masked_id_number

    @staticmethod
    def resolve_facility_name(obj):
        return obj.facility.name

    @staticmethod
    def resolve_fte(obj):
        return Decimal(obj.fte).quantize(Decimal("0.01"))  # as stored, also on a just-created row

    @staticmethod
    def resolve_on_leave(obj):
        if hasattr(obj, "on_leave_today"):
            return obj.on_leave_today
        today = timezone.localdate()
        return any(leave.starts_on <= today <= leave.ends_on for leave in obj.leaves.all())


class EmploymentDetailOut(EmploymentOut):
    phone: str
    leaves: list[LeaveOut]

    @staticmethod
    def resolve_phone(obj):
        return obj.staff.phone

    @staticmethod
    def resolve_leaves(obj):
        return list(obj.leaves.all())


class EmploymentIn(Schema):
    facility_id: int = Field(..., ge=1, le=MAX_ID)
    name: str = Field(..., min_length=1, max_length=50)
    id_number: str = Field(..., min_length=1, max_length=20, description="18 位公民身份号码 / 18-character citizen ID number")
    role: StaffRole
    fte: Decimal = Field(Decimal("1.00"), ge=Decimal("0.10"), le=Decimal("1.00"), max_digits=3, decimal_places=2)
    started_on: date
    phone: str = Field("", max_length=30)
    address: str = Field("", max_length=200, description="家庭住址 / household address")
    certificate_number: str = Field("", max_length=50)
    certificate_expires_on: date | None = None


class EmploymentEndIn(Schema):
    ended_on: date


class LeaveIn(Schema):
    kind: LeaveKind
    starts_on: date
    ends_on: date


# --- compliance --------------------------------------------------------------------------


class ComplianceFilterIn(Schema):
    region: str | None = Field(None, description="行政区划代码 / region code", pattern=REGION_CODE)
    facility_id: int | None = Field(None, ge=1, le=MAX_ID, description="机构 / facility")
    status: ComplianceStatus | None = Field(None, description="状态 / status")
    date_from: Day | None = Field(None, description="起始日期，默认同截止日期 / first day, defaults to date_to")
    date_to: Day | None = Field(None, description="截止日期，默认今天 / last day, defaults to today")


class ComplianceOut(FacilityPlaceOut):
    """One facility on one day. `actual` and `gap` are decimals (FTE) returned as strings."""

    day: date
    full: int
    partial: int
    self_care: int
    orphans: int
    unassessed: int = Field(
        description="无有效评估：未评估或已逾期（已按失能计入 full）/ without a valid assessment: never assessed or "
                    "overdue, counted in full",
    )
    required: int
    actual: Decimal
    gap: Decimal
    status: ComplianceStatus
