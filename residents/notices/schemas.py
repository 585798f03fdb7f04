"""Request and response shapes of the public-notice API (公示): names and masked ID numbers only."""
from datetime import date, datetime

from ninja import Field, Schema

from common.api_fields import MAX_ID, REGION_CODE, Text, user_name

from ..models import NoticeChange


class NoticeFilterIn(Schema):
    township: str | None = Field(None, pattern=r"^\d{2,9}$", description="区划代码前缀 / region code prefix")
    year: int | None = Field(None, ge=2000, le=2100, description="张贴年份 / year posted")


class NoticeIn(Schema):
    township_code: str = Field(..., pattern=REGION_CODE, description="乡镇（街道）9位代码 / 9-digit township code")
    period_start: date
    period_end: date
    posted_on: date = Field(description="张贴日期；公示期 7 天（含当日）/ posting day; 7 days inclusive")
    contact: Text = Field(..., min_length=1, max_length=200, description="异议受理联系人及电话 / contact for objections")


class NoticeOut(Schema):
    id: int
    township_code: str = Field(alias="township_id")
    township_name: str
    period_start: date
    period_end: date
    posted_on: date
    ends_on: date = Field(description="公示期最后一天 / last day of the notice period")
    contact: str
    minors_withheld: int = Field(description="按规定未公示的未成年人数 / minors left out")
    created_by: str
    created_at: datetime

    @staticmethod
    def resolve_township_name(obj):
        return obj.township.full_name

    @staticmethod
    def resolve_created_by(obj):
        return user_name(obj.created_by)


class NoticeListOut(NoticeOut):
    entry_count: int
    objection_count: int
    open_objections: int


class NoticeEntryOut(Schema):
    id: int
    position: int
    name: str
    masked_id_number: str
    change: NoticeChange
    changed_on: date


class NoticeDetailOut(NoticeOut):
    entries: list[NoticeEntryOut]

    @staticmethod
    def resolve_entries(obj):
        return list(obj.entries.order_by("position"))


class ObjectionIn(Schema):
    entry_id: int | None = Field(None, ge=1, le=MAX_ID, description="涉及的名单人员（不填为对整个名单）/ the entry concerned")
    objector: Text = Field(..., min_length=1, max_length=50, description="异议人（可填“匿名”）/ who objects")
    objector_contact: Text = Field("", max_length=50)
    received_on: date
    content: Text = Field(..., min_length=1, max_length=2000)


class ObjectionResultIn(Schema):
    result: Text = Field(..., min_length=1, max_length=2000, description="处理结果 / how it was handled")
    handled_on: date


class ObjectionOut(Schema):
    id: int
    notice_id: int
    entry_id: int | None
    entry_name: str | None
    objector: str
    objector_contact: str
    received_on: date
    content: str
    result: str
    handled_on: date | None
    handled_by: str | None
    recorded_at: datetime

    @staticmethod
    def resolve_entry_name(obj):
        return obj.entry.name if obj.entry_id else None

    @staticmethod
    def resolve_handled_by(obj):
        return user_name(obj.handled_by)
