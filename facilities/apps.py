from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = _("机构")

    def ready(self):
        from .complaints.services import complaint_deadlines_recount
        from .working_days.calendar import on_calendar_change

        # Complaint deadlines count working days: counted again when the calendar changes.
        on_calendar_change(complaint_deadlines_recount)
