"""The people import as a background job: started by the page's confirmation, run by a task.

The task checks the sheet again (the data may have changed since the preview) and writes it in one
transaction, all rows or none; the job's page follows the rows as they are checked, then shows the
counts or the problems. The uploaded sheet is kept in the job's private file until the task ends.
"""
from dataclasses import asdict
from pathlib import PurePath

from celery import shared_task
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.jobs.services import job_create, job_fail, job_progress, job_start, job_succeed
from accounts.models import BackgroundJob, JobKind
from common.enqueue import enqueue_on_commit

from .services import check_may_import, import_apply

#: The job's page lists this many of an import's problems; the count says how many there were.
KEPT_PROBLEMS = 200


def people_import_start(*, user, file, name: str, mapping: dict[str, int] | None) -> BackgroundJob:
    """Queue the import of an uploaded sheet (already previewed without problems) for this user; its
    problems, if the data changed meanwhile, are written in the language the user is reading."""
    check_may_import(user)
    job = job_create(
        user=user, kind=JobKind.PEOPLE_IMPORT, title=name,
        params={"mapping": mapping, "language": translation.get_language()},
        source=File(file), suffix=PurePath(name).suffix.lower(),
    )
    enqueue_on_commit(people_import_run, job.pk)
    return job


@shared_task(acks_late=True, reject_on_worker_lost=True)
def people_import_run(job_id: int) -> str:
    """Idempotent: a sheet applied before is skipped row by row, so a task delivered twice writes nothing twice."""
    job = job_start(job_id)
    if job is None:
        return "gone"
    with translation.override(job.params.get("language")):
        return _run(job)


def _run(job: BackgroundJob) -> str:
    mapping = job.params.get("mapping")
    try:
        with job.source.open("rb") as handle:
            result = import_apply(
                user=job.requested_by, file=File(handle, name=job.source.name), mapping=mapping,
                progress=lambda stage, done, total: job_progress(job, stage=stage, done=done, total=total),
            )
    except PermissionDenied:
        job_fail(job, outcome={"problems": [{"row": None, "column": "", "letter": "",
                                               "reason": _("您已无权导入人员")}], "problem_count": 1})
        return "refused"
    if not result.applied:
        job_fail(job, outcome={
            "problems": [asdict(problem) for problem in result.problems[:KEPT_PROBLEMS]],
            "problem_count": len(result.problems),
        })
        return "problems"
    job_succeed(job, outcome={
        "created_people": result.created_people, "skipped_people": result.skipped_people,
        "created_stays": result.created_stays,
    })
    return "done"
