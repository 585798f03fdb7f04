from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffingConfig(AppConfig):
    name = "staffing"
    verbose_name = _("护理人员配备")

    def ready(self):
        from common.reactions import care_changed

        from .tasks import compliance_for_facility

        care_changed.connect(compliance_for_facility)
