"""Opening, resolving and acknowledging alerts.

Scans describe the alerts that should be open now; `alerts_sync` makes the table match in a
fixed number of queries: it opens what is missing, refreshes what is open, and resolves the rest
within the scan's scope. Running it twice changes nothing.
"""
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Alert, Severity
from ..scoping import can_acknowledge_alert


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
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if not can_acknowledge_alert(by, alert):
        raise PermissionDenied(_("您无权确认该预警"))
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("请填写确认说明")})
    alert.acknowledged_by = by
    alert.acknowledged_at = timezone.now()
    alert.acknowledgement_note = note[:300]
    alert._history_user = by
    alert.save(update_fields=["acknowledged_by", "acknowledged_at", "acknowledgement_note"])
    return alert


def alerts_in_display_order(alerts):
    """Open alerts first, critical before warning, newest first."""
    return alerts.order_by(
        F("resolved_at").desc(nulls_first=True),
        Case(When(severity=Severity.CRITICAL, then=0), default=1),
        "-opened_at",
    )
