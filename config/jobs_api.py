"""The background jobs in the API: a job's progress and, once done, its file; only to the user who asked."""
from django.shortcuts import get_object_or_404
from ninja import Router

from accounts.jobs.schemas import JobOut
from accounts.jobs.selectors import jobs_of
from accounts.models import JobStatus

from .jobs import DOWNLOADS

router = Router(tags=["jobs"])


@router.get("/{int:job_id}", response=JobOut, summary="后台任务进度 / a background job's progress")
def job_get(request, job_id: int):
    return get_object_or_404(jobs_of(request.user), pk=job_id)


@router.get("/{int:job_id}/download", summary="下载后台任务的文件 / download a finished job's file",
            openapi_extra={"responses": {200: {"description": "xlsx 或 csv / xlsx or csv", "content": {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}, "text/csv": {}}}}})
def job_file(request, job_id: int):
    job = get_object_or_404(jobs_of(request.user).exclude(result=""), pk=job_id, status=JobStatus.DONE,
                            kind__in=list(DOWNLOADS))
    return DOWNLOADS[job.kind](request, job)
