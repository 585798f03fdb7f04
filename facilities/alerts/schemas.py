"""Request and response shapes of the alerts API."""
from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from common.api_fields import MAX_ID, REGION_CODE

from ..models import AlertKind, Severity
from ..scoping import can_acknowledge_alert
from .services import MAX_ACKNOWLEDGED_AT_ONCE


class AlertFilterIn(Schema):
    state: Literal["open", "resolved", "all"] = Field("open", description="未解除 / 已解除 / 全部 / open, resolved or all")
    kind: AlertKind | None = Field(None, description="类型 / kind")
    facility_id: int | None = Field(None, ge=1, le=MAX_ID, description="机构 / facility")
    region: str | None = Field(None, description="行政区划代码：省、市、县或乡镇 / region code", pattern=REGION_CODE)


class AlertOut(Schema):
    """One alert; every name comes from the joins of the list query, so no query per row."""

    id: int
    kind: AlertKind
    kind_display: str
    severity: Severity
    region_code: str = Field(alias="region_id")
    region_name: str
    facility_id: int | None
    facility_name: str | None
    subject: str
    subject_label: str
    message: str
    details: dict
    opened_at: datetime
    resolved_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by_name: str | None
    acknowledgement_note: str
    can_acknowledge: bool = Field(description="当前用户可确认 / the current user may acknowledge it")

    @staticmethod
    def resolve_kind_display(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.full_name

    @staticmethod
    def resolve_facility_name(obj):
        return obj.facility.name if obj.facility_id else None

    @staticmethod
    def resolve_acknowledged_by_name(obj):
        user = obj.acknowledged_by
        return (user.full_name or user.username) if user else None

    @staticmethod
    def resolve_can_acknowledge(obj, context):
        return can_acknowledge_alert(context["request"].user, obj)


class AcknowledgeIn(Schema):
    note: str = Field(..., max_length=300, description="确认说明（必填）/ what was done or decided (required)")


class AcknowledgeManyIn(Schema):
    alert_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        ..., min_length=1, max_length=MAX_ACKNOWLEDGED_AT_ONCE, description="预警编号 / the alerts' ids",
    )
    note: str = Field(..., max_length=300, description="确认说明，用于每一条 / one note for them all (required)")


class AcknowledgedOut(Schema):
    acknowledged: int = Field(description="本次确认的条数 / acknowledged now")
    skipped: int = Field(description="此前已确认、保留原说明的条数 / acknowledged before, their notes kept")
