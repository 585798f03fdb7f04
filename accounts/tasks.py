"""Periodic housekeeping for accounts."""
from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from .audit import access_records_prune
from .jobs.services import jobs_prune


@shared_task
def purge_expired_sessions() -> int:
    """Delete expired sessions so an idle login cannot be revived; returns how many went."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task
def prune_access_records() -> int:
    """Delete access records past the retention period (AUDIT_RETENTION_DAYS); returns how many went."""
    return access_records_prune(now=timezone.now())


@shared_task
def prune_background_jobs() -> int:
    """Delete background jobs and their files past JOB_RETENTION_DAYS; returns how many went."""
    return jobs_prune(now=timezone.now())
