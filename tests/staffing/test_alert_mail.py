"""Staffing alert e-mails are header-safe and one bad record never stops the scan (issue 25 finding 5).

A facility name carrying a line break and "Bcc:" (stored before names were validated, or by a
bulk update) used to make every compliance run raise BadHeaderError: no alert was marked, escalation
stopped, and other facilities' alerts were e-mailed again on every run."""
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from facilities.models import Alert, AlertKind, Facility
from staffing import notifications
from staffing.notifications import escalate_stale_alerts, notify_managers_of_new_alerts

pytestmark = pytest.mark.django_db

HOSTILE = "甲敬老院\nBcc: thief@example.org"


@pytest.fixture
def alerts(cast, facilities):
    for who, key in (("manager_a", "a"), ("manager_b", "b")):
        cast[who].email = f"{who}@example.org"
        cast[who].save()
    Facility.objects.filter(pk=facilities["a"].pk).update(name=HOSTILE)
    return {key: Alert.objects.create(key=f"staffing_below:{facilities[key].pk}", kind=AlertKind.STAFFING_BELOW,
                                      region=facilities[key].region, facility=facilities[key], message="缺 2 名护理员")
            for key in ("a", "b")}


def test_a_name_with_a_line_break_is_sent_on_one_line_and_adds_no_header(alerts):
    assert notify_managers_of_new_alerts() == 2
    assert notify_managers_of_new_alerts() == 0, "both marked: nothing is sent again"
    subjects = sorted(message.subject for message in mail.outbox)
    assert all("\n" not in subject and "\r" not in subject for subject in subjects)
    assert any("甲敬老院 Bcc: thief@example.org" in subject for subject in subjects)
    for message in mail.outbox:
        assert message.bcc == [] and "thief@example.org" not in message.recipients()
        assert "\nBcc:" not in message.message().as_string().split("\n\n", 1)[0]


def test_one_message_that_fails_is_logged_and_the_others_go_and_are_marked(alerts, caplog):
    real = notifications.send_mail

    def failing_for_a(subject, *args, **kwargs):
        if "甲敬老院" in subject:
            raise OSError("SMTP refused")
        return real(subject, *args, **kwargs)

    with mock.patch.object(notifications, "send_mail", failing_for_a):
        assert notify_managers_of_new_alerts() == 1
    alerts["a"].refresh_from_db()
    alerts["b"].refresh_from_db()
    assert alerts["a"].notified_at is None and alerts["b"].notified_at is not None
    assert f"staffing alert {alerts['a'].pk}" in caplog.text
    assert notify_managers_of_new_alerts() == 1, "the failed one is tried again, the sent one is not"
    assert [m.to for m in mail.outbox] == [["manager_b@example.org"], ["manager_a@example.org"]]


def test_escalation_with_a_hostile_name_goes_on(alerts, cast, time_machine):
    cast["inspector"].email = "inspector@example.org"
    cast["inspector"].save()
    time_machine.move_to(timezone.now() + timedelta(days=30), tick=False)
    assert escalate_stale_alerts() == 2
    assert escalate_stale_alerts() == 0
    assert all("\n" not in message.subject for message in mail.outbox)
