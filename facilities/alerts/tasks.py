"""The alerts' periodic work."""
from celery import shared_task
from django.utils import timezone

from .digest import digests_send


@shared_task
def send_daily_digests() -> int:
    """Each user's morning e-mail: new alerts in their scope by kind, and their unread notifications."""
    return digests_send(now=timezone.now())
