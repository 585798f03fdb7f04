"""The sortable tables of claim batches and subsidy standards."""
import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from common.tables import OnePassTable

from .models import ClaimBatch, SubsidyStandard

NUMBER = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}
NOWRAP = {"td": {"class": "text-nowrap"}}
#: The short names of the self-care categories (DESIGN §9), for dense tables.
CATEGORY_SHORT = {"full": _("失能"), "partial": _("半失能"), "self_care": _("自理")}


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


class StandardTable(tables.Table):
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
        self.today = today

    def render_region(self, record):
        """全国 for the national default; badges for sample values and periods not yet in force."""
        name = record.region.full_name if record.region_id else _("全国")
        badges = []
        if record.is_sample:
            badges.append(("badge-status-none", _("示例")))
        if record.effective_from > self.today:
            badges.append(("text-bg-info", _("待执行")))
        return format_html("{}{}", name, format_html_join("", ' <span class="badge {}">{}</span>', badges))

    def render_basis(self, value, record):
        """The shipped samples' basis only repeats the 示例 badge beside the region."""
        return "—" if record.is_sample else value

    def render_category(self, value, record):
        return CATEGORY_SHORT.get(record.category, value)

    def render_star_multipliers(self, value):
        """Levels 0 (unrated) to 5 in order, e.g. "1.00 / 1.00 / 1.05 / 1.10 / 1.20 / 1.30"."""
        return " / ".join(value[level] for level in sorted(value, key=int))
