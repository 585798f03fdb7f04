"""Scans for alerts about people: nightly for everyone, and right after a change for the place it touched."""
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from common.enqueue import enqueue
from common.reactions import care_changed

from . import scans


@shared_task
def scan_residents() -> dict:
    today = timezone.localdate()
    return {
        "assessments": scans.scan_assessments(today=today),
        "visits": scans.scan_visits(today=today),
        "duplicates": scans.scan_duplicate_enrolment(),
        "capacity": scans.scan_capacity(),
        "safety": scans.scan_safety_reviews(today=today),
        "rounds": scans.scan_round_gaps(day=today - timedelta(days=1)),
    }


@shared_task
def scan_after_change(*, facility_ids: list[int], person_ids: list[int]) -> None:
    today = timezone.localdate()
    if facility_ids:
        scans.scan_assessments(today=today, facility_ids=facility_ids)
        scans.scan_capacity(facility_ids=facility_ids)
        scans.scan_safety_reviews(today=today, facility_ids=facility_ids)
        for task in care_changed.receivers():
            for facility_id in facility_ids:
                enqueue(task, facility_id=facility_id)
    if person_ids:
        scans.scan_visits(today=today, person_ids=person_ids)
        scans.scan_duplicate_enrolment(person_ids=person_ids)
