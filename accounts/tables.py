"""The access log table."""
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from common.tables import OnePassTable

from .models import AccessRecord


class AccessRecordTable(OnePassTable):
    """The user column shows the username of the time, and the account's current full name beside it."""
    rows_template = "accounts/_access_record_rows.html"
    at = tables.DateTimeColumn(format="Y-m-d H:i:s", order_by=("at", "id"), verbose_name=_("时间"))
    username = tables.Column(verbose_name=_("用户"))

    class Meta:
        model = AccessRecord
        fields = ("at", "username", "role", "action", "target", "detail", "ip", "path")
        attrs = {"class": "table table-sm table-hover align-middle", "thead": {"class": "text-nowrap"}}
        order_by = ("-at",)
        empty_text = _("没有符合条件的访问记录")

