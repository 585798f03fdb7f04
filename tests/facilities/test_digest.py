"""The daily e-mail digest: new alerts in each user's scope by kind, unread notifications, kinds muted by the
user, nothing sent on a quiet day, and the settings page."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db.models import Q
from django.urls import reverse

from accounts.models import NotificationKind, User
from accounts.notifications.services import notify
from facilities.alerts.digest import digest_compose, digests_send
from facilities.alerts.services import AlertSpec, alerts_sync
from facilities.alerts.tasks import send_daily_digests
from facilities.models import AlertKind

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
EVENING = datetime(2026, 12, 31, 20, 0, tzinfo=SHANGHAI)
MORNING = datetime(2027, 1, 1, 7, 30, tzinfo=SHANGHAI)  # New Year's Day: digests go out on holidays too


def _open(kind, facility, subjects, message="需要处理"):
    alerts_sync(kinds=[kind], scope=Q(pk__in=[]), wanted=[
        AlertSpec(kind=kind, region_id=facility.region_id, facility_id=facility.pk, subject=f"person:{n}",
                  subject_label=f"人员{n}", message=message) for n in subjects
    ])


@pytest.fixture
def mailboxes(cast):
    for name in ("inspector", "manager_a", "manager_b", "clerk", "inspector_other"):
        User.objects.filter(pk=cast[name].pk).update(email=f"{name}@example.org")


@pytest.fixture
def evening_alerts(facilities, time_machine):
    time_machine.move_to(EVENING, tick=False)
    _open(AlertKind.ASSESSMENT_MISSING, facilities["a"], [1, 2], message="张三 尚未评估")
    _open(AlertKind.ROUND_GAP, facilities["b"], [3])
    time_machine.move_to(MORNING, tick=False)


def test_each_user_hears_of_the_new_alerts_of_their_own_scope_by_kind(cast, mailboxes, evening_alerts):
    assert send_daily_digests() == 4  # the county's inspector and clerk, and the two managers; not another province
    by_user = {message.to[0]: message for message in mail.outbox}
    assert set(by_user) == {"inspector@example.org", "clerk@example.org", "manager_a@example.org",
                            "manager_b@example.org"}
    inspector = by_user["inspector@example.org"]
    assert inspector.subject == "【每日摘要】新增预警 3 条，未读通知 0 条"
    assert "未做生活自理能力评估：2 条" in inspector.body and "巡查或交接班缺漏：1 条" in inspector.body
    assert "自 2026-12-31 07:30 以来" in inspector.body
    assert "http://127.0.0.1:8000/notifications/settings/" in inspector.body
    manager_a = by_user["manager_a@example.org"].body
    assert "未做生活自理能力评估：2 条" in manager_a and "巡查或交接班缺漏" not in manager_a
    assert "张三" not in inspector.body and facilities_named_nowhere(inspector.body)


def facilities_named_nowhere(body: str) -> bool:
    return "敬老院" not in body and "服务中心" not in body


def test_the_next_morning_tells_only_what_is_new_since(cast, facilities, mailboxes, evening_alerts, time_machine):
    send_daily_digests()
    mail.outbox.clear()
    time_machine.move_to(MORNING + timedelta(days=1), tick=False)
    assert send_daily_digests() == 0 and mail.outbox == []  # a quiet day: nothing sent
    time_machine.move_to(MORNING + timedelta(days=1, hours=3), tick=False)
    _open(AlertKind.OVER_CAPACITY, facilities["a"], [9])
    time_machine.move_to(MORNING + timedelta(days=2), tick=False)
    send_daily_digests()
    inspector = next(message for message in mail.outbox if message.to == ["inspector@example.org"])
    assert "入住人数超过床位：1 条" in inspector.body and "未做生活自理能力评估" not in inspector.body
    assert "目前未解除的预警共 4 条" in inspector.body


def test_muted_kinds_are_left_out_and_a_user_may_stop_the_digest(cast, mailboxes, evening_alerts):
    User.objects.filter(pk=cast["inspector"].pk).update(digest_muted_kinds=[AlertKind.ASSESSMENT_MISSING])
    User.objects.filter(pk=cast["manager_b"].pk).update(digest_daily=False)
    send_daily_digests()
    by_user = {message.to[0]: message.body for message in mail.outbox}
    assert "manager_b@example.org" not in by_user
    assert "巡查或交接班缺漏：1 条" in by_user["inspector@example.org"]
    assert "未做生活自理能力评估" not in by_user["inspector@example.org"]


def test_unread_notifications_alone_make_a_digest(cast, mailboxes, time_machine):
    time_machine.move_to(MORNING, tick=False)
    notify(users=[cast["clerk"]], kind=NotificationKind.BATCH_RETURNED,
           values={"month": "2026-12", "payer": "董志镇", "reason": "核对"}, link="/")
    assert digests_send(now=MORNING) == 1
    assert mail.outbox[0].to == ["clerk@example.org"] and "您有 1 条未读通知" in mail.outbox[0].body


def test_a_refused_address_is_tried_again_the_next_morning(cast, mailboxes, evening_alerts, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("facilities.alerts.digest.send_mail", refuse)
    assert send_daily_digests() == 0
    inspector = User.objects.get(pk=cast["inspector"].pk)
    assert inspector.digest_sent_at is None
    assert digest_compose(inspector, now=MORNING).new_by_kind  # still to be told


def test_users_without_an_address_or_inactive_get_nothing(cast, evening_alerts):
    User.objects.filter(pk=cast["manager_a"].pk).update(email="m@example.org", is_active=False)
    assert send_daily_digests() == 0 and mail.outbox == []


def test_the_settings_page_saves_the_choice(cast, login):
    client = login(cast["inspector"])
    page = client.get(reverse("notification_settings")).content.decode()
    assert "没有登记邮箱" in page and 'value="round_gap"' in page
    kinds = [kind for kind in AlertKind.values if kind != AlertKind.ROUND_GAP]
    response = client.post(reverse("notification_settings"), {"daily": "on", "kinds": kinds})
    assert response.status_code == 302
    user = User.objects.get(pk=cast["inspector"].pk)
    assert user.digest_daily and user.digest_muted_kinds == [AlertKind.ROUND_GAP]
    page = client.get(reverse("notification_settings")).content.decode()
    assert 'value="round_gap" class="form-check-input" id' in page and "已保存邮件摘要设置" in page
    client.post(reverse("notification_settings"), {"kinds": kinds})
    assert not User.objects.get(pk=cast["inspector"].pk).digest_daily
    assert client.post(reverse("notification_settings"), {"kinds": ["nonsense"]}).status_code == 200
    assert not User.objects.get(pk=cast["inspector"].pk).digest_daily
