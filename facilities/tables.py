"""The sortable facility table."""
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Facility


class FacilityTable(tables.Table):
    name = tables.LinkColumn("facility_detail", args=[tables.A("pk")], verbose_name=_("名称"))
    region = tables.Column(accessor="region__full_name", order_by=("region_id", "name"), verbose_name=_("行政区划"))
    status = tables.TemplateColumn(template_name="facilities/_status_badge.html", verbose_name=_("状态"))

    class Meta:
        model = Facility
        fields = ("name", "kind", "operator", "region", "bed_capacity", "status", "contact_person", "contact_phone")
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("region", "name")
        empty_text = _("没有符合条件的机构")
