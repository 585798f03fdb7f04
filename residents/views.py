"""Web pages for people: list, detail with timeline and history, and the forms that change them."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from common.access import allowed_for
from common.forms import run_service
from common.history import change_history
from common.list_totals import ListPaginator
from facilities.scoping import can_act_for_facility, can_act_in_region, is_facility_manager, is_regional_inspector

from . import services
from .ability.selectors import ltc_in_place
from .admissions import admission_check, admission_register
from .forms import (
    AdmissionForm,
    AdmitExistingForm,
    AssessmentForm,
    BankAccountForm,
    CareAgreementForm,
    ChangeReportForm,
    DischargeForm,
    PersonEditForm,
    PersonFieldsForm,
    PersonFilterForm,
    SupportStatusForm,
    TerminateStatusForm,
    TransferForm,
    VisitForm,
)
from .health_reads import health_read_record
from .id_lookups import id_lookup_guard
from .models import SelfCareAssessment, SupportForm
from .rules import age_on, assessment_status, self_care_category, valid_assessment
from .safety.selectors import person_risk_review
from .selectors import (
    PersonFilters,
    access_stay,
    person_detail,
    person_get_for_user,
    person_list,
    status_get_for_user,
)
from .tables import PersonTable


def _filters(form) -> PersonFilters:
    if not form.is_valid():
        return PersonFilters()
    data = form.cleaned_data
    return PersonFilters(
        q=data["q"], facility_id=data["facility"].pk if data["facility"] else None, category=data["category"],
        support_form=data["support_form"], assessment_overdue=data["assessment_overdue"],
    )


@login_required
def person_list_view(request):
    form = PersonFilterForm(request.GET or None, user=request.user)
    people = person_list(user=request.user, filters=_filters(form), today=timezone.localdate())
    table = PersonTable(people, today=timezone.localdate())
    RequestConfig(request, paginate={"per_page": 25, "paginator_class": ListPaginator}).configure(table)
    template = "residents/_person_table.html" if request.htmx else "residents/person_list.html"
    return render(request, template, {"table": table, "form": form, "today": timezone.localdate()})


@login_required
def person_detail_view(request, person_id):
    person = person_get_for_user(user=request.user, person_id=person_id)
    detail = person_detail(person=person)
    health_read_record(request, person=person)
    today = timezone.localdate()
    active = detail["active_stay"]
    place = person.residence_region_id or person.hukou_region_id
    latest = detail["latest_assessment"]
    departed = detail["departed_on"]  # the person left the reader's facilities: their view stops that day
    return render(request, "residents/person_detail.html", {
        "person": person,
        **detail,
        "age": age_on(person.birth_date, today),
        "today": today,
        "assessment_status": assessment_status(
            assessed_on=latest.assessed_on if latest else None, due_on=latest.due_on if latest else None, on=today,
        ).value,
        "assessment_due": latest.due_on if latest else (None if departed else person.assessment_due_on),
        "assessment_due_provisional": latest.due_provisional if latest else (
            not departed and person.assessment_due_provisional),
        "history": change_history(person, hidden=("id_number", "photo", "bank_account_encrypted"), until=departed),
        "records_bank_accounts": services.records_bank_accounts(person),
        "can_act_for_stay": active is not None and can_act_for_facility(request.user, active.facility),
        "can_admit": active is None and is_facility_manager(request.user),
        "can_act_in_region": can_act_in_region(request.user, place),
        "risk_review": person_risk_review(detail, today=today),
        "ltc_in_place": ltc_in_place(detail, today=today),
        "is_dispersed": any(s.support_form == SupportForm.DISPERSED and not s.terminated_on for s in detail["statuses"]),
    })


def _form_page(request, form, *, title, person=None, back=None):
    return render(request, "residents/form.html", {"form": form, "title": title, "person": person, "back": back})


@allowed_for(is_facility_manager)
def admission_create(request):
    form = AdmissionForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        stay = run_service(form, lambda: admission_register(by=request.user, request=request, **form.cleaned_data))
        if stay is not None:
            messages.success(request, _("已办理入住"))
            return redirect("person_detail", person_id=stay.person_id)
    return render(request, "residents/form.html", {"form": form, "title": _("登记入住"), "what_if_admission": True})


@login_required
@require_GET
def admission_check_view(request):
    """The admission form's early word (htmx): beds left in the chosen facility, and whether the number is
    valid, registered, or someone living elsewhere; the same checks the admission makes when sent."""
    facility = request.GET.get("facility", "")
    check = admission_check(
        user=request.user, facility_id=int(facility) if facility.isdigit() and len(facility) < 18 else None,
        id_number=request.GET.get("id_number", "")[:40], today=timezone.localdate(), request=request,
    )
    return render(request, "residents/_admission_check.html", {"check": check, "today": timezone.localdate()})


def _screened_register(request, data):
    id_lookup_guard(user=request.user, id_number=data["id_number"], request=request)
    return services.person_register(by=request.user, **data)


@allowed_for(is_regional_inspector)
def person_create(request):
    form = PersonFieldsForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        person = run_service(form, lambda: _screened_register(request, form.cleaned_data))
        if person is not None:
            messages.success(request, _("人员已登记"))
            return redirect("person_detail", person_id=person.pk)
    return _form_page(request, form, title=_("登记人员"))


@login_required
def person_edit(request, person_id):
    person = person_get_for_user(user=request.user, person_id=person_id)
    services.ensure_may_edit(request.user, person)
    initial = {
        "name": person.name, "hukou_region": person.hukou_region_id, "hukou_type": person.hukou_type,
        "residence_region": person.residence_region_id or "", "address": person.address, "phone": person.phone,
        "emergency_contact_name": person.emergency_contact_name,
        "emergency_contact_phone": person.emergency_contact_phone,
        "disability_category": person.disability_category, "disability_grade": person.disability_grade,
    }
    form = PersonEditForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {name: value for name, value in form.cleaned_data.items() if name != "photo" or value}
        changes["disability_category"] = changes.get("disability_category") or ""
        if run_service(form, lambda: services.person_update(by=request.user, person=person, **changes)) is not None:
            messages.success(request, _("已保存修改"))
            return redirect("person_detail", person_id=person.pk)
    return _form_page(request, form, title=_("修改人员信息"), person=person)


@login_required
def person_bank_account(request, person_id):
    person = person_get_for_user(user=request.user, person_id=person_id)
    services.ensure_may_edit(request.user, person)
    if not services.records_bank_accounts(person):
        raise Http404("bank accounts are not recorded in this region")
    form = BankAccountForm(request.POST or None, initial={"bank_name": person.bank_name})
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.person_bank_account_set(
            by=request.user, person=person, bank_name=form.cleaned_data["bank_name"],
            account=form.cleaned_data["account"]))
        if saved is not None:
            messages.success(request, _("已保存发放账户"))
            return redirect("person_detail", person_id=person.pk)
    return _form_page(request, form, title=_("发放账户"), person=person)


@login_required
def person_admit(request, person_id):
    person = person_get_for_user(user=request.user, person_id=person_id)
    form = AdmitExistingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid() and run_service(form, lambda: services.stay_admit(by=request.user, person=person, **form.cleaned_data)) is not None:
        messages.success(request, _("已办理入住"))
        return redirect("person_detail", person_id=person.pk)
    return _form_page(request, form, title=_("办理入住"), person=person)


@login_required
def stay_transfer(request, stay_id):
    stay = access_stay(user=request.user, stay_id=stay_id)
    form = TransferForm(request.POST or None, user=request.user, current=stay.facility)
    if request.method == "POST" and form.is_valid() and run_service(form, lambda: services.stay_transfer(by=request.user, stay=stay, **form.cleaned_data)) is not None:
        messages.success(request, _("已办理转院"))
        return redirect("person_detail", person_id=stay.person_id)
    return _form_page(request, form, title=_("办理转院"), person=stay.person)


@login_required
def stay_discharge(request, stay_id):
    stay = access_stay(user=request.user, stay_id=stay_id)
    form = DischargeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and run_service(form, lambda: services.stay_discharge(by=request.user, stay=stay, **form.cleaned_data)) is not None:
        messages.success(request, _("已办理离开"))
        return redirect("person_detail", person_id=stay.person_id)
    return _form_page(request, form, title=_("办理离开"), person=stay.person)


@login_required
def assessment_create(request, person_id):
    person = person_get_for_user(user=request.user, person_id=person_id)
    services.may_assess(request.user, person)
    form = AssessmentForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        call = lambda: services.assessment_record(
            by=request.user, person=person, assessed_on=data["assessed_on"], unable=form.unable(),
            assessors=data["assessors"], reason=data["reason"], override_category=data["override_category"],
            override_reason=data["override_reason"],
        )
        if run_service(form, call) is not None:
            messages.success(request, _("评估已保存"))
            return redirect("person_detail", person_id=person.pk)
    unable = sum(bool(form[name].value()) for name in SelfCareAssessment.INDICATOR_FIELDS) if form.is_bound else 0
    return render(request, "residents/assessment_form.html", {
        "form": form, "person": person, "category": self_care_category(unable), "unable": unable,
        **_what_if_context(person),
    })


def _what_if_context(person) -> dict:
    """Where the person lives and the category staffing counts them in today (fully disabled without a
    valid assessment), so the form can warn about the staffing ratio."""
    detail = person_detail(person=person)
    stay = detail["active_stay"]
    valid = valid_assessment(detail["assessments"], timezone.localdate())
    return {"what_if_facility_id": stay.facility_id if stay else None, "old_category": valid.category if valid else "full"}


@login_required
@require_GET
def assessment_preview(request, person_id):
    """The category for the ticked indicators, recomputed as the assessor ticks (htmx)."""
    person = person_get_for_user(user=request.user, person_id=person_id)
    unable = sum(request.GET.get(name) in ("on", "true", "1") for name in SelfCareAssessment.INDICATOR_FIELDS)
    return render(request, "residents/_category_preview.html", {
        "category": self_care_category(unable), "unable": unable, **_what_if_context(person),
    })


@login_required
def change_report(request, person_id):
    person = person_get_for_user(user=request.user, person_id=person_id)
    form = ChangeReportForm(request.POST or None, initial={"reported_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        due = run_service(form, lambda: services.assessment_change_report(by=request.user, person=person, **form.cleaned_data))
        if due is not None:
            person.refresh_from_db(fields=["assessment_due_provisional"])
            messages.success(request, _("已登记状况变化，须在 %(due)s 前完成复评") % {"due": due.isoformat()} + (
                _("（暂定：该年放假安排尚未录入，录入后自动重新计算）") if person.assessment_due_provisional else ""))
            return redirect("person_detail", person_id=person.pk)
    return _form_page(request, form, title=_("报告状况变化"), person=person)


def _record_for_person(request, person_id, *, form_class, service, title, done, refused, initial=None):
    """A form about one person whose valid data goes to one service; the page the simple actions share.
    Only the person's region's inspectors get the form (`refused` is the service's message for others)."""
    person = person_get_for_user(user=request.user, person_id=person_id)
    services.ensure_may_act_in_region(request.user, person, refused)
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and run_service(form, lambda: service(by=request.user, person=person, **form.cleaned_data)) is not None:
        messages.success(request, done)
        return redirect("person_detail", person_id=person.pk)
    return _form_page(request, form, title=title, person=person)


@login_required
def support_status_create(request, person_id):
    return _record_for_person(
        request, person_id, form_class=SupportStatusForm, service=services.support_status_confirm,
        title=_("登记救助供养认定"), done=_("认定已登记"), refused=services.CONFIRM_REFUSED,
    )


@login_required
def support_status_terminate(request, status_id):
    status = status_get_for_user(user=request.user, status_id=status_id)
    services.ensure_may_act_in_region(request.user, status.person, services.TERMINATE_REFUSED)
    form = TerminateStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        call = lambda: services.support_status_terminate(
            by=request.user, status=status, terminated_on=data["terminated_on"], reason=data["reason"]
        )
        if run_service(form, call) is not None:
            messages.success(request, _("认定已终止"))
            return redirect("person_detail", person_id=status.person_id)
    return _form_page(request, form, title=_("终止认定"), person=status.person)


@login_required
def visit_create(request, person_id):
    return _record_for_person(
        request, person_id, form_class=VisitForm, service=services.visit_record, title=_("登记探访"),
        done=_("探访记录已保存"), refused=services.DISPERSED_REFUSED, initial={"visited_on": timezone.localdate()},
    )


@login_required
def care_agreement_create(request, person_id):
    return _record_for_person(
        request, person_id, form_class=CareAgreementForm, service=services.care_agreement_record,
        title=_("登记照料服务协议"), done=_("照料服务协议已登记"), refused=services.DISPERSED_REFUSED,
    )


@login_required
def person_photo(request, person_id):
    """The photo, served only to people who may see the person (never from a public media URL)."""
    person = person_get_for_user(user=request.user, person_id=person_id)
    if not person.photo:
        raise Http404("photo")
    content_type = "image/png" if person.photo.name.lower().endswith(".png") else "image/jpeg"
    response = FileResponse(person.photo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response
