"""Pages of the custody ledger (款物代管): a resident's ledger with the entry form, reversal and later
confirmation, the printable monthly statement, a facility's summary with sampling (抽查), the check
note on a sampled ledger, and the overview of facilities in scope.

Reads go through residents.custody.selectors (out of scope is a 404); writes through
residents.custody.services (no right is a 403, a broken rule a message beside the field).
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from common.forms import run_service
from common.history import change_history
from common.params import id_param, month_param
from facilities.scoping import can_read_personal_data
from facilities.selectors import facility_get_for_user

from ..access import can_record_custody, can_sample_custody
from ..models import CustodyHolding
from ..rules import add_months
from ..selectors import person_get_for_user
from . import services
from .forms import (
    CustodyConfirmForm,
    CustodyEntryForm,
    CustodyReversalForm,
    CustodySampleCheckForm,
    CustodySamplingForm,
)
from .selectors import (
    balances_of,
    custody_entry_get_for_user,
    custody_overview,
    custody_sample_get_for_user,
    custody_statement_for,
    entries_page,
    facility_custody_summary,
    facility_samplings,
    person_custody,
    unconfirmed_count,
)
from .tables import CustodyOverviewTable


def _facility_param(request) -> int | None:
    return id_param(request.GET.get("facility"), name="facility")


def _ledger_url(person_id, facility_id=None) -> str:
    url = reverse("custody_ledger", args=[person_id])
    return f"{url}?facility={facility_id}" if facility_id else url


def _ledger_page(request, person, *, form=None):
    custody = person_custody(user=request.user, person=person, facility_id=_facility_param(request))
    account, recording = custody.account, custody.recording_facility
    shows_recording = recording is not None and (account is None or account.facility_id == recording.pk)
    may_record = shows_recording and can_record_custody(request.user, recording)
    if may_record and form is None:
        form = CustodyEntryForm(initial={"occurred_on": timezone.localdate(), "kind": "deposit"})
    labels = dict(CustodyHolding.choices)
    return render(request, "residents/custody_ledger.html", {
        "person": person,
        "custody": custody,
        "account": account,
        "balances": [(labels[h], v, h) for h, v in balances_of(account).items() if v] if account else [],
        "entries": entries_page(account=account, page=request.GET.get("page")) if account else None,
        "unconfirmed": unconfirmed_count(account=account) if account else 0,
        "form": form if may_record else None,
        "refusal": form.non_field_errors() if form is not None and form.is_bound and not may_record else None,
        "can_correct": account is not None and (may_record or can_record_custody(request.user, account.facility)),
        "this_month": timezone.localdate().strftime("%Y-%m"),
        "last_month": add_months(timezone.localdate().replace(day=1), -1).strftime("%Y-%m"),
    })


@login_required
def custody_ledger(request, person_id):
    person = person_get_for_user(user=request.user, person_id=person_id)
    return _ledger_page(request, person)


@login_required
@require_POST
def custody_entry_create(request, person_id):
    person = person_get_for_user(user=request.user, person_id=person_id)
    facility = person_custody(user=request.user, person=person).recording_facility
    form = CustodyEntryForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        entry = run_service(form, lambda: services.custody_entry_record(
            by=request.user, person=person, facility=facility, kind=data["kind"], holding=data["holding"], amount=data["amount"],
            occurred_on=data["occurred_on"], description=data["description"], quantity=data["quantity"],
            purpose=data["purpose"], receipt_number=data["receipt_number"], confirmer=data["confirmer"],
            confirmer_name=data["confirmer_name"], confirmed_on=data["confirmed_on"],
        ))
        if entry is not None:
            messages.success(request, _("已登记第 %(n)s 笔：%(kind)s%(holding)s %(amount)s 元") % {
                "n": entry.sequence, "kind": entry.get_kind_display(), "holding": entry.get_holding_display(),
                "amount": entry.amount})
            return redirect(_ledger_url(person.pk, entry.account.facility_id))
    return _ledger_page(request, person, form=form)


def _entry_form_page(request, person_id, entry_id, *, form_class, title, call, done):
    person = person_get_for_user(user=request.user, person_id=person_id)
    entry = custody_entry_get_for_user(user=request.user, person=person, entry_id=entry_id)
    if not can_record_custody(request.user, entry.account.facility):
        raise PermissionDenied
    form = form_class(request.POST or None, initial={"confirmed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid() and run_service(form, lambda: call(entry, form.cleaned_data)) is not None:
        messages.success(request, done)
        return redirect(_ledger_url(person.pk, entry.account.facility_id))
    return render(request, "residents/custody_entry_form.html", {
        "person": person, "entry": entry, "form": form, "title": title,
        "back": _ledger_url(person.pk, entry.account.facility_id),
    })


@login_required
def custody_entry_reverse(request, person_id, entry_id):
    return _entry_form_page(
        request, person_id, entry_id, form_class=CustodyReversalForm, title=_("更正代管款物记录"), done=_("已登记更正记录"),
        call=lambda entry, data: services.custody_entry_reverse(by=request.user, entry=entry, reason=data["reason"]),
    )


@login_required
def custody_entry_confirm(request, person_id, entry_id):
    return _entry_form_page(
        request, person_id, entry_id, form_class=CustodyConfirmForm, title=_("补签确认"), done=_("已登记确认"),
        call=lambda entry, data: services.custody_entry_confirm(by=request.user, entry=entry, **data),
    )


@login_required
def custody_statement(request, person_id):
    """月度对账单, printable. ?month=YYYY-MM (default: this month) and ?facility= (default: the current one)."""
    person = person_get_for_user(user=request.user, person_id=person_id)
    custody = person_custody(user=request.user, person=person, facility_id=_facility_param(request))
    month = month_param(request.GET.get("month")) or timezone.localdate().replace(day=1)
    statement = custody_statement_for(account=custody.account, month=month) if custody.account else None
    return render(request, "residents/custody_statement.html", {
        "person": person, "custody": custody, "account": custody.account, "statement": statement, "month": month,
        "previous": add_months(month, -1).strftime("%Y-%m"), "next": add_months(month, 1).strftime("%Y-%m"),
        "is_current": month >= timezone.localdate().replace(day=1), "printed_on": timezone.localdate(),
    })


@login_required
def custody_facility(request, facility_id):
    if not can_read_personal_data(request.user):
        raise Http404("custody")  # administrators never read personal data (facilities.scoping)
    facility = facility_get_for_user(user=request.user, facility_id=facility_id)
    rows = list(facility_custody_summary(user=request.user, facility=facility))
    can_sample = can_sample_custody(request.user, facility)
    return render(request, "residents/custody_facility.html", {
        "facility": facility, "rows": rows,
        "money_total": sum((row.money_balance for row in rows), start=0),
        "unconfirmed_total": sum(row.unconfirmed for row in rows),
        "samplings": facility_samplings(facility=facility),
        "can_sample": can_sample,
        "sampling_form": CustodySamplingForm() if can_sample else None,
    })


@login_required
@require_POST
def custody_sampling_create(request, facility_id):
    facility = facility_get_for_user(user=request.user, facility_id=facility_id)
    if not can_sample_custody(request.user, facility):
        raise PermissionDenied
    form = CustodySamplingForm(request.POST)
    if form.is_valid():
        sampling = run_service(form, lambda: services.custody_sampling_draw(
            by=request.user, facility=facility, size=form.cleaned_data["size"]))
        if sampling is not None:
            messages.success(request, _("已从 %(population)s 个账户中随机抽取 %(n)s 个（随机种子 %(seed)s）") % {
                "population": sampling.population, "n": sampling.samples.count(), "seed": sampling.seed})
            return redirect("custody_facility", facility_id=facility.pk)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect("custody_facility", facility_id=facility.pk)


@login_required
def custody_sample_check(request, sample_id):
    sample = custody_sample_get_for_user(user=request.user, sample_id=sample_id)
    facility = sample.sampling.facility
    can_check = can_sample_custody(request.user, facility)
    form = None
    if can_check:
        initial = {"result": sample.result, "note": sample.note, "checked_on": sample.checked_on or timezone.localdate()}
        form = CustodySampleCheckForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid() and run_service(form, lambda: services.custody_sample_check(by=request.user, sample=sample, **form.cleaned_data)):
            messages.success(request, _("核查意见已保存"))
            return redirect("custody_facility", facility_id=facility.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "residents/custody_sample.html", {
        "sample": sample, "facility": facility, "person": sample.account.person, "form": form,
        "history": change_history(sample),
    })


@login_required
def custody_overview_view(request):
    table = CustodyOverviewTable(custody_overview(user=request.user))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "residents/custody_overview.html", {"table": table})
