"""Request and response shapes of the staffing budget API (政府购买服务经费)."""
from datetime import date
from decimal import Decimal

from ninja import Field, Schema

from common.api_fields import MAX_ID


class BudgetIn(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="预算年度，默认下一年 / budget year, next year by default")


class BudgetLineOut(Schema):
    required_posts: int = Field(description="应配备岗位 / posts required")
    required_amount: Decimal = Field(description="所需经费（元）/ amount required")
    funded_posts: int = Field(description="已安排岗位 / posts funded")
    funded_amount: Decimal = Field(description="已安排经费（元）/ amount funded")
    gap_posts: int = Field(description="岗位缺口（负数为富余）/ posts short (negative: surplus)")
    gap_amount: Decimal = Field(description="经费缺口（元）/ amount short")


class BudgetCensusOut(Schema):
    full: int
    partial: int
    self_care: int
    orphans: int
    unassessed: int


class FacilityBudgetOut(Schema):
    facility_id: int
    facility_name: str
    region_code: str
    census: BudgetCensusOut
    cost_per_post: Decimal = Field(description="每个护理岗位年度经费 / annual cost per post")
    funded_recorded: bool = Field(description="已填报已安排岗位 / funded posts were recorded")
    line: BudgetLineOut

    @staticmethod
    def resolve_facility_id(obj):
        return obj.facility.pk

    @staticmethod
    def resolve_facility_name(obj):
        return obj.facility.name

    @staticmethod
    def resolve_region_code(obj):
        return obj.facility.region_id

    @staticmethod
    def resolve_funded_recorded(obj):
        return obj.funded is not None


class CountyBudgetOut(Schema):
    code: str
    name: str
    line: BudgetLineOut
    facilities: list[FacilityBudgetOut]


class BudgetOut(Schema):
    year: int
    census_day: date
    total: BudgetLineOut
    counties: list[CountyBudgetOut]


class FundedPostsIn(Schema):
    facility_id: int = Field(..., ge=1, le=MAX_ID)
    year: int = Field(..., ge=2000, le=2100)
    posts: int = Field(..., ge=0, le=100000, description="已安排岗位数 / posts funded")
    amount: Decimal | None = Field(
        None, ge=0, max_digits=14, decimal_places=2, description="已安排经费，留空按岗位数 × 每岗经费 / amount, blank for posts × cost",
    )
    note: str = Field("", max_length=200)


class FundedPostsOut(Schema):
    facility_id: int
    year: int
    posts: int
    amount: Decimal | None
    note: str
