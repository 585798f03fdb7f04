"""Request and response shapes of the residents API.

ID numbers only ever leave as `masked_id_number`; the full number is accepted on registration and
never returned. Blank choice fields are returned as null so every enum in the schema is a real choice.
"""
from datetime import date

from django.utils import timezone
from ninja import Field, Schema

from common.api_fields import REGION_CODE

from .models import (
    AssessmentReason,
    DisabilityCategory,
    HukouType,
    SelfCareCategory,
    Sex,
    StayEndReason,
    SupportForm,
    SupportKind,
    VisitMode,
)
from .rules import AssessmentStatus, age_on, assessment_status
from .selectors import departed_on, person_assessments, person_statuses, person_stays

# --- people ------------------------------------------------------------------------------


class PersonFilterIn(Schema):
    q: str = Field("", description="姓名包含，或身份证号码开头 / name contains, or ID number starts with", max_length=50)
    facility_id: int | None = Field(None, ge=1, le=2**63 - 1, description="当前入住机构 / lives in this facility now")
    category: SelfCareCategory | None = Field(None, description="最近一次评估的类别 / latest assessed category")
    support_form: SupportForm | None = Field(None, description="供养方式 / support form of an open status")
    assessment_overdue: bool = Field(False, description="仅在院且评估逾期或缺失 / only in care with an overdue or missing assessment")
    in_care: bool = Field(False, description="仅当前在机构入住 / only people living in a facility now")


class _PersonBase(Schema):
    id: int
    name: str
    masked_id_number: str = Field(description="身份证号码（脱敏）/ ID number, masked")
    birth_date: date
    sex: Sex
    age: int
    hukou_region_code: str = Field(alias="hukou_region_id")
    assessment_due_on: date | None
    assessment_due_provisional: bool = Field(
        description="期限跨入尚未录入放假安排的年份，暂按周一至周五计算 / counted Monday to Friday over a year whose holidays are not entered yet; recounted when they are",
    )

    departed_on: date | None = Field(
        None, description="该人员离开您所在机构的日期：此后的记录（新机构的入住、评估等）不再向您显示；为空表示可见全部记录 / "
                          "the day the person left your facilities: records made after it (the new facility's) are not yours; "
                          "null when you see the whole record",
    )

    @staticmethod
    def resolve_age(obj):
        return age_on(obj.birth_date, timezone.localdate())

    @staticmethod
    def resolve_departed_on(obj):
        return departed_on(obj)

    @staticmethod
    def resolve_assessment_due_on(obj):
        return None if departed_on(obj) else obj.assessment_due_on  # the new facility's deadline is not theirs

    @staticmethod
    def resolve_assessment_due_provisional(obj):
        return False if departed_on(obj) else obj.assessment_due_provisional


class PersonOut(_PersonBase):
    """A row of the list, from the annotations of `person_list`: no query per row."""

    current_facility_id: int | None
    current_facility_name: str | None
    latest_category: SelfCareCategory | None
    latest_assessed_on: date | None
    latest_due_on: date | None = Field(description="最近一次评估的复评截止日 / the latest assessment's due date")
    assessment_status: AssessmentStatus = Field(
        description="今天的评估状态：missing 未评估、overdue 已逾期（无有效评估）、due_soon 30 天内到期、valid 有效 / "
                    "the assessment today: never assessed, overdue (no valid assessment), due within 30 days, or valid",
    )
    support_kind: SupportKind | None
    support_form: SupportForm | None

    @staticmethod
    def resolve_assessment_status(obj):
        return assessment_status(assessed_on=obj.latest_assessed_on, due_on=obj.latest_due_on, on=timezone.localdate())


class SupportStatusOut(Schema):
    id: int
    kind: SupportKind
    support_form: SupportForm | None
    confirmed_on: date
    certificate_number: str
    terminated_on: date | None
    termination_reason: str

    @staticmethod
    def resolve_support_form(obj):
        return obj.support_form or None


class StayOut(Schema):
    id: int
    person_id: int
    facility_id: int = Field(..., ge=1, le=2**63 - 1)
    facility_name: str
    admitted_on: date
    ended_on: date | None
    end_reason: StayEndReason | None
    note: str

    @staticmethod
    def resolve_facility_name(obj):
        return obj.facility.name

    @staticmethod
    def resolve_end_reason(obj):
        return obj.end_reason or None


class AssessmentOut(Schema):
    id: int
    person_id: int
    facility_id: int | None
    assessed_on: date
    eating_unable: bool
    dressing_unable: bool
    transfer_unable: bool
    toileting_unable: bool
    walking_unable: bool
    bathing_unable: bool
    computed_category: SelfCareCategory
    override_category: SelfCareCategory | None
    override_reason: str
    category: SelfCareCategory
    assessors: str
    reason: AssessmentReason
    due_on: date = Field(description="复评截止日：此日（含）之前有效 / valid up to and including this day")

    @staticmethod
    def resolve_override_category(obj):
        return obj.override_category or None


class PersonDetailOut(_PersonBase):
    """One person. Statuses, the current stay and the latest assessment cost one query each."""

    hukou_region_name: str
    hukou_type: HukouType
    residence_region_code: str | None = Field(alias="residence_region_id")
    residence_region_name: str | None
    address: str
    phone: str
    emergency_contact_name: str
    emergency_contact_phone: str
    disability_category: DisabilityCategory | None
    disability_grade: int | None
    statuses: list[SupportStatusOut]
    current_stay: StayOut | None
    latest_assessment: AssessmentOut | None

    @staticmethod
    def resolve_hukou_region_name(obj):
        return obj.hukou_region.full_name

    @staticmethod
    def resolve_residence_region_name(obj):
        return obj.residence_region.full_name if obj.residence_region_id else None

    @staticmethod
    def resolve_disability_category(obj):
        return obj.disability_category or None

    @staticmethod
    def resolve_statuses(obj):
        return person_statuses(obj)

    @staticmethod
    def resolve_current_stay(obj):
        return person_stays(obj).filter(ended_on__isnull=True).first()

    @staticmethod
    def resolve_latest_assessment(obj):
        return person_assessments(obj).order_by("-assessed_on", "-id").first()


class StayIn(Schema):
    facility_id: int = Field(..., ge=1, le=2**63 - 1)
    admitted_on: date
    note: str = Field("", max_length=200)


class PersonIn(Schema):
    name: str = Field(..., min_length=1, max_length=50)
    id_number: str = Field(..., min_length=1, max_length=20, description="18 位公民身份号码 / 18-character citizen ID number")
    hukou_region_code: str = Field(..., pattern=REGION_CODE, description="户籍地行政区划代码 / household registration region")
    hukou_type: HukouType
    residence_region_code: str | None = Field(
        None, pattern=REGION_CODE, description="现居住乡镇（街道）代码，分散供养须填 / township of residence"
    )
    address: str = Field("", max_length=200)
    phone: str = Field("", max_length=30)
    emergency_contact_name: str = Field("", max_length=50)
    emergency_contact_phone: str = Field("", max_length=30)
    disability_category: DisabilityCategory | None = None
    disability_grade: int | None = Field(None, ge=1, le=4)
    admission: StayIn | None = Field(
        None, description="同时办理入住（机构负责人登记新入住人员时使用）/ admit in the same step",
    )


# --- stays -------------------------------------------------------------------------------


class DischargeIn(Schema):
    ended_on: date
    reason: StayEndReason
    note: str = Field("", max_length=200)


class TransferIn(Schema):
    to_facility_id: int = Field(..., ge=1, le=2**63 - 1)
    transferred_on: date


# --- assessments and visits --------------------------------------------------------------


class AssessmentIn(Schema):
    assessed_on: date
    eating_unable: bool = Field(..., description="不能自主吃饭")
    dressing_unable: bool = Field(..., description="不能自主穿衣")
    transfer_unable: bool = Field(..., description="不能自主上下床")
    toileting_unable: bool = Field(..., description="不能自主如厕")
    walking_unable: bool = Field(..., description="不能室内自主行走")
    bathing_unable: bool = Field(..., description="不能自主洗澡")
    assessors: str = Field(..., min_length=1, max_length=100)
    reason: AssessmentReason
    override_category: SelfCareCategory | None = None
    override_reason: str = Field("", max_length=300)


class VisitOut(Schema):
    id: int
    person_id: int
    visited_on: date
    visitor: str
    mode: VisitMode
    findings: str


class VisitIn(Schema):
    visited_on: date
    visitor: str = Field(..., min_length=1, max_length=100)
    mode: VisitMode
    findings: str = Field(..., min_length=1, max_length=2000)
