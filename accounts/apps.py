from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账户")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .second_factor import on_login

        # Login security, not domain logic: every login path records the second-factor step it owes.
        user_logged_in.connect(on_login, dispatch_uid="accounts.second_factor.on_login")
