"""Pages of the GB/T 42195 assessment: record one, its printable report, and the region's levels."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.forms import run_service

from ..ability_rules import INDICATORS, MODERATE_OR_WORSE
from ..health_reads import health_read_record
from ..models import AbilityLevelChoice
from ..selectors import person_ability_assessments, person_get_for_user
from ..services import may_assess
from .forms import INDICATOR_NAMES, AbilityAssessmentForm, LtcAssessmentForm
from .selectors import ability_levels_by_facility, ability_scale_for, moderate_or_worse
from .services import ability_assessment_record, ltc_assessment_record


@login_required
def ability_assessment_create(request, person_id):
    person = person_get_for_user(user=request.user, person_id=person_id)
    facility = may_assess(request.user, person)
    today = timezone.localdate()
    scale = ability_scale_for(region_code=facility.region_id if facility else (
        person.residence_region_id or person.hukou_region_id), on=today)
    if scale is None:
        messages.error(request, _("尚未载入适用的能力评估量表，请管理员用 load_ability_scale 命令载入后再评估。"))
        return redirect("person_detail", person_id=person.pk)
    form = AbilityAssessmentForm(request.POST or None, scale=scale, initial={"assessed_on": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assessment = run_service(form, lambda: ability_assessment_record(
            by=request.user, person=person, assessed_on=data["assessed_on"], reason=data["reason"],
            answers=form.answers(), assessor=data["assessor"], second_assessor=data["second_assessor"],
            coma=data["coma"], mental_disorder=data["mental_disorder"], diagnosis=data["diagnosis"],
            risk_events_30d=data["risk_events_30d"] or 0, notes=data["notes"],
        ))
        if assessment is not None:
            messages.success(request, _("能力评估已保存：%(level)s") % {"level": assessment.get_level_display()})
            return redirect("ability_assessment_report", person_id=person.pk, assessment_id=assessment.pk)
    return render(request, "residents/ability_form.html", {"form": form, "person": person, "scale": scale})


@login_required
def ltc_assessment_create(request, person_id):
    """A long-term-care insurance result, recorded by whoever may assess the person; the page says whether
    the region accepts it (采信) in place of an own assessment."""
    person = person_get_for_user(user=request.user, person_id=person_id)
    may_assess(request.user, person)
    form = LtcAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = run_service(form, lambda: ltc_assessment_record(by=request.user, person=person, **form.cleaned_data))
        if result is not None:
            messages.success(request, _("长护险评估结果已录入，本地采信，代替本机构评估") if result.accepted
                             else _("长护险评估结果已录入；本地不采信，仍须做老年人能力评估"))
            return redirect("person_detail", person_id=person.pk)
    return render(request, "residents/form.html", {"form": form, "person": person,
                                                   "title": _("录入长护险失能评估结果")})


@login_required
@require_GET
def ability_assessment_report(request, person_id, assessment_id):
    """The assessment as the standard's form, to print and sign."""
    person = person_get_for_user(user=request.user, person_id=person_id)
    assessment = person_ability_assessments(person).filter(pk=assessment_id).select_related("facility").first()
    if assessment is None:
        raise Http404("assessment")
    health_read_record(request, person=person)
    groups = [
        (INDICATOR_NAMES[indicator], getattr(assessment, indicator),
         sum(max(score for score, _label in item["options"]) for item in assessment.scale.items
             if item["indicator"] == indicator),
         [(item, assessment.answers.get(item["code"])) for item in assessment.scale.items
          if item["indicator"] == indicator])
        for indicator in INDICATORS
    ]
    return render(request, "residents/ability_report.html", {
        "person": person, "assessment": assessment, "groups": groups,
        "preliminary_label": AbilityLevelChoice(assessment.preliminary_level).label,
        "adjusted": assessment.level != assessment.preliminary_level,
    })


@login_required
@require_GET
def ability_report(request):
    """Residents by GB/T 42195 level and facility, and those at 中度失能 or worse (the vouchers' group)."""
    today = timezone.localdate()
    facilities = ability_levels_by_facility(user=request.user, on=today)
    labels = dict(AbilityLevelChoice.choices)
    columns = [*labels, ""]  # each level, then not validly assessed
    rows = [(facility, [facility.counts.get(level, 0) for level in columns]) for facility in facilities]
    totals = [sum(counts[index] for _facility, counts in rows) for index in range(len(columns))]
    page = moderate_or_worse(user=request.user, on=today, page=request.GET.get("page") or 1)
    for stay in page:
        stay.level_label = labels[stay.level]
    return render(request, "residents/ability_region.html", {
        "rows": rows, "labels": labels.values(), "totals": totals, "page": page, "today": today,
        "moderate_or_worse": [AbilityLevelChoice(level.value).label for level in MODERATE_OR_WORSE],
    })
