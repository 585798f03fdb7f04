"""Lockout by account and by address+account, never by the address alone (issue 16, finding 8), and
the client's address behind the trusted reverse proxies (issue 25) for the lockout and the access log."""
import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.audit import access_record
from accounts.models import AccessAction, AccessRecord
from common.client_address import client_address

pytestmark = pytest.mark.django_db

OFFICE = "198.51.100.7"
PROXY = "10.0.0.5"


def _login(username, password, address=OFFICE, **headers):
    return Client(REMOTE_ADDR=address, **headers).post(reverse("login"), {"username": username, "password": password})


def test_one_persons_wrong_passwords_do_not_lock_their_colleagues_at_the_same_address(cast, password):
    for _ in range(5):
        _login("inspector", "wrong")
    assert _login("inspector", password).status_code == 429
    assert _login("clerk", password).status_code == 302  # same office, another account


def test_an_account_is_locked_from_every_address(cast, password):
    for n in range(5):
        _login("inspector", "wrong", address=f"192.0.2.{n + 1}")
    assert _login("inspector", password, address="203.0.113.9").status_code == 429


def test_a_success_clears_only_that_account_at_that_address(cast, password):
    for _ in range(4):
        _login("inspector", "wrong")
        _login("clerk", "wrong")
    assert _login("clerk", password).status_code == 302
    assert _login("inspector", "wrong").status_code == 429  # the colleague's count was kept


@pytest.mark.parametrize(("remote", "forwarded", "trusted", "expected"), [
    ("198.51.100.7", "", [], "198.51.100.7"),
    ("198.51.100.7", "1.2.3.4", [], "198.51.100.7"),  # no trusted proxy: the header is ignored
    (PROXY, "203.0.113.9", ["10.0.0.0/8"], "203.0.113.9"),
    (PROXY, "6.6.6.6, 203.0.113.9", ["10.0.0.0/8"], "203.0.113.9"),  # a client-sent hop is not believed
    (PROXY, "203.0.113.9, 10.0.0.7", ["10.0.0.0/8"], "203.0.113.9"),  # two proxies
    ("198.51.100.7", "203.0.113.9", ["10.0.0.0/8"], "198.51.100.7"),  # not from a trusted proxy
    (PROXY, "not-an-address", ["10.0.0.0/8"], PROXY),
    ("garbage", "", [], None),
])
def test_client_address_behind_trusted_proxies(settings, remote, forwarded, trusted, expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_behind_the_proxy_the_lockout_and_the_log_see_the_client(cast, password, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for _ in range(5):
        _login("inspector", "wrong", address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    request.user = cast["clerk"]
    access_record(request=request, action=AccessAction.EXPORT, target="x")
    assert AccessRecord.objects.get().ip == "203.0.113.9"
