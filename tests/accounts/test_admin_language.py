"""Django admin speaks Chinese whole: the libraries that ship no Chinese (django-axes, django-otp) are named
and translated by the project (accounts.apps, locale/zh_Hans)."""
import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

pytestmark = pytest.mark.django_db


def test_the_accounts_app_keeps_its_own_configuration():
    """Three configurations in one module: the project's own must stay the default, or its ready() (the
    second-factor and session signals) would silently not run."""
    assert type(apps.get_app_config("accounts")).__name__ == "AccountsConfig"
    assert type(apps.get_app_config("axes")).__name__ == "LoginLockoutConfig"
    assert type(apps.get_app_config("otp_totp")).__name__ == "TotpConfig"


def test_the_admin_index_names_every_app_in_chinese(cast, login):
    page = login(cast["admin"]).get(reverse("admin:index")).content.decode()
    for name in ("账户", "登录防护", "登录尝试", "登录失败记录", "动态口令", "动态口令设备", "机构"):
        assert name in page
    for english in ("Axes", "AXES", "Access attempts", "TOTP device", ">Accounts<"):
        assert english not in page


@pytest.mark.parametrize(("english", "chinese"), [
    ("Account locked: too many login attempts. Please try again later.", "账户已锁定：登录失败次数过多，请稍后再试。"),
    ("Invalid token. Please make sure you have entered it correctly.", "动态口令不正确，请核对后重新输入。"),
    ("access attempts", "登录尝试"),
])
def test_the_libraries_strings_have_chinese(english, chinese):
    with translation.override("zh-hans"):
        assert gettext(english) == chinese
    with translation.override("en"):
        assert gettext(english) == english


def test_plural_messages_of_the_libraries_read_in_chinese():
    with translation.override("zh-hans"):
        text = ngettext(
            "Verification temporarily disabled because of %(failure_count)d failed attempt, please try again soon.",
            "Verification temporarily disabled because of %(failure_count)d failed attempts, please try again soon.", 3,
        ) % {"failure_count": 3}
    assert text == "已连续失败 3 次，验证暂时停用，请稍后再试。"
