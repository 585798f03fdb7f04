"""The claims of a filtered batch list (up to a province's month) exported as a background job.

The page asks (`claims_export_start`), a task builds the file while the job's page counts the lines
written, and the user downloads it from there (`claims_export_download`): permissions are checked
when asked and again when taken, and the access record is written when the file is handed over.
"""
from dataclasses import asdict
from datetime import date

from celery import shared_task
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from accounts.jobs.services import job_create, job_progress, job_start, job_succeed
from accounts.models import BackgroundJob, JobKind, JobStage
from common.enqueue import enqueue_on_commit

from ..selectors import BatchFilters, batch_list, lines_for_export
from .claims import check_may_export_claims, claims_export_recorded, claims_file, claims_file_name
from .files import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE


def _filters_saved(filters: BatchFilters) -> dict:
    values = asdict(filters)
    values["month"] = filters.month.isoformat() if filters.month else None
    return values


def _filters_read(values: dict) -> BatchFilters:
    return BatchFilters(**{**values, "month": date.fromisoformat(values["month"]) if values.get("month") else None})


def claims_export_start(*, user, filters: BatchFilters, fmt: str, full_ids: bool) -> BackgroundJob:
    """Queue the export of every line of the batches this user sees under these filters."""
    check_may_export_claims(user, full_ids=full_ids)
    month = f"{filters.month:%Y-%m}" if filters.month else ""
    named = claims_file_name(name=f"补贴申报_{month or '全部'}", ascii_name=f"subsidy-claims-{month or 'all'}",
                             full_ids=full_ids)
    shown = ", ".join(f"{key}={value}" for key, value in asdict(filters).items() if value)
    with translation.override(settings.LANGUAGE_CODE):  # the access record reads the same for every auditor
        what = _("筛选：") + (shown or _("无"))
    job = job_create(
        user=user, kind=JobKind.CLAIMS_EXPORT, title=f"{named.name}.{fmt}",
        params={"filters": _filters_saved(filters), "format": fmt, "full_ids": full_ids, "what": what},
    )
    enqueue_on_commit(claims_export_run, job.pk)
    return job


@shared_task(acks_late=True, reject_on_worker_lost=True)
def claims_export_run(job_id: int) -> int:
    """Idempotent: a task delivered twice builds the same file again. Returns the lines written."""
    job = job_start(job_id)
    if job is None:
        return 0
    user, params = job.requested_by, job.params
    batches = batch_list(user=user, filters=_filters_read(params["filters"]))
    job_progress(job, stage=JobStage.EXPORTING, done=0, total=lines_for_export(user=user, batches=batches).count())
    export = claims_file(
        user=user, batches=batches, fmt=params["format"], full_ids=params["full_ids"],
        report=lambda done: job_progress(job, stage=JobStage.EXPORTING, done=done),
    )
    job_succeed(job, outcome={"lines": export.lines}, content=export.content, name=job.title)
    return export.lines


def claims_export_download(request, job: BackgroundJob) -> FileResponse:
    """The finished file, to the user who asked, if they may still take it; recorded as an export."""
    params = job.params
    check_may_export_claims(request.user, full_ids=params["full_ids"])
    if not job.result:
        raise PermissionDenied
    claims_export_recorded(request, fmt=params["format"], full_ids=params["full_ids"],
                           target=f"background_job:{job.pk}", what=params["what"], lines=job.outcome["lines"])
    response = FileResponse(
        job.result.open("rb"), as_attachment=True, filename=job.result_name,
        content_type=XLSX_CONTENT_TYPE if params["format"] == "xlsx" else CSV_CONTENT_TYPE,
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
