"""The sortable table of public notices."""
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from common.tables import OnePassTable

from ..models import Notice


class NoticeTable(OnePassTable):
    rows_template = "residents/_notice_rows.html"
    title = tables.Column(verbose_name=_("公示"), order_by=("period_start",), empty_values=())
    township = tables.Column(accessor="township_id", verbose_name=_("区划代码"))
    posted_on = tables.DateColumn(format="Y-m-d", verbose_name=_("张贴日期"))
    ends_on = tables.DateColumn(format="Y-m-d", verbose_name=_("公示期截止"))
    state = tables.Column(verbose_name=_("状态"), orderable=False, empty_values=())
    entry_count = tables.Column(verbose_name=_("公示人数"), attrs={"td": {"class": "text-end"}})
    objection_count = tables.Column(verbose_name=_("异议"))

    class Meta:
        model = Notice
        fields = ("title", "township", "posted_on", "ends_on", "state", "entry_count", "objection_count")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("暂无公示")

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today  # a notice's state: not yet posted, being shown, or over
