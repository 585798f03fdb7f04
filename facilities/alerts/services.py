"""Opening, resolving and acknowledging alerts.

Scans describe the alerts that should be open now; `alerts_sync` makes the table match in a
fixed number of queries: it opens what is missing, refreshes what is open, and resolves the rest
within the scan's scope. Running it twice changes nothing.
"""
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_update_with_history

from ..models import Alert, AlertKind, Severity
from ..scoping import alerts_visible_to, can_acknowledge_alert

# A page of the alerts list holds 50; the API caps a request at four pages.
MAX_ACKNOWLEDGED_AT_ONCE = 200


@dataclass(frozen=True)
class AcknowledgedAlerts:
    acknowledged: int
    skipped: int


@dataclass(frozen=True)
class AlertSpec:
    kind: str
    region_id: str
    message: str
    facility_id: int | None = None
    subject: str = ""
    subject_label: str = ""
    severity: str = Severity.WARNING
    details: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        place = f"f{self.facility_id}" if self.facility_id else f"r{self.region_id}"
        return f"{self.kind}|{place}|{self.subject}"


@transaction.atomic
def alerts_sync(*, kinds: list[str], scope: Q, wanted: list[AlertSpec]) -> tuple[int, int]:
    """Make open alerts of `kinds` within `scope` equal `wanted`; returns (opened, resolved)."""
    now = timezone.now()
    open_alerts = {a.key: a for a in Alert.objects.select_for_update().filter(scope, kind__in=kinds, resolved_at__isnull=True)}
    wanted_by_key = {spec.key: spec for spec in wanted}
    new = [
        Alert(
            key=spec.key, kind=spec.kind, severity=spec.severity, region_id=spec.region_id,
            facility_id=spec.facility_id, subject=spec.subject, subject_label=spec.subject_label[:100],
            message=spec.message[:300], details=spec.details,
        )
        for key, spec in wanted_by_key.items()
        if key not in open_alerts
    ]
    Alert.objects.bulk_create(new)
    changed = []
    for key, alert in open_alerts.items():
        spec = wanted_by_key.get(key)
        if spec is None:
            continue
        if (alert.message, alert.details, alert.severity) != (spec.message[:300], spec.details, spec.severity):
            alert.message, alert.details, alert.severity = spec.message[:300], spec.details, spec.severity
            changed.append(alert)
    Alert.objects.bulk_update(changed, ["message", "details", "severity"])
    gone = [alert.pk for key, alert in open_alerts.items() if key not in wanted_by_key]
    Alert.objects.filter(pk__in=gone).update(resolved_at=now)
    return len(new), len(gone)


@transaction.atomic
def alert_acknowledge(*, by, alert: Alert, note: str) -> Alert:
    """One alert, with the reader's other open alerts for the same person counted twice (shown as one)."""
    done = alerts_acknowledge(by=by, alert_ids=[alert.pk], note=note)
    alert = Alert.objects.select_related("acknowledged_by").get(pk=alert.pk)
    if done.skipped:
        raise ValidationError({"note": _("该预警已由 %(name)s 确认") % {"name": alert.acknowledged_by.full_name}})
    return alert


@transaction.atomic
def alerts_acknowledge(*, by, alert_ids: list[int], note: str) -> AcknowledgedAlerts:
    """Several alerts with one note, all or none. An alert acknowledged before keeps its own note (it is
    counted as skipped, not overwritten); an alert the reader cannot see or may not acknowledge refuses
    the whole request."""
    note, ids = note.strip(), set(alert_ids)
    errors = {}
    if not note:
        errors["note"] = _("请填写确认说明")
    if not ids:
        errors["alerts"] = _("请至少选择一条预警")
    elif len(ids) > MAX_ACKNOWLEDGED_AT_ONCE:
        errors["alerts"] = _("一次最多确认 %(n)s 条预警") % {"n": MAX_ACKNOWLEDGED_AT_ONCE}
    if errors:
        raise ValidationError(errors)
    visible = alerts_visible_to(by).select_for_update()
    chosen = list(visible.filter(pk__in=ids))
    if len(chosen) != len(ids):
        raise ValidationError({"alerts": _("所选预警有的不存在或不在您的范围内")})
    if not all(can_acknowledge_alert(by, alert) for alert in chosen):
        raise PermissionDenied(_("您无权确认该预警"))
    twice = {alert.subject for alert in chosen if alert.kind == AlertKind.STAFF_DOUBLE_COUNTED and alert.resolved_at is None}
    siblings = visible.filter(kind=AlertKind.STAFF_DOUBLE_COUNTED, subject__in=twice, resolved_at__isnull=True).exclude(pk__in=ids)
    now = timezone.now()
    pending = [
        alert for alert in chosen + [s for s in siblings if can_acknowledge_alert(by, s)] if alert.acknowledged_at is None
    ]
    for alert in pending:
        alert.acknowledged_by, alert.acknowledged_at, alert.acknowledgement_note = by, now, note[:300]
    bulk_update_with_history(
        pending, Alert, ["acknowledged_by", "acknowledged_at", "acknowledgement_note"], default_user=by,
    )
    return AcknowledgedAlerts(acknowledged=len(pending), skipped=sum(alert.acknowledged_at != now for alert in chosen))
