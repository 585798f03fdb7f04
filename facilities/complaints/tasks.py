"""Complaints past their acknowledgement or conclusion deadline (投诉举报限时办结): nightly for every
open complaint, and for one right after it changes. Names keep their `facilities.tasks.*` form."""
from celery import shared_task
from django.utils import timezone

from . import scans


@shared_task(name="facilities.tasks.scan_complaints")
def scan_complaints() -> tuple[int, int]:
    return scans.scan_complaints(today=timezone.localdate())


@shared_task(name="facilities.tasks.scan_complaint")
def scan_complaint(*, complaint_id: int) -> tuple[int, int]:
    return scans.scan_complaints(today=timezone.localdate(), complaint_ids=[complaint_id])
