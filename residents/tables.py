"""The sortable resident table."""
import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Person
from .rules import assessment_status


class PersonTable(tables.Table):
    name = tables.LinkColumn("person_detail", args=[tables.A("pk")], verbose_name=_("姓名"))
    masked_id_number = tables.Column(verbose_name=_("身份证号码"), orderable=False)
    sex = tables.Column(verbose_name=_("性别"))
    birth_date = tables.DateColumn(format="Y-m-d", verbose_name=_("出生日期"))
    current_facility_name = tables.Column(verbose_name=_("入住机构"), empty_values=())
    support = tables.TemplateColumn(template_name="residents/_support_cell.html", verbose_name=_("救助供养"), orderable=False)
    latest_category = tables.TemplateColumn(template_name="residents/_category_cell.html", verbose_name=_("生活自理能力"))
    assessment_due_on = tables.Column(verbose_name=_("下次评估"), empty_values=())

    class Meta:
        model = Person
        fields = ("name", "masked_id_number", "sex", "birth_date", "current_facility_name", "support",
                  "latest_category", "assessment_due_on")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有符合条件的人员")

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def render_current_facility_name(self, value, record):
        if record.seen_until:  # the person left the reader's facilities; where they live now is not theirs
            return format_html(
                '<span class="badge badge-status-none" data-testid="departed">{}</span> <span class="small text-muted">{}</span>',
                _("已离院"), record.seen_until.isoformat(),
            )
        return value or "—"

    def render_assessment_due_on(self, record):
        if record.seen_until:
            return "—"  # re-assessment is the new facility's business
        status = assessment_status(assessed_on=record.latest_assessed_on, due_on=record.latest_due_on, on=self.today)
        return render_to_string("residents/_due_cell.html", {
            "status": status.value, "due_on": record.latest_due_on or record.assessment_due_on,
            "provisional": record.latest_due_provisional if record.latest_due_on else record.assessment_due_provisional,
            "in_care": bool(record.current_facility_id),
        })
