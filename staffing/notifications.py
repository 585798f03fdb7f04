"""E-mail about staffing alerts: the facility's managers when opened, the region's inspectors when
an alert stays open longer than the region's escalation period.

Each alert is its own message with a one-line subject (`common.mail_text.header_text`); a message
that cannot be sent is logged and its alert left unmarked for the next run, and the others still go
and are marked: one bad record never stops the scan."""
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from accounts.models import Role, User
from common.mail_text import header_text
from facilities.models import Alert, AlertKind
from facilities.rules import region_ancestors
from facilities.selectors import region_policies

STAFFING_KINDS = [AlertKind.STAFFING_BELOW, AlertKind.STAFFING_NO_DATA, AlertKind.STAFF_DOUBLE_COUNTED]
logger = logging.getLogger(__name__)


def _send(alert, subject: str, body: str, recipients: list[str]) -> bool:
    """Send one alert's message; False (logged) when it cannot be sent."""
    try:
        send_mail(header_text(subject), body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
    except Exception:  # any failure of one message (bad header, SMTP refusal) must not stop the others
        logger.exception("staffing alert %s: e-mail not sent", alert.pk)
        return False
    return True


def notify_managers_of_new_alerts() -> int:
    """Tell each facility's managers about its newly opened staffing alerts; returns messages sent."""
    alerts = list(
        Alert.objects.filter(kind__in=STAFFING_KINDS, resolved_at__isnull=True, notified_at__isnull=True, facility__isnull=False)
        .select_related("facility")
    )
    managers: dict[int, list[str]] = {}
    for user in User.objects.filter(
        is_active=True, role=Role.MANAGER, facility_assignments__facility_id__in=[a.facility_id for a in alerts]
    ).exclude(email="").values("email", "facility_assignments__facility_id"):
        managers.setdefault(user["facility_assignments__facility_id"], []).append(user["email"])
    sent, done = 0, []
    for alert in alerts:
        recipients = managers.get(alert.facility_id)
        if recipients:
            if not _send(alert, f"【预警】{alert.facility.name}：{alert.get_kind_display()}",
                         f"{alert.message}\n\n请登录系统查看并处理。", recipients):
                continue
            sent += 1
        done.append(alert.pk)
    Alert.objects.filter(pk__in=done).update(notified_at=timezone.now())
    return sent


def escalate_stale_alerts() -> int:
    """Alerts open longer than the region's escalation days go to the region's inspectors."""
    now = timezone.now()
    alerts = list(
        Alert.objects.filter(kind__in=STAFFING_KINDS, resolved_at__isnull=True, escalated_at__isnull=True)
        .select_related("facility")
    )
    policies = region_policies(region_codes=[a.region_id for a in alerts], on=timezone.localdate())
    due = [a for a in alerts if a.opened_at <= now - timedelta(days=policies[a.region_id].alert_escalation_days)]
    scopes = {code for a in due for code in region_ancestors(a.region_id)}
    inspectors: dict[str, list[str]] = {}
    for user in User.objects.filter(is_active=True, role=Role.INSPECTOR, region_code__in=scopes).exclude(email=""):
        inspectors.setdefault(user.region_code, []).append(user.email)
    sent, done = 0, []
    for alert in due:
        recipients = sorted({email for code in region_ancestors(alert.region_id) for email in inspectors.get(code, [])})
        if recipients:
            days = (now - alert.opened_at).days
            if not _send(
                alert,
                f"【升级】{alert.facility.name if alert.facility else alert.region_id}：{alert.get_kind_display()}已持续 {days} 天",
                f"{alert.message}\n\n该预警已持续 {days} 天未解除，请督促整改并在系统中确认。", recipients,
            ):
                continue
            sent += 1
        done.append(alert.pk)
    Alert.objects.filter(pk__in=done).update(escalated_at=now)
    return sent
