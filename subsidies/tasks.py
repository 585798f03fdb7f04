"""Claim generation runs in the background; the page polls the run for progress."""
import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from common.enqueue import enqueue

from .generation import claims_generate, run_mark_failed
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
        run = claims_generate(run=run)
    except Exception:
        logger.exception("claim generation run %s (region %s, month %s) failed", run_id, run.region_id,
                         f"{run.month:%Y-%m}")
        run_mark_failed(run_id=run_id)
        return {"run": run_id, "status": RunStatus.FAILED}
    return {"run": run.pk, "status": run.status, "batches": run.units_done, "lines": run.lines_written}


@shared_task
def requeue_queued_runs() -> list[int]:
    """Send again every run queued for longer than REQUEUE_AFTER (on the beat schedule every 5 minutes).

    Safe to repeat: generation is idempotent and `generate_claims` leaves a finished run alone, so a
    run whose first message was only slow, not lost, is at worst looked at twice.
    """
    stale = GenerationRun.objects.filter(status=RunStatus.QUEUED, requested_at__lt=timezone.now() - REQUEUE_AFTER)
    return [run_id for run_id in stale.order_by("pk").values_list("pk", flat=True) if enqueue(generate_claims, run_id)]
