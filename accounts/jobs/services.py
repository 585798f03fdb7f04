"""A background job's life: created with the request, started, advanced and finished by its task, pruned.

The tasks that do the work live with the work (residents.tasks, subsidies.tasks); they call these
functions so every job reports its progress, keeps its files and tells its user the same way.
Progress is written in its own short statement, outside any transaction the task holds, so the page
polling it sees it at once; what is done inside one transaction (an import's writes) is reported as
a stage, not counted.
"""
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from ..models import BackgroundJob, JobStage, JobStatus, NotificationKind
from ..notifications.services import notify


def _random_name(suffix: str) -> str:
    """Stored files carry no personal name: a random one, the suffix kept for the type."""
    return get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789") + suffix


def job_create(*, user, kind: str, title: str, params: dict, source: File | None = None,
               suffix: str = "") -> BackgroundJob:
    job = BackgroundJob(kind=kind, title=title[:200], requested_by=user, params=params)
    if source is not None:
        job.source.save(_random_name(suffix), source, save=False)
    job.save()
    return job


def job_start(job_id: int) -> BackgroundJob | None:
    """The job to run, marked running; None when it is gone or already finished (a task delivered twice)."""
    started = BackgroundJob.objects.filter(pk=job_id, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), done=0,
    )
    return BackgroundJob.objects.select_related("requested_by").get(pk=job_id) if started else None


def job_progress(job: BackgroundJob, *, stage: str, done: int = 0, total: int | None = None) -> None:
    job.stage, job.done = stage, done
    if total is not None:
        job.total = total
    BackgroundJob.objects.filter(pk=job.pk).update(stage=job.stage, done=job.done, total=job.total)


def _finish(job: BackgroundJob, *, status: str, outcome: dict) -> None:
    job.status, job.stage, job.outcome, job.finished_at = status, JobStage.FINISHED, outcome, timezone.now()
    if job.source:
        job.source.delete(save=False)  # the uploaded sheet holds personal data: kept no longer than needed
    with transaction.atomic():
        job.save()
        if job.started_at and (job.finished_at - job.started_at).total_seconds() >= settings.JOB_NOTIFY_AFTER_SECONDS:
            notify(users=[job.requested_by], kind=NotificationKind.JOB_FINISHED,
                   values={"title": job.title, "status": status}, link=f"/jobs/{job.pk}/")


def job_succeed(job: BackgroundJob, *, outcome: dict, content: bytes | None = None, name: str = "") -> None:
    if content is not None:
        suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
        job.result.save(_random_name(suffix), ContentFile(content), save=False)
        job.result_name = name[:200]
    _finish(job, status=JobStatus.DONE, outcome=outcome)


def job_fail(job: BackgroundJob, *, outcome: dict) -> None:
    _finish(job, status=JobStatus.FAILED, outcome=outcome)


def jobs_prune(*, now) -> int:
    """Delete the jobs older than the retention period, their files first; how many went."""
    old = list(BackgroundJob.objects.filter(requested_at__lt=now - timedelta(days=settings.JOB_RETENTION_DAYS)))
    for job in old:
        job.source.delete(save=False)
        job.result.delete(save=False)
    BackgroundJob.objects.filter(pk__in=[job.pk for job in old]).delete()
    return len(old)
