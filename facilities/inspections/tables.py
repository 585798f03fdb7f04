"""Sortable tables of the inspection pages."""
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from common.tables import OnePassTable

from ..models import Facility, Inspection


class InspectionTable(OnePassTable):
    rows_template = "facilities/_inspection_rows.html"
    inspected_on = tables.DateColumn(
        format="Y-m-d", verbose_name=_("检查日期"), linkify=("inspection_detail", [tables.A("pk")]),
    )
    facility = tables.Column(accessor="facility__name", verbose_name=_("机构"), order_by=("facility__name", "-inspected_on"))
    region = tables.Column(accessor="facility__region__name", verbose_name=_("行政区划"), order_by=("facility__region_id", "-inspected_on"))
    kind = tables.Column(verbose_name=_("检查类型"))
    inspectors = tables.Column(verbose_name=_("检查人员"), orderable=False)
    findings = tables.TemplateColumn(
        template_name="facilities/_inspection_findings_cell.html", verbose_name=_("问题（未销号 / 逾期）"),
        order_by=("-findings_open", "-inspected_on"), accessor="findings_open",
    )
    state = tables.TemplateColumn(
        template_name="facilities/_inspection_state.html", verbose_name=_("状态"), order_by=("closed_on", "-inspected_on"),
        accessor="closed_on",
    )

    class Meta:
        model = Inspection
        fields = ("inspected_on", "facility", "region", "kind", "inspectors", "findings", "state")
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "inspection-table"}
        empty_text = _("没有符合条件的检查记录")


class NotInspectedTable(OnePassTable):
    """The `record` column (a link to record an inspection) is left out for readers who may not record one."""
    rows_template = "facilities/_not_inspected_rows.html"
    name = tables.LinkColumn("facility_detail", args=[tables.A("pk")], verbose_name=_("机构"))
    region = tables.Column(accessor="region__full_name", order_by=("region_id", "name"), verbose_name=_("行政区划"))
    kind = tables.Column(verbose_name=_("机构类型"))
    star_level = tables.Column(verbose_name=_("星级"))
    last_inspected_on = tables.DateColumn(format="Y-m-d", verbose_name=_("上次检查"), default="—")
    record = tables.Column(verbose_name="", orderable=False, empty_values=())

    class Meta:
        model = Facility
        fields = ("name", "region", "kind", "star_level", "last_inspected_on", "record")
        attrs = {"class": "table table-sm table-hover align-middle mb-0", "data-testid": "not-inspected-table"}
        empty_text = _("本年度辖区内机构均已检查")
