"""Sending tasks to the broker so that a broker outage never breaks the write that asked for them.

Services enqueue their follow-up work after the transaction commits (`enqueue_on_commit`). By then
the change is saved, so a broker that is down or unreachable must not turn the answer into an
error page: the failure is logged and the work is caught up later — the nightly scans cover the
alert and compliance scans, and `subsidies.tasks.requeue_queued_runs` sends generation runs that
are still queued again. How long a send may wait is bounded in the settings (broker connect
timeout and publish retries), so a request does not hang either.

Only a failure to reach the broker is caught: a task's own error still propagates where tasks run
in-process (the embedded default and the tests). Results are not kept for these sends (nobody
reads them), which also keeps the web process from subscribing to the result backend.
"""
import logging
from functools import partial

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue(task, /, *args, **kwargs) -> bool:
    """Send `task(*args, **kwargs)`; False, and an error in the log, when the broker cannot be reached."""
    try:
        task.apply_async(args=args, kwargs=kwargs, ignore_result=True)
    except OperationalError as error:
        logger.error("broker unreachable, %s not enqueued (args=%r, kwargs=%r): %s", task.name, args, kwargs, error)
        return False
    return True


def enqueue_on_commit(task, /, *args, **kwargs) -> None:
    """Send the task once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(partial(enqueue, task, *args, **kwargs))
