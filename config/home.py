"""The home page: one glance answers "am I all right?" for each role (see UI.md).

It composes the apps' selectors, so it lives with the project rather than in any one app.
"""
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.shortcuts import render
from django.utils import timezone

from accounts.models import Role
from facilities.models import AlertKind, FacilityStatus
from facilities.scoping import alerts_visible_to, facilities_visible_to
from residents.selectors import PersonFilters, person_list
from staffing.compliance import compliance_preview, fte_text
from staffing.models import ComplianceStatus
from staffing.selectors import snapshots_in_scope


@login_required
def home(request):
    user = request.user
    if user.role == Role.ADMIN:
        return render(request, "home/admin.html", {})
    if user.role == Role.MANAGER:
        return _manager(request)
    return _regional(request)


def _manager(request):
    today = timezone.localdate()
    facilities = list(
        facilities_visible_to(request.user).exclude(status=FacilityStatus.CLOSED).select_related("region").annotate(
            residents=Count("stays", filter=Q(stays__ended_on__isnull=True))
        ).order_by("name")
    )
    cards = []
    for facility in facilities:
        snapshot = compliance_preview(day=today, facility_id=facility.pk)
        cards.append({
            "facility": facility, "snapshot": snapshot,
            "actual": fte_text(snapshot.actual) if snapshot else "", "gap": fte_text(snapshot.gap) if snapshot else "",
        })
    due = person_list(user=request.user, filters=PersonFilters(in_care=True), today=today).filter(
        Q(assessment_due_on__isnull=True) | Q(assessment_due_on__lte=today + timedelta(days=30))
    ).order_by("assessment_due_on", "name")[:20]
    alerts = alerts_visible_to(request.user).filter(resolved_at__isnull=True).select_related("facility")[:10]
    return render(request, "home/manager.html", {"cards": cards, "due": due, "alerts": alerts, "today": today})


def _regional(request):
    today = timezone.localdate()
    visible = facilities_visible_to(request.user)
    summary = visible.exclude(status=FacilityStatus.CLOSED).aggregate(
        total=Count("id"), beds=Sum("bed_capacity"),
    )
    snapshots = snapshots_in_scope(user=request.user, day=today).values("status").annotate(n=Count("id"))
    by_status = {row["status"]: row["n"] for row in snapshots}
    open_alerts = dict(
        alerts_visible_to(request.user).filter(resolved_at__isnull=True).values_list("kind").annotate(n=Count("id")).order_by()
    )
    return render(request, "home/regional.html", {
        "today": today,
        "summary": summary,
        "below": by_status.get(ComplianceStatus.BELOW, 0),
        "no_data": by_status.get(ComplianceStatus.NO_DATA, 0),
        "compliant": by_status.get(ComplianceStatus.COMPLIANT, 0),
        "computed": bool(by_status),
        "alerts": [
            {"kind": kind, "label": AlertKind(kind).label, "n": open_alerts.get(kind, 0)}
            for kind in AlertKind.values if open_alerts.get(kind)
        ],
    })
