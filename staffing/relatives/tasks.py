"""Nightly: staff who share a household address with a person receiving assistance, flagged for
review. The name keeps its `staffing.tasks.*` form."""
from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="staffing.tasks.relative_review_scan")
def relative_review_scan() -> int:
    return services.relative_review_scan(today=timezone.localdate())
