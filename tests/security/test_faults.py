"""Fault drills: the worst moment for each thing that can go wrong, with the figures printed.

- Parallel admissions to a facility's last free bed: exactly one gets it (PostgreSQL row locks).
- A Celery worker killed in the middle of a claim generation: the task is delivered again and the
  drafts come out whole, each line once (a real worker on PostgreSQL and Redis).
- The broker down while people keep working: pages and writes still answer, the failed sends are
  logged, and the work is caught up when the broker is back.

The first two need PostgreSQL (the second also a broker) and run in CI's second pass; the broker
drill runs everywhere, catching up in-process on SQLite and through a real worker on PostgreSQL.
"""
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from kombu import Exchange, Queue

from config.celery import app
from facilities.models import Facility
from residents.models import Stay
from residents.services import stay_admit
from staffing.models import StaffMember
from subsidies.generation import claims_generate
from subsidies.models import ClaimBatch, ClaimLine, GenerationRun, RunStatus
from subsidies.tasks import generate_claims, requeue_queued_runs
from tests.factories import PersonFactory, StayFactory, make_id_number
from tests.subsidies.test_concurrency import in_parallel, residents

JULY = date(2026, 7, 1)
ADMISSIONS = 8

postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL row locks")


def _wait_for(condition, *, timeout: float, what: str, interval: float = 0.05, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            tail = f"\n{log.read_text()[-3000:]}" if log is not None else ""
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}{tail}")
        time.sleep(interval)


# --- 1. parallel admissions to the last free bed --------------------------------------------------


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_admissions_to_the_last_free_bed_admit_exactly_one(cast, facilities, figures):
    facility = facilities["a"]
    Facility.objects.filter(pk=facility.pk).update(bed_capacity=3)
    for _ in range(2):
        StayFactory(person=PersonFactory(), facility=facility, admitted_on=date(2025, 6, 1))
    applicants = [PersonFactory(name=f"候补{n}") for n in range(ADMISSIONS)]
    today = timezone.localdate()

    started = time.monotonic()
    results = in_parallel(*(
        lambda person=person: stay_admit(by=cast["manager_a"], facility=facility, person=person, admitted_on=today)
        for person in applicants
    ))
    elapsed = time.monotonic() - started

    admitted = [r for r in results if isinstance(r, Stay)]
    refused = [r for r in results if isinstance(r, ValidationError) and "facility" in getattr(r, "error_dict", {})]
    assert len(admitted) == 1 and len(refused) == ADMISSIONS - 1, results
    assert all(error.error_dict["facility"][0].params["occupied"] == 3 for error in refused)
    assert Stay.objects.filter(facility=facility, ended_on__isnull=True).count() == 3
    assert Stay.objects.filter(person__in=applicants).get() == admitted[0]
    figures(f"fault drill: {ADMISSIONS} parallel admissions to the last free bed, {len(admitted)} admitted, "
           f"{len(refused)} refused (bed full), occupancy 3/3 ({elapsed:.2f} s)")


# --- 2. a worker killed mid-task ------------------------------------------------------------------


def _require_worker_environment():
    unavailable = pytest.fail if os.environ.get("REQUIRE_CELERY_WORKER") else pytest.skip
    if not os.environ.get("CELERY_BROKER_URL") or not os.environ.get("CELERY_RESULT_BACKEND"):
        unavailable("needs CELERY_BROKER_URL and CELERY_RESULT_BACKEND (CI sets them)")
    if connection.vendor != "postgresql":
        unavailable("a worker process cannot share an in-memory SQLite test database")


@contextmanager
def _worker(name: str, queue: str, log: Path, *, pool: str = "solo", visibility_timeout: int = 2):
    """A `celery worker` of our own on the configured broker and the test database, consuming only `queue`.

    Its redelivery window (CELERY_VISIBILITY_TIMEOUT) is short, as production's is long.
    """
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
    }
    hostname = f"{name}-{os.getpid()}@{socket.gethostname()}"
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", f"--pool={pool}", "--concurrency=1",
               "--loglevel=INFO", "--queues", queue, "--hostname", hostname,
               "--without-gossip", "--without-mingle", "--without-heartbeat"]
    with open(log, "ab") as output:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[hostname], timeout=1):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker {name} did not start:\n{log.read_text()[-3000:]}")
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def sending_to_the_broker():
    """Send tasks to the real broker instead of running them in-process (the test settings' default)."""
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def _backend_waiting_for_a_lock() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # activity is otherwise read once per transaction
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            " AND pid <> pg_backend_pid()"
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _backend_gone(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 0


def _delete_queue(name: str) -> None:
    """Remove the drill's queue and its bindings from the broker (declared again first, so kombu knows them)."""
    with app.connection_for_write() as broker:
        queue = Queue(name, Exchange(name, type="direct"), routing_key=name)(broker.default_channel)
        queue.declare()
        queue.delete()


def _pool_child(worker: subprocess.Popen) -> int:
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def _claims_consistency() -> tuple[int, int]:
    """(duplicated lines, partial batches): a line twice for a person, item and month; a batch whose
    line count or total disagrees with its lines."""
    duplicated = (
        ClaimLine.objects.values("batch", "person", "item", "adjusts_month").annotate(n=Count("id")).filter(n__gt=1)
    )
    partial = 0
    for batch in ClaimBatch.objects.annotate(lines_n=Count("lines"), lines_sum=Sum("lines__amount")):
        if batch.line_count != batch.lines_n or batch.total != (batch.lines_sum or Decimal("0.00")):
            partial += 1
    return sum(row["n"] - 1 for row in duplicated), partial


def _line_counts() -> dict[int, int]:
    return dict(ClaimBatch.objects.values_list("facility_id", "line_count"))


@postgres_only
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("sample_standards", "sending_to_the_broker")
@pytest.mark.parametrize("killed", ["worker", "pool child"])
def test_a_worker_killed_mid_generation_redelivers_the_task_and_the_drafts_come_out_whole(
    killed, request, cast, facilities, tmp_path, figures,
):
    """SIGKILL while the run is `running` and its worker is inside the transaction that rewrites the drafts.

    The worker is held mid-task without anything test-only in the code: another transaction holds
    the row lock on the second facility's draft (as a clerk submitting it would), so the generation
    waits there — having written the drafts it commits before that one, if any — when it is killed.
    `worker`: the whole worker dies (the machine, the OOM killer); the message stays unacknowledged
    (acks_late) and Redis hands it to a new worker after the visibility timeout. `pool child`: the
    process running the task dies; the worker requeues it at once (reject_on_worker_lost).
    """
    _require_worker_environment()
    residents(facilities["a"], 20)
    residents(facilities["b"], 20)
    claims_generate(run=GenerationRun.objects.create(region_id="621002", month=JULY, requested_by=cast["clerk"]))
    before = _line_counts()
    assert before == {facilities["a"].pk: 60, facilities["b"].pk: 60}
    residents(facilities["a"], 5)  # admitted since: the new drafts have 75 lines each
    residents(facilities["b"], 5)
    held = ClaimBatch.objects.get(facility=facilities["b"])
    run = GenerationRun.objects.create(region_id="621002", month=JULY, requested_by=cast["clerk"])
    queue = f"faults-{os.getpid()}-{killed.replace(' ', '-')}"
    log = tmp_path / "worker.log"
    pool = "solo" if killed == "worker" else "prefork"

    request.addfinalizer(lambda: _delete_queue(queue))
    with _worker("first", queue, log, pool=pool) as first:
        with transaction.atomic():
            ClaimBatch.objects.select_for_update().get(pk=held.pk)
            sent = time.monotonic()
            task_id = generate_claims.apply_async(args=[run.pk], queue=queue).id
            waiter = _wait_for(_backend_waiting_for_a_lock, timeout=60, what="the generation to reach the held draft",
                               log=log)
            progress = GenerationRun.objects.get(pk=run.pk)
            assert progress.status == RunStatus.RUNNING and progress.units_total == 2
            victim = first.pid if killed == "worker" else _pool_child(first)
            os.kill(victim, signal.SIGKILL)
            killed_at = time.monotonic()
            if killed == "worker":
                first.wait(timeout=30)
        # The killed process's database session is rolled back by PostgreSQL once its lock is granted.
        try:
            _wait_for(lambda: _backend_gone(waiter), timeout=10, what="the dead worker's session to end")
        except pytest.fail.Exception:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [waiter])
        # Killed mid-task: each draft is either the old one or the new one, never half of either.
        at_kill = _line_counts()
        assert at_kill[facilities["b"].pk] == 60 and at_kill[facilities["a"].pk] in (60, 75), at_kill
        assert _claims_consistency() == (0, 0)
        written_before_kill = GenerationRun.objects.get(pk=run.pk).units_done
        if killed == "worker":
            time.sleep(max(0.0, 2.5 - (time.monotonic() - sent)))  # the visibility timeout since delivery
            with _worker("second", queue, log):
                ready_after = time.monotonic() - killed_at
                _wait_for(lambda: GenerationRun.objects.get(pk=run.pk).status == RunStatus.DONE, timeout=90,
                          what="the redelivered run to finish", interval=0.1, log=log)
        else:
            ready_after = 0.0
            _wait_for(lambda: GenerationRun.objects.get(pk=run.pk).status == RunStatus.DONE, timeout=90,
                      what="the requeued run to finish", interval=0.1, log=log)
        done_after = time.monotonic() - killed_at

    deliveries = sum(1 for line in log.read_text().splitlines() if task_id in line and "received" in line.lower())
    assert deliveries == 2, log.read_text()[-3000:]
    run.refresh_from_db()
    assert (run.status, run.units_done, run.units_total, run.lines_written) == (RunStatus.DONE, 2, 2, 150)
    assert _line_counts() == {facilities["a"].pk: 75, facilities["b"].pk: 75}
    duplicated, partial = _claims_consistency()
    assert (duplicated, partial) == (0, 0)
    redelivered = sorted(ClaimLine.objects.values_list("batch__facility_id", "person_id", "item", "amount"))
    claims_generate(run=GenerationRun.objects.create(region_id="621002", month=JULY, requested_by=cast["clerk"]))
    assert sorted(ClaimLine.objects.values_list("batch__facility_id", "person_id", "item", "amount")) == redelivered
    how = f"new worker up {ready_after:.1f} s after the kill" if killed == "worker" else "requeued by the worker"
    figures(f"worker killed mid-task ({killed} SIGKILLed in the draft-writing transaction, "
           f"{written_before_kill} of 2 drafts committed before): redelivered ({how}), run done {done_after:.1f} s "
           f"after the kill, {duplicated} duplicated lines, {partial} partial batches "
           f"(2 batches, {len(redelivered)} lines, same as a clean generation)")


# --- 3. the broker down ---------------------------------------------------------------------------


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fresh_broker_connections() -> None:
    """Make the app look its broker up again (kombu keeps one pool per broker URL, left open for reuse)."""
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def _broker_unreachable(monkeypatch):
    """Point the app at a Redis nobody listens on, sending for real (no in-process fallback)."""
    url = f"redis://127.0.0.1:{_unused_port()}/10"
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_transport_options")}
    _fresh_broker_connections()
    with monkeypatch.context() as patch:
        patch.setenv("CELERY_BROKER_URL", url)  # Celery reads the variable before its own setting
        app.conf.update(broker_url=url, task_always_eager=False,
                        broker_transport_options={"socket_connect_timeout": 2.0, "visibility_timeout": 3600})
        try:
            yield url
        finally:
            _fresh_broker_connections()
            app.conf.update(saved)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("sample_standards")
def test_with_the_broker_down_the_app_keeps_working_and_catches_up_when_it_is_back(
    request, cast, facilities, login, caplog, monkeypatch, figures,
):
    residents(facilities["a"], 2)
    today = timezone.localdate()
    served, errors, slowest = 0, 0, 0.0

    def call(client, method, url, data=None):
        nonlocal served, errors, slowest
        started = time.monotonic()
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        slowest = max(slowest, time.monotonic() - started)
        served += 1
        errors += response.status_code >= 500
        return response

    with caplog.at_level(logging.ERROR, logger="common.enqueue"), _broker_unreachable(monkeypatch):
        manager = login(cast["manager_a"])
        for name, args in (("home", []), ("person_list", []), ("facility_list", []), ("alert_list", []),
                           ("staffing_dashboard", []), ("admission_create", [])):
            assert call(manager, "get", reverse(name, args=args)).status_code == 200, name
        admitted = call(manager, "post", reverse("admission_create"), {
            "facility": facilities["a"].pk, "admitted_on": today.isoformat(), "name": "断线入住",
            "id_number": make_id_number(born=date(1944, 4, 4), serial=7), "hukou_region": "621002",
            "hukou_type": "rural", "disability_category": "", "disability_grade": "",
        })
        assert admitted.status_code == 302
        stay = Stay.objects.get(person__name="断线入住")
        assert stay.facility == facilities["a"]
        staffed = call(manager, "post", reverse("staff_add", args=[facilities["a"].pk]), {
            "name": "断线护理员", "id_number": make_id_number(born=date(1990, 1, 1), serial=301, male=False),
            "role": "carer", "fte": "1.0", "started_on": today.isoformat(),
        })
        assert staffed.status_code == 302 and StaffMember.objects.filter(name="断线护理员").exists()
        assert call(manager, "get", reverse("person_detail", args=[stay.person_id])).status_code == 200

        clerk = login(cast["clerk"])
        for name in ("subsidies:batch_list", "subsidies:generation_create", "subsidies:standard_list"):
            assert call(clerk, "get", reverse(name)).status_code == 200, name
        requested = call(clerk, "post", reverse("subsidies:generation_create"),
                         {"month": today.strftime("%Y-%m"), "region": "621002"})
        run = GenerationRun.objects.get()
        assert requested.status_code == 302 and requested["Location"] == reverse("subsidies:run_detail", args=[run.pk])
        assert "排队中" in call(clerk, "get", requested["Location"]).content.decode()
        run.refresh_from_db()
        assert run.status == RunStatus.QUEUED

    not_sent = [r for r in caplog.records if r.name == "common.enqueue" and "broker unreachable" in r.getMessage()]
    assert {r.getMessage().split(" not enqueued")[0].split(", ")[-1] for r in not_sent} == {
        "residents.tasks.scan_after_change", "staffing.tasks.compliance_for_facility", "subsidies.tasks.generate_claims",
    }
    assert errors == 0 and slowest < 5, (errors, slowest)

    # The broker is back: a real worker where CI has one, in-process otherwise.
    real_worker = bool(os.environ.get("CELERY_BROKER_URL")) and connection.vendor == "postgresql"
    if real_worker:
        request.getfixturevalue("celery_worker")
    assert requeue_queued_runs.apply().get() == []  # a run queued a moment ago still has its own message
    GenerationRun.objects.filter(pk=run.pk).update(requested_at=timezone.now() - timedelta(minutes=6))
    assert requeue_queued_runs.apply().get() == [run.pk]
    _wait_for(lambda: GenerationRun.objects.get(pk=run.pk).status == RunStatus.DONE, timeout=90,
              what="the re-sent run to finish", interval=0.2)
    assert ClaimBatch.objects.get(facility=facilities["a"], month=today.replace(day=1)).line_count == 6
    assert requeue_queued_runs.apply().get() == []
    assert "requeue-generation-runs" in settings.CELERY_BEAT_SCHEDULE
    figures(f"broker down: {served} requests served, {errors} errors, slowest {slowest:.2f} s, "
           f"{len(not_sent)} failed sends logged; run queued then done "
           f"({'real worker' if real_worker else 'in-process'} after the broker came back)")


def test_every_task_is_sent_through_the_one_enqueue_module():
    """A bare `.delay()` after commit would turn a broker outage into an error page for a saved write."""
    root = Path(settings.BASE_DIR)
    sends = re.compile(r"\.(delay|apply_async|delay_on_commit|apply_async_on_commit)\(")
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for app_dir in ("accounts", "config", "facilities", "residents", "staffing", "subsidies")
        for path in sorted((root / app_dir).rglob("*.py"))
        if path != root / "config" / "enqueue.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if sends.search(line)
    ]
    assert not offenders, f"send tasks with common.enqueue.enqueue / enqueue_on_commit: {offenders}"
