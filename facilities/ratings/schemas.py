"""Request and response shapes of the star-ratings API.

Scores are decimals in half points and are returned as strings with one decimal ("96.0"), exactly
as stored; the level is never sent by a client, it follows from the scores.
"""
from datetime import date, datetime
from decimal import Decimal

from django.urls import reverse
from ninja import Field, Schema

from common.api_fields import MAX_ID

from .selectors import LEVEL_LABELS

_TENTH = Decimal("0.1")


def _tenths(value) -> Decimal:
    return Decimal(value).quantize(_TENTH)  # as stored, also on a just-created row


def _score(maximum: int, zh: str, en: str):
    return Field(
        ..., ge=0, le=maximum, multiple_of=Decimal("0.5"), max_digits=4, decimal_places=1,
        description=f"{zh}得分，0–{maximum}，可到0.5分 / {en} score, 0–{maximum} in half points",
    )


class RatingFilterIn(Schema):
    facility_id: int | None = Field(None, ge=1, le=MAX_ID, description="机构 / facility")


class RatingIn(Schema):
    facility_id: int = Field(..., ge=1, le=MAX_ID, description="机构 / facility")
    rated_on: date = Field(..., description="评定日期，不能晚于今天 / evaluation date, not in the future")
    environment: Decimal = _score(120, "环境", "environment")
    equipment: Decimal = _score(130, "设施设备", "facilities and equipment")
    management: Decimal = _score(150, "运营管理", "operations management")
    service: Decimal = _score(600, "服务", "service")
    evaluators: str = Field(..., min_length=1, max_length=200, description="评定人员 / evaluators")
    certificate_number: str = Field("", max_length=50, description="证书编号 / certificate number")


class RatingCorrectionIn(Schema):
    environment: Decimal = _score(120, "环境", "environment")
    equipment: Decimal = _score(130, "设施设备", "facilities and equipment")
    management: Decimal = _score(150, "运营管理", "operations management")
    service: Decimal = _score(600, "服务", "service")
    evaluators: str = Field(..., min_length=1, max_length=200, description="评定人员 / evaluators")
    certificate_number: str = Field("", max_length=50, description="证书编号 / certificate number")
    reason: str = Field(..., min_length=1, max_length=300, description="更正原因 / why it is corrected")


class RatingWithdrawalIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300, description="撤销原因 / why it is withdrawn")


class RatingOut(Schema):
    """One evaluation; names come from the joins of the list query, so no query per row."""

    id: int
    facility_id: int
    facility_name: str
    rated_on: date
    environment: Decimal
    equipment: Decimal
    management: Decimal
    service: Decimal
    total: Decimal
    level: int = Field(description="0 未评级（未达到一级）, 1–5 / 0 = below level 1")
    level_display: str
    expires_on: date = Field(description="有效期至（当天起失效）/ first day the rating no longer holds")
    certificate_number: str
    evaluators: str
    report_url: str | None = Field(description="评定报告（须登录）/ the report, for signed-in users in scope")
    recorded_by_name: str
    recorded_at: datetime
    withdrawn_at: datetime | None = Field(description="撤销时间，未撤销为空 / when it was withdrawn, null if in force")
    withdrawal_reason: str = Field(description="撤销原因 / why it was withdrawn")

    @staticmethod
    def resolve_facility_name(obj):
        return obj.facility.name

    @staticmethod
    def resolve_environment(obj):
        return _tenths(obj.environment)

    @staticmethod
    def resolve_equipment(obj):
        return _tenths(obj.equipment)

    @staticmethod
    def resolve_management(obj):
        return _tenths(obj.management)

    @staticmethod
    def resolve_service(obj):
        return _tenths(obj.service)

    @staticmethod
    def resolve_total(obj):
        return _tenths(obj.total)

    @staticmethod
    def resolve_level_display(obj):
        return str(LEVEL_LABELS[obj.level])

    @staticmethod
    def resolve_report_url(obj):
        return reverse("rating_report", args=[obj.pk]) if obj.report else None

    @staticmethod
    def resolve_recorded_by_name(obj):
        return obj.recorded_by.full_name or obj.recorded_by.username
