from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = _("补贴")

    def ready(self):
        from common.reactions import person_claims

        from .selectors import claim_totals_by_person

        person_claims.connect(claim_totals_by_person)
