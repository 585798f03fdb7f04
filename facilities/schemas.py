from datetime import date

from ninja import Field, Schema

from common.api_fields import REGION_CODE

from .models import FacilityKind, FacilityStatus, Operator


class FacilityFilterIn(Schema):
    region: str | None = Field(
        None, description="行政区划代码：省、市、县或乡镇 / region code (province, city, county, township)",
        pattern=REGION_CODE,
    )
    kind: FacilityKind | None = Field(None, description="机构类型 / facility type")
    operator: Operator | None = Field(None, description="运营方式 / operator")
    status: FacilityStatus | None = Field(None, description="状态 / status")
    q: str = Field("", description="名称包含 / name contains", max_length=50)
    level: int | None = Field(None, ge=0, le=5, description="当前等级，0 为未评级 / current star level, 0 = unrated")


class FacilityOut(Schema):
    id: int
    name: str
    kind: str
    kind_display: str
    operator: str
    operator_display: str
    region_code: str = Field(alias="region_id")
    region_name: str
    address: str
    bed_capacity: int
    status: str
    status_display: str
    licence_number: str
    credit_code: str
    opened_on: date | None
    contact_person: str
    contact_phone: str
    star_level: int = Field(description="今天的等级，0 为未评级 / star level today, 0 = unrated")

    @staticmethod
    def resolve_kind_display(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_operator_display(obj):
        return obj.get_operator_display()

    @staticmethod
    def resolve_status_display(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.full_name


class FacilityIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    kind: FacilityKind
    operator: Operator
    region_code: str = Field(..., pattern=REGION_CODE)
    address: str = Field(..., min_length=1, max_length=200)
    bed_capacity: int = Field(..., ge=0, le=100000)
    licence_number: str = Field("", max_length=60)
    credit_code: str = Field("", max_length=18)
    opened_on: date | None = None
    status: FacilityStatus = FacilityStatus.OPERATING
    contact_person: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=30)


class FacilityPatch(Schema):
    """Only the fields sent are changed. Only `opened_on` may be set to null; for the others null is
    refused (422): they are never empty in the register, an empty text is ""."""

    name: str = Field(None, min_length=1, max_length=100)
    kind: FacilityKind = None
    operator: Operator = None
    region_code: str = Field(None, pattern=REGION_CODE)
    address: str = Field(None, min_length=1, max_length=200)
    bed_capacity: int = Field(None, ge=0, le=100000)
    licence_number: str = Field(None, max_length=60)
    credit_code: str = Field(None, max_length=18)
    opened_on: date | None = None
    status: FacilityStatus = None
    contact_person: str = Field(None, max_length=50)
    contact_phone: str = Field(None, max_length=30)
