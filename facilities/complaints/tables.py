"""The sortable complaint table. The contact column goes through complaint_selectors.contact_for,
so only the complaint's owner reads it whole."""
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from common.tables import OnePassTable

from ..models import Complaint
from .selectors import STATE_LABELS, complaint_due_state, contact_for


class ComplaintTable(OnePassTable):
    rows_template = "facilities/_complaint_rows.html"
    received_at = tables.DateTimeColumn(
        format="Y-m-d H:i", verbose_name=_("收到时间"), linkify=("complaint_detail", [tables.A("pk")]),
        attrs={"td": {"class": "text-nowrap"}},
    )
    facility = tables.Column(accessor="facility__name", verbose_name=_("被投诉机构"), order_by=("facility__name", "-received_at"))
    region = tables.Column(accessor="facility__region__name", verbose_name=_("行政区划"), order_by=("facility__region_id", "-received_at"))
    channel = tables.Column(verbose_name=_("来源渠道"))
    complainant_name = tables.Column(verbose_name=_("投诉人"), default="—", orderable=False)
    contact = tables.Column(accessor="complainant_contact", verbose_name=_("联系方式"), orderable=False, default="—")
    owner = tables.Column(accessor="assigned_to__full_name", verbose_name=_("首问负责人"), default="—", order_by=("assigned_to__full_name",))
    conclude_due_on = tables.DateColumn(format="Y-m-d", verbose_name=_("办结期限"), attrs={"td": {"class": "text-nowrap"}})
    state = tables.Column(accessor="concluded_on", verbose_name=_("状态"), order_by=("concluded_on", "conclude_due_on"), empty_values=())

    class Meta:
        model = Complaint
        fields = ("received_at", "facility", "region", "channel", "complainant_name", "contact", "owner", "conclude_due_on", "state")
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "complaint-table", "thead": {"class": "text-nowrap"}}
        empty_text = _("没有符合条件的投诉举报")

    def __init__(self, *args, user, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.today = user, today

    def prepare(self, records):
        """The contact as this reader may see it, and how each complaint's time limits look today."""
        for record in records:
            record.shown_contact = contact_for(self.user, record) if record.complainant_contact else ""
            record.due_state = complaint_due_state(record, today=self.today)
            record.due_label = STATE_LABELS[record.due_state]
