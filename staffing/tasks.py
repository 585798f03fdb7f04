"""Staffing compliance: nightly for every facility, and right after a change for one facility. The
relatives' nightly scan lives in its package and is listed here for the worker's autodiscovery."""
from celery import shared_task
from django.utils import timezone

from .compliance import compliance_compute
from .notifications import escalate_stale_alerts, notify_managers_of_new_alerts
from .relatives.tasks import relative_review_scan


@shared_task
def compliance_nightly() -> dict:
    snapshots = compliance_compute(day=timezone.localdate())
    return {"facilities": len(snapshots), "notified": notify_managers_of_new_alerts(), "escalated": escalate_stale_alerts()}


@shared_task
def compliance_for_facility(*, facility_id: int) -> str:
    snapshots = compliance_compute(day=timezone.localdate(), facility_ids=[facility_id])
    notify_managers_of_new_alerts()
    return snapshots[0].status if snapshots else ""


__all__ = ["compliance_for_facility", "compliance_nightly", "relative_review_scan"]
