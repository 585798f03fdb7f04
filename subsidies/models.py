"""Subsidy standards, monthly claim batches and their lines, and the runs that generate them."""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from facilities.models import Facility, Region
from residents.models import HukouType, Person, SelfCareCategory, SupportForm

from .pricing import FLAG_ADJUSTMENT, FLAG_NO_STANDARD, FLAG_NO_VALID_ASSESSMENT


class SubsidyItem(models.TextChoices):
    BASIC_LIVING = "basic_living", _("基本生活费")
    CARE = "care", _("照料护理费")
    ORPHAN = "orphan", _("孤儿基本生活费")
    OPERATING = "operating", _("机构运营补贴")


class LineFlag(models.TextChoices):
    """What generation notes on a line; the values are the ones the pricing rules write."""

    NO_VALID_ASSESSMENT = FLAG_NO_VALID_ASSESSMENT, _("无有效评估，按自理计发")
    NO_STANDARD = FLAG_NO_STANDARD, _("无适用标准")
    ADJUSTMENT = FLAG_ADJUSTMENT, _("补差")


class SubsidyStandard(models.Model):
    """A monthly amount for one item and key, in force for whole months in a region.

    The key is the item plus the fields that item is priced by (hukou type for basic living,
    support form × category for care, support form for orphans, category for operating); the
    other key fields stay blank. A blank region is the national default, used when no region
    on the way up has its own. Periods of one key in one region never overlap (services).
    """

    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("行政区划"),
        help_text=_("留空表示全国默认标准"),
    )
    item = models.CharField(_("补贴项目"), max_length=20, choices=SubsidyItem.choices)
    hukou_type = models.CharField(_("户籍类型"), max_length=5, choices=HukouType.choices, blank=True)
    support_form = models.CharField(_("供养方式"), max_length=12, choices=SupportForm.choices, blank=True)
    category = models.CharField(_("生活自理能力"), max_length=10, choices=SelfCareCategory.choices, blank=True)
    amount = models.DecimalField(
        _("月标准（元）"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    star_multipliers = models.JSONField(
        _("星级系数"), default=dict, blank=True,
        help_text=_("仅机构运营补贴：0（未评级）至5星的系数，如 {\"0\": \"1.00\", \"3\": \"1.20\"}"),
    )
    effective_from = models.DateField(_("起始月份"), help_text=_("自该月1日起执行"))
    effective_to = models.DateField(_("截止日期"), null=True, blank=True, help_text=_("执行至该日（含）；空表示继续有效"))
    is_sample = models.BooleanField(_("示例标准"), default=False, help_text=_("随系统提供的示例数值，非正式文件"))
    basis = models.CharField(_("依据文件"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("补贴标准")
        verbose_name_plural = _("补贴标准")
        ordering = ["region_id", "item", "hukou_type", "support_form", "category", "-effective_from"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="standard_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="standard_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["item", "effective_from"])]

    def __str__(self):
        return f"{self.get_item_display()} {self.amount}"


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核")
    PAID = "paid", _("已发放")


#: Batches in these states are settled: their lines are never regenerated, edited or deleted.
SETTLED = (BatchStatus.APPROVED, BatchStatus.PAID)


class ClaimBatch(models.Model):
    """One payer unit's claim for one month: a facility (centralised care) or a township (dispersed)."""

    month = models.DateField(_("月份"), help_text=_("该月1日"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("行政区划"))
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="claim_batches", verbose_name=_("机构")
    )
    township = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇（街道）")
    )
    status = models.CharField(_("状态"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.DRAFT)
    total = models.DecimalField(_("合计（元）"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    line_count = models.PositiveIntegerField(_("明细数"), default=0)
    flagged_count = models.PositiveIntegerField(_("需核实明细数"), default=0)
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("生成人"),
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("提交人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("审核人"),
    )
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    paid_at = models.DateTimeField(_("发放时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("补贴申报批次")
        verbose_name_plural = _("补贴申报批次")
        ordering = ["-month", "region_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(facility__isnull=False) & Q(township__isnull=True))
                | (Q(facility__isnull=True) & Q(township__isnull=False)),
                name="batch_one_payer_unit",
            ),
            models.UniqueConstraint(
                fields=["month", "facility"], condition=Q(facility__isnull=False), name="batch_one_per_facility_month"
            ),
            models.UniqueConstraint(
                fields=["month", "township"], condition=Q(township__isnull=False), name="batch_one_per_township_month"
            ),
        ]
        indexes = [models.Index(fields=["month", "region"]), models.Index(fields=["month", "status"])]

    def __str__(self):
        return f"{self.month:%Y-%m} · {self.payer_name}"

    @property
    def payer_name(self) -> str:
        return self.facility.name if self.facility_id else self.township.name

    @property
    def is_settled(self) -> bool:
        return self.status in SETTLED


class ClaimLine(models.Model):
    """One person and item in a batch, with the basis that explains its amount.

    An adjustment line corrects a settled month: `adjusts_month` names that month and `corrects`
    the line it corrects, when there was one.
    """

    batch = models.ForeignKey(ClaimBatch, on_delete=models.CASCADE, related_name="lines", verbose_name=_("批次"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="claim_lines", verbose_name=_("人员"))
    item = models.CharField(_("补贴项目"), max_length=20, choices=SubsidyItem.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    support_form = models.CharField(_("供养方式"), max_length=12, choices=SupportForm.choices)
    category = models.CharField(_("生活自理能力"), max_length=10, choices=SelfCareCategory.choices, blank=True)
    days = models.PositiveSmallIntegerField(_("计发天数"))
    basis = models.JSONField(_("计算依据"), default=dict)
    flags = models.JSONField(_("提示"), default=list, blank=True)
    previous_amount = models.DecimalField(_("上月金额"), max_digits=12, decimal_places=2, null=True, blank=True)
    previous_category = models.CharField(_("上月类别"), max_length=10, blank=True)
    adjusts_month = models.DateField(_("补差月份"), null=True, blank=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("更正的明细")
    )

    class Meta:
        verbose_name = _("补贴申报明细")
        verbose_name_plural = _("补贴申报明细")
        ordering = ["batch_id", "person__name", "person_id", "item", "adjusts_month"]
        indexes = [models.Index(fields=["person", "item"])]

    def __str__(self):
        return f"{self.person} · {self.get_item_display()} · {self.amount}"

    @property
    def is_adjustment(self) -> bool:
        return self.adjusts_month is not None


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class GenerationRun(models.Model):
    """A clerk's request to generate a region's drafts for a month; the page shows its progress."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("行政区划"))
    month = models.DateField(_("月份"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发起人")
    )
    requested_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    units_total = models.PositiveIntegerField(_("批次总数"), default=0)
    units_done = models.PositiveIntegerField(_("已生成批次"), default=0)
    units_skipped = models.PositiveIntegerField(_("跳过批次（已提交或已审核）"), default=0)
    lines_written = models.PositiveIntegerField(_("生成明细数"), default=0)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    #: A run over several counties is fanned out, one task per county (generation.run_parts): county
    #: code prefix → {"status": queued | done | failed, "units": …, "skipped": …, "lines": …}.
    parts = models.JSONField(_("分县进度"), default=dict, blank=True)

    class Meta:
        verbose_name = _("生成任务")
        verbose_name_plural = _("生成任务")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.region_id} {self.month:%Y-%m} {self.get_status_display()}"

    @property
    def parts_done(self) -> int:
        return sum(1 for part in self.parts.values() if part["status"] == "done")

    @property
    def percent(self) -> int:
        if self.parts:
            return round(100 * self.parts_done / len(self.parts))
        finished = self.units_done + self.units_skipped
        if not self.units_total:
            return 100 if self.status == RunStatus.DONE else 0
        return min(100, round(100 * finished / self.units_total))
