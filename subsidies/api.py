"""The subsidies API: standards, generation runs, claim batches, their lines, actions and downloads.

Reads go through subsidies.selectors, so a batch out of the user's scope is a 404 (or absent from a
list); writes go through subsidies.services, which refuse what the user may not do (403) and what
the rules forbid (422). When another clerk moved a batch first the service says so (code "stale"),
and the API answers 409 Conflict (config/api.py) so a client knows to reload rather than fix its input.
"""
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from accounts.jobs.schemas import JobOut
from common.pagination import LimitOffsetPagination
from facilities.models import Region
from facilities.rules import region_ancestors
from facilities.scoping import can_review_claim_batch

from . import services
from .checks import batch_checks
from .exports.background import claims_export_start
from .exports.views import batch_download, batch_list_download
from .models import BatchStatus, ClaimBatch
from .schemas import (
    BatchDetailOut,
    BatchExportIn,
    BatchFilterIn,
    BatchListExportIn,
    BatchOut,
    ErrorOut,
    GenerationIn,
    LineOut,
    ReturnIn,
    RunOut,
    StandardFilterIn,
    StandardIn,
    StandardOut,
)
from .selectors import (
    batch_get_for_user,
    batch_lines,
    batch_list,
    batch_totals_by_item,
    run_get_for_user,
    standard_list,
)
from .submission import batch_submitters

router = Router(tags=["subsidies"])

DOWNLOAD = {
    "responses": {200: {
        "description": "xlsx（汇总、明细两个工作表）或 csv（UTF-8 BOM 明细）/ xlsx (summary and detail sheets) or csv",
        "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}, "text/csv": {}},
    }},
}
CHECK_NAMES = ("in_two_batches", "gone_before_month", "no_valid_assessment", "new", "category_changed",
               "amount_changed", "left", "no_dispersed_decision")


def _region(code: str, *, field: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError({field: _("行政区划代码不存在")})
    return region


def _actions(user, batch: ClaimBatch) -> list[str]:
    """What the user may do with the batch now: a hint for clients; the services still decide."""
    if batch.status == BatchStatus.DRAFT:
        return ["submit"] if batch_submitters(batch=batch, user=user).may_submit(user, batch) else []
    if not can_review_claim_batch(user, batch):
        return []
    if batch.status == BatchStatus.SUBMITTED:
        return ["return"] if batch.submitted_by_id == user.pk else ["approve", "return"]
    return ["paid"] if batch.status == BatchStatus.APPROVED else []


def _act(request, batch_id: int, action, **kwargs):
    batch = batch_get_for_user(user=request.user, batch_id=batch_id)
    action(by=request.user, batch=batch, **kwargs)
    return batch_get_for_user(user=request.user, batch_id=batch_id)


# --- standards ---------------------------------------------------------------------------


@router.get("/standards", response=list[StandardOut], summary="补贴标准 / subsidy standards in scope")
@paginate(LimitOffsetPagination)
def list_standards(request, filters: Query[StandardFilterIn]):
    standards = standard_list(user=request.user, item=filters.item or "", on=filters.on)
    if filters.region:
        standards = standards.filter(Q(region__isnull=True) | Q(region_id__in=region_ancestors(filters.region)))
    return standards


@router.post("/standards", response={201: StandardOut}, summary="设定补贴标准 / set a standard from a month on")
def set_standard(request, payload: StandardIn):
    standard = services.standard_set(
        by=request.user, region=_region(payload.region_code, field="region_code"), item=payload.item,
        amount=payload.amount, effective_from=payload.effective_from, hukou_type=payload.hukou_type or "",
        support_form=payload.support_form or "", category=payload.category or "",
        star_multipliers=payload.star_multipliers, basis=payload.basis,
    )
    return Status(201, standard)


# --- generation --------------------------------------------------------------------------


@router.post("/generations", response={202: RunOut}, summary="生成月度申报草稿 / generate a region's drafts")
def request_generation(request, payload: GenerationIn):
    region = _region(payload.region, field="region")
    return Status(202, services.generation_request(by=request.user, region=region, month=payload.month))


@router.get("/generations/{int:run_id}", response=RunOut, summary="生成进度 / generation progress")
def get_generation(request, run_id: int):
    return run_get_for_user(user=request.user, run_id=run_id)


# --- batches -----------------------------------------------------------------------------


@router.get("/batches", response=list[BatchOut], summary="申报批次 / claim batches in scope")
@paginate(LimitOffsetPagination)
def list_batches(request, filters: Query[BatchFilterIn]):
    return batch_list(user=request.user, filters=filters.as_filters())


@router.get("/batches/{int:batch_id}", response=BatchDetailOut, summary="批次详情与核查 / one batch and its checks")
def get_batch(request, batch_id: int):
    batch = batch_get_for_user(user=request.user, batch_id=batch_id)
    checks = batch_checks(batch)
    batch.checks = {name: len(getattr(checks, name)) for name in CHECK_NAMES} | {"blocking": checks.blocking}
    batch.no_dispersed_decision = checks.no_dispersed_decision
    batch.totals = batch_totals_by_item(batch=batch)
    batch.actions = _actions(request.user, batch)
    return batch


@router.get("/batches/{int:batch_id}/lines", response=list[LineOut], summary="批次明细 / lines of a batch")
@paginate(LimitOffsetPagination)
def list_lines(request, batch_id: int):
    return batch_lines(batch=batch_get_for_user(user=request.user, batch_id=batch_id))


@router.post("/batches/{int:batch_id}/submit", response={200: BatchOut, 409: ErrorOut}, summary="提交审核 / submit")
def submit_batch(request, batch_id: int):
    return _act(request, batch_id, services.batch_submit)


@router.post("/batches/{int:batch_id}/approve", response={200: BatchOut, 409: ErrorOut}, summary="审核通过 / approve")
def approve_batch(request, batch_id: int):
    return _act(request, batch_id, services.batch_approve)


@router.post("/batches/{int:batch_id}/return", response={200: BatchOut, 409: ErrorOut}, summary="退回 / return")
def return_batch(request, batch_id: int, payload: ReturnIn):
    return _act(request, batch_id, services.batch_return, reason=payload.reason)


@router.post("/batches/{int:batch_id}/paid", response={200: BatchOut, 409: ErrorOut}, summary="登记发放 / mark paid")
def mark_paid(request, batch_id: int):
    return _act(request, batch_id, services.batch_mark_paid)


# --- downloads ---------------------------------------------------------------------------


@router.get("/batches/{int:batch_id}/export", summary="导出批次 / download a batch", openapi_extra=DOWNLOAD)
def export_batch(request, batch_id: int, params: Query[BatchExportIn]):
    batch = batch_get_for_user(user=request.user, batch_id=batch_id)
    return batch_download(request, batch=batch, fmt=params.format, full_ids=params.full_ids)


@router.get("/export", summary="导出筛选的批次 / download the filtered batches", openapi_extra=DOWNLOAD)
def export_batches(request, params: Query[BatchListExportIn]):
    return batch_list_download(request, filters=params.as_filters(), fmt=params.format, full_ids=params.full_ids)


@router.post("/export-jobs", response={202: JobOut},
             summary="后台导出筛选的批次 / export the filtered batches in the background (a province's month)")
def export_batches_in_background(request, params: Query[BatchListExportIn]):
    """Follow `GET /api/jobs/{id}` until done, then take the file from its `download`."""
    return Status(202, claims_export_start(user=request.user, filters=params.as_filters(), fmt=params.format,
                                           full_ids=params.full_ids))
