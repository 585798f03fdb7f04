"""Wrong API tokens count like wrong passwords (django-axes, real database): five from an address and
its token requests are refused with 429, without looking at the token, until the cool-off ends."""
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.lockout import token_credentials
from accounts.models import ApiToken
from accounts.tokens import api_token_create

pytestmark = pytest.mark.django_db

ERROR_SHAPE = {"code", "message", "message_en", "errors"}
HERE, THERE = "198.51.100.7", "203.0.113.9"


@pytest.fixture
def token(cast):
    _token, raw = api_token_create(user=cast["inspector"], name="统计系统")
    return raw


def _get(raw, address=HERE, path="/api/me"):
    return Client(REMOTE_ADDR=address).get(path, HTTP_AUTHORIZATION=f"Bearer {raw}")


def _fail(times, address=HERE, raw="0badc0de.wrong-secret"):
    return [_get(raw, address).status_code for _ in range(times)]


def test_four_wrong_tokens_are_each_a_plain_401(token):
    assert _fail(4) == [401] * 4
    assert _get(token).status_code == 200


def _wrong(token):
    """A wrong secret for this token's prefix: what someone guessing that token sends."""
    return token.split(".")[0] + ".wrong-secret"


def test_the_fifth_wrong_token_locks_that_token_not_the_address(cast, token):
    """Issue 16, finding 8: behind a NAT one office's wrong tokens must not lock everyone there out."""
    assert _fail(5, raw=_wrong(token)) == [401] * 4 + [429]
    response = _get(token)
    assert response.status_code == 429
    body = response.json()
    assert set(body) == ERROR_SHAPE and body["code"] == "locked_out"
    assert "锁定" in body["message"] and body["message_en"]
    _token, other = api_token_create(user=cast["clerk"], name="财政对接")
    assert _get(other).status_code == 200  # another token from the same address


def test_a_locked_out_request_is_refused_without_looking_at_the_token(token):
    _fail(5, raw=_wrong(token))
    assert _get(token, path="/api/facilities").status_code == 429
    assert ApiToken.objects.get().last_used_at is None  # never verified, so never marked as used
    # and refusing it records no new failure that would extend the lockout
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 5


def test_the_lockout_ends_after_the_cool_off(token, time_machine):
    _fail(5, raw=_wrong(token))
    time_machine.move_to(timezone.now() + timedelta(minutes=14))
    assert _get(token).status_code == 429
    time_machine.move_to(timezone.now() + timedelta(minutes=2))
    assert _get(token).status_code == 200


def test_other_tokens_from_the_address_are_not_locked_and_their_success_lifts_nothing(cast, token):
    _token, other = api_token_create(user=cast["clerk"], name="财政对接")
    _fail(5, raw=_wrong(token))
    assert _get(other).status_code == 200
    assert _get(token).status_code == 429
    assert _get(token, address=THERE).status_code == 429  # the token itself is locked, from everywhere


def test_a_successful_token_does_not_reset_the_count(token):
    _fail(4, raw=_wrong(token))
    assert _get(token).status_code == 200
    assert _fail(1, raw=_wrong(token)) == [429]


def test_guessing_one_tokens_secret_from_many_addresses_locks_that_token(cast, token):
    prefix = token.split(".")[0]
    for n in range(5):
        _get(f"{prefix}.guess-{n}", address=f"192.0.2.{n + 1}")
    assert _get(token, address=THERE).status_code == 429  # the prefix is the token's "username"
    _token, other = api_token_create(user=cast["clerk"], name="财政对接")
    assert _get(other, address=THERE).status_code == 200  # other tokens from that address still work


def test_session_requests_are_not_affected_by_a_token_lockout(cast, login, token):
    _fail(5, address="127.0.0.1", raw=_wrong(token))
    assert login(cast["inspector"]).get("/api/me").status_code == 200


def test_wrong_tokens_do_not_lock_web_logins_from_the_address(cast, password, token):
    """The address alone never locks: an office's wrong tokens leave its colleagues' logins alone."""
    _fail(5, raw=_wrong(token))
    _fail(5)
    response = Client(REMOTE_ADDR=HERE).post(reverse("login"), {"username": "inspector", "password": password})
    assert response.status_code == 302


@pytest.mark.parametrize(("raw", "name"), [
    ("0badc0de.secret", "api-token:0badc0de"),
    ("0BADC0DE.secret", None),  # not a prefix we issue
    ("0badc0de.", None),
    ("nodot", None),
    ("", None),
    ("x" * 500 + ".y", None),
])
def test_the_token_prefix_is_the_username_only_if_it_parses(raw, name):
    assert token_credentials(raw) == {"username": name}


def test_malformed_tokens_lock_only_malformed_tokens_from_that_address(token):
    for _ in range(5):
        _get("garbage-without-a-dot")
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {None}
    assert _get("garbage-without-a-dot").status_code == 429
    assert _get(token).status_code == 200  # a real token from the same address is not affected
    assert _get("garbage-without-a-dot", address=THERE).status_code == 401  # nor other addresses


def test_attempt_records_keep_no_search_text(token):
    """Administrators read the attempt records in /admin/: an ID number searched for stays out."""
    Client(REMOTE_ADDR=HERE).get("/api/people", {"q": "62100219480305002X"}, HTTP_AUTHORIZATION="Bearer 0badc0de.x")
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "api-token:0badc0de" and attempt.ip_address == HERE
    assert "62100219480305002X" not in attempt.get_data
