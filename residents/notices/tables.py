"""The sortable table of public notices."""
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import Notice


class NoticeTable(tables.Table):
    title = tables.TemplateColumn(
        template_code="<a href=\"{% url 'notice_detail' record.pk %}\">{{ record.township.name }} "
                      "{{ record.period_start|date:'Y-m-d' }} 至 {{ record.period_end|date:'Y-m-d' }}</a>",
        verbose_name=_("公示"), order_by=("period_start",),
    )
    township = tables.Column(accessor="township_id", verbose_name=_("区划代码"))
    posted_on = tables.DateColumn(format="Y-m-d", verbose_name=_("张贴日期"))
    ends_on = tables.DateColumn(format="Y-m-d", verbose_name=_("公示期截止"))
    state = tables.TemplateColumn(
        template_code="{% if record.posted_on > today %}<span class=\"badge badge-status-none\">未张贴</span>"
                      "{% elif record.ends_on < today %}<span class=\"badge badge-status-ok\">已结束</span>"
                      "{% else %}<span class=\"badge badge-status-warn\">公示中</span>{% endif %}",
        verbose_name=_("状态"), orderable=False,
    )
    entry_count = tables.Column(verbose_name=_("公示人数"), attrs={"td": {"class": "text-end"}})
    objection_count = tables.TemplateColumn(
        template_code="{{ value }}{% if record.open_objections %} <span class=\"badge badge-status-warn\">"
                      "{{ record.open_objections }} 待处理</span>{% endif %}",
        verbose_name=_("异议"),
    )

    class Meta:
        model = Notice
        fields = ("title", "township", "posted_on", "ends_on", "state", "entry_count", "objection_count")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("暂无公示")

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns["state"].column.extra_context = {"today": today}
