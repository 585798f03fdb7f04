"""Scans for alerts about inspections and star ratings: nightly for every facility, and for one
facility right after its findings (or ratings) change."""
from celery import shared_task
from django.utils import timezone

from . import inspection_scans


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
