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
from subsidies.generation import months_back
from subsidies.page_selectors import item_totals, month_batches_by_facility, month_status_grid, waiting_for_review
from subsidies.selectors import batches_visible_to


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
    claims = month_batches_by_facility(user=request.user, month=today.replace(day=1))
    cards = []
    for facility in facilities:
        snapshot = compliance_preview(day=today, facility_id=facility.pk)
        cards.append({
            "facility": facility, "snapshot": snapshot, "claim": claims.get(facility.pk),
            "actual": fte_text(snapshot.actual) if snapshot else "", "gap": fte_text(snapshot.gap) if snapshot else "",
        })
    due = person_list(user=request.user, filters=PersonFilters(in_care=True), today=today).filter(
        Q(assessment_due_on__isnull=True) | Q(assessment_due_on__lte=today + timedelta(days=30))
    ).order_by("assessment_due_on", "name")[:20]
    alerts = alerts_visible_to(request.user).filter(resolved_at__isnull=True).select_related("facility")[:10]
    return render(request, "home/manager.html", {
        "cards": cards, "due": due, "alerts": alerts, "today": today, "month": today.replace(day=1),
    })


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
        "claims": _clerk_claims(request.user, today) if request.user.role == Role.CLERK else None,
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


def _clerk_claims(user, today):
    """The clerk's month: batch statuses this month and the two before, what waits for review, totals by item."""
    month = today.replace(day=1)
    months = [month, months_back(month, 1), months_back(month, 2)]
    grid = month_status_grid(batches=batches_visible_to(user), months=months)
    this_month = {cell["status"]: cell["n"] for cell in grid[0]["cells"]}
    totals = item_totals(user=user, month=month)
    waiting_count, waiting = waiting_for_review(user=user)
    return {
        "month": month,
        "grid": grid,
        "generated": grid[0]["total"],
        "drafts": this_month["draft"] + this_month["returned"],
        "waiting": waiting,
        "waiting_count": waiting_count,
        "totals": totals,
        "total": sum((row["total"] for row in totals), 0),
    }
