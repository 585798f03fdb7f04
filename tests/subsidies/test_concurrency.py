"""Races on PostgreSQL: two clerks approving at once, two generations at once, a redelivered task.

SQLite serialises every writer, so these run on PostgreSQL only (CI's second pass).
"""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection  # noqa: F401  (the skipif condition below reads it)
from django.db.models import Count

from accounts.models import Role
from subsidies.generation import claims_generate
from subsidies.models import BatchStatus, ClaimBatch, ClaimLine, GenerationRun, RunStatus
from subsidies.services import batch_approve, batch_submit
from subsidies.tasks import generate_claims
from tests.factories import AssessmentFactory, PersonFactory, StayFactory, SupportStatusFactory, UserFactory
from tests.parallel import in_parallel

JULY = date(2026, 7, 1)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("sample_standards"),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL row locks"),
]


def residents(facility, count):
    for n in range(count):
        person = PersonFactory(name=f"并发{n:03d}", residence_region_id="621002100")
        SupportStatusFactory(person=person, confirmed_on=date(2025, 3, 10))
        AssessmentFactory(person=person, assessed_on=date(2026, 4, 1), computed_category="partial")
        StayFactory(person=person, facility=facility, admitted_on=date(2025, 6, 1))


def test_two_clerks_approving_at_once_exactly_one_wins(cast, facilities, generate, figures):
    residents(facilities["a"], 3)
    generate(JULY)
    batch = ClaimBatch.objects.get(facility=facilities["a"])
    batch_submit(by=cast["manager_a"], batch=batch)
    clerks = [cast["clerk"]] + [UserFactory(role=Role.CLERK, region_code="621002") for _ in range(3)]
    results = in_parallel(*(lambda clerk=clerk: batch_approve(by=clerk, batch=batch) for clerk in clerks))
    winners = [r for r in results if isinstance(r, ClaimBatch)]
    losers = [r for r in results if isinstance(r, ValidationError)]
    assert len(winners) == 1 and len(losers) == 3
    assert all(error.code == "stale" for error in losers)
    assert batch.history.filter(history_change_reason="审核通过").count() == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPROVED and batch.reviewed_by == winners[0].reviewed_by
    figures(f"fault drill: {len(clerks)} clerks approving one batch at once, {len(winners)} approval, "
            f"{len(losers)} refused as already handled")


def test_two_generations_at_once_write_each_line_once(cast, facilities, figures):
    residents(facilities["a"], 20)
    runs = [GenerationRun.objects.create(region_id="621002", month=JULY, requested_by=cast["clerk"]) for _ in range(3)]
    results = in_parallel(*(lambda run=run: claims_generate(run=run) for run in runs))
    assert all(isinstance(r, GenerationRun) and r.status == RunStatus.DONE for r in results), results
    assert ClaimBatch.objects.count() == 1
    assert ClaimLine.objects.count() == 60
    doubled = ClaimLine.objects.values("batch", "person", "item").annotate(n=Count("id")).filter(n__gt=1)
    assert not doubled.exists()
    batch = ClaimBatch.objects.get()
    assert batch.line_count == 60 and batch.total == sum(line.amount for line in ClaimLine.objects.all())
    figures(f"fault drill: {len(runs)} generations of one month at once, {ClaimLine.objects.count()} lines written, "
            f"{doubled.count()} duplicated")


def test_a_redelivered_generation_task_leaves_the_same_lines(cast, facilities):
    residents(facilities["a"], 5)
    run = GenerationRun.objects.create(region_id="621002", month=JULY, requested_by=cast["clerk"])
    generate_claims.apply(args=[run.pk])
    first = sorted(ClaimLine.objects.values_list("person_id", "item", "amount"))
    GenerationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)  # as if the worker died before the end
    generate_claims.apply(args=[run.pk])
    assert sorted(ClaimLine.objects.values_list("person_id", "item", "amount")) == first
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.units_done == 1 and run.lines_written == 15


@pytest.mark.celery_worker
def test_a_real_worker_generates_and_a_second_delivery_changes_nothing(cast, facilities, celery_worker):
    residents(facilities["a"], 4)
    run = GenerationRun.objects.create(region_id="621002", month=JULY, requested_by=cast["clerk"])
    assert generate_claims.delay(run.pk).get(timeout=120)["status"] == RunStatus.DONE
    first = sorted(ClaimLine.objects.values_list("id", "person_id", "item", "amount"))
    assert len(first) == 12
    assert generate_claims.delay(run.pk).get(timeout=120)["status"] == RunStatus.DONE
    assert sorted(ClaimLine.objects.values_list("id", "person_id", "item", "amount")) == first
