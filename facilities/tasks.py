"""Scans for alerts about inspections, star ratings and complaints: nightly for every facility (and
every open complaint), and for one facility or complaint right after it changes."""
from celery import shared_task
from django.utils import timezone

from . import complaint_scans, inspection_scans


@shared_task
def scan_facilities() -> dict:
    today = timezone.localdate()
    return {
        "rectifications": inspection_scans.scan_rectifications(today=today),
        "ratings": inspection_scans.scan_ratings(today=today),
    }


@shared_task
def scan_rectifications_for_facility(*, facility_id: int) -> tuple[int, int]:
    return inspection_scans.scan_rectifications(today=timezone.localdate(), facility_ids=[facility_id])


@shared_task
def scan_ratings_for_facility(*, facility_id: int) -> tuple[int, int]:
    """For the rating service to enqueue after a rating is recorded (the nightly scan covers it otherwise)."""
    return inspection_scans.scan_ratings(today=timezone.localdate(), facility_ids=[facility_id])


@shared_task
def scan_complaints() -> tuple[int, int]:
    """Nightly: complaints past their acknowledgement or conclusion deadline (投诉举报限时办结)."""
    return complaint_scans.scan_complaints(today=timezone.localdate())


@shared_task
def scan_complaint(*, complaint_id: int) -> tuple[int, int]:
    return complaint_scans.scan_complaints(today=timezone.localdate(), complaint_ids=[complaint_id])
