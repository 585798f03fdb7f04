"""The optional second factor (TOTP, django-otp): enrolment from the account page, the code step after
the password, removal, the per-role requirement, and wrong codes counting towards the lockout.

Codes are computed with django_otp.oath.totp at the (frozen) test time; the clock moves on 30
seconds between uses, as a person would wait for the next code (a code is never accepted twice).
"""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, SecondFactorPolicy
from accounts.tokens import api_token_create

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)

    def later(seconds=30):
        time_machine.shift(timedelta(seconds=seconds))

    return later


def code(device, *, offset=0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def wrong(device) -> str:
    right = code(device)
    return next(c for c in ("000000", "111111", "222222") if c not in (right, code(device, offset=-1),
                                                                         code(device, offset=1)))


def device_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="验证器", confirmed=True)


def sign_in(client, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.status_code
    return response


# --- enrolment ---------------------------------------------------------------------------


def test_a_user_enrols_from_the_account_page(cast, login, clock):
    client = login(cast["clerk"])
    page = client.get(reverse("account_security")).content.decode()
    assert "两步验证" in page and "未启用" in page
    assert client.post(reverse("totp_enrol_start")).status_code == 302
    device = TOTPDevice.objects.get(user=cast["clerk"])
    assert not device.confirmed
    page = client.get(reverse("account_security")).content.decode()
    assert f'src="{reverse("totp_qr")}"' in page and "<script" not in page.split("</main>")[0].split("<main")[1]
    qr = client.get(reverse("totp_qr"))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<svg") and b"<script" not in qr.content and b"style" not in qr.content
    assert "no-store" in qr["Cache-Control"]

    response = client.post(reverse("totp_enrol_confirm"), {"code": code(device)})
    assert response.status_code == 302 and response["Location"] == reverse("account_security")
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id  # verified in this session
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("totp_qr")).status_code == 404  # the secret is never shown again
    assert "已启用" in client.get(reverse("account_security")).content.decode()


def test_the_qr_code_carries_the_otpauth_uri(cast, login, clock):
    import segno

    client = login(cast["clerk"])
    client.post(reverse("totp_enrol_start"))
    device = TOTPDevice.objects.get()
    assert device.config_url.startswith("otpauth://totp/") and "secret=" in device.config_url
    expected = segno.make(device.config_url, error="m")
    assert f'width="{(expected.symbol_size(scale=5, border=4))[0]}"'.encode() in client.get(reverse("totp_qr")).content
    manual = client.get(reverse("account_security")).context["manual_key"].replace(" ", "")
    assert manual and manual in device.config_url


def test_a_wrong_code_does_not_confirm_the_enrolment(cast, login, clock):
    client = login(cast["clerk"])
    client.post(reverse("totp_enrol_start"))
    device = TOTPDevice.objects.get()
    response = client.post(reverse("totp_enrol_confirm"), {"code": wrong(device)})
    assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    response = client.post(reverse("totp_enrol_confirm"), {"code": "12ab"})
    assert "请输入 6 位数字验证码" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


def test_starting_again_replaces_an_unfinished_enrolment(cast, login, clock):
    client = login(cast["clerk"])
    client.post(reverse("totp_enrol_start"))
    first = TOTPDevice.objects.get()
    client.post(reverse("totp_enrol_start"))
    assert list(TOTPDevice.objects.all()) != [first] and TOTPDevice.objects.count() == 1


def test_no_qr_code_without_an_enrolment(cast, login):
    assert login(cast["clerk"]).get(reverse("totp_qr")).status_code == 404


def test_a_second_device_cannot_be_started_while_one_is_active(cast, login, clock):
    device_for(cast["clerk"])
    client = login(cast["clerk"])
    client.post(reverse("totp_enrol_start"))
    assert TOTPDevice.objects.count() == 1


# --- the code step after the password ----------------------------------------------------


def test_a_user_with_a_device_must_enter_the_code_after_the_password(cast, client, password, clock):
    device = device_for(cast["inspector"])
    sign_in(client, "inspector", password)
    response = client.get(reverse("facility_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("second_factor_verify") + "?next=%2Ffacilities%2F"
    assert client.get(reverse("home"))["Location"].startswith(reverse("second_factor_verify"))
    assert client.get("/api/me").status_code == 401  # the API refuses the unverified session too
    assert client.get(reverse("admin:index")).status_code == 302
    page = client.get(reverse("second_factor_verify"))
    assert page.status_code == 200 and "两步验证" in page.content.decode()
    assert 'href="/facilities/"' not in page.content.decode().split("</nav>")[0]  # no navigation yet

    response = client.post(reverse("second_factor_verify") + "?next=/facilities/", {"code": code(device)})
    assert response.status_code == 302 and response["Location"] == "/facilities/"
    assert client.get(reverse("facility_list")).status_code == 200
    assert client.get("/api/me").status_code == 200
    clock(600)
    assert client.get(reverse("home")).status_code == 200  # the session remembers the verification


def test_a_wrong_code_is_refused_and_the_user_stays_at_the_code_step(cast, client, password, clock):
    device = device_for(cast["inspector"])
    sign_in(client, "inspector", password)
    response = client.post(reverse("second_factor_verify"), {"code": wrong(device)})
    assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302
    clock(30)  # django-otp slows down guesses (1 s after one wrong code), and a person waits anyway
    assert client.post(reverse("second_factor_verify"), {"code": code(device)}).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_code_is_accepted_once_only(cast, password, clock):
    device = device_for(cast["inspector"])
    first, second = Client(), Client()
    sign_in(first, "inspector", password)
    sign_in(second, "inspector", password)
    used = code(device)
    assert first.post(reverse("second_factor_verify"), {"code": used}).status_code == 302
    assert second.post(reverse("second_factor_verify"), {"code": used}).status_code == 200


def test_logging_in_again_asks_for_a_fresh_code(cast, client, password, clock):
    device = device_for(cast["inspector"])
    sign_in(client, "inspector", password)
    client.post(reverse("second_factor_verify"), {"code": code(device)})
    assert client.get(reverse("home")).status_code == 200
    # Our login page sends a signed-in user home; any other login (the admin site's) in the same
    # session still asks for a fresh code.
    client.force_login(cast["inspector"])
    assert client.get(reverse("home")).status_code == 302


def test_without_a_device_and_without_a_requirement_nothing_changes(cast, client, password):
    sign_in(client, "inspector", password)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("second_factor_verify"))["Location"] == reverse("home")


def test_api_tokens_need_no_second_factor(cast, clock):
    device_for(cast["inspector"])
    SecondFactorPolicy.objects.create(role=Role.INSPECTOR, required=True)
    _token, raw = api_token_create(user=cast["inspector"], name="统计系统")
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_a_device_an_administrator_removed_no_longer_blocks(cast, client, password, clock):
    device = device_for(cast["inspector"])
    sign_in(client, "inspector", password)
    device.delete()
    response = client.get(reverse("second_factor_verify"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


# --- lockout ------------------------------------------------------------------------------


def test_five_wrong_codes_lock_the_account_like_wrong_passwords(cast, client, password, time_machine, clock):
    device = device_for(cast["inspector"])
    sign_in(client, "inspector", password)
    statuses = [client.post(reverse("second_factor_verify"), {"code": wrong(device)}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))  # the session ended
    locked = client.post(reverse("login"), {"username": "inspector", "password": password})
    assert locked.status_code == 429 and "账户已暂时锁定" in locked.content.decode()
    time_machine.shift(timedelta(minutes=16))
    sign_in(client, "inspector", password)
    assert client.post(reverse("second_factor_verify"), {"code": code(device)}).status_code == 302


def test_signing_in_again_with_the_password_does_not_reset_the_code_count(cast, client, password, clock):
    device = device_for(cast["inspector"])
    sign_in(client, "inspector", password)
    for _ in range(4):
        client.post(reverse("second_factor_verify"), {"code": wrong(device)})
    client.post(reverse("logout"))
    sign_in(client, "inspector", password)  # the password alone does not clear the four wrong codes
    assert client.post(reverse("second_factor_verify"), {"code": wrong(device)}).status_code == 429


def test_a_complete_login_clears_the_count(cast, client, password, clock):
    device = device_for(cast["inspector"])
    sign_in(client, "inspector", password)
    for _ in range(4):
        client.post(reverse("second_factor_verify"), {"code": wrong(device)})
    clock(60)
    assert client.post(reverse("second_factor_verify"), {"code": code(device)}).status_code == 302
    client.post(reverse("logout"))
    sign_in(client, "inspector", password)
    clock(60)
    assert client.post(reverse("second_factor_verify"), {"code": wrong(device)}).status_code == 200


def test_a_password_login_without_a_device_clears_the_count(cast, client, password):
    for _ in range(4):
        client.post(reverse("login"), {"username": "inspector", "password": "wrong"})
    sign_in(client, "inspector", password)
    client.post(reverse("logout"))
    for _ in range(4):
        client.post(reverse("login"), {"username": "inspector", "password": "wrong"})
    sign_in(client, "inspector", password)


# --- removal ------------------------------------------------------------------------------


def test_removing_the_second_factor_takes_a_current_code(cast, login, clock):
    device = device_for(cast["clerk"])
    client = login(cast["clerk"])
    client.post(reverse("second_factor_verify"), {"code": code(device)})
    clock(30)
    response = client.post(reverse("totp_remove"), {"code": wrong(device)})
    assert response.status_code == 200 and "两步验证仍然有效" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    clock(30)
    response = client.post(reverse("totp_remove"), {"code": code(device)})
    assert response.status_code == 302 and not TOTPDevice.objects.exists()
    assert client.get(reverse("home")).status_code == 200  # nothing owed any more


def test_wrong_removal_codes_count_towards_the_lockout(cast, login, clock):
    device = device_for(cast["clerk"])
    client = login(cast["clerk"])
    client.post(reverse("second_factor_verify"), {"code": code(device)})
    statuses = [client.post(reverse("totp_remove"), {"code": wrong(device)}).status_code for _ in range(5)]
    assert statuses[-1] == 429 and TOTPDevice.objects.filter(pk=device.pk).exists()
    assert client.get(reverse("home")).status_code == 302


# --- the requirement per role -------------------------------------------------------------


def test_a_role_that_requires_a_second_factor_is_sent_to_enrolment(cast, client, password, clock):
    SecondFactorPolicy.objects.create(role=Role.MANAGER, required=True)
    sign_in(client, "manager_a", password)
    for url in (reverse("home"), reverse("facility_list"), reverse("token_list"), reverse("password_change"),
                reverse("admin:index")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_security")), url
    assert client.get("/api/me").status_code == 401
    page = client.get(reverse("account_security")).content.decode()
    assert 'data-testid="must-enrol"' in page and reverse("token_list") not in page
    client.post(reverse("totp_enrol_start"))
    device = TOTPDevice.objects.get(user=cast["manager_a"])
    assert client.get(reverse("totp_qr")).status_code == 200
    response = client.post(reverse("totp_enrol_confirm"), {"code": code(device)})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("facility_list")).status_code == 200
    client.post(reverse("logout"))
    clock(30)
    sign_in(client, "manager_a", password)
    assert client.get(reverse("home"))["Location"].startswith(reverse("second_factor_verify"))


def test_a_role_without_the_requirement_is_unaffected(cast, client, password):
    SecondFactorPolicy.objects.create(role=Role.MANAGER, required=True)
    SecondFactorPolicy.objects.create(role=Role.CLERK, required=False)
    for username in ("inspector", "clerk"):
        c = Client()
        sign_in(c, username, password)
        assert c.get(reverse("home")).status_code == 200
        assert c.get("/api/me").status_code == 200


def test_removing_a_required_factor_sends_the_user_back_to_enrolment(cast, login, clock):
    SecondFactorPolicy.objects.create(role=Role.CLERK, required=True)
    device = device_for(cast["clerk"])
    client = login(cast["clerk"])
    client.post(reverse("second_factor_verify"), {"code": code(device)})
    clock(30)
    client.post(reverse("totp_remove"), {"code": code(device)})
    assert client.get(reverse("home"))["Location"].startswith(reverse("account_security"))


def test_the_requirement_is_edited_in_the_admin_with_history(cast, login):
    assert SecondFactorPolicy in admin.site._registry
    client = login(cast["admin"])
    response = client.post(reverse("admin:accounts_secondfactorpolicy_add"), {"role": Role.ADMIN, "required": "on"})
    assert response.status_code == 302
    policy = SecondFactorPolicy.objects.get()
    assert policy.required and policy.history.get().history_user == cast["admin"]
    response = client.post(reverse("admin:accounts_secondfactorpolicy_add"), {"role": Role.ADMIN})
    assert response.status_code == 200  # one row per role
    assert client.get(reverse("admin:accounts_secondfactorpolicy_changelist")).status_code == 200


def test_the_admin_site_never_shows_a_device_secret(cast, login):
    device = device_for(cast["clerk"])
    page = login(cast["admin"]).get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert device.key not in page
