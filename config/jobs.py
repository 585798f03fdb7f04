"""The background jobs' pages: the user's recent jobs, one job's progress (polled while it runs), and its
file. The roof composes them: jobs live in accounts, the work and its downloads in the apps above."""
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from accounts.jobs.selectors import jobs_of, recent_jobs
from accounts.models import JobKind, JobStatus
from subsidies.exports.background import claims_export_download

#: The kinds whose finished job hands over a file, and who hands it.
DOWNLOADS = {JobKind.CLAIMS_EXPORT: claims_export_download}


@login_required
def job_list(request):
    page = Paginator(recent_jobs(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "jobs.html", {"page": page, "retention": settings.JOB_RETENTION_DAYS})


@login_required
def job_detail(request, job_id):
    job = get_object_or_404(jobs_of(request.user), pk=job_id)
    template = "_job_progress.html" if request.htmx else "job_detail.html"
    return render(request, template, {
        "job": job,
        "active": not job.finished,
        "downloadable": job.status == JobStatus.DONE and job.kind in DOWNLOADS and bool(job.result),
    })


@login_required
def job_download(request, job_id):
    job = get_object_or_404(jobs_of(request.user), pk=job_id, status=JobStatus.DONE)
    if job.kind not in DOWNLOADS or not job.result:
        raise Http404
    return DOWNLOADS[job.kind](request, job)
