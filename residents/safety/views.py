"""Pages of resident safety (GB 38600-2019): a resident's risk assessment, a facility's risk register, and
incidents (recorded by the facility, read by the region by facility, kind and month)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.forms import run_service
from common.months import month_start
from facilities.models import FacilityKind
from facilities.scoping import is_facility_manager
from facilities.selectors import region_policy

from ..access import can_record_safety
from ..health_reads import health_read_record
from ..models import RiskLevelChoice, Stay
from ..safety_rules import OTHER_KIND, as_risks
from ..selectors import person_get_for_user, person_safety_assessments
from .forms import (
    IncidentFilterForm,
    RegisterFilterForm,
    RoundsFilterForm,
    SafetyAssessmentForm,
    SafetyIncidentFollowUpForm,
    SafetyIncidentForm,
    SafetyRoundForm,
)
from .selectors import (
    incident_get_for_user,
    incident_kinds,
    incident_notice_state,
    incident_summary,
    incidents_in_month,
    risk_register,
    rounds_of_day,
    safety_catalogue_for,
    safety_facilities_for,
)
from .services import (
    safety_assessment_record,
    safety_incident_follow_up,
    safety_incident_record,
    safety_round_record,
)


@login_required
def safety_assessment_create(request, person_id):
    person = person_get_for_user(user=request.user, person_id=person_id)
    stay = person.stays.filter(ended_on__isnull=True).select_related("facility").first()
    if stay is None or not can_record_safety(request.user, stay.facility):
        messages.error(request, _("服务安全风险评估由老年人所住机构的负责人录入。"))
        return redirect("person_detail", person_id=person.pk)
    today = timezone.localdate()
    catalogue = safety_catalogue_for(region_code=stay.facility.region_id, on=today)
    if catalogue is None:
        messages.error(request, _("尚未载入适用的服务安全风险目录，请管理员用 load_safety_catalogue 命令载入后再评估。"))
        return redirect("person_detail", person_id=person.pk)
    form = SafetyAssessmentForm(request.POST or None, catalogue=catalogue, initial={"assessed_on": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assessment = run_service(form, lambda: safety_assessment_record(
            by=request.user, person=person, assessed_on=data["assessed_on"], reason=data["reason"],
            ratings=form.ratings(), assessor=data["assessor"], notes=data["notes"],
        ))
        if assessment is not None:
            messages.success(request, _("服务安全风险评估已保存：%(level)s") % {"level": assessment.get_highest_display()})
            return redirect("safety_assessment_detail", person_id=person.pk, risk_assessment_id=assessment.pk)
    return render(request, "residents/safety_assessment_form.html",
                  {"form": form, "person": person, "catalogue": catalogue, "facility": stay.facility})


@login_required
@require_GET
def safety_assessment_detail(request, person_id, risk_assessment_id):
    """The assessment as a form to print and sign: each risk, its level and measures."""
    person = person_get_for_user(user=request.user, person_id=person_id)
    assessment = person_safety_assessments(person).filter(pk=risk_assessment_id).select_related("facility").first()
    if assessment is None:
        raise Http404("assessment")
    health_read_record(request, person=person)
    labels = dict(RiskLevelChoice.choices)
    rows = [(risk, labels.get(assessment.ratings.get(risk.code, {}).get("level"), "—"),
             assessment.ratings.get(risk.code, {}).get("level", ""),
             assessment.ratings.get(risk.code, {}).get("measures", ""))
            for risk in as_risks(assessment.catalogue.items)]
    return render(request, "residents/safety_assessment_detail.html",
                  {"person": person, "assessment": assessment, "rows": rows})


def _facility_filter(request, form_class):
    """The filter form over the elderly-care facilities the user may read, and the facility chosen: a
    manager starts at their (first) facility; a region picks one, unless it sees only one."""
    facilities = safety_facilities_for(request.user).exclude(kind=FacilityKind.CHILD_WELFARE)
    data = request.GET.copy()
    if not data.get("facility"):
        own = facilities.filter(assignments__user=request.user) if is_facility_manager(request.user) else facilities
        first = list(own.order_by("name", "pk").values_list("pk", flat=True)[:2])
        if len(first) == 1 or (first and is_facility_manager(request.user)):
            data["facility"] = first[0]
    form = form_class(data, facilities=facilities)
    form.is_valid()
    return form, form.cleaned_data.get("facility")


@login_required
@require_GET
def safety_register(request):
    """An elderly-care facility's residents and where each one's risk register stands, the most urgent first."""
    form, facility = _facility_filter(request, RegisterFilterForm)
    today = timezone.localdate()
    rows = risk_register(user=request.user, facility=facility, on=today) if facility else []
    counts = {state: sum(1 for row in rows if row.review.state == state)
              for state in ("overdue", "not_assessed", "review_due", "current")}
    return render(request, "residents/safety_register.html", {
        "form": form, "facility": facility, "rows": rows, "counts": counts, "today": today,
        "can_record": facility is not None and can_record_safety(request.user, facility),
        "levels": dict(RiskLevelChoice.choices),
    })


@login_required
@require_GET
def safety_incidents(request):
    """The month's incidents in scope: by facility and kind, then each one."""
    today = timezone.localdate()
    facilities = safety_facilities_for(request.user)
    first = facilities.order_by("pk").first()
    catalogue = safety_catalogue_for(region_code=first.region_id if first else None, on=today)
    kinds = {risk.code: risk.name for risk in as_risks(catalogue.items)} if catalogue else {}
    kinds |= incident_kinds(user=request.user)  # a province's own kinds, an older catalogue's
    kinds.setdefault(OTHER_KIND, _("其他"))
    form = IncidentFilterForm(request.GET or None, facilities=facilities, kinds=kinds)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    month = data.get("month") or month_start(today)
    facility = data.get("facility")
    summary = incident_summary(user=request.user, month=month)
    page = Paginator(incidents_in_month(user=request.user, month=month, facility_id=facility.pk if facility else None,
                                        kind=data.get("kind") or ""), 50).get_page(request.GET.get("page") or 1)
    now = timezone.now()
    for incident in page:
        incident.notice_state = incident_notice_state(incident, now)
    recordable = list(facilities.filter(assignments__user=request.user)) if is_facility_manager(request.user) else []
    return render(request, "residents/safety_incidents.html", {
        "form": form, "month": month, "summary": [(row, [row.counts.get(code, 0) for code in kinds]) for row in summary],
        "kinds": kinds.items(), "page": page, "recordable": recordable,
    })


@login_required
def safety_incident_create(request, facility_id):
    facility = get_object_or_404(safety_facilities_for(request.user), pk=facility_id)
    if not can_record_safety(request.user, facility):
        raise Http404("facility")
    now = timezone.localtime()
    catalogue = safety_catalogue_for(region_code=facility.region_id, on=now.date())
    if catalogue is None:
        messages.error(request, _("尚未载入适用的服务安全风险目录，请管理员用 load_safety_catalogue 命令载入后再登记。"))
        return redirect("safety_incidents")
    residents = [stay.person for stay in Stay.objects.filter(facility=facility, ended_on__isnull=True)
                 .select_related("person").order_by("person__name", "person_id")]
    form = SafetyIncidentForm(request.POST or None, catalogue=catalogue, residents=residents)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = next((p for p in residents if p.pk == data["person"]), None)
        incident = run_service(form, lambda: safety_incident_record(
            by=request.user, facility=facility, occurred_at=data["occurred_at"], kind=data["kind"],
            place=data["place"], harm=data["harm"], description=data["description"], actions=data["actions"],
            person=person, family_notified_at=data["family_notified_at"], family_notified=data["family_notified"],
        ))
        if incident is not None:
            messages.success(request, _("安全事件已登记"))
            return redirect("safety_incident_detail", incident_id=incident.pk)
    return render(request, "residents/safety_incident_form.html", {
        "form": form, "facility": facility,
        "notice_hours": region_policy(region_code=facility.region_id, on=now.date()).incident_notice_hours,
    })


@login_required
def safety_incident_detail(request, incident_id):
    incident = incident_get_for_user(user=request.user, incident_id=incident_id)
    can_follow_up = can_record_safety(request.user, incident.facility)
    if request.method == "POST" and not can_follow_up:
        raise Http404("incident")
    initial = {"family_notified_at": incident.family_notified_at and timezone.localtime(incident.family_notified_at),
               "family_notified": incident.family_notified, "review": incident.review,
               "reviewed_on": incident.reviewed_on}
    form = SafetyIncidentFollowUpForm(request.POST or None, initial=initial) if can_follow_up else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(form, lambda: safety_incident_follow_up(
            by=request.user, incident=incident, family_notified_at=data["family_notified_at"],
            family_notified=data["family_notified"], review=data["review"], reviewed_on=data["reviewed_on"],
        )) is not None:
            messages.success(request, _("已保存"))
            return redirect("safety_incident_detail", incident_id=incident.pk)
    if incident.person_id:
        health_read_record(request, person=incident.person)
    return render(request, "residents/safety_incident_detail.html", {
        "incident": incident, "form": form, "notice_state": incident_notice_state(incident, timezone.now()),
    })


@login_required
def safety_rounds(request):
    """A facility's rounds and handovers of a day, unit by unit, with the gaps; its manager records them here."""
    filters, facility = _facility_filter(request, RoundsFilterForm)
    now = timezone.localtime()
    day = filters.cleaned_data.get("day") or now.date()
    can_record = facility is not None and can_record_safety(request.user, facility)
    form = SafetyRoundForm(request.POST if request.method == "POST" and can_record else None,
                           initial={"at": now.replace(second=0, microsecond=0)})
    if request.method == "POST":
        if not can_record:
            raise Http404("facility")
        if form.is_valid():
            record = run_service(form, lambda: safety_round_record(by=request.user, facility=facility, **form.cleaned_data))
            if record is not None:
                messages.success(request, _("已登记：%(unit)s %(kind)s") % {"unit": record.unit,
                                                                          "kind": record.get_kind_display()})
                return redirect(f"{request.path}?facility={facility.pk}&day={timezone.localtime(record.at):%Y-%m-%d}")
    units = rounds_of_day(user=request.user, facility=facility, day=day, now=now) if facility else []
    policy = region_policy(region_code=facility.region_id, on=day) if facility else None
    return render(request, "residents/safety_rounds.html", {
        "filters": filters, "form": form, "facility": facility, "day": day, "units": units, "policy": policy,
        "can_record": can_record, "known_units": [entry.unit for entry in units if entry.unit],
    })
