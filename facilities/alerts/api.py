"""The alerts API: alerts in the user's scope, and acknowledgement by the region's inspectors.

The list and the single fetch go through facilities.scoping.alerts_visible_to (an alert out of
scope is a 404); acknowledgement goes through facilities.alerts.services.alert_acknowledge, which refuses
everyone but the region's inspectors (403) and an empty note (422).
"""
from django.core.exceptions import ValidationError
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.http import Http404
from ninja import Query, Router
from ninja.pagination import paginate

from common.pagination import LimitOffsetPagination

from ..models import Alert, Severity
from ..rules import region_scope_prefix
from ..scoping import alerts_visible_to
from .schemas import AcknowledgeIn, AlertFilterIn, AlertOut
from .services import alert_acknowledge

router = Router(tags=["alerts"])

# Critical before warning, whatever the values sort like as text.
_SEVERITY_RANK = Case(When(severity=Severity.CRITICAL, then=Value(0)), default=Value(1), output_field=IntegerField())


def alert_list(*, user, filters: AlertFilterIn) -> QuerySet[Alert]:
    """Open alerts first (most severe, newest), then resolved ones, most recently resolved first."""
    alerts = alerts_visible_to(user).select_related("region", "facility", "acknowledged_by")
    if filters.state == "open":
        alerts = alerts.filter(resolved_at__isnull=True)
    elif filters.state == "resolved":
        alerts = alerts.filter(resolved_at__isnull=False)
    if filters.kind:
        alerts = alerts.filter(kind=filters.kind)
    if filters.facility_id is not None:
        alerts = alerts.filter(facility_id=filters.facility_id)
    if filters.region:
        try:
            prefix = region_scope_prefix(filters.region)
        except ValueError as exc:
            raise ValidationError({"region": str(exc)}) from exc
        alerts = alerts.filter(region__code__startswith=prefix)
    return alerts.order_by(F("resolved_at").desc(nulls_first=True), _SEVERITY_RANK, "-opened_at", "-id")


def alert_get_for_user(*, user, alert_id: int) -> Alert:
    alert = alerts_visible_to(user).select_related("region", "facility").filter(pk=alert_id).first()
    if alert is None:
        raise Http404("alert")
    return alert


@router.get("", response=list[AlertOut], summary="预警列表 / alerts in scope")
@paginate(LimitOffsetPagination)
def list_alerts(request, filters: Query[AlertFilterIn]):
    return alert_list(user=request.user, filters=filters)


@router.post("/{int:alert_id}/acknowledge", response=AlertOut, summary="确认预警 / acknowledge an alert")
def acknowledge(request, alert_id: int, payload: AcknowledgeIn):
    alert = alert_get_for_user(user=request.user, alert_id=alert_id)
    return alert_acknowledge(by=request.user, alert=alert, note=payload.note)
