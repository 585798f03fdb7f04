"""The app's Celery tasks, where the worker's autodiscovery finds them; each lives in its package."""
from .alerts.tasks import send_daily_digests
from .complaints.tasks import scan_complaint, scan_complaints
from .inspections.tasks import scan_facilities, scan_ratings_for_facility, scan_rectifications_for_facility
from .working_days.tasks import recount_working_day_deadlines

__all__ = [
    "recount_working_day_deadlines", "scan_complaint", "scan_complaints", "scan_facilities",
    "scan_ratings_for_facility", "scan_rectifications_for_facility", "send_daily_digests",
]
