"""The alerts API: alerts in the user's scope, and acknowledgement by the region's inspectors.

The list and the single fetch go through facilities.scoping.alerts_visible_to (an alert out of
scope is a 404); acknowledgement goes through facilities.alerts.services.alert_acknowledge, which refuses
everyone but the region's inspectors (403) and an empty note (422).
"""
from django.http import Http404
from ninja import Query, Router
from ninja.pagination import paginate

from common.pagination import LimitOffsetPagination

from ..models import Alert
from ..scoping import alerts_visible_to
from .schemas import AcknowledgedOut, AcknowledgeIn, AcknowledgeManyIn, AlertFilterIn, AlertOut
from .selectors import alert_list
from .services import alert_acknowledge, alerts_acknowledge

router = Router(tags=["alerts"])

def alert_get_for_user(*, user, alert_id: int) -> Alert:
    alert = alerts_visible_to(user).select_related("region", "facility").filter(pk=alert_id).first()
    if alert is None:
        raise Http404("alert")
    return alert


@router.get("", response=list[AlertOut], summary="预警列表 / alerts in scope")
@paginate(LimitOffsetPagination)
def list_alerts(request, filters: Query[AlertFilterIn]):
    return alert_list(
        user=request.user, state=filters.state, kind=filters.kind or "", facility_id=filters.facility_id, region=filters.region or "",
    )


@router.post("/acknowledge", response=AcknowledgedOut, summary="批量确认预警 / acknowledge several alerts with one note")
def acknowledge_many(request, payload: AcknowledgeManyIn):
    """All or none: an id out of scope is a 422 naming `alerts`, a reader who may not acknowledge a 403.
    Alerts acknowledged before keep their note and are counted in `skipped`."""
    return alerts_acknowledge(by=request.user, alert_ids=payload.alert_ids, note=payload.note)


@router.post("/{int:alert_id}/acknowledge", response=AlertOut, summary="确认预警 / acknowledge an alert")
def acknowledge(request, alert_id: int, payload: AcknowledgeIn):
    alert = alert_get_for_user(user=request.user, alert_id=alert_id)
    return alert_acknowledge(by=request.user, alert=alert, note=payload.note)
