"""The sortable tables of claim batches and subsidy standards."""
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from common.tables import OnePassTable

from .models import ClaimBatch, SubsidyStandard

NUMBER = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}
NOWRAP = {"td": {"class": "text-nowrap"}}


class BatchTable(OnePassTable):
    rows_template = "subsidies/_batch_rows.html"
    month = tables.DateColumn(format="Y-m", verbose_name=_("月份"), order_by=("month", "region_id", "id"))
    payer = tables.TemplateColumn(
        template_name="subsidies/_payer_cell.html", verbose_name=_("申报单位"),
        order_by=("facility__name", "township__name", "id"),
    )
    region = tables.Column(accessor="region__full_name", verbose_name=_("行政区划"), order_by=("region_id", "id"))
    status = tables.TemplateColumn(template_name="subsidies/_batch_status_cell.html", verbose_name=_("状态"))
    line_count = tables.Column(verbose_name=_("明细"), attrs=NUMBER)
    flagged_count = tables.TemplateColumn(template_name="subsidies/_flagged_cell.html", verbose_name=_("需核实"),
                                          attrs=NUMBER)
    total = tables.Column(verbose_name=_("合计（元）"), attrs=NUMBER)
    submitted_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("提交时间"), default="—")

    class Meta:
        model = ClaimBatch
        fields = ("month", "payer", "region", "status", "line_count", "flagged_count", "total", "submitted_at")
        attrs = {"class": "table table-sm table-hover align-middle mb-0", "thead": {"class": "text-nowrap"},
                 "data-testid": "batch-table"}
        empty_text = _("没有符合条件的申报批次")


class StandardTable(OnePassTable):
    rows_template = "subsidies/_standard_rows.html"
    region = tables.Column(verbose_name=_("行政区划"), order_by=("region_id", "item"), empty_values=(), attrs=NOWRAP)
    item = tables.Column(verbose_name=_("补贴项目"), attrs=NOWRAP)
    hukou_type = tables.Column(verbose_name=_("户籍类型"), default="—", attrs=NOWRAP)
    support_form = tables.Column(verbose_name=_("供养方式"), default="—", attrs=NOWRAP)
    category = tables.Column(verbose_name=_("生活自理能力"), default="—", attrs=NOWRAP)
    amount = tables.Column(verbose_name=_("月标准（元）"), attrs=NUMBER)
    star_multipliers = tables.Column(verbose_name=_("星级系数（0–5星）"), orderable=False, default="—",
                                     empty_values=(None, "", {}), attrs={"td": {"class": "small text-nowrap"}})
    effective_from = tables.DateColumn(format="Y-m", verbose_name=_("起始月份"), attrs=NOWRAP)
    effective_to = tables.DateColumn(format="Y-m-d", verbose_name=_("截止"), default=_("继续有效"), attrs=NOWRAP)
    basis = tables.Column(verbose_name=_("依据文件"), default="—", orderable=False,
                          attrs={"td": {"class": "small text-muted"}})

    class Meta:
        model = SubsidyStandard
        fields = ("region", "item", "hukou_type", "support_form", "category", "amount", "star_multipliers",
                  "effective_from", "effective_to", "basis")
        attrs = {"class": "table table-sm table-hover align-middle mb-0", "thead": {"class": "text-nowrap"},
                 "data-testid": "standard-table"}
        empty_text = _("没有符合条件的补贴标准")

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today  # standards starting after it carry a 待执行 badge

    def prepare(self, records):
        """The star multipliers by level, 0 (unrated) to 5 in order, e.g. "1.00 / 1.00 / 1.05 / 1.10 / 1.20 / 1.30"."""
        for record in records:
            multipliers = record.star_multipliers
            record.multipliers_text = (
                " / ".join(multipliers[level] for level in sorted(multipliers, key=int)) if multipliers else ""
            )
