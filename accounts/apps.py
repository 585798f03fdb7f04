from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账户")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from common.session_renewal import renewed_by_login

        from .second_factor import on_login

        # Login security, not domain logic: every login path records the second-factor step it owes,
        # and starts the idle timeout's renewal clock.
        user_logged_in.connect(on_login, dispatch_uid="accounts.second_factor.on_login")
        user_logged_in.connect(renewed_by_login, dispatch_uid="common.session_renewal.renewed_by_login")
