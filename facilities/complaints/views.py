"""Complaint pages (投诉举报): the list (with CSV export), registering a complaint, the detail page with
its actions (take, start or link the inspection, conclude), and the region view by age and county.

Only the inspectors of the facility's region see complaints (anything else is a 404; the pages a
non-inspector opens directly are a 403). One action per view; the detail page shows the forms the
user may use and posts to these views.
"""
from dataclasses import asdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from accounts.audit import access_record
from accounts.models import AccessAction
from common.access import allowed_for
from common.csv_text import csv_response
from common.forms import run_service
from common.history import change_history
from common.replica import reads_from_replica

from ..scoping import can_see_complainant_contact, handles_complaints
from . import services
from .exports import complaints_csv
from .forms import ComplaintFilterForm, ComplaintForm, ConcludeForm, LinkInspectionForm, StartInspectionForm
from .selectors import (
    AGE_BUCKETS,
    STATE_LABELS,
    ComplaintFilters,
    complaint_due_state,
    complaint_get_for_user,
    complaint_list,
    contact_for,
    open_complaints_by_age,
)
from .tables import ComplaintTable


def _filters(form) -> ComplaintFilters:
    if not form.is_valid():
        return ComplaintFilters()
    data = form.cleaned_data
    return ComplaintFilters(
        state=data.get("state") or "", facility_id=data["facility"].pk if data.get("facility") else None,
        channel=data.get("channel") or "", mine=bool(data.get("mine")), region=data.get("region") or "",
    )


@login_required
@require_GET
@allowed_for(handles_complaints)
def complaint_list_view(request):
    today = timezone.localdate()
    form = ComplaintFilterForm(request.GET or None, user=request.user)
    filters = _filters(form)
    table = ComplaintTable(complaint_list(user=request.user, filters=filters, today=today), user=request.user, today=today)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    if request.GET.get("export") == "csv":
        rows = list(table.data.data)
        response = csv_response(complaints_csv(rows, user=request.user, today=today), filename=f"complaints-{today:%Y%m%d}.csv")
        described = ", ".join(f"{name}={value}" for name, value in asdict(filters).items() if value not in ("", None, False))
        access_record(
            request=request, action=AccessAction.EXPORT, target="complaint_list",
            detail=gettext_lazy("投诉举报 CSV，%(rows)s 行（联系方式仅本人负责的未脱敏）；筛选：%(filters)s"),
            params={"rows": len(rows), "filters": described or gettext_lazy("无")},
        )
        return response
    template = "facilities/_complaint_table.html" if request.htmx else "facilities/complaint_list.html"
    return render(request, template, {"table": table, "form": form})


@allowed_for(handles_complaints)
def complaint_create(request):
    form = ComplaintForm(
        request.POST or None, user=request.user,
        initial={"received_at": timezone.localtime().replace(second=0, microsecond=0), "facility": request.GET.get("facility")},
    )
    if request.method == "POST" and form.is_valid():
        complaint = run_service(form, lambda: services.complaint_register(by=request.user, **form.cleaned_data))
        if complaint is not None:
            messages.success(request, _("投诉举报已登记。受理期限 %(ack)s，办结期限 %(due)s") % {
                "ack": f"{complaint.acknowledge_due_on:%Y-%m-%d}", "due": f"{complaint.conclude_due_on:%Y-%m-%d}",
            } + (_("（暂定：该年放假安排尚未录入，录入后自动重新计算）") if complaint.due_provisional else ""))
            return redirect("complaint_detail", complaint_id=complaint.pk)
    return render(request, "facilities/complaint_form.html", {"form": form, "title": _("登记投诉举报")})


def _detail_context(request, complaint, **forms) -> dict:
    today = timezone.localdate()
    state = complaint_due_state(complaint, today=today)
    is_open = complaint.concluded_on is None
    can_handle = is_open and complaint.assigned_to_id == request.user.pk
    link_form = forms.get("link_form")
    if link_form is None and can_handle:
        candidates = complaint.facility.inspections.filter(
            inspected_on__gte=timezone.localdate(complaint.received_at)
        ).order_by("-inspected_on", "-id")
        link_form = LinkInspectionForm(inspections=candidates) if candidates.exists() else None
    return {
        "complaint": complaint,
        "state": state,
        "state_label": STATE_LABELS[state],
        "today": today,
        "contact": contact_for(request.user, complaint),
        "contact_whole": can_see_complainant_contact(request.user, complaint),
        "can_take": is_open and complaint.assigned_to_id is None and services.may_handle_complaints(request.user, complaint.facility),
        "can_handle": can_handle,
        "history": change_history(complaint, hidden=("complainant_contact",)),
        "start_form": forms.get("start_form") or StartInspectionForm(
            initial={"inspected_on": today, "inspectors": request.user.full_name}
        ),
        "link_form": link_form,
        "conclude_form": forms.get("conclude_form") or ConcludeForm(initial={"concluded_on": today}),
    }


@login_required
@require_GET
def complaint_detail(request, complaint_id):
    complaint = complaint_get_for_user(user=request.user, complaint_id=complaint_id)
    return render(request, "facilities/complaint_detail.html", _detail_context(request, complaint))


@login_required
@require_POST
def complaint_take_view(request, complaint_id):
    complaint = complaint_get_for_user(user=request.user, complaint_id=complaint_id)
    try:
        services.complaint_take(by=request.user, complaint=complaint)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("您已受理该投诉举报，由您首问负责、限时办结"))
    return redirect("complaint_detail", complaint_id=complaint.pk)


def _action(request, complaint, form, call, *, success, form_name):
    """Run a detail-page action; on a refusal show the detail page again with the errors beside the form."""
    if form.is_valid() and run_service(form, call) is not None:
        messages.success(request, success)
        return redirect("complaint_detail", complaint_id=complaint.pk)
    return render(
        request, "facilities/complaint_detail.html", _detail_context(request, complaint, **{form_name: form}), status=422,
    )


@login_required
@require_POST
def complaint_inspection_start(request, complaint_id):
    complaint = complaint_get_for_user(user=request.user, complaint_id=complaint_id)
    form = StartInspectionForm(request.POST)
    return _action(
        request, complaint, form,
        lambda: services.complaint_start_inspection(by=request.user, complaint=complaint, **form.cleaned_data),
        success=_("已登记投诉核查，请在检查页逐项登记发现的问题"), form_name="start_form",
    )


@login_required
@require_POST
def complaint_inspection_link(request, complaint_id):
    complaint = complaint_get_for_user(user=request.user, complaint_id=complaint_id)
    form = LinkInspectionForm(request.POST, inspections=complaint.facility.inspections.all())
    return _action(
        request, complaint, form,
        lambda: services.complaint_link_inspection(by=request.user, complaint=complaint, **form.cleaned_data),
        success=_("已关联核查检查"), form_name="link_form",
    )


@login_required
@require_POST
def complaint_conclude_view(request, complaint_id):
    complaint = complaint_get_for_user(user=request.user, complaint_id=complaint_id)
    form = ConcludeForm(request.POST)
    return _action(
        request, complaint, form,
        lambda: services.complaint_conclude(by=request.user, complaint=complaint, **form.cleaned_data),
        success=_("投诉举报已办结"), form_name="conclude_form",
    )


@login_required
@require_GET
@allowed_for(handles_complaints)
@reads_from_replica()  # a region report: read from the replica when there is one
def complaint_region(request):
    """Open complaints by county and days since receipt, with the overdue ones."""
    today = timezone.localdate()
    counties = open_complaints_by_age(user=request.user, today=today)
    return render(request, "facilities/complaint_region.html", {
        "today": today,
        "counties": counties,
        "buckets": AGE_BUCKETS,
        "totals": {
            "total": sum(c["total"] for c in counties),
            "overdue": sum(c["overdue"] for c in counties),
            "unacknowledged": sum(c["unacknowledged"] for c in counties),
            "ages": [sum(c["ages"][index] for c in counties) for index in range(len(AGE_BUCKETS))],
        },
    })
