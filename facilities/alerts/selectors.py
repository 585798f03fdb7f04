"""The alerts a reader is shown: the one read behind the alerts page, the API's list and the home pages'
counts, so all three agree."""
from django.core.exceptions import ValidationError
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, When

from common.bilingual import rule_message

from ..models import Alert, AlertKind, Severity
from ..scoping import alerts_visible_to
from ..selectors import region_code_q


def alerts_in_display_order(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """Open alerts first, critical before warning, newest first (the order of alert_display_order_idx)."""
    return alerts.order_by(
        F("resolved_at").desc(nulls_first=True),
        Case(When(severity=Severity.CRITICAL, then=0), default=1),
        "-opened_at", "-id",
    )


def alerts_shown_to(user) -> QuerySet[Alert]:
    """The reader's alerts, a person counted twice shown once.

    Each facility keeps its own open alert for a carer counted in several (its manager acts on its own
    roster, and the other facility may lie outside an inspector's county); a reader who sees more than
    one of them is shown the first, whose message names every facility.
    """
    visible = alerts_visible_to(user)
    earlier = visible.filter(
        kind=AlertKind.STAFF_DOUBLE_COUNTED, subject=OuterRef("subject"), resolved_at__isnull=True, pk__lt=OuterRef("pk"),
    )
    return visible.exclude(Q(kind=AlertKind.STAFF_DOUBLE_COUNTED, resolved_at__isnull=True) & Exists(earlier))


def alert_list(*, user, state: str = "open", kind: str = "", facility_id: int | None = None, region: str = "") -> QuerySet[Alert]:
    """Open alerts first (critical, newest), then resolved ones. An abolished county's code also finds
    what moved to its successors; a malformed code is a ValidationError on `region`."""
    alerts = alerts_shown_to(user).select_related("region", "facility", "acknowledged_by")
    if state == "open":
        alerts = alerts.filter(resolved_at__isnull=True)
    elif state == "resolved":
        alerts = alerts.filter(resolved_at__isnull=False)
    if kind:
        alerts = alerts.filter(kind=kind)
    if facility_id is not None:
        alerts = alerts.filter(facility_id=facility_id)
    if region:
        try:
            alerts = alerts.filter(region_code_q(region))
        except ValueError as exc:
            raise ValidationError({"region": rule_message(str(exc))}) from exc
    return alerts_in_display_order(alerts)



def new_alerts_count(user) -> int:
    """Open alerts the reader has not seen: opened since they last looked at the alert list."""
    alerts = alerts_shown_to(user).filter(resolved_at__isnull=True)
    if user.alerts_seen_at is not None:
        alerts = alerts.filter(opened_at__gt=user.alerts_seen_at)
    return alerts.count()
