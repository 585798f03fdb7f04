"""The sortable facility table."""
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from common.tables import OnePassTable

from .models import Facility
from .scoping import capabilities_for


class FacilityTable(OnePassTable):
    rows_template = "facilities/_facility_rows.html"
    name = tables.LinkColumn("facility_detail", args=[tables.A("pk")], verbose_name=_("名称"))
    region = tables.Column(accessor="region__full_name", order_by=("region_id", "name"), verbose_name=_("行政区划"))
    status = tables.TemplateColumn(template_name="facilities/_status_badge.html", verbose_name=_("状态"))
    residents = tables.Column(verbose_name=_("在住"))
    star_level = tables.TemplateColumn(
        template_name="facilities/_level_cell.html", verbose_name=_("等级"), order_by=("star_level", "name")
    )

    class Meta:
        model = Facility
        fields = ("name", "kind", "operator", "region", "residents", "bed_capacity", "status", "contact_person", "contact_phone")
        sequence = ("name", "kind", "operator", "region", "star_level", "...")
        attrs = {"class": "table table-sm table-hover align-middle", "thead": {"class": "text-nowrap"}}
        order_by = ("region", "name")
        empty_text = _("没有符合条件的机构")


class AlertTable(OnePassTable):
    """An inspector's table has a first column of boxes, to acknowledge several alerts with one note."""

    rows_template = "facilities/_alert_rows.html"
    pick = tables.Column(empty_values=(), verbose_name=_("选择"), orderable=False)
    severity = tables.TemplateColumn(template_name="facilities/_alert_severity.html", verbose_name=_("级别"))
    kind = tables.Column(verbose_name=_("类型"))
    message = tables.Column(verbose_name=_("说明"), orderable=False)
    facility = tables.Column(accessor="facility__name", verbose_name=_("机构"), default="—")
    region = tables.Column(accessor="region__full_name", verbose_name=_("行政区划"))
    opened_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("发生时间"))
    state = tables.TemplateColumn(template_name="facilities/_alert_state.html", verbose_name=_("处理"), orderable=False)

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle", "thead": {"class": "text-nowrap"}}
        empty_text = _("没有预警")

    def __init__(self, *args, user, picked=frozenset(), **kwargs):
        can_acknowledge = capabilities_for(user).acknowledge_alerts
        super().__init__(*args, exclude=() if can_acknowledge else ("pick",), **kwargs)
        self.can_acknowledge = can_acknowledge
        self.picked = {str(pk) for pk in picked}
