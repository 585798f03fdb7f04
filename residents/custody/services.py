"""Every write about residents' money and goods in custody (特殊救助对象款物代管).

The ledger is append-only: these services add entries (deposits, withdrawals, reversals) and
confirmations, and there is no service that changes or removes one — nor an admin page, nor an API
route; database triggers refuse UPDATE and DELETE underneath (migration 0003).

Concurrency: every entry first locks its account row (select_for_update), then reads the holding's
balance, so two withdrawals at the same moment are serialised and the second one sees what the first
one left. The database's check constraint (balance ≥ 0) and the unique (account, sequence) are the
last line of defence.

Refusals raise ValidationError with a constant message in Chinese (the English catalog translates
it); a user who may not act here gets PermissionDenied.
"""
import secrets
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.history import save_with_history
from facilities.models import Facility

from ..access import can_record_custody, can_sample_custody
from ..models import (
    Confirmer,
    CustodyAccount,
    CustodyConfirmation,
    CustodyEntry,
    CustodyHolding,
    CustodyKind,
    CustodySample,
    CustodySampling,
    Person,
    SampleResult,
    Stay,
)
from ..rules import InsufficientBalance, check_custody_amount, custody_balance_after, draw_sample, reversal_kind

MAX_SAMPLE = 50

INSUFFICIENT = _("%(holding)s余额不足：现有 %(balance)s 元，不能支取 %(amount)s 元")
REVERSAL_INSUFFICIENT = _("不能更正：%(holding)s现有余额 %(balance)s 元，少于要冲回的 %(amount)s 元（已被支取）。请先核实后续支取记录")


def _today() -> date:
    return timezone.localdate()


def _locked_account(*, person: Person, facility: Facility) -> CustodyAccount:
    """The account row, created on first use, locked for the rest of the transaction."""
    account, _created = CustodyAccount.objects.get_or_create(person=person, facility=facility)
    return CustodyAccount.objects.select_for_update().get(pk=account.pk)


def _balance(account: CustodyAccount, holding: str) -> Decimal:
    last = account.entries.filter(holding=holding).order_by("-sequence").values_list("balance_after", flat=True).first()
    return last if last is not None else Decimal("0.00")


def _last_occurred_on(account: CustodyAccount) -> date | None:
    return account.entries.order_by("-sequence").values_list("occurred_on", flat=True).first()


def _check_date(account: CustodyAccount, occurred_on: date) -> None:
    if occurred_on > _today():
        raise ValidationError({"occurred_on": _("日期不能晚于今天")})
    last = _last_occurred_on(account)
    if last is not None and occurred_on < last:
        raise ValidationError({"occurred_on": ValidationError(
            _("发生日期不能早于本账户最近一笔记录的日期（%(last)s）：账目按时间顺序追加，漏记的款物请按今天登记并在摘要中说明"),
            params={"last": last.isoformat()},
        )})


def _append(*, account: CustodyAccount, by, balance_after: Decimal, **fields) -> CustodyEntry:
    entry = CustodyEntry(account=account, sequence=account.entry_count + 1, balance_after=balance_after,
                         recorded_by=by, **fields)
    entry.full_clean()
    entry.save()
    account.entry_count = entry.sequence
    account.save(update_fields=["entry_count"])
    return entry


def _confirmation_fields(*, confirmer: str, confirmer_name: str, confirmed_on: date | None, occurred_on: date) -> bool:
    """Whether a confirmation was given; all three parts or none."""
    given = [bool(confirmer), bool(confirmer_name.strip()), confirmed_on is not None]
    if not any(given):
        return False
    errors = {}
    if confirmer not in Confirmer.values:
        errors["confirmer"] = _("请选择确认人是本人还是监护人")
    if not confirmer_name.strip():
        errors["confirmer_name"] = _("请填写确认人姓名")
    if confirmed_on is None:
        errors["confirmed_on"] = _("请填写确认日期")
    elif confirmed_on > _today():
        errors["confirmed_on"] = _("日期不能晚于今天")
    elif confirmed_on < occurred_on:
        errors["confirmed_on"] = _("确认日期不能早于发生日期")
    if errors:
        raise ValidationError(errors)
    return True


def _where_recorded(person: Person, facility: Facility | None) -> tuple[Facility, bool]:
    """The facility that records the entry and whether the person lives there now.

    Default: the facility of the current stay, else of the last one (after leaving, the facility
    still hands back what it holds).
    """
    stays = Stay.objects.filter(person=person).select_related("facility")
    if facility is not None:
        stays = stays.filter(facility=facility)
    stay = stays.order_by("-admitted_on", "-id").first()
    active = stays.filter(ended_on__isnull=True).first()
    if stay is None:
        raise ValidationError({"person": _("该人员未在机构入住过，没有代管账户")})
    return (active or stay).facility, active is not None


@transaction.atomic
def custody_entry_record(
    *, by, person: Person, kind: str, holding: str, amount: Decimal, occurred_on: date, description: str = "",
    quantity: int | None = None, purpose: str = "", receipt_number: str = "", confirmer: str = "",
    confirmer_name: str = "", confirmed_on: date | None = None, facility: Facility | None = None,
) -> CustodyEntry:
    """存入 or 支取 one holding for a resident, with the resident's or guardian's confirmation when given."""
    facility, living_here = _where_recorded(person, facility)
    if not can_record_custody(by, facility):
        raise PermissionDenied(_("只有该人员所在机构的负责人可以登记代管款物"))
    if kind not in CustodyKind.values:
        raise ValidationError({"kind": _("请选择存入或支取")})
    if holding not in CustodyHolding.values:
        raise ValidationError({"holding": _("请选择款物类别")})
    if kind == CustodyKind.DEPOSIT and not living_here:
        raise ValidationError({"kind": _("该人员已离开本机构，只能登记支取（结清交还）")})
    try:
        amount = check_custody_amount(amount)
    except ValueError:
        raise ValidationError({"amount": _("金额须大于0，最多两位小数")}) from None
    description, purpose, receipt_number = description.strip(), purpose.strip(), receipt_number.strip()
    if holding in (CustodyHolding.GOODS, CustodyHolding.OTHER) and not description:
        raise ValidationError({"description": _("物品和其他款物须填写名称或摘要")})
    if holding != CustodyHolding.GOODS:
        quantity = None
    if kind == CustodyKind.WITHDRAWAL:
        errors = {}
        if not purpose:
            errors["purpose"] = _("支取须填写用途")
        if not receipt_number:
            errors["receipt_number"] = _("支取须填写票据（收据）号")
        if errors:
            raise ValidationError(errors)
    confirmed = _confirmation_fields(
        confirmer=confirmer, confirmer_name=confirmer_name, confirmed_on=confirmed_on, occurred_on=occurred_on
    )
    first_stay = Stay.objects.filter(person=person, facility=facility).order_by("admitted_on").first()
    account = _locked_account(person=person, facility=facility)
    _check_date(account, occurred_on)
    if occurred_on < first_stay.admitted_on:
        raise ValidationError({"occurred_on": _("发生日期不能早于该人员入住本机构的日期")})
    balance = _balance(account, holding)
    try:
        after = custody_balance_after(balance, kind=kind, amount=amount)
    except InsufficientBalance as exc:
        raise ValidationError({"amount": ValidationError(INSUFFICIENT, params={
            "holding": CustodyHolding(holding).label, "balance": exc.balance, "amount": exc.amount,
        })}) from None
    entry = _append(
        account=account, by=by, balance_after=after, kind=kind, holding=holding, amount=amount,
        occurred_on=occurred_on, description=description, quantity=quantity,
        purpose=purpose if kind == CustodyKind.WITHDRAWAL else "",
        receipt_number=receipt_number,
    )
    if confirmed:
        _confirm(entry, by=by, confirmer=confirmer, confirmer_name=confirmer_name, confirmed_on=confirmed_on)
    return entry


@transaction.atomic
def custody_entry_reverse(*, by, entry: CustodyEntry, reason: str, occurred_on: date | None = None) -> CustodyEntry:
    """更正: a new entry that moves the same amount the other way, linked to the entry it corrects."""
    account = CustodyAccount.objects.select_for_update().select_related("facility").get(pk=entry.account_id)
    if not can_record_custody(by, account.facility):
        raise PermissionDenied(_("只有该账户所在机构的负责人可以更正代管款物记录"))
    entry = CustodyEntry.objects.select_related("reversed_by").get(pk=entry.pk)
    if entry.reverses_id is not None:
        raise ValidationError(_("更正记录不能再更正；如有错误，请登记一笔新的存入或支取并说明"))
    if hasattr(entry, "reversed_by"):
        raise ValidationError(_("该记录已于第 %(n)s 笔更正，不能重复更正"), params={"n": entry.reversed_by.sequence})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写更正原因")})
    occurred_on = occurred_on or _today()
    _check_date(account, occurred_on)
    kind = reversal_kind(entry.kind)
    try:
        after = custody_balance_after(_balance(account, entry.holding), kind=kind, amount=entry.amount)
    except InsufficientBalance as exc:
        raise ValidationError({"reason": ValidationError(REVERSAL_INSUFFICIENT, params={
            "holding": CustodyHolding(entry.holding).label, "balance": exc.balance, "amount": exc.amount,
        })}) from None
    return _append(
        account=account, by=by, balance_after=after, kind=kind, holding=entry.holding, amount=entry.amount,
        occurred_on=occurred_on, description=str(_("更正第 %(n)s 笔") % {"n": entry.sequence}), quantity=entry.quantity,
        reverses=entry, reason=reason.strip(),
    )


def _confirm(entry: CustodyEntry, *, by, confirmer: str, confirmer_name: str, confirmed_on: date) -> CustodyConfirmation:
    confirmation = CustodyConfirmation(
        entry=entry, confirmer=confirmer, confirmer_name=confirmer_name.strip(), confirmed_on=confirmed_on, recorded_by=by
    )
    confirmation.full_clean()
    confirmation.save()
    return confirmation


@transaction.atomic
def custody_entry_confirm(*, by, entry: CustodyEntry, confirmer: str, confirmer_name: str, confirmed_on: date) -> CustodyConfirmation:
    """补签确认: the resident or guardian confirms an entry recorded without their confirmation."""
    account = CustodyAccount.objects.select_for_update().select_related("facility").get(pk=entry.account_id)
    if not can_record_custody(by, account.facility):
        raise PermissionDenied(_("只有该账户所在机构的负责人可以登记确认"))
    if CustodyConfirmation.objects.filter(entry_id=entry.pk).exists():
        raise ValidationError(_("该记录已有确认，不能重复确认"))
    _confirmation_fields(confirmer=confirmer, confirmer_name=confirmer_name, confirmed_on=confirmed_on,
                         occurred_on=entry.occurred_on)
    return _confirm(entry, by=by, confirmer=confirmer, confirmer_name=confirmer_name, confirmed_on=confirmed_on)


# --- sampling (抽查) -----------------------------------------------------------------------------


@transaction.atomic
def custody_sampling_draw(*, by, facility: Facility, size: int, seed: int | None = None) -> CustodySampling:
    """Draw `size` ledgers of the facility at random (all if it has fewer); the seed is recorded."""
    if not can_sample_custody(by, facility):
        raise PermissionDenied(_("只有机构所在区划的民政督查可以抽查代管款物"))
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_SAMPLE:
        raise ValidationError({"size": ValidationError(_("抽查份数须在 1 到 %(max)s 之间"), params={"max": MAX_SAMPLE})})
    population = list(CustodyAccount.objects.filter(facility=facility, entry_count__gt=0).values_list("id", flat=True))
    if not population:
        raise ValidationError({"size": _("该机构还没有代管账户，无需抽查")})
    seed = secrets.randbelow(2**53) if seed is None else seed
    picked = draw_sample(population, size, seed=seed)
    sampling = CustodySampling(
        facility=facility, drawn_on=_today(), size=size, population=len(population), seed=seed, drawn_by=by
    )
    sampling.full_clean()
    sampling.save()
    for position, account_id in enumerate(picked, start=1):
        save_with_history(CustodySample(sampling=sampling, account_id=account_id, position=position),
                          by=by, reason=_("随机抽取"))
    return sampling


@transaction.atomic
def custody_sample_check(*, by, sample: CustodySample, result: str, note: str, checked_on: date) -> CustodySample:
    """Record (or revise) the check note on a sampled ledger; every version stays in the history."""
    sample = CustodySample.objects.select_for_update().select_related("sampling", "sampling__facility").get(pk=sample.pk)
    if not can_sample_custody(by, sample.sampling.facility):
        raise PermissionDenied(_("只有机构所在区划的民政督查可以记录核查意见"))
    if result not in SampleResult.values:
        raise ValidationError({"result": _("请选择核查结论")})
    note = note.strip()
    if result != SampleResult.CONSISTENT and not note:
        raise ValidationError({"note": _("核查发现问题时须写明情况")})
    if checked_on > _today():
        raise ValidationError({"checked_on": _("日期不能晚于今天")})
    if checked_on < sample.sampling.drawn_on:
        raise ValidationError({"checked_on": _("核查日期不能早于抽取日期")})
    revised = bool(sample.result)
    sample.result, sample.note, sample.checked_on, sample.checked_by = result, note, checked_on, by
    save_with_history(sample, by=by, reason=_("修改核查意见") if revised else _("记录核查意见"),
                      update_fields=["result", "note", "checked_on", "checked_by"])
    return sample
