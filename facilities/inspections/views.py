"""Inspection pages (督导检查): the list, recording an inspection and its findings, rectification by
the facility, verification and closing by the inspector, the printable record, and the region view.

One action per view; the detail page shows the forms the user may use and posts to these views.
Reads go through facilities.inspections.selectors (out of scope is a 404), writes through
facilities.inspections.services (no right is a 403, a broken rule a message beside the field).
"""
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from common.access import allowed_for
from common.forms import run_service
from common.replica import reads_from_replica

from ..scoping import can_register_facilities, sees_a_region
from . import services
from .forms import (
    FINDING_CATEGORIES,
    ChecklistForm,
    CloseForm,
    FindingForm,
    FollowUpForm,
    InspectionFilterForm,
    InspectionForm,
    RectifyForm,
    VerifyForm,
)
from .selectors import (
    AGE_BUCKETS,
    LEVELS,
    InspectionFilters,
    access_finding,
    facilities_not_inspected,
    finding_due_state,
    finding_get_for_user,
    finding_rounds,
    inspection_checklist,
    inspection_coverage,
    inspection_findings,
    inspection_follow_ups,
    inspection_get_for_user,
    inspection_list,
    level_distribution_by_county,
    open_findings_by_age,
    open_major_hazards,
)
from .tables import InspectionTable, NotInspectedTable


def _filters(form) -> InspectionFilters:
    if not form.is_valid():
        return InspectionFilters()
    data = form.cleaned_data
    return InspectionFilters(
        facility_id=data["facility"].pk if data.get("facility") else None,
        kind=data.get("kind") or "", state=data.get("state") or "", year=data.get("year"), region=data.get("region") or "",
    )


@login_required
@require_GET
def inspection_list_view(request):
    today = timezone.localdate()
    form = InspectionFilterForm(request.GET or None, user=request.user)
    table = InspectionTable(inspection_list(user=request.user, filters=_filters(form), today=today))
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    template = "facilities/_inspection_table.html" if request.htmx else "facilities/inspection_list.html"
    return render(request, template, {
        "table": table, "form": form,
        "can_record": can_register_facilities(request.user),
        "can_see_region": sees_a_region(request.user),
    })


@allowed_for(can_register_facilities)
def inspection_create(request):
    form = InspectionForm(
        request.POST or None, user=request.user,
        initial={"inspected_on": timezone.localdate(), "inspectors": request.user.full_name,
                 "facility": request.GET.get("facility")},
    )
    if request.method == "POST" and form.is_valid():
        inspection = run_service(form, lambda: services.inspection_record(by=request.user, **form.cleaned_data))
        if inspection is not None:
            messages.success(request, _("检查记录已保存，请逐项登记发现的问题"))
            return redirect("inspection_detail", inspection_id=inspection.pk)
    return render(request, "facilities/inspection_form.html", {"form": form, "title": _("登记督导检查")})


def _detail_context(request, inspection, **forms) -> dict:
    today = timezone.localdate()
    findings = inspection_findings(inspection=inspection)
    rounds = finding_rounds(findings=findings)
    for finding in findings:
        finding.rounds = rounds[finding.pk]
        finding.due_state = finding_due_state(finding, today=today)
        finding.days = abs((finding.deadline - today).days)
    can_inspect = services.may_inspect(request.user, inspection.facility)
    can_rectify = services.may_rectify(request.user, inspection.facility)
    is_open = inspection.closed_on is None
    for finding in findings:
        finding.recheck_by_other = bool(finding.hazard_code) and finding.recorded_by_id == request.user.pk
    answered = list(inspection.checklist_answers.values_list("result", flat=True))
    return {
        "inspection": inspection,
        "checklist_counts": {result: answered.count(result) for result in ("met", "not_met", "na")} if answered else None,
        "findings": findings,
        "follow_ups": inspection_follow_ups(inspection=inspection),
        "pending": sum(f.status != "verified" for f in findings),
        "overdue": sum(f.due_state == "overdue" for f in findings),
        "today": today,
        "can_inspect": can_inspect and is_open,
        "can_rectify": can_rectify and is_open,
        "categories": FINDING_CATEGORIES,
        "finding_form": forms.get("finding_form") or FindingForm(),
        "follow_up_form": forms.get("follow_up_form") or FollowUpForm(
            initial={"visited_on": today, "visitors": inspection.inspectors}
        ),
        "close_form": forms.get("close_form") or CloseForm(initial={"closed_on": today}),
        "verify_form": VerifyForm(initial={"verified_on": today}),
        "return_max": services.RETURN_REASON_MAX,
    }


@login_required
@require_GET
def inspection_detail(request, inspection_id):
    inspection = inspection_get_for_user(user=request.user, inspection_id=inspection_id)
    return render(request, "facilities/inspection_detail.html", _detail_context(request, inspection))


@login_required
def inspection_checklist_view(request, inspection_id):
    """The safety checklist of an inspection: filled in once by an inspector of the region (each item met, not
    met or not applicable, with the evidence), then shown as recorded to everyone who sees the inspection."""
    inspection = inspection_get_for_user(user=request.user, inspection_id=inspection_id)
    checklist, rows = inspection_checklist(inspection=inspection)
    filled = any(row.answer for row in rows)
    may_fill = services.may_inspect(request.user, inspection.facility) and not filled and inspection.closed_on is None
    if request.method == "POST" and not may_fill:
        raise PermissionDenied
    if checklist is None:
        messages.error(request, _("没有适用的安全检查表，请系统管理员以 load_inspection_checklist 载入"))
        return redirect("inspection_detail", inspection_id=inspection.pk)
    form = None
    if may_fill:
        form = ChecklistForm(request.POST or None, items=[row.item for row in rows],
                             initial={"deadline": inspection.inspected_on})
        if request.method == "POST" and form.is_valid():
            call = lambda: services.checklist_record(
                by=request.user, inspection=inspection, answers=form.answers(), deadline=form.cleaned_data["deadline"])
            if run_service(form, call) is not None:
                messages.success(request, _("检查表已保存；不符合项已列入问题清单，重大事故隐患已挂牌督办"))
                return redirect("inspection_detail", inspection_id=inspection.pk)
    return render(request, "facilities/inspection_checklist.html", {
        "inspection": inspection, "checklist": checklist, "rows": rows, "form": form,
    }, status=422 if form is not None and form.is_bound else 200)


@login_required
@require_GET
def inspection_print(request, inspection_id):
    """The record in the layout of a paper 督导检查记录, to print, sign and file."""
    inspection = inspection_get_for_user(user=request.user, inspection_id=inspection_id)
    return render(request, "facilities/inspection_print.html", {
        "checklist_rows": inspection_checklist(inspection=inspection)[1],
        "inspection": inspection,
        "findings": inspection_findings(inspection=inspection),
        "follow_ups": inspection_follow_ups(inspection=inspection),
        "printed_on": timezone.localdate(),
    })


def _action(request, inspection, form, call, *, success, form_name):
    """Run a detail-page action; on a refusal show the detail page again with the errors beside the form."""
    if not services.may_inspect(request.user, inspection.facility):
        raise PermissionDenied
    if form.is_valid() and run_service(form, call) is not None:
        messages.success(request, success)
        return redirect("inspection_detail", inspection_id=inspection.pk)
    return render(
        request, "facilities/inspection_detail.html", _detail_context(request, inspection, **{form_name: form}), status=422
    )


@login_required
def finding_create(request, inspection_id):
    inspection = inspection_get_for_user(user=request.user, inspection_id=inspection_id)
    if request.method != "POST":
        return redirect("inspection_detail", inspection_id=inspection.pk)
    form = FindingForm(request.POST)
    return _action(
        request, inspection, form,
        lambda: services.finding_add(by=request.user, inspection=inspection, **form.cleaned_data),
        success=_("已登记问题"), form_name="finding_form",
    )


@login_required
def follow_up_create(request, inspection_id):
    inspection = inspection_get_for_user(user=request.user, inspection_id=inspection_id)
    if request.method != "POST":
        return redirect("inspection_detail", inspection_id=inspection.pk)
    form = FollowUpForm(request.POST)
    return _action(
        request, inspection, form,
        lambda: services.follow_up_record(by=request.user, inspection=inspection, **form.cleaned_data),
        success=_("已登记回访"), form_name="follow_up_form",
    )


@login_required
def inspection_close_view(request, inspection_id):
    inspection = inspection_get_for_user(user=request.user, inspection_id=inspection_id)
    if request.method != "POST":
        return redirect("inspection_detail", inspection_id=inspection.pk)
    form = CloseForm(request.POST)
    return _action(
        request, inspection, form,
        lambda: services.inspection_close(by=request.user, inspection=inspection, **form.cleaned_data),
        success=_("检查已结案"), form_name="close_form",
    )


@login_required
def finding_rectify(request, finding_id):
    finding = access_finding(user=request.user, finding_id=finding_id, to="rectify")
    form = RectifyForm(
        request.POST or None, request.FILES or None,
        initial={"rectified_on": timezone.localdate(), "rectification": finding.rectification},
    )
    if request.method == "POST" and form.is_valid():
        call = lambda: services.finding_rectify(by=request.user, finding=finding, **form.cleaned_data)
        if run_service(form, call) is not None:
            messages.success(request, _("整改情况已提交，等待督查复核"))
            return redirect("inspection_detail", inspection_id=finding.inspection_id)
    return render(request, "facilities/inspection_rectify.html", {
        "form": form, "finding": finding, "inspection": finding.inspection, "title": _("填报整改情况"),
    })


@login_required
def finding_verify(request, finding_id):
    if request.method != "POST":
        return redirect("inspection_detail", inspection_id=finding_get_for_user(user=request.user, finding_id=finding_id).inspection_id)
    finding = access_finding(user=request.user, finding_id=finding_id, to="inspect")
    form = VerifyForm(request.POST)
    if form.is_valid():
        call = lambda: services.finding_verify(by=request.user, finding=finding, **form.cleaned_data)
        if run_service(form, call) is not None:
            messages.success(request, _("已复核销号：%(category)s") % {"category": finding.category})
            return redirect("inspection_detail", inspection_id=finding.inspection_id)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect("inspection_detail", inspection_id=finding.inspection_id)


@login_required
@require_POST
def finding_return(request, finding_id):
    """退回整改 with a reason; a refusal (no reason, not awaiting verification) is shown as an error."""
    finding = access_finding(user=request.user, finding_id=finding_id, to="inspect")
    try:
        services.finding_return(by=request.user, finding=finding, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已退回整改：%(category)s，待机构重新整改") % {"category": finding.category})
    return redirect("inspection_detail", inspection_id=finding.inspection_id)


@login_required
@require_GET
def finding_evidence(request, finding_id):
    """The rectification evidence, served only to people who may see the finding (never from a public URL)."""
    finding = finding_get_for_user(user=request.user, finding_id=finding_id)
    if not finding.evidence:
        raise Http404("evidence")
    extension = finding.evidence.name.rsplit(".", 1)[-1].lower()
    content_type = {"pdf": "application/pdf", "png": "image/png"}.get(extension, "image/jpeg")
    response = FileResponse(finding.evidence.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the region view --------------------------------------------------------------------


@login_required
@require_GET
@allowed_for(sees_a_region)
@reads_from_replica()  # a region report: read from the replica when there is one
def inspection_region(request):
    """Open major hazards first (the oldest first), then star levels by county, facilities not inspected this
    year, and open findings by age."""
    today = timezone.localdate()
    counties = level_distribution_by_county(user=request.user, today=today)
    coverage = inspection_coverage(user=request.user, today=today)
    may_record = can_register_facilities(request.user)
    table = NotInspectedTable(
        facilities_not_inspected(user=request.user, today=today), exclude=() if may_record else ("record",)
    )
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    ages = open_findings_by_age(user=request.user, today=today)
    return render(request, "facilities/inspection_region.html", {
        "today": today,
        "hazards": open_major_hazards(user=request.user, today=today),
        "year_start": date(today.year, 1, 1),
        "coverage": coverage,
        "not_inspected": coverage["total"] - coverage["inspected"],
        "table": table,
        "ages": ages,
        "open_total": sum(bucket["total"] for bucket in ages),
        "overdue_total": sum(bucket["overdue"] for bucket in ages),
        "level_totals": [sum(c["levels"][level] for c in counties) for level in LEVELS],
        "counties": counties,
        "chart": {
            "labels": [c["name"] for c in counties],
            "levels": [[c["levels"][level] for c in counties] for level in LEVELS],
            "names": [_("未评级"), _("一星级"), _("二星级"), _("三星级"), _("四星级"), _("五星级")],
        },
        "age_labels": AGE_BUCKETS,
        "is_inspector": may_record,
    })
