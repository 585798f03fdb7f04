"""API tokens expire (API_TOKEN_DAYS, default 90), are listed with their last use, and end with a
password change or a deactivation (issue 25)."""
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from accounts.tokens import api_token_create

pytestmark = pytest.mark.django_db


def _me(raw):
    return Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


def test_a_token_expires_after_the_configured_days(cast, time_machine, settings):
    settings.API_TOKEN_DAYS = 90
    token, raw = api_token_create(user=cast["inspector"], name="统计")
    assert abs(token.expires_at - token.created_at - timedelta(days=90)) < timedelta(seconds=5)
    time_machine.move_to(timezone.now() + timedelta(days=89))
    assert _me(raw) == 200
    time_machine.move_to(timezone.now() + timedelta(days=2))
    assert _me(raw) == 401


def test_the_list_shows_last_use_and_expiry(cast, login):
    _token, raw = api_token_create(user=cast["inspector"], name="统计系统")
    assert _me(raw) == 200
    page = login(cast["inspector"]).get(reverse("token_list")).content.decode()
    token = ApiToken.objects.get()
    assert timezone.localtime(token.last_used_at).strftime("%Y-%m-%d %H:%M") in page
    assert timezone.localtime(token.expires_at).strftime("%Y-%m-%d") in page


def test_changing_ones_own_password_ends_the_tokens_but_keeps_the_session(cast, login, password):
    _token, raw = api_token_create(user=cast["inspector"], name="统计")
    client = login(cast["inspector"])
    new = "Ganz-Neu-2026!"
    response = client.post(reverse("password_change"),
                           {"old_password": password, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert _me(raw) == 401
    assert ApiToken.objects.get().revoked_at is not None
    assert client.get("/api/me").status_code == 200


def test_deactivation_ends_the_tokens_for_good(cast):
    user = cast["inspector"]
    _token, raw = api_token_create(user=user, name="统计")
    user.is_active = False
    user.save()
    user.is_active = True
    user.save()
    assert _me(raw) == 401
