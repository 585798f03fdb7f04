"""Logging in and out, the role-aware navigation, and API tokens."""
from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from accounts.tokens import api_token_authenticate

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_first(client):
    page = client.get(reverse("login")).content.decode()
    assert 'lang="zh-Hans"' in page and "登录" in page and "用户名" in page


def test_user_logs_in_and_out(cast, client, password):
    response = client.post(reverse("login"), {"username": "inspector", "password": password})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_says_so_without_revealing_which_part(cast, client):
    page = client.post(reverse("login"), {"username": "inspector", "password": "wrong"}).content.decode()
    assert "用户名或密码不正确" in page


@pytest.mark.parametrize("who, present, absent", [
    ("manager_a", ["我的机构"], ["用户与分配"]),
    ("inspector", ["机构"], ["用户与分配", "我的机构"]),
    ("admin", ["用户与分配", "访问日志"], ["我的机构", "人员", "预警", "补贴申报", "护理人员配备"]),
])
def test_navigation_follows_the_role(cast, facilities, login, who, present, absent):
    nav = login(cast[who]).get(reverse("home")).content.decode().split("</nav>")[0]
    for text in present:
        assert text in nav
    for text in absent:
        assert text not in nav


def test_user_creates_a_token_sees_it_once_and_revokes_it(cast, login):
    client = login(cast["clerk"])
    page = client.post(reverse("token_list"), {"name": "财政对接"})
    raw = page.context["new_token"]
    assert api_token_authenticate(raw) == cast["clerk"]
    token = ApiToken.objects.get(name="财政对接")
    assert raw.split(".")[1] not in token.secret_hash
    assert raw not in client.get(reverse("token_list")).content.decode()
    client.post(reverse("token_revoke", args=[token.pk]))
    assert api_token_authenticate(raw) is None


def test_token_needs_a_name(cast, login):
    page = login(cast["clerk"]).post(reverse("token_list"), {"name": "  "}).content.decode()
    assert "请填写令牌名称" in page
    assert not ApiToken.objects.exists()


def test_a_token_name_over_100_characters_is_refused_not_cut(cast, login):
    client = login(cast["clerk"])
    page = client.post(reverse("token_list"), {"name": "长" * 101}).content.decode()
    assert "令牌名称最多 100 个字" in page and not ApiToken.objects.exists()
    client.post(reverse("token_list"), {"name": "长" * 100})
    assert ApiToken.objects.get().name == "长" * 100


def test_one_user_cannot_revoke_anothers_token(cast, login):
    client = login(cast["clerk"])
    client.post(reverse("token_list"), {"name": "mine"})
    token = ApiToken.objects.get()
    login(cast["inspector"]).post(reverse("token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("raw", ["", "nodot", ".", "abc.", ".abc", "x" * 500])
def test_malformed_tokens_are_rejected(raw):
    assert api_token_authenticate(raw) is None


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "用户名" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Username" in client.get(reverse("login")).content.decode()


def test_five_failed_logins_lock_the_account_for_fifteen_minutes(cast, client, password, time_machine):
    from django.utils import timezone

    for _ in range(5):
        client.post(reverse("login"), {"username": "inspector", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "inspector", "password": password})
    assert locked.status_code == 429 and "账户已暂时锁定" in locked.content.decode()
    time_machine.move_to(timezone.now() + timedelta(minutes=16))
    assert client.post(reverse("login"), {"username": "inspector", "password": password}).status_code == 302


@pytest.mark.parametrize("candidate, ok", [
    ("Minzheng@2026", True), ("minzheng2026", False), ("MINZHENG2026!", True), ("abcdefghijk", False),
])
def test_passwords_need_three_of_four_character_classes(candidate, ok):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(candidate)
    except ValidationError as exc:
        assert not ok, exc.messages
    else:
        assert ok


def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()
