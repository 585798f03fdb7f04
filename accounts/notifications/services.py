"""Telling users what happened to their own work (the apps above call `notify`), and marking it read."""
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from ..models import Notification, User


def notify(*, users: Iterable[User], kind: str, values: dict, link: str) -> int:
    """One unread notification per active user (each once), written with the change that caused it: the
    caller's transaction, so a change rolled back tells no one."""
    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    Notification.objects.bulk_create(
        Notification(user_id=pk, kind=kind, values=values, link=link) for pk in recipients
    )
    return len(recipients)


@transaction.atomic
def notification_open(*, user: User, notification: Notification) -> str:
    """Mark a notification read and give the path it points to."""
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, user=user, read_at__isnull=True).update(read_at=timezone.now())
    return notification.link


def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def alerts_seen(*, user: User) -> None:
    """The user looked at the alert list: alerts opened before now are no longer new to them."""
    User.objects.filter(pk=user.pk).update(alerts_seen_at=timezone.now())
