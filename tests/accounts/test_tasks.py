"""Session housekeeping runs as a Celery task, in-process and on a real worker."""
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import purge_expired_sessions


def _sessions():
    fresh = SessionStore()
    fresh["k"] = 1
    fresh.create()
    stale = SessionStore()
    stale["k"] = 2
    stale.create()
    Session.objects.filter(session_key=stale.session_key).update(expire_date=timezone.now() - timedelta(minutes=1))
    return fresh.session_key, stale.session_key


@pytest.mark.django_db
def test_expired_sessions_are_purged_and_live_ones_kept():
    fresh, _stale = _sessions()
    assert purge_expired_sessions.delay().get() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [fresh]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_purges_sessions(celery_worker):
    fresh, _stale = _sessions()
    assert purge_expired_sessions.delay().get(timeout=60) == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [fresh]
