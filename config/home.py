"""The home page: one glance answers "am I all right?" for each role (see UI.md).

It composes the apps' selectors, so it lives with the project rather than in any one app.
"""
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.shortcuts import render
from django.utils import timezone

from accounts.selectors import account_actions_by_others
from common.months import months_back
from facilities.alerts.selectors import alerts_in_display_order, alerts_shown_to, new_alerts_count
from facilities.models import AlertKind, FacilityStatus
from facilities.rules import working_day_year_to_enter
from facilities.scoping import (
    facilities_visible_to,
    is_administrator,
    is_facility_manager,
    is_regional_clerk,
)
from facilities.working_days.calendar import WorkingDays
from residents.rules import assessment_status
from residents.selectors import PersonFilters, person_list, without_valid_assessment_q
from staffing.compliance import compliance_preview, fte_text
from staffing.models import ComplianceStatus
from staffing.selectors import snapshots_in_scope
from subsidies.models import BatchStatus
from subsidies.page_selectors import (
    batches_with_declared_relatives,
    item_totals,
    month_batches_by_facility,
    month_status_grid,
    waiting_for_review,
)
from subsidies.selectors import batches_visible_to

from .region_overview import region_overview


@login_required
def home(request):
    user = request.user
    if is_administrator(user):
        known = WorkingDays().known_years
        return render(request, "home/admin.html", {
            "calendar_year_to_enter": working_day_year_to_enter(timezone.localdate(), known),
            "account_actions": account_actions_by_others(user),
        })
    if is_facility_manager(user):
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
    recused = batches_with_declared_relatives(
        user=request.user, batch_ids=[batch.pk for batch in claims.values() if batch.status == BatchStatus.DRAFT],
    )
    cards = []
    for facility in facilities:
        snapshot = compliance_preview(day=today, facility_id=facility.pk)
        cards.append({
            "facility": facility, "snapshot": snapshot, "claim": claims.get(facility.pk),
            "claim_recused": facility.pk in claims and claims[facility.pk].pk in recused,
            "actual": fte_text(snapshot.actual) if snapshot else "", "gap": fte_text(snapshot.gap) if snapshot else "",
        })
    due = [
        {"person": person, "due_on": person.latest_due_on,
         "provisional": person.latest_due_provisional if person.latest_due_on else person.assessment_due_provisional,
         "status": assessment_status(assessed_on=person.latest_assessed_on, due_on=person.latest_due_on, on=today).value}
        for person in person_list(user=request.user, filters=PersonFilters(in_care=True), today=today).filter(
            without_valid_assessment_q(today) | Q(latest_due_on__lte=today + timedelta(days=30))
        ).order_by("latest_due_on", "name")[:20]
    ]
    alerts = alerts_in_display_order(alerts_shown_to(request.user).filter(resolved_at__isnull=True)).select_related("facility")[:10]
    return render(request, "home/manager.html", {
        "new_alerts": new_alerts_count(request.user),
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
        alerts_shown_to(request.user).filter(resolved_at__isnull=True).values_list("kind").annotate(n=Count("id")).order_by()
    )
    return render(request, "home/regional.html", {
        "new_alerts": new_alerts_count(request.user),
        "today": today,
        "overview": region_overview(user=request.user, today=today),
        "claims": _clerk_claims(request.user, today) if is_regional_clerk(request.user) else None,
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
