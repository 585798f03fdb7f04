"""Request and response shapes of the complaints API."""
from datetime import date, datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Schema

from common.api_fields import MAX_ID, LocalDateTime

from ..models import ComplaintChannel
from ..place_schemas import FacilityPlaceOut
from .selectors import AGE_BUCKETS, complaint_due_state, contact_for


class ComplaintFilterIn(Schema):
    state: Literal["new", "open", "overdue", "concluded", "all"] = Field(
        "all", description="待受理 / 未办结 / 已逾期 / 已办结 / 全部 / new, open, overdue, concluded or all",
    )
    facility_id: int | None = Field(None, ge=1, le=MAX_ID, description="被投诉机构 / facility")
    channel: ComplaintChannel | None = Field(None, description="来源渠道 / channel")
    mine: bool = Field(False, description="只看我负责的 / only those I own")


class ComplaintIn(Schema):
    facility_id: int = Field(..., ge=1, le=MAX_ID)
    channel: ComplaintChannel
    received_at: LocalDateTime = Field(..., description="收到时间，不晚于现在 / when it was received, not in the future")
    content: str = Field(..., min_length=1, max_length=4000, description="投诉举报内容 / what the complaint says")
    complainant_name: str = Field("", max_length=50, description="投诉人（匿名可不填）/ complainant (blank if anonymous)")
    complainant_contact: str = Field(
        "", max_length=100, description="投诉人联系方式，仅首问负责人可见 / contact details, shown only to the owner",
    )


class ComplaintInspectionIn(Schema):
    inspected_on: date
    inspectors: str = Field(..., min_length=1, max_length=200, description="检查人员 / inspectors' names")
    summary: str = Field("", max_length=4000)


class ComplaintLinkIn(Schema):
    inspection_id: int = Field(..., ge=1, le=MAX_ID, description="被投诉机构的已有检查 / an inspection of the facility")


class ComplaintConcludeIn(Schema):
    concluded_on: date
    reply: str = Field(..., min_length=1, max_length=4000, description="办理结果及答复 / the result and the reply given")


class ComplaintOut(FacilityPlaceOut):
    """One complaint; names come from the list query's joins, so no query per row."""

    id: int
    channel: ComplaintChannel
    channel_display: str
    received_at: datetime
    content: str
    complainant_name: str
    complainant_contact: str = Field(description="完整联系方式仅首问负责人可见，其他人为脱敏值 / whole only for the owner, masked otherwise")
    acknowledge_due_on: date
    conclude_due_on: date
    due_provisional: bool = Field(
        description="期限跨入尚未录入放假安排的年份，暂按周一至周五计算 / counted Monday to Friday over a year whose holidays are not entered yet; recounted when they are",
    )
    owner_id: int | None = Field(alias="assigned_to_id")
    owner_name: str | None
    assigned_at: datetime | None
    inspection_id: int | None
    concluded_on: date | None
    reply: str
    state: Literal["new", "ok", "soon", "unacknowledged", "overdue", "concluded"] = Field(
        description="待受理 / 办理中 / 即将到期 / 逾期未受理 / 逾期未办结 / 已办结"
    )

    @staticmethod
    def resolve_channel_display(obj):
        return obj.get_channel_display()

    @staticmethod
    def resolve_complainant_contact(obj, context):
        return contact_for(context["request"].user, obj)

    @staticmethod
    def resolve_owner_name(obj):
        return (obj.assigned_to.full_name or obj.assigned_to.username) if obj.assigned_to_id else None

    @staticmethod
    def resolve_state(obj):
        return complaint_due_state(obj, today=timezone.localdate())


class ComplaintCountyAgesOut(Schema):
    code: str
    name: str
    total: int
    overdue: int = Field(description="逾期未办结 / past the conclusion deadline")
    unacknowledged: int = Field(description="逾期未受理 / past the acknowledgement deadline and not taken")
    ages: list[int] = Field(description=f"按收到至今天数分组 / by days since receipt: {AGE_BUCKETS}")


class ComplaintRegionOut(Schema):
    buckets: list[tuple[int, int | None]]
    counties: list[ComplaintCountyAgesOut]
