"""Every write to standards and claims: set a standard, request a generation, move a batch along."""
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import NotificationKind, User
from accounts.notifications.services import notify
from common.enqueue import enqueue_on_commit
from facilities.models import Region
from facilities.scoping import (
    can_generate_claims,
    can_manage_standards,
    can_review_claim_batch,
    can_submit_claim_batch,
)
from residents.recusal import ensure_not_related

from .checks import batch_checks
from .models import BatchStatus, ClaimBatch, GenerationRun, SubsidyItem, SubsidyStandard
from .rules import next_month, round_fen
from .submission import batch_submitters
from .tasks import generate_claims

#: Which key fields each item is priced by; the others must stay blank.
ITEM_KEYS = {
    SubsidyItem.BASIC_LIVING: ("hukou_type",),
    SubsidyItem.CARE: ("support_form", "category"),
    SubsidyItem.ORPHAN: ("support_form",),
    SubsidyItem.OPERATING: ("category",),
}
STAR_LEVELS = range(6)
KEY_FIELDS = ("hukou_type", "support_form", "category")


def _star_multipliers(item: str, raw) -> dict[str, str]:
    if item != SubsidyItem.OPERATING:
        if raw:
            raise ValidationError({"star_multipliers": _("只有机构运营补贴设置星级系数")})
        return {}
    cleaned = {}
    for level in STAR_LEVELS:
        value = (raw or {}).get(str(level), (raw or {}).get(level))
        try:
            number = Decimal(str(value)) if value not in (None, "") else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number < 0 or number > 10:
            raise ValidationError(
                {"star_multipliers": ValidationError(_("请为%(level)s星（0为未评级）填写0至10之间的系数"),
                                                     params={"level": level})}
            )
        cleaned[str(level)] = format(number, "f")
    return cleaned


@transaction.atomic
def standard_set(
    *,
    by,
    region: Region,
    item: str,
    amount: Decimal,
    effective_from: date,
    hukou_type: str = "",
    support_form: str = "",
    category: str = "",
    star_multipliers: dict | None = None,
    basis: str = "",
) -> SubsidyStandard:
    """A new standard for a key from a month on; the period in force until then ends the day before.

    Periods of one key never overlap: a new period must start after every existing one of the
    region, so history keeps each old amount exactly as claims priced it.
    """
    if not can_manage_standards(by, region.code):
        raise PermissionDenied
    if item not in SubsidyItem.values:
        raise ValidationError({"item": _("未知的补贴项目")})
    key = {"hukou_type": hukou_type, "support_form": support_form, "category": category}
    needed = ITEM_KEYS[SubsidyItem(item)]
    errors = {}
    for name in KEY_FIELDS:
        if name in needed and not key[name]:
            errors[name] = _("该补贴项目须按此项区分，请选择")
        if name not in needed and key[name]:
            errors[name] = _("该补贴项目不按此项区分，请留空")
    if effective_from.day != 1:
        errors["effective_from"] = _("标准自某月1日起执行，请选择月份的第一天")
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0 or amount >= Decimal(100000):
        errors["amount"] = _("月标准须为0至99999.99元之间的金额")
    elif amount != round_fen(amount):
        errors["amount"] = _("金额最多保留两位小数（分）")
    if errors:
        raise ValidationError(errors)
    multipliers = _star_multipliers(item, star_multipliers)
    existing = list(SubsidyStandard.objects.select_for_update().filter(region=region, item=item, **key))
    later = [s for s in existing if s.effective_from >= effective_from]
    if later:
        raise ValidationError({"effective_from": ValidationError(
            _("该标准已有自%(month)s起的期间，新标准须晚于该月执行"),
            params={"month": max(s.effective_from for s in later).strftime("%Y-%m")},
        )})
    for open_period in (s for s in existing if s.effective_to is None or s.effective_to >= effective_from):
        open_period.effective_to = effective_from - timedelta(days=1)
        open_period._history_user = by
        open_period._change_reason = "新标准执行，本期截止"
        open_period.save(update_fields=["effective_to"])
    standard = SubsidyStandard(
        region=region, item=item, amount=amount, effective_from=effective_from, star_multipliers=multipliers,
        basis=basis, **key,
    )
    standard.full_clean()
    standard._history_user = by
    standard._change_reason = "设定标准"
    standard.save()
    return standard


@transaction.atomic
def generation_request(*, by, region: Region, month: date) -> GenerationRun:
    """Queue a region's generation for a month; the task runs after this transaction commits."""
    if not can_generate_claims(by, region.code):
        raise PermissionDenied
    if month.day != 1:
        raise ValidationError({"month": _("请选择月份")})
    if month > next_month(timezone.localdate()):
        raise ValidationError({"month": _("最多只能生成下个月的申报")})
    run = GenerationRun.objects.create(region=region, month=month, requested_by=by)
    enqueue_on_commit(generate_claims, run.pk)
    return run


def _locked(batch: ClaimBatch) -> ClaimBatch:
    return ClaimBatch.objects.select_for_update().get(pk=batch.pk)


def _require_status(batch: ClaimBatch, *allowed: str) -> None:
    """The same message whether the batch was never in this state or someone else moved it first."""
    if batch.status not in allowed:
        raise ValidationError(
            _("该批次当前状态为“%(status)s”，不能进行此操作（可能已由他人处理，请刷新页面）"),
            params={"status": batch.get_status_display()},
            code="stale",
        )


def _save(batch: ClaimBatch, *, by, reason: str, fields: list[str]) -> ClaimBatch:
    batch._history_user = by
    batch._change_reason = reason
    batch.save(update_fields=fields)
    return batch


@transaction.atomic
def batch_submit(*, by, batch: ClaimBatch) -> ClaimBatch:
    """Submit a draft for review, once its blocking checks are clear.

    A recused submitter is refused with the recusal message; the facility's other managers, or a
    clerk when every manager is recused, submit instead (subsidies.submission).
    """
    batch = _locked(batch)
    submitters = batch_submitters(batch=batch, user=by)
    if not can_submit_claim_batch(by, batch, recused=submitters.recused_ids - {by.pk}):
        raise PermissionDenied
    ensure_not_related(user=by, person_ids=batch.lines.values("person_id"), action=_("提交含其明细的申报批次"))
    _require_status(batch, BatchStatus.DRAFT)
    if batch.generated_at is None:
        raise ValidationError(_("请先生成本月申报明细"))
    if batch_checks(batch).blocking:
        raise ValidationError(_("批次存在须处理的问题（重复申报或当月前已死亡、离开的人员），请核实后重新生成"))
    batch.status = BatchStatus.SUBMITTED
    batch.submitted_by = by
    batch.submitted_at = timezone.now()
    batch.return_reason = ""
    return _save(batch, by=by, reason="提交审核", fields=["status", "submitted_by", "submitted_at", "return_reason"])


@transaction.atomic
def batch_approve(*, by, batch: ClaimBatch) -> ClaimBatch:
    """Approve a submitted batch; from here on it never changes (service and database)."""
    batch = _locked(batch)
    if not can_review_claim_batch(by, batch):
        raise PermissionDenied
    _require_status(batch, BatchStatus.SUBMITTED)
    if batch.submitted_by_id == by.pk:
        raise ValidationError(_("提交人不能审核自己提交的批次，请由其他经办人员审核"))
    ensure_not_related(user=by, person_ids=batch.lines.values("person_id"), action=_("审核含其明细的申报批次"))
    batch.status = BatchStatus.APPROVED
    batch.reviewed_by = by
    batch.reviewed_at = timezone.now()
    return _save(batch, by=by, reason="审核通过", fields=["status", "reviewed_by", "reviewed_at"])


@transaction.atomic
def batch_return(*, by, batch: ClaimBatch, reason: str) -> ClaimBatch:
    """Send a submitted batch back with a reason; it can then be corrected, regenerated and resubmitted."""
    batch = _locked(batch)
    if not can_review_claim_batch(by, batch):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写退回原因")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("退回原因不能超过300字")})
    _require_status(batch, BatchStatus.SUBMITTED)
    batch.status = BatchStatus.RETURNED
    batch.reviewed_by = by
    batch.reviewed_at = timezone.now()
    batch.return_reason = reason
    batch = _save(batch, by=by, reason="退回", fields=["status", "reviewed_by", "reviewed_at", "return_reason"])
    # Told: who submitted it, and the facility's managers, who correct and submit again.
    managers = User.objects.filter(facility_assignments__facility_id=batch.facility_id) if batch.facility_id else []
    notify(
        users=[batch.submitted_by, *managers], kind=NotificationKind.BATCH_RETURNED,
        values={"month": f"{batch.month:%Y-%m}", "payer": batch.payer_name, "reason": reason},
        link=reverse("subsidies:batch_detail", args=[batch.pk]),
    )
    return batch


@transaction.atomic
def batch_mark_paid(*, by, batch: ClaimBatch) -> ClaimBatch:
    """Record that an approved batch has been paid out."""
    batch = _locked(batch)
    if not can_review_claim_batch(by, batch):
        raise PermissionDenied
    _require_status(batch, BatchStatus.APPROVED)
    batch.status = BatchStatus.PAID
    batch.paid_at = timezone.now()
    return _save(batch, by=by, reason="已发放", fields=["status", "paid_at"])

