"""Scans for alerts about people: nightly for everyone, and right after a change for the place it touched."""
from celery import shared_task
from django.utils import timezone

from . import scans


@shared_task
def scan_residents() -> dict:
    today = timezone.localdate()
    return {
        "assessments": scans.scan_assessments(today=today),
        "visits": scans.scan_visits(today=today),
        "duplicates": scans.scan_duplicate_enrolment(),
        "capacity": scans.scan_capacity(),
    }


@shared_task
def scan_after_change(*, facility_id: int | None = None, person_id: int | None = None) -> None:
    today = timezone.localdate()
    if facility_id is not None:
        scans.scan_assessments(today=today, facility_id=facility_id)
        scans.scan_capacity(facility_id=facility_id)
    if person_id is not None:
        scans.scan_visits(today=today, person_id=person_id)
        scans.scan_duplicate_enrolment(person_id=person_id)
