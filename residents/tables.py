"""The sortable resident table."""
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from common.tables import OnePassTable

from .models import Person
from .rules import assessment_status


class PersonTable(OnePassTable):
    rows_template = "residents/_person_rows.html"
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

    def prepare(self, records):
        """When each person is due for re-assessment; re-assessment of someone who left is the new facility's."""
        for record in records:
            if record.seen_until:
                continue
            latest = record.latest_due_on is not None
            record.due = {
                "status": assessment_status(assessed_on=record.latest_assessed_on, due_on=record.latest_due_on,
                                            on=self.today).value,
                "on": record.latest_due_on if latest else record.assessment_due_on,
                "provisional": record.latest_due_provisional if latest else record.assessment_due_provisional,
                "in_care": bool(record.current_facility_id),
            }
