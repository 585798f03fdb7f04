from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpDefaultConfig


class AccountsConfig(AppConfig):
    default = True  # the module also holds the two library apps' configurations below
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


class LoginLockoutConfig(AxesConfig):
    """django-axes (login lock-out) under a Chinese name in Django admin; its strings are in locale/zh_Hans."""

    verbose_name = _("登录防护")


class TotpConfig(TotpDefaultConfig):
    """django-otp's TOTP devices under Chinese names in Django admin (the library does not mark them for
    translation)."""

    verbose_name = _("动态口令")

    def ready(self):
        super().ready()
        device = self.get_model("TOTPDevice")
        device._meta.verbose_name, device._meta.verbose_name_plural = _("动态口令设备"), _("动态口令设备")
