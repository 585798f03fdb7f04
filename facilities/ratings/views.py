"""Star ratings on the web: the ratings panel of the facility page, recording an evaluation with the
level shown live as scores are typed, and the evaluation report served to those who may see it.

Inspectors of the region (and administrators) record; everyone who sees the facility reads.
"""
from datetime import date, timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from common.forms import run_service

from ..rules import (
    SECTION_MAXIMA,
    PastRating,
    points_to_next_level,
    rating_refusal,
    star_level,
)
from ..scoping import can_edit_facility
from ..selectors import facility_get_for_user, facility_rating_record, region_policy
from .forms import SECTIONS, RatingCorrectionForm, RatingForm, RatingWithdrawalForm
from .selectors import LEVEL_LABELS, rating_get_for_user, rating_standing
from .services import rating_correct, rating_record, rating_withdraw, thresholds_for

SECTION_NAMES = {
    "environment": gettext_lazy("环境"), "equipment": gettext_lazy("设施设备"),
    "management": gettext_lazy("运营管理"), "service": gettext_lazy("服务"),
}


def points(value: Decimal) -> str:
    """A score as people write it: 96, 58.5 (never 96.0 or 9.6E+1)."""
    return format(Decimal(value).normalize(), "f")


def _refusal(*, policy, ratings, level: int, on: date) -> str | None:
    """Whether the region's rules would refuse an evaluation reaching `level` on `on` (as the service decides)."""
    return rating_refusal(
        level=level, on=on, history=[PastRating(r.rated_on, r.level) for r in ratings],
        first_max_level=policy.rating_first_max_level, upgrade_wait_years=policy.rating_upgrade_wait_years,
        reapply_wait_years=policy.rating_reapply_wait_years, valid_years=policy.rating_valid_years,
        after_expiry=policy.rating_after_expiry,
    )


def _next_level(*, standing, policy, ratings) -> dict:
    """What would move the facility one level up, in words, from the scores of its basis evaluation."""
    thresholds = thresholds_for(policy)
    basis = standing.basis
    if basis is None:
        return {
            "unrated": True, "first_max_level": LEVEL_LABELS[min(policy.rating_first_max_level, 5)],
            "total": thresholds.totals[1], "percent": thresholds.section_percent[1],
        }
    scores = {name: getattr(basis, name) for name in SECTIONS}
    gap = points_to_next_level(**scores, thresholds=thresholds)
    if gap is None:
        return {"top": True, "basis": basis}
    percent = thresholds.section_percent[gap.level]
    rows = []
    for name in SECTIONS:
        shortfall = gap.section_shortfalls[name]
        rows.append({
            "name": SECTION_NAMES[name], "score": points(scores[name]), "maximum": SECTION_MAXIMA[name],
            "required": points(Decimal(percent * SECTION_MAXIMA[name]) / 100),
            "shortfall": points(shortfall) if shortfall else "",
        })
    total = sum(scores.values())
    total_required = thresholds.totals[gap.level]
    needed = sum(gap.section_shortfalls.values()) + gap.total_shortfall
    musts = "、".join(
        _("%(section)s至少 %(points)s 分") % {"section": SECTION_NAMES[n], "points": points(s)}
        for n, s in gap.section_shortfalls.items() if s
    )
    if musts and gap.total_shortfall:
        summary = _("最少还需提高 %(needed)s 分：%(musts)s，其余 %(free)s 分可加在任一部分。") % {
            "needed": points(needed), "musts": musts, "free": points(gap.total_shortfall)}
    elif musts:
        summary = _("最少还需提高 %(needed)s 分：%(musts)s；补足后总分也达到要求。") % {
            "needed": points(needed), "musts": musts}
    else:
        summary = _("各部分均已达到要求，总分还差 %(needed)s 分，可加在任一部分。") % {"needed": points(needed)}
    return {
        "basis": basis, "level": gap.level, "level_label": LEVEL_LABELS[gap.level], "percent": percent,
        "rows": rows, "total": points(total), "total_required": total_required,
        "total_shortfall": points(total_required - total) if total < total_required else "",
        "needed": points(needed), "summary": summary,
        "when": _refusal(policy=policy, ratings=ratings, level=gap.level, on=standing.today),
    }


def _panel_context(request, facility) -> dict:
    today = timezone.localdate()
    record = facility_rating_record(facility=facility)
    for rating in record:
        rating.valid_until = rating.expires_on - timedelta(days=1)  # expires_on is the first day it no longer holds
    ratings = [rating for rating in record if rating.withdrawn_at is None]
    standing = rating_standing(ratings, today=today)
    policy = region_policy(region_code=facility.region_id, on=today)
    return {
        "facility": facility,
        "ratings": record,
        "standing": standing,
        "previous_label": LEVEL_LABELS[standing.latest.level] if standing.latest else "",
        "next_level": _next_level(standing=standing, policy=policy, ratings=ratings),
        "can_record": can_edit_facility(request.user, facility),
    }


@login_required
@require_GET
def rating_panel(request, facility_id):
    """The facility's level, its validity, the evaluations and what the next level needs."""
    facility = facility_get_for_user(user=request.user, facility_id=facility_id)
    template = "facilities/_rating_panel.html" if request.htmx else "facilities/rating_page.html"
    return render(request, template, _panel_context(request, facility))


def _recordable_facility(request, facility_id):
    facility = facility_get_for_user(user=request.user, facility_id=facility_id)
    if not can_edit_facility(request.user, facility):
        raise PermissionDenied(_("等级评定由该区划的民政督查录入"))
    return facility


def _preview(facility, form) -> dict:
    """The level the typed scores reach with the region's thresholds on the evaluation day."""
    scores = form.scores()
    if scores is None:
        errors = [
            f"{SECTION_NAMES[name]}：{error}"
            for name in SECTIONS if form.is_bound and form.data.get(name) for error in form.errors.get(name, [])
        ]
        return {"preview": None, "preview_errors": errors}
    today = timezone.localdate()
    rated_on = form.cleaned_data.get("rated_on") or today
    on = min(rated_on, today)
    policy = region_policy(region_code=facility.region_id, on=on)
    level = star_level(**scores, thresholds=thresholds_for(policy))
    in_force = [rating for rating in facility_rating_record(facility=facility) if rating.withdrawn_at is None]
    refusal = _refusal(policy=policy, ratings=in_force, level=level, on=on)
    return {"preview": {"level": level, "label": LEVEL_LABELS[level], "total": points(sum(scores.values())),
                        "refusal": refusal}}


@login_required
def rating_create(request, facility_id):
    facility = _recordable_facility(request, facility_id)
    form = RatingForm(request.POST or None, request.FILES or None, initial={"rated_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        rating = run_service(form, lambda: rating_record(by=request.user, facility=facility, **form.cleaned_data))
        if rating is not None:
            messages.success(request, _("等级评定已保存：%(date)s 评定为%(level)s") % {
                "date": rating.rated_on.isoformat(), "level": LEVEL_LABELS[rating.level]})
            return redirect("facility_detail", facility_id=facility.pk)
    return render(request, "facilities/rating_form.html", {
        "form": form, "facility": facility, **(_preview(facility, form) if form.is_bound else {"preview": None}),
    })


@login_required
@require_GET
def rating_preview(request, facility_id):
    """htmx: the level reached by the scores typed so far."""
    facility = _recordable_facility(request, facility_id)
    form = RatingForm(request.GET)
    form.is_valid()
    return render(request, "facilities/_rating_preview.html", {"facility": facility, **_preview(facility, form)})


def _correctable_rating(request, rating_id):
    rating = rating_get_for_user(user=request.user, rating_id=rating_id)
    _recordable_facility(request, rating.facility_id)
    if rating.withdrawn_at is not None:
        raise Http404("withdrawn rating")
    return rating


@login_required
def rating_correct_view(request, rating_id):
    """Correct an evaluation's scores, evaluators or certificate, with a reason kept in its history."""
    rating = _correctable_rating(request, rating_id)
    initial = {name: getattr(rating, name) for name in (*SECTIONS, "evaluators", "certificate_number")}
    form = RatingCorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        corrected = run_service(form, lambda: rating_correct(by=request.user, rating=rating, **form.cleaned_data))
        if corrected is not None:
            messages.success(request, _("已更正 %(date)s 的评定，现为%(level)s") % {
                "date": corrected.rated_on.isoformat(), "level": LEVEL_LABELS[corrected.level]})
            return redirect("facility_detail", facility_id=rating.facility_id)
    return render(request, "facilities/rating_correct.html", {"form": form, "rating": rating, "facility": rating.facility})


@login_required
def rating_withdraw_view(request, rating_id):
    """Withdraw (撤销) an evaluation; it stays on record, struck through, with the reason."""
    rating = _correctable_rating(request, rating_id)
    form = RatingWithdrawalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(form, lambda: rating_withdraw(by=request.user, rating=rating, **form.cleaned_data))
        if done is not None:
            messages.success(request, _("已撤销 %(date)s 的评定") % {"date": rating.rated_on.isoformat()})
            return redirect("facility_detail", facility_id=rating.facility_id)
    return render(request, "facilities/rating_withdraw.html", {
        "form": form, "rating": rating, "facility": rating.facility, "level_label": LEVEL_LABELS[rating.level]})


@login_required
@require_GET
def rating_report(request, rating_id):
    """The evaluation report, only to people who may see the facility (never from a public media URL)."""
    rating = rating_get_for_user(user=request.user, rating_id=rating_id)
    if not rating.report:
        raise Http404("report")
    filename = f"等级评定报告-{rating.facility.name}-{rating.rated_on.isoformat()}.pdf"
    response = FileResponse(rating.report.open("rb"), content_type="application/pdf", filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response
