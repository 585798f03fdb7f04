"""Scans for alerts about inspections, star ratings and complaints: nightly for every facility (and
every open complaint), and for one facility or complaint right after it changes. Deadlines in
working days counted again after the working-day calendar changes."""
from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from . import complaint_scans, inspection_scans, workdays


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


@shared_task
def recount_working_day_deadlines(*, years: list[int] = (), by_id: int | None = None) -> int:
    """After the working-day calendar of `years` changed: the open deadlines that reach them, and
    every provisional one (nightly, with no years, in case a change's task never ran)."""
    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    return workdays.deadlines_recount(years=years, by=by)
