"""Request and response shapes of the subsidies API.

Money leaves as a string with exactly two decimals ("800.00"), never a float, so no client adds
rounding errors to a payment; months travel as "YYYY-MM". ID numbers only ever leave masked.
"""
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.utils import translation
from ninja import Field, Schema
from pydantic import AfterValidator, PlainSerializer, StringConstraints, WithJsonSchema

from common.api_fields import REGION_CODE, Day, Month
from common.money import round_fen
from facilities.rules import region_scope_prefix
from residents.models import HukouType, SelfCareCategory, SupportForm

from .generation import run_failure
from .models import BatchStatus, RunStatus, SubsidyItem
from .selectors import BatchFilters


def _region_code(value: str | None) -> str | None:
    """A region code the scope rules understand (region_scope_prefix refuses e.g. a 00 province)."""
    if value is not None:
        region_scope_prefix(value)
    return value


def _fen(value: Decimal) -> str:
    return format(round_fen(Decimal(value)), "f")


Money = Annotated[
    Decimal,
    PlainSerializer(_fen, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["800.00"]}),
]
RegionCode = Annotated[str, StringConstraints(pattern=REGION_CODE), AfterValidator(_region_code)]
ExportFormat = Literal["xlsx", "csv"]
BatchAction = Literal["submit", "approve", "return", "paid"]


# --- standards ---------------------------------------------------------------------------


class StandardFilterIn(Schema):
    item: SubsidyItem | None = Field(None, description="补贴项目 / claim item")
    on: Day | None = Field(None, description="在该日执行的标准 / standards in force on this day")
    region: RegionCode | None = Field(
        None,
        description="适用于该区划的标准：本级、上级与全国默认 / standards that apply in the region: its own, "
                    "those of the regions above it and the national defaults",
    )


class StandardOut(Schema):
    id: int
    region_code: str | None = Field(alias="region_id", description="空为全国默认 / null for the national default")
    region_name: str | None
    item: SubsidyItem
    item_display: str
    hukou_type: HukouType | None
    support_form: SupportForm | None
    category: SelfCareCategory | None
    amount: Money = Field(description="月标准（元）/ monthly amount in yuan")
    star_multipliers: dict[str, str] = Field(
        description="仅机构运营补贴：星级系数 / operating subsidy only: multiplier by star level",
    )
    effective_from: date
    effective_to: date | None
    is_sample: bool = Field(description="随系统提供的示例数值 / sample values shipped with the system")
    basis: str = Field(description="依据文件 / the document it follows")

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.full_name if obj.region_id else None

    @staticmethod
    def resolve_item_display(obj):
        return obj.get_item_display()

    @staticmethod
    def resolve_hukou_type(obj):
        return obj.hukou_type or None

    @staticmethod
    def resolve_support_form(obj):
        return obj.support_form or None

    @staticmethod
    def resolve_category(obj):
        return obj.category or None


class StandardIn(Schema):
    region_code: str = Field(..., pattern=REGION_CODE, description="行政区划代码 / region code")
    item: SubsidyItem
    amount: Decimal = Field(..., description="月标准（元），如 \"800.00\" / monthly amount in yuan, e.g. \"800.00\"")
    effective_from: date = Field(..., description="起始月份的1日 / the 1st of the first month")
    hukou_type: HukouType | None = Field(None, description="仅基本生活费 / basic living only")
    support_form: SupportForm | None = Field(None, description="照料护理费、孤儿基本生活费 / care and orphan items")
    category: SelfCareCategory | None = Field(None, description="照料护理费、机构运营补贴 / care and operating items")
    star_multipliers: dict[str, Decimal] | None = Field(
        None, description="仅机构运营补贴：\"0\"（未评级）至\"5\"星的系数 / operating only: multiplier for levels \"0\" to \"5\"",
    )
    basis: str = Field("", max_length=200, description="依据文件 / the document it follows")


# --- generation runs ---------------------------------------------------------------------


class GenerationIn(Schema):
    region: str = Field(..., pattern=REGION_CODE, description="生成该区划内的全部批次 / region to generate")
    month: Month = Field(..., description="申报月份 / claim month")


class RunOut(Schema):
    id: int
    region_code: str = Field(alias="region_id")
    month: Month
    status: RunStatus
    status_display: str
    units_total: int = Field(description="批次总数 / payer units in the run")
    units_done: int = Field(description="已生成批次 / batches written")
    units_skipped: int = Field(description="跳过（已提交或已审核）/ skipped: submitted or settled")
    lines_written: int
    percent: int
    parts_total: int = Field(description="分县生成的县（区）数，不分县时为 0 / counties the run is fanned out to, 0 if not")
    parts_done: int = Field(description="已完成的县（区）/ counties done")
    requested_at: datetime
    finished_at: datetime | None
    error: str = Field(description="失败时：发生了什么、怎么办（中文）/ when failed: what happened and what to do, in Chinese")
    error_en: str = Field(description="失败时的英文说明 / the same in English")

    @staticmethod
    def resolve_status_display(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_parts_total(obj):
        return len(obj.parts)

    @staticmethod
    def resolve_error(obj):
        with translation.override("zh-hans"):
            return run_failure(obj)

    @staticmethod
    def resolve_error_en(obj):
        with translation.override("en"):
            return run_failure(obj)


# --- batches -----------------------------------------------------------------------------


class BatchFilterIn(Schema):
    month: Month | None = Field(None, description="申报月份 / claim month")
    status: BatchStatus | None = Field(None, description="状态 / status")
    region: RegionCode | None = Field(None, description="行政区划代码及其下级 / region code and below")
    kind: Literal["facility", "township"] | None = Field(
        None, description="facility：集中供养（机构）；township：分散供养（乡镇）/ payer unit kind",
    )
    q: str = Field("", max_length=50, description="申报单位名称包含 / payer name contains")

    def as_filters(self) -> BatchFilters:
        """The selector's filters; a region becomes the code prefix that covers everything below it."""
        return BatchFilters(
            month=self.month, status=self.status or "", region=region_scope_prefix(self.region) if self.region else "",
            kind=self.kind or "", q=self.q.strip(),
        )


class BatchOut(Schema):
    id: int
    month: Month
    region_code: str = Field(alias="region_id")
    region_name: str
    kind: Literal["facility", "township"]
    facility_id: int | None
    township_code: str | None = Field(alias="township_id")
    payer_name: str = Field(description="申报单位：机构或乡镇（街道）/ payer unit: facility or township")
    status: BatchStatus
    status_display: str
    total: Money = Field(description="合计（元）/ total in yuan")
    line_count: int
    flagged_count: int = Field(description="带提示的明细数 / lines with a flag")
    generated_at: datetime | None
    submitted_at: datetime | None
    reviewed_at: datetime | None
    return_reason: str
    paid_at: datetime | None

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.full_name

    @staticmethod
    def resolve_kind(obj):
        return "facility" if obj.facility_id else "township"

    @staticmethod
    def resolve_status_display(obj):
        return obj.get_status_display()


class ItemTotalOut(Schema):
    item: SubsidyItem
    item_display: str
    total: Money
    lines: int

    @staticmethod
    def resolve_item_display(obj):
        return str(SubsidyItem(obj["item"]).label)


class ChecksOut(Schema):
    """How many lines each check found; `blocking` means the batch cannot be submitted."""

    in_two_batches: int = Field(description="同月重复申报 / claimed in another batch of the month")
    gone_before_month: int = Field(description="当月前已死亡、离开或终止 / gone before the month began")
    no_valid_assessment: int = Field(description="无有效评估 / no valid self-care assessment")
    new: int = Field(description="上月无此明细 / not claimed last month")
    category_changed: int = Field(description="类别较上月变化 / category changed since last month")
    amount_changed: int = Field(description="金额较上月变化 / amount changed since last month")
    left: int = Field(description="上月有、本月无 / claimed last month, not this month")
    no_dispersed_decision: int = Field(
        description="离院（乡镇批次：未入住机构）但无分散供养决定、本月未计发的人员 / people out of care with no "
                    "dispersed-support decision, not paid this month: who left this facility (a township's "
                    "batch: who never lived in a facility)",
    )
    blocking: bool


class NotPaidOut(Schema):
    """Someone out of care without a dispersed-support decision: not paid these days of the month."""

    person_id: int
    name: str
    left_on: date | None = Field(description="离院日期（从未入住为空）/ the day they left care; none if never in care")
    start: date = Field(description="未计发起 / first day not paid")
    end: date = Field(description="未计发止 / last day not paid")
    days: int


class BatchDetailOut(BatchOut):
    """One batch; the handler attaches `totals`, `checks` and what the user may do with it."""

    generated_by: str | None
    submitted_by: str | None
    reviewed_by: str | None
    totals: list[ItemTotalOut] = Field(description="按项目合计 / totals by item")
    checks: ChecksOut
    no_dispersed_decision: list[NotPaidOut] = Field(
        description="离院（或未入住）但无分散供养决定、本月未计发的人员 / out of care without a dispersed-support "
                    "decision: not paid this month",
    )
    actions: list[BatchAction] = Field(description="当前用户现在可进行的操作 / what the user may do with it now")

    @staticmethod
    def resolve_generated_by(obj):
        return str(obj.generated_by) if obj.generated_by_id else None

    @staticmethod
    def resolve_submitted_by(obj):
        return str(obj.submitted_by) if obj.submitted_by_id else None

    @staticmethod
    def resolve_reviewed_by(obj):
        return str(obj.reviewed_by) if obj.reviewed_by_id else None


class LineOut(Schema):
    id: int
    person_id: int
    name: str
    masked_id_number: str = Field(description="身份证号码（脱敏）/ ID number, masked")
    item: SubsidyItem
    item_display: str
    amount: Money
    support_form: SupportForm | None
    category: SelfCareCategory | None
    days: int = Field(description="计发天数 / days paid")
    flags: list[str] = Field(description="提示 / flags, e.g. no_valid_assessment, no_standard, adjustment")
    previous_amount: Money | None = Field(description="上月金额 / last month's amount")
    adjusts_month: Month | None = Field(description="补差月份 / the settled month an adjustment corrects")
    corrects_id: int | None = Field(description="更正的明细 / the line an adjustment corrects")
    basis: dict = Field(description="计算依据：标准、评估、入住、天数 / why it is this amount")

    @staticmethod
    def resolve_name(obj):
        return obj.person.name

    @staticmethod
    def resolve_masked_id_number(obj):
        return obj.person.masked_id_number

    @staticmethod
    def resolve_item_display(obj):
        return obj.get_item_display()

    @staticmethod
    def resolve_support_form(obj):
        return obj.support_form or None

    @staticmethod
    def resolve_category(obj):
        return obj.category or None


class ReturnIn(Schema):
    reason: str = Field(..., max_length=300, description="退回原因 / why the batch goes back")


# --- exports -----------------------------------------------------------------------------


class BatchExportIn(Schema):
    format: ExportFormat = Field("xlsx", description="xlsx 或 csv / xlsx or csv")
    full_ids: bool = Field(
        False, description="完整身份证号码（仅救助经办，留痕）/ whole ID numbers (clerks only, logged)",
    )


class BatchListExportIn(BatchFilterIn, BatchExportIn):
    pass


class OverviewExportIn(Schema):
    month: Month | None = Field(None, description="申报月份，默认本月 / claim month, this month by default")
    region: RegionCode | None = Field(None, description="行政区划代码及其下级 / region code and below")
    format: ExportFormat = Field("xlsx", description="xlsx 或 csv / xlsx or csv")


# --- errors ------------------------------------------------------------------------------


class FieldErrorOut(Schema):
    field: str
    message: str
    message_en: str


class ErrorOut(Schema):
    """The API's one error shape (config.api); a 409 says someone else moved the batch first."""

    code: str
    message: str
    message_en: str
    errors: list[FieldErrorOut]
