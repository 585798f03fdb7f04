"""Claim generation runs in the background; the page polls the run for progress.

A run over several counties is fanned out: one task per county (`generate_claims_part`), so that
several workers share a province's month, each county in its own transactions and in bounded
memory; the last county to finish finishes the run. A county that fails is retried, its drafts
replaced as a whole (no line is doubled), and after CLAIMS_PART_RETRIES the run is failed.
"""
import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from common.enqueue import enqueue

from .generation import claims_generate, generate_part, part_finished, run_fan_out, run_mark_failed, run_parts
from .models import GenerationRun, RunStatus

#: A run still queued this long after it was requested lost its message (the broker was down when
#: the clerk asked, or lost its queue) and is sent again by `requeue_queued_runs`.
REQUEUE_AFTER = timedelta(minutes=5)

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def generate_claims(run_id: int) -> dict:
    """Idempotent: a redelivered or repeated run rewrites the same drafts; a finished run is left alone.

    A failure is logged with its traceback under the run's number and the run is marked failed; the
    clerk reads what to do (`generation.run_failure`), never the exception.
    """
    run = GenerationRun.objects.select_related("requested_by").get(pk=run_id)
    if run.status == RunStatus.DONE:
        return {"run": run.pk, "status": run.status}
    try:
        parts = run_parts(run.region_id) if settings.CLAIMS_FAN_OUT else []
        if len(parts) > 1:
            return _fan_out(run, parts)
        run = claims_generate(run=run)
    except Exception:
        logger.exception("claim generation run %s (region %s, month %s) failed", run_id, run.region_id,
                         f"{run.month:%Y-%m}")
        run_mark_failed(run_id=run_id)
        return {"run": run_id, "status": RunStatus.FAILED}
    return {"run": run.pk, "status": run.status, "batches": run.units_done, "lines": run.lines_written}


def _fan_out(run: GenerationRun, parts: list[str]) -> dict:
    run_fan_out(run=run, parts=parts)
    for part in parts:
        if not enqueue(generate_claims_part, run.pk, part):
            part_finished(run_id=run.pk, part=part, figures=None)
    run.refresh_from_db()
    return {"run": run.pk, "status": run.status, "parts": len(parts)}


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def generate_claims_part(self, run_id: int, part: str) -> dict:
    """One county of a fanned-out run. Idempotent: a redelivered part that is done is left alone."""
    run = GenerationRun.objects.select_related("requested_by").get(pk=run_id)
    if run.status != RunStatus.RUNNING:  # another county failed the run; the clerk generates again
        return {"run": run_id, "part": part, "status": run.status}
    try:
        generate_part(run=run, part=part)
    except Exception as exc:
        if self.request.retries < settings.CLAIMS_PART_RETRIES:
            logger.warning("claim generation run %s, county %s failed (attempt %s), retrying: %s", run_id, part,
                           self.request.retries + 1, exc)
            if self.request.is_eager:  # in-process (the embedded default): again, here and now
                retried = generate_claims_part.apply(args=(run_id, part), retries=self.request.retries + 1)
                return retried.get(disable_sync_subtasks=False)
            raise self.retry(exc=exc, countdown=2 ** self.request.retries, max_retries=settings.CLAIMS_PART_RETRIES)
        logger.exception("claim generation run %s, county %s failed", run_id, part)
        part_finished(run_id=run_id, part=part, figures=None)
        return {"run": run_id, "part": part, "status": RunStatus.FAILED}
    return {"run": run_id, "part": part, "status": "done"}


@shared_task
def requeue_queued_runs() -> list[int]:
    """Send again every run queued for longer than REQUEUE_AFTER (on the beat schedule every 5 minutes).

    Safe to repeat: generation is idempotent and `generate_claims` leaves a finished run alone, so a
    run whose first message was only slow, not lost, is at worst looked at twice.
    """
    stale = GenerationRun.objects.filter(status=RunStatus.QUEUED, requested_at__lt=timezone.now() - REQUEUE_AFTER)
    return [run_id for run_id in stale.order_by("pk").values_list("pk", flat=True) if enqueue(generate_claims, run_id)]
