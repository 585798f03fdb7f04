"""Relatives' registration pages (近亲属备案): the register of declared cases, declaring one's own
relative or a staff member's, ending a declaration, and the review queue of possible undeclared
relatives (same household address) with its decisions.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.access import allowed_for
from common.enqueue import enqueue
from common.forms import run_service
from facilities.scoping import can_act_in_region, can_read_personal_data, inspector_scope_q

from ..forms import DeclarationEndForm, DeclarationForm, ReviewDecisionForm
from ..models import ReviewDecision
from ..selectors import employment_get_for_user
from . import services, tasks
from .selectors import (
    RegisterFilters,
    declaration_get_for_user,
    register_page,
    review_get_for_user,
    review_list,
    reviews_visible_to,
)


def _may_review(user) -> bool:
    return inspector_scope_q(user, field="facility__region__code") is not None


@login_required
@require_GET
@allowed_for(can_read_personal_data)
def relative_register(request):
    """Every declaration in scope with the relative's cases: statuses, stays and claims."""
    state = request.GET.get("state", "open")
    filters = RegisterFilters(state=state if state in ("open", "ended", "all") else "open", q=request.GET.get("q", "")[:50])
    page, entries = register_page(user=request.user, filters=filters, page=request.GET.get("page") or 1)
    may_review = _may_review(request.user)
    for entry in entries:
        entry.can_end = (
            entry.declaration.ended_on is None and entry.declaration.declarant_user_id != request.user.pk
            and can_act_in_region(request.user, entry.declaration.region_id)
        )
    return render(request, "staffing/relative_register.html", {
        "page": page, "entries": entries, "filters": filters,
        "with_cases": sum(entry.has_case for entry in entries),
        "pending_reviews": reviews_visible_to(request.user).filter(decision=ReviewDecision.PENDING).count() if may_review else None,
    })


def _declare(request, *, employment=None, title):
    form = DeclarationForm(request.POST or None, initial={"declared_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        call = lambda: services.relative_declare(by=request.user, employment=employment, **form.cleaned_data)
        if run_service(form, call) is not None:
            messages.success(request, _("已备案。办理该近亲属的认定、评估和补贴申报时，系统将要求申报人回避"))
            return redirect("relative_register")
    return render(request, "staffing/relative_form.html", {"form": form, "title": title, "employment": employment})


@allowed_for(can_read_personal_data)
def relative_declare_self(request):
    return _declare(request, title=_("申报本人近亲属"))


@login_required
def relative_declare_staff(request, employment_id):
    employment = employment_get_for_user(user=request.user, employment_id=employment_id)
    if not services.may_record_for_staff(request.user, employment):
        raise PermissionDenied
    return _declare(request, employment=employment, title=_("工作人员近亲属备案：%(name)s") % {"name": employment.staff.name})


@login_required
def relative_end(request, declaration_id):
    declaration = declaration_get_for_user(user=request.user, declaration_id=declaration_id)
    if not can_act_in_region(request.user, declaration.region_id) or declaration.declarant_user_id == request.user.pk:
        raise PermissionDenied
    form = DeclarationEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        call = lambda: services.relative_declaration_end(
            by=request.user, declaration=declaration, ended_on=form.cleaned_data["ended_on"],
            reason=form.cleaned_data["end_reason"],
        )
        if run_service(form, call) is not None:
            messages.success(request, _("已撤销该近亲属备案"))
            return redirect("relative_register")
    return render(request, "staffing/relative_form.html", {
        "form": form, "declaration": declaration,
        "title": _("撤销近亲属备案：%(declarant)s · %(relative)s") % {
            "declarant": declaration.declarant_name, "relative": declaration.relative_name,
        },
    })


@login_required
@require_GET
@allowed_for(_may_review)
def review_list_view(request):
    decision = request.GET.get("decision", ReviewDecision.PENDING)
    decision = decision if decision in ReviewDecision.values else ""
    reviews = list(review_list(user=request.user, decision=decision)[:200])
    return render(request, "staffing/relative_reviews.html", {
        "reviews": reviews, "decision": decision, "decisions": ReviewDecision.choices, "form": ReviewDecisionForm(),
    })


@login_required
@require_POST
@allowed_for(_may_review)
def review_scan(request):
    """Flag possible undeclared relatives now rather than tonight (the scan only ever flags)."""
    enqueue(tasks.relative_review_scan)
    messages.success(request, _("已开始核查住址相同的工作人员与救助对象，结果列入下方待核查"))
    return redirect("relative_reviews")


@login_required
@require_POST
def review_decide(request, review_id):
    review = review_get_for_user(user=request.user, review_id=review_id)
    form = ReviewDecisionForm(request.POST)
    if form.is_valid():
        call = lambda: services.relative_review_decide(by=request.user, review=review, **form.cleaned_data)
        if run_service(form, call) is not None:
            messages.success(request, _("已记录核查结论：%(staff)s 与 %(person)s") % {
                "staff": review.staff.name, "person": review.person.name,
            })
            return redirect("relative_reviews")
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))
    return redirect("relative_reviews")
