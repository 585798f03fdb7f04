"""Request and response shapes of the relatives' registration API (近亲属备案)."""
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from common.api_fields import MAX_ID
from residents.models import Relation

from ..models import ReviewDecision


class RelativeRegisterFilterIn(Schema):
    state: Literal["open", "ended", "all"] = Field("open", description="有效 / 已撤销 / 全部")
    q: str = Field("", max_length=50, description="申报人或近亲属姓名 / declarant's or relative's name")


class DeclarationIn(Schema):
    relation: Relation
    relative_name: str = Field(..., min_length=1, max_length=50)
    relative_id_number: str = Field(..., min_length=1, max_length=20, description="18 位公民身份号码 / citizen ID number")
    declared_on: date
    employment_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="为工作人员申报时填其聘用记录；不填为本人申报 / a staff member's employment, or blank for oneself",
    )


class DeclarationEndIn(Schema):
    ended_on: date
    reason: str = Field(..., min_length=1, max_length=200, description="撤销原因 / why it no longer holds")


class RelativeStatusOut(Schema):
    kind: str
    kind_display: str
    support_form: str
    confirmed_on: date
    terminated_on: date | None

    @staticmethod
    def resolve_kind_display(obj):
        return obj.get_kind_display()


class RelativeStayOut(Schema):
    facility_id: int
    facility_name: str
    admitted_on: date
    ended_on: date | None

    @staticmethod
    def resolve_facility_name(obj):
        return obj.facility.name


class RelativeClaimsOut(Schema):
    lines: int
    total: Decimal
    first_month: date | None
    last_month: date | None


class DeclarationOut(Schema):
    id: int
    declarant_name: str
    declarant_user_id: int | None
    declarant_is_staff: bool
    region_code: str = Field(alias="region_id")
    facility_id: int | None
    relation: Relation
    relation_display: str
    relative_name: str
    relative_id_number: str = Field(description="脱敏 / masked")
    declared_on: date
    ended_on: date | None
    end_reason: str

    @staticmethod
    def resolve_declarant_is_staff(obj):
        return bool(obj.declarant_id_number)

    @staticmethod
    def resolve_relation_display(obj):
        return obj.get_relation_display()

    @staticmethod
    def resolve_relative_id_number(obj):
        return obj.masked_relative_id_number


class RelativeRegisterEntryOut(Schema):
    """A declaration with the relative's cases (registered person, statuses, stays, claims)."""

    declaration: DeclarationOut
    person_id: int | None = Field(
        description="您辖区内登记的人员；否则为空（辖区外是否登记不予显示）/ "
        "the person registered within your scope, else null (whether registered elsewhere is never said)"
    )
    statuses: list[RelativeStatusOut]
    stays: list[RelativeStayOut]
    claims: RelativeClaimsOut

    @staticmethod
    def resolve_person_id(obj):
        return obj.person.pk if obj.person else None


class RelativeReviewOut(Schema):
    id: int
    staff_name: str
    facility_id: int
    facility_name: str
    person_id: int
    person_name: str
    address: str
    flagged_at: datetime
    decision: ReviewDecision
    decision_display: str
    note: str
    declaration_id: int | None
    decided_at: datetime | None

    @staticmethod
    def resolve_staff_name(obj):
        return obj.staff.name

    @staticmethod
    def resolve_facility_name(obj):
        return obj.facility.name

    @staticmethod
    def resolve_person_name(obj):
        return obj.person.name

    @staticmethod
    def resolve_decision_display(obj):
        return obj.get_decision_display()


class RelativeReviewFilterIn(Schema):
    decision: ReviewDecision | None = Field(None, description="核查结论；不填为全部 / decision, blank for all")


class RelativeReviewDecideIn(Schema):
    decision: Literal["not_related", "declared"] = Field(..., description="非近亲属 / 补报备案")
    note: str = Field("", max_length=300, description="核查说明（非近亲属时必填）/ note (required for not related)")
    relation: Relation | Literal[""] = Field("", description="补报时的关系 / the relation when declared now")
