"""Enrolling a TOTP authenticator and signing in with a code, in a real browser under the site's CSP."""
import base64

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def _code(key: str, *, ahead: int = 0) -> str:
    secret = base64.b32decode(key.replace(" ", "") + "=" * (-len(key.replace(" ", "")) % 8))
    return f"{totp(secret, drift=ahead):06d}"


def test_enrol_then_sign_in_with_a_code(cast, facilities, sign_in, page, password, screenshot):
    sign_in("clerk")
    page.get_by_role("link", name="账户安全").click()
    page.get_by_role("button", name="启用两步验证").click()
    qr = page.get_by_test_id("totp-qr")
    qr.wait_for()
    for _ in range(50):  # the QR code is an SVG served by the site (page.evaluate is not subject to the CSP)
        if qr.evaluate("image => image.complete && image.naturalWidth > 0"):
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("the QR code did not load")
    key = page.get_by_test_id("manual-key").inner_text()
    screenshot("second-factor-enrol")
    page.get_by_label("验证码").fill(_code(key))
    page.get_by_role("button", name="完成绑定").click()
    expect(page.get_by_role("status")).to_contain_text("两步验证已启用")
    expect(page.get_by_test_id("second-factor-state")).to_have_text("已启用")
    assert TOTPDevice.objects.get(user=cast["clerk"]).confirmed
    screenshot("second-factor-enabled")

    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/accounts/login/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/accounts/verify/**")
    assert page.get_by_role("link", name="人员").count() == 0  # nothing else until the code is in
    screenshot("second-factor-verify")
    page.get_by_label("验证码").fill("000000" if _code(key) != "000000" else "111111")
    page.get_by_role("button", name="验证").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("验证码不正确")
    screenshot("second-factor-verify-wrong")
    page.wait_for_timeout(1100)  # django-otp waits a second after a wrong code
    page.get_by_label("验证码").fill(_code(key, ahead=1))  # the next step: the enrolment used this one
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(page.base + "/")
    assert "辖区概况" in page.locator("h1").inner_text()
