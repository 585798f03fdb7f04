"""The idle timeout slides with use, within a minute, and a page view normally writes nothing."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.session_renewal import RENEWED_AT

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def _session_writes(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries
            if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")]


def test_a_page_view_within_a_minute_of_the_last_renewal_writes_no_session(clock, cast, login, settings):
    client = login(cast["inspector"])
    expiry = _expiry(client)
    clock.shift(timedelta(seconds=settings.SESSION_RENEW_SECONDS - 1))
    assert _session_writes(client, reverse("home")) == []
    assert _expiry(client) == expiry


def test_a_page_view_a_minute_later_renews_the_session(clock, cast, login, settings):
    client = login(cast["inspector"])
    clock.shift(timedelta(seconds=settings.SESSION_RENEW_SECONDS))
    assert _session_writes(client, reverse("home")) != []
    assert _expiry(client) == START + timedelta(seconds=settings.SESSION_RENEW_SECONDS + settings.SESSION_COOKIE_AGE)


def test_use_every_50_seconds_keeps_the_session_alive_past_the_idle_timeout(clock, cast, login, settings):
    client = login(cast["inspector"])
    for _ in range(2 * settings.SESSION_COOKIE_AGE // 50):
        clock.shift(timedelta(seconds=50))
        assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("idle_beyond", [timedelta(seconds=1), timedelta(minutes=5)])
def test_an_idle_session_ends_at_most_a_minute_early(clock, cast, login, settings, idle_beyond):
    client = login(cast["inspector"])
    clock.shift(timedelta(seconds=settings.SESSION_RENEW_SECONDS - 1))
    client.get(reverse("home"))  # not renewed: the session still ends idle minutes after the login
    clock.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE - settings.SESSION_RENEW_SECONDS) + idle_beyond)
    assert client.get(reverse("home")).status_code == 302


def test_a_session_without_a_renewal_time_is_renewed_on_its_next_request(clock, cast, login):
    client = login(cast["inspector"])
    session = client.session
    del session[RENEWED_AT]
    session.save()
    assert _session_writes(client, reverse("home")) != []
    assert RENEWED_AT in client.session


def test_no_session_is_created_for_anonymous_pages_or_after_logout(clock, cast, login):
    client = login(cast["inspector"])
    clock.shift(timedelta(minutes=5))
    client.post(reverse("logout"))
    assert not Session.objects.exists()
    assert client.get(reverse("login")).status_code == 200
    assert not Session.objects.exists()
