from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("verify/", views.second_factor_verify, name="second_factor_verify"),
    path("security/", views.account_security, name="account_security"),
    path("security/totp/start/", views.totp_enrol_start, name="totp_enrol_start"),
    path("security/totp/confirm/", views.totp_enrol_confirm, name="totp_enrol_confirm"),
    path("security/totp/remove/", views.totp_remove, name="totp_remove"),
    path("security/totp/qr.svg", views.totp_qr, name="totp_qr"),
    path("security/recovery-codes/", views.recovery_codes_new, name="recovery_codes_new"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("tokens/", views.token_list, name="token_list"),
    path("text-size/", views.text_size, name="text_size"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
