"""Claim generation runs in the background; the page polls the run for progress."""
from celery import shared_task

from .generation import claims_generate, run_mark_failed
from .models import GenerationRun, RunStatus


@shared_task(acks_late=True, reject_on_worker_lost=True)
def generate_claims(run_id: int) -> dict:
    """Idempotent: a redelivered or repeated run rewrites the same drafts; a finished run is left alone."""
    run = GenerationRun.objects.select_related("requested_by").get(pk=run_id)
    if run.status == RunStatus.DONE:
        return {"run": run.pk, "status": run.status}
    try:
        run = claims_generate(run=run)
    except Exception as error:
        run_mark_failed(run_id=run_id, error=f"{type(error).__name__}: {error}")
        raise
    return {"run": run.pk, "status": run.status, "batches": run.units_done, "lines": run.lines_written}
