"""A user's background jobs: each is seen by the user who asked for it and by nobody else."""
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from ..models import BackgroundJob

#: The jobs page lists this many days of a user's jobs (files are kept for settings.JOB_RETENTION_DAYS).
RECENT_DAYS = 30


def jobs_of(user) -> QuerySet[BackgroundJob]:
    if not user.is_authenticated:
        return BackgroundJob.objects.none()
    return BackgroundJob.objects.filter(requested_by=user)


def recent_jobs(user) -> QuerySet[BackgroundJob]:
    """The user's jobs of the last RECENT_DAYS, newest first. One query."""
    return jobs_of(user).filter(requested_at__gte=timezone.now() - timedelta(days=RECENT_DAYS)).defer("params")
