"""Telling users what happened to their own work (the apps above call `notify`), and marking it read.

Each user row keeps the number of their unread notifications (User.unread_notifications), changed in the
same statement's transaction as the notifications themselves, so the header shows it without a query.
"""
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from ..models import Notification, User


@transaction.atomic
def notify(*, users: Iterable[User], kind: str, values: dict, link: str) -> int:
    """One unread notification per active user (each once), written with the change that caused it: the
    caller's transaction, so a change rolled back tells no one."""
    recipients = {user.pk for user in users if user is not None and user.is_active}
    Notification.objects.bulk_create(Notification(user_id=pk, kind=kind, values=values, link=link) for pk in recipients)
    User.objects.filter(pk__in=recipients).update(unread_notifications=F("unread_notifications") + 1)
    return len(recipients)


@transaction.atomic
def notification_open(*, user: User, notification: Notification) -> str:
    """Mark a notification read and give the path it points to."""
    if Notification.objects.filter(pk=notification.pk, user=user, read_at__isnull=True).update(read_at=timezone.now()):
        User.objects.filter(pk=user.pk).update(unread_notifications=Greatest(F("unread_notifications") - 1, 0))
    return notification.link


@transaction.atomic
def notifications_mark_read(*, user: User) -> int:
    count = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    User.objects.filter(pk=user.pk).update(unread_notifications=0)
    return count


def alerts_seen(*, user: User) -> None:
    """The user looked at the alert list: alerts opened before now are no longer new to them."""
    User.objects.filter(pk=user.pk).update(alerts_seen_at=timezone.now())


def digest_settings_save(*, user: User, daily: bool, muted: list[str]) -> None:
    """The user's daily digest on or off, and the alert kinds it leaves out."""
    user.digest_daily, user.digest_muted_kinds = daily, sorted(set(muted))
    user.save(update_fields=["digest_daily", "digest_muted_kinds"])
