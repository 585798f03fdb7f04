"""Staffing compliance: nightly for every facility, and right after a change for one facility; the
nightly flagging of possible undeclared relatives."""
from celery import shared_task
from django.utils import timezone

from . import relatives
from .compliance import compliance_compute
from .notifications import escalate_stale_alerts, notify_managers_of_new_alerts


@shared_task
def compliance_nightly() -> dict:
    snapshots = compliance_compute(day=timezone.localdate())
    return {"facilities": len(snapshots), "notified": notify_managers_of_new_alerts(), "escalated": escalate_stale_alerts()}


@shared_task
def compliance_for_facility(*, facility_id: int) -> str:
    snapshots = compliance_compute(day=timezone.localdate(), facility_ids=[facility_id])
    notify_managers_of_new_alerts()
    return snapshots[0].status if snapshots else ""


@shared_task
def relative_review_scan() -> int:
    """Nightly: staff who share a household address with a person receiving assistance, flagged for review."""
    return relatives.relative_review_scan(today=timezone.localdate())
