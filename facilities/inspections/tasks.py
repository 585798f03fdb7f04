"""Scans for alerts about rectifications and star ratings: nightly for every facility, and for one
facility right after it changes. Task names keep their historical `facilities.tasks.*` form (the beat
schedule and queued messages name them)."""
from celery import shared_task
from django.utils import timezone

from . import scans


@shared_task(name="facilities.tasks.scan_facilities")
def scan_facilities() -> dict:
    today = timezone.localdate()
    return {
        "rectifications": scans.scan_rectifications(today=today),
        "major_hazards": scans.scan_major_hazards(today=today),
        "ratings": scans.scan_ratings(today=today),
    }


@shared_task(name="facilities.tasks.scan_rectifications_for_facility")
def scan_rectifications_for_facility(*, facility_id: int) -> dict:
    """After a finding of the facility changes: its overdue rectifications and its major hazards."""
    today = timezone.localdate()
    return {
        "rectifications": scans.scan_rectifications(today=today, facility_ids=[facility_id]),
        "major_hazards": scans.scan_major_hazards(today=today, facility_ids=[facility_id]),
    }


@shared_task(name="facilities.tasks.scan_ratings_for_facility")
def scan_ratings_for_facility(*, facility_id: int) -> tuple[int, int]:
    """For the rating service to enqueue after a rating is recorded (the nightly scan covers it otherwise)."""
    return scans.scan_ratings(today=timezone.localdate(), facility_ids=[facility_id])
