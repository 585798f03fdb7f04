"""Staffing pages: the facility panel that explains the number, the staff registry, the region
dashboard for inspectors, and the what-if warning shown on admission and assessment forms."""
from datetime import timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.audit import access_record
from accounts.models import AccessAction
from common.forms import run_service
from common.replica import reads_from_replica
from facilities.scoping import can_act_for_facility
from facilities.selectors import facility_get_for_user, region_policy

from . import services
from .compliance import compliance_preview, fte_text
from .exports import compliance_csv
from .forms import EmploymentForm, EndEmploymentForm, LeaveForm
from .models import ComplianceStatus, StaffRole
from .rules import StaffRatios, explain_required_staff
from .selectors import (
    by_county,
    compliance_series,
    days_below_in_scope,
    employment_get_for_user,
    employments_for_facility,
    snapshots_in_scope,
    staff_facility_get_for_user,
    trend_in_scope,
)

CATEGORIES = ("full", "partial", "self_care", "orphans")
# The census chart's legend, also its table twin's rows (app.js draws the same four labels).
CATEGORY_LABELS = {"full": gettext_lazy("失能"), "partial": gettext_lazy("半失能"), "self_care": gettext_lazy("自理"),
                   "orphans": gettext_lazy("孤儿")}


def _explanation(snapshot):
    ratios = StaffRatios(
        full=snapshot.ratios["full"], partial=snapshot.ratios["partial"],
        self_care=snapshot.ratios["self_care"], orphan=snapshot.ratios["orphan"],
    )
    return explain_required_staff(
        full=snapshot.full, partial=snapshot.partial, self_care=snapshot.self_care, orphans=snapshot.orphans,
        ratios=ratios, rounding=snapshot.ratios["rounding"],
    )


@login_required
@require_GET
def facility_panel(request, facility_id):
    """Required vs actual today, in words, and the last 90 days (htmx partial on the facility page)."""
    facility = facility_get_for_user(user=request.user, facility_id=facility_id)
    today = timezone.localdate()
    snapshot = compliance_preview(day=today, facility_id=facility.pk)
    series = compliance_series(facility_id=facility.pk, start=today - timedelta(days=89), end=today)
    roles = [StaffRole(role).label for role in snapshot.ratios["roles"] if role in StaffRole.values] if snapshot else []
    return render(request, "staffing/_facility_panel.html", {
        "facility": facility,
        "snapshot": snapshot,
        "explanation": _explanation(snapshot) if snapshot else None,
        "actual_text": fte_text(snapshot.actual) if snapshot else "",
        "gap_text": fte_text(snapshot.gap) if snapshot else "",
        "roles": roles,
        "series": series,
        "census": [(CATEGORY_LABELS[c], getattr(snapshot, c) if snapshot else 0) for c in CATEGORIES],
        "chart": {
            "labels": [s.day.isoformat() for s in series],
            "required": [s.required for s in series],
            "actual": [float(s.actual) for s in series],
            "census": {c: (getattr(snapshot, c) if snapshot else 0) for c in CATEGORIES},
            "names": {"census": [str(CATEGORY_LABELS[c]) for c in CATEGORIES], "required": _("应配备"), "actual": _("实有（折算全职）")},
        },
    })


@login_required
@require_GET
def what_if(request):
    """Would one more resident of this category (or a category change) put the facility below its ratio?"""
    try:
        facility = facility_get_for_user(user=request.user, facility_id=int(request.GET.get("facility") or 0))
    except ValueError:
        return render(request, "staffing/_what_if.html", {})
    change = {}
    for key, sign in (("add", 1), ("remove", -1)):
        category = request.GET.get(key, "")
        if category in CATEGORIES:
            change[category] = change.get(category, 0) + sign
    today = timezone.localdate()
    before = compliance_preview(day=today, facility_id=facility.pk)
    after = compliance_preview(day=today, facility_id=facility.pk, census_change=change)
    return render(request, "staffing/_what_if.html", {
        "facility": facility, "before": before, "after": after,
        "after_gap": fte_text(after.gap) if after else "", "after_actual": fte_text(after.actual) if after else "",
    })


@login_required
def staff_list(request, facility_id):
    facility = staff_facility_get_for_user(user=request.user, facility_id=facility_id)
    show_ended = request.GET.get("ended") == "1"
    return render(request, "staffing/staff_list.html", {
        "facility": facility,
        "employments": employments_for_facility(facility=facility, include_ended=show_ended),
        "show_ended": show_ended,
        "can_manage": can_act_for_facility(request.user, facility),
        "today": timezone.localdate(),
        "soon": timezone.localdate() + timedelta(days=60),
    })


@login_required
def staff_add(request, facility_id):
    facility = staff_facility_get_for_user(user=request.user, facility_id=facility_id)
    if not can_act_for_facility(request.user, facility):
        raise PermissionDenied
    form = EmploymentForm(request.POST or None, initial={"started_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid() and run_service(form, lambda: services.staff_employ(by=request.user, facility=facility, **form.cleaned_data)) is not None:
        messages.success(request, _("已登记聘用"))
        return redirect("staff_list", facility_id=facility.pk)
    return render(request, "staffing/form.html", {"form": form, "facility": facility, "title": _("登记工作人员")})


@login_required
def employment_end(request, employment_id):
    employment = employment_get_for_user(user=request.user, employment_id=employment_id)
    form = EndEmploymentForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        call = lambda: services.employment_end(by=request.user, employment=employment, **form.cleaned_data)
        if run_service(form, call) is not None:
            messages.success(request, _("已登记离职"))
            return redirect("staff_list", facility_id=employment.facility_id)
    return render(request, "staffing/form.html", {
        "form": form, "facility": employment.facility, "title": _("登记离职：%(name)s") % {"name": employment.staff.name},
    })


@login_required
def leave_add(request, employment_id):
    employment = employment_get_for_user(user=request.user, employment_id=employment_id)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        call = lambda: services.leave_record(by=request.user, employment=employment, **form.cleaned_data)
        if run_service(form, call) is not None:
            messages.success(request, _("已登记请假"))
            return redirect("staff_list", facility_id=employment.facility_id)
    return render(request, "staffing/form.html", {
        "form": form, "facility": employment.facility, "title": _("登记请假：%(name)s") % {"name": employment.staff.name},
    })


@login_required
@reads_from_replica()  # the region dashboard and its CSV: read from the replica when there is one
def dashboard(request):
    """Region staffing for inspectors and clerks (managers see their own facilities)."""
    today = timezone.localdate()
    snapshots = list(snapshots_in_scope(user=request.user, day=today).order_by("-gap", "facility__name"))
    month_start = today.replace(day=1)
    days_below = days_below_in_scope(user=request.user, start=month_start, end=today)
    rows = [
        {"snapshot": s, "days_below": days_below.get(s.facility_id, 0), "gap": fte_text(s.gap), "actual": fte_text(s.actual)}
        for s in snapshots
    ]
    if request.GET.get("export") == "csv":
        response = compliance_csv(rows, filename=f"staffing-{today:%Y%m%d}.csv")
        access_record(
            request=request, action=AccessAction.EXPORT, target="staffing_dashboard",
            detail=gettext_lazy("护理人员配备 CSV，%(rows)s 行；日期：%(day)s"),
            params={"rows": len(rows), "day": today.isoformat()},
        )
        return response
    counted = [s for s in snapshots if s.status != ComplianceStatus.EMPTY]
    trend = trend_in_scope(user=request.user, start=today - timedelta(days=89), end=today)
    counties = by_county(snapshots)
    return render(request, "staffing/dashboard.html", {
        "today": today,
        "rows": rows,
        "below": sum(s.status == ComplianceStatus.BELOW for s in counted),
        "no_data": sum(s.status == ComplianceStatus.NO_DATA for s in counted),
        "compliant": sum(s.status == ComplianceStatus.COMPLIANT for s in counted),
        "total_gap": fte_text(sum((s.gap for s in counted if s.status == ComplianceStatus.BELOW), Decimal(0))),
        "counties": counties,
        "trend": trend,
        "chart": {
            "counties": {
                "labels": [c["name"] for c in counties],
                "below": [c["below"] for c in counties],
                "no_data": [c["no_data"] for c in counties],
                "compliant": [c["compliant"] for c in counties],
            },
            "trend": {
                "labels": [t["day"].isoformat() for t in trend],
                "rate": [
                    round(100 * t["compliant"] / (t["compliant"] + t["below"] + t["no_data"]), 1)
                    if (t["compliant"] + t["below"] + t["no_data"]) else None
                    for t in trend
                ],
            },
            "names": {"below": _("不达标"), "no_data": _("缺少数据"), "compliant": _("达标"), "rate": _("达标率 %")},
        },
        "policy": region_policy(region_code=request.user.region_code, on=today) if request.user.region_code else None,
    })
