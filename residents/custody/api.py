"""The custody API (款物代管): a resident's accounts, ledger entries (list, record, reverse, confirm),
monthly statements; a facility's summary and sampling (抽查) with check notes and their history.

There is no route that changes or deletes an entry: corrections are reversal entries. Reads go
through residents.custody.selectors (out of scope: 404), writes through residents.custody.services (no right:
403; a broken rule: 422 with the field).
"""
from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from common.api_fields import HistoryOut
from common.history import change_history
from common.pagination import LimitOffsetPagination
from facilities.scoping import can_read_personal_data
from facilities.selectors import facility_get_for_user

from ..models import CustodyEntry
from ..selectors import person_get_for_user
from . import services
from .schemas import (
    ConfirmationIn,
    ConfirmationOut,
    CustodyAccountOut,
    CustodyEntryFilterIn,
    CustodyEntryIn,
    CustodyEntryOut,
    CustodySummaryRowOut,
    ReversalIn,
    SampleCheckIn,
    SampleOut,
    SamplingIn,
    SamplingOut,
    StatementFilterIn,
    StatementOut,
)
from .selectors import (
    account_entries,
    custody_entry_get_for_user,
    custody_sample_get_for_user,
    custody_statement_for,
    facility_custody_summary,
    person_custody,
    samplings_of,
)

router = Router(tags=["custody"])


def _facility_for_custody(request, facility_id: int):
    if not can_read_personal_data(request.user):
        raise Http404("custody")  # administrators never read personal data
    return facility_get_for_user(user=request.user, facility_id=facility_id)


# --- a resident's ledger -----------------------------------------------------------------------


@router.get("/people/{int:person_id}/custody/accounts", response=list[CustodyAccountOut],
            summary="代管账户及余额 / a resident's custody accounts with balances")
def list_accounts(request, person_id: int):
    person = person_get_for_user(user=request.user, person_id=person_id)
    return person_custody(user=request.user, person=person).accounts


@router.get("/people/{int:person_id}/custody/entries", response=list[CustodyEntryOut],
            summary="代管款物明细 / ledger entries, newest first")
@paginate(LimitOffsetPagination)
def list_entries(request, person_id: int, filters: Query[CustodyEntryFilterIn]):
    person = person_get_for_user(user=request.user, person_id=person_id)
    account = person_custody(user=request.user, person=person, facility_id=filters.facility_id).account
    if account is None:
        return CustodyEntry.objects.none()
    return account_entries(account=account).select_related("account")


@router.post("/people/{int:person_id}/custody/entries", response={201: CustodyEntryOut},
             summary="登记存入或支取 / record a deposit or withdrawal")
def record_entry(request, person_id: int, payload: CustodyEntryIn):
    person = person_get_for_user(user=request.user, person_id=person_id)
    facility = person_custody(user=request.user, person=person).recording_facility  # the latest stay the user sees
    confirmation = payload.confirmation
    entry = services.custody_entry_record(
        by=request.user, person=person, facility=facility, kind=payload.kind, holding=payload.holding, amount=payload.amount,
        occurred_on=payload.occurred_on, description=payload.description, quantity=payload.quantity,
        purpose=payload.purpose, receipt_number=payload.receipt_number,
        confirmer=confirmation.confirmer if confirmation else "",
        confirmer_name=confirmation.confirmer_name if confirmation else "",
        confirmed_on=confirmation.confirmed_on if confirmation else None,
    )
    return Status(201, _reloaded(entry))


def _reloaded(entry):
    return CustodyEntry.objects.select_related("account", "confirmation", "reversed_by", "recorded_by").get(pk=entry.pk)


@router.post("/people/{int:person_id}/custody/entries/{int:entry_id}/reversal", response={201: CustodyEntryOut},
             summary="更正：登记一笔冲回记录 / correct an entry with a reversal entry")
def reverse_entry(request, person_id: int, entry_id: int, payload: ReversalIn):
    person = person_get_for_user(user=request.user, person_id=person_id)
    entry = custody_entry_get_for_user(user=request.user, person=person, entry_id=entry_id)
    return Status(201, _reloaded(services.custody_entry_reverse(by=request.user, entry=entry, reason=payload.reason)))


@router.post("/people/{int:person_id}/custody/entries/{int:entry_id}/confirmation", response={201: ConfirmationOut},
             summary="补签确认 / the resident's or guardian's later confirmation")
def confirm_entry(request, person_id: int, entry_id: int, payload: ConfirmationIn):
    person = person_get_for_user(user=request.user, person_id=person_id)
    entry = custody_entry_get_for_user(user=request.user, person=person, entry_id=entry_id)
    confirmation = services.custody_entry_confirm(
        by=request.user, entry=entry, confirmer=payload.confirmer, confirmer_name=payload.confirmer_name,
        confirmed_on=payload.confirmed_on,
    )
    return Status(201, confirmation)


@router.get("/people/{int:person_id}/custody/statement", response=StatementOut,
            summary="月度对账单 / monthly statement: opening, entries, closing")
def statement(request, person_id: int, filters: Query[StatementFilterIn]):
    person = person_get_for_user(user=request.user, person_id=person_id)
    account = person_custody(user=request.user, person=person, facility_id=filters.facility_id).account
    month = (filters.month or timezone.localdate()).replace(day=1)
    if account is None:
        zero = {"opening": 0, "deposits": 0, "withdrawals": 0, "closing": 0}
        return {"person_id": person.pk, "facility_id": None, "facility_name": None, "month": month, "lines": [],
                "money": zero, "entries": [], "unconfirmed": 0}
    result = custody_statement_for(account=account, month=month)
    return {
        "person_id": person.pk, "facility_id": account.facility_id, "facility_name": account.facility.name,
        "month": month, "money": result.money, "unconfirmed": result.unconfirmed,
        "lines": [{"holding": line.holding, **line.figures.__dict__} for line in result.lines],
        "entries": result.entries,
    }


# --- a facility: summary and sampling ---------------------------------------------------------


@router.get("/custody/facilities/{int:facility_id}/accounts", response=list[CustodySummaryRowOut],
            summary="机构代管汇总：每人余额、最近记录、未确认 / per resident of a facility")
@paginate(LimitOffsetPagination)
def facility_accounts(request, facility_id: int):
    facility = _facility_for_custody(request, facility_id)
    return facility_custody_summary(user=request.user, facility=facility)


@router.get("/custody/facilities/{int:facility_id}/samplings", response=list[SamplingOut],
            summary="抽查记录 / samplings of a facility, newest first")
@paginate(LimitOffsetPagination)
def list_samplings(request, facility_id: int):
    facility = _facility_for_custody(request, facility_id)
    return samplings_of(facility=facility)


@router.post("/custody/facilities/{int:facility_id}/samplings", response={201: SamplingOut},
             summary="抽查：随机抽取账户 / draw ledgers at random (the seed is recorded)")
def draw_sampling(request, facility_id: int, payload: SamplingIn):
    facility = _facility_for_custody(request, facility_id)
    sampling = services.custody_sampling_draw(by=request.user, facility=facility, size=payload.size)
    return Status(201, samplings_of(facility=facility).get(pk=sampling.pk))


@router.post("/custody/samples/{int:sample_id}/check", response=SampleOut,
             summary="记录核查意见 / record the check note on a sampled ledger")
def check_sample(request, sample_id: int, payload: SampleCheckIn):
    sample = custody_sample_get_for_user(user=request.user, sample_id=sample_id)
    services.custody_sample_check(by=request.user, sample=sample, result=payload.result, note=payload.note,
                                  checked_on=payload.checked_on)
    return custody_sample_get_for_user(user=request.user, sample_id=sample_id)


@router.get("/custody/samples/{int:sample_id}/history", response=list[HistoryOut],
            summary="核查意见变更记录 / who changed the check note, when and what")
def sample_history(request, sample_id: int):
    return change_history(custody_sample_get_for_user(user=request.user, sample_id=sample_id))
