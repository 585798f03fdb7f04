from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "residents"
    verbose_name = _("人员")

    def ready(self):
        from facilities.working_days.calendar import on_calendar_change

        from .services import assessment_due_recount

        # Re-assessment after a reported change counts working days: counted again when the calendar changes.
        on_calendar_change(assessment_due_recount)
