"""Sortable tables of the custody overview."""
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from common.tables import OnePassTable
from facilities.models import Facility


class CustodyOverviewTable(OnePassTable):
    rows_template = "residents/_custody_overview_rows.html"
    name = tables.LinkColumn("custody_facility", args=[tables.A("pk")], verbose_name=_("机构"))
    region = tables.Column(accessor="region__full_name", verbose_name=_("行政区划"), order_by=("region_id",))
    account_count = tables.Column(verbose_name=_("代管账户"), attrs={"td": {"class": "text-end"}})
    money_total = tables.Column(verbose_name=_("代管资金余额（元）"), attrs={"td": {"class": "text-end"}})
    unconfirmed = tables.Column(verbose_name=_("未确认记录"), attrs={"td": {"class": "text-end"}})
    last_sampled_on = tables.DateColumn(format="Y-m-d", verbose_name=_("最近抽查"), default="—")

    class Meta:
        model = Facility
        fields = ("name", "region", "account_count", "money_total", "unconfirmed", "last_sampled_on")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("辖区内暂无代管款物的机构")
