"""API shapes of the GB/T 42195 assessment."""
from datetime import date

from ninja import Field, Schema

from ..models import AbilityLevelChoice, AssessmentReason


class AbilityAssessmentIn(Schema):
    assessed_on: date
    reason: AssessmentReason
    answers: dict[str, int] = Field(..., description="每项得分，键为量表项目编号（如 B.1.1）/ each item's score by code")
    assessor: str = Field(..., min_length=1, max_length=50)
    second_assessor: str = Field(..., min_length=1, max_length=50, description="第二评估员 / the second assessor")
    coma: bool = False
    mental_disorder: bool = Field(False, description="确诊精神障碍（ICD-10 F00–F99）")
    diagnosis: str = Field("", max_length=200)
    risk_events_30d: int = Field(0, ge=0, le=99, description="近30天风险事件次数 / care-risk events in 30 days")
    notes: str = Field("", max_length=2000)


class AbilityAssessmentOut(Schema):
    id: int
    person_id: int
    facility_id: int | None
    scale_id: int
    scale_code: str = Field(..., alias="scale.code")
    assessed_on: date
    reason: AssessmentReason
    answers: dict[str, int]
    self_care: int
    movement: int
    mental: int
    sensory_social: int
    total: int
    preliminary_level: AbilityLevelChoice
    coma: bool
    mental_disorder: bool
    diagnosis: str
    risk_events_30d: int
    level: AbilityLevelChoice
    assessor: str
    second_assessor: str
    due_on: date = Field(description="复评截止日：此日（含）之前有效 / valid up to and including this day")


class FacilityLevelsOut(Schema):
    facility_id: int
    facility_name: str
    counts: dict[str, int] = Field(description="能力等级 → 人数；空键为无有效评估 / level → residents; '' = not assessed")
    total: int


class LtcAssessmentIn(Schema):
    source: str = Field(..., min_length=1, max_length=200, description="评估机构与结论文号 / assessing body and reference")
    ltc_level: int = Field(..., ge=0, le=5, description="长护险失能等级0–5 / long-term-care level 0 to 5")
    assessed_on: date
    valid_until: date = Field(..., description="有效期至 / valid until (inclusive)")
    notes: str = Field("", max_length=1000)


class LtcAssessmentOut(Schema):
    id: int
    person_id: int
    facility_id: int | None
    source: str
    ltc_level: int
    level: AbilityLevelChoice = Field(description="对应的 GB/T 42195 等级 / the GB/T 42195 level it reads as")
    assessed_on: date
    valid_until: date
    accepted: bool = Field(description="所在区划采信，代替本机构评估 / the region accepts it in place of an own assessment")
    notes: str
