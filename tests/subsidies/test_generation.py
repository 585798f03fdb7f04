"""Requesting a generation, its progress, and its cost: a fixed number of statements per batch."""
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from subsidies.models import ClaimBatch, ClaimLine, GenerationRun, RunStatus
from subsidies.services import generation_request
from tests.factories import AssessmentFactory, PersonFactory, StayFactory, SupportStatusFactory

JULY = date(2026, 7, 1)

pytestmark = pytest.mark.usefixtures("sample_standards")


def residents(facility, count, start=0):
    for n in range(start, start + count):
        person = PersonFactory(name=f"人员{n:03d}", residence_region_id="621002100")
        SupportStatusFactory(person=person, confirmed_on=date(2025, 3, 10))
        AssessmentFactory(person=person, assessed_on=date(2026, 4, 1), computed_category="partial")
        StayFactory(person=person, facility=facility, admitted_on=date(2025, 6, 1))


@time_machine.travel("2026-07-10 09:00 +0800")
def test_a_clerk_requests_a_month_and_the_task_fills_the_run(cast, facilities, regions,
                                                             django_capture_on_commit_callbacks):
    residents(facilities["a"], 2)
    with django_capture_on_commit_callbacks(execute=True):
        run = generation_request(by=cast["clerk"], region=regions["621002"], month=JULY)
    run.refresh_from_db()
    assert (run.status, run.units_total, run.units_done, run.lines_written, run.percent) == (RunStatus.DONE, 1, 1, 6, 100)
    assert ClaimBatch.objects.get().generated_by == cast["clerk"]


@time_machine.travel("2026-07-10 09:00 +0800")
@pytest.mark.parametrize("who", ["manager_a", "inspector", "admin", "inspector_other"])
def test_only_clerks_request_generation(cast, regions, who):
    with pytest.raises(PermissionDenied):
        generation_request(by=cast[who], region=regions["621002"], month=JULY)


@time_machine.travel("2026-07-10 09:00 +0800")
def test_a_clerk_cannot_generate_beyond_next_month_or_outside_the_region(cast, regions):
    with pytest.raises(ValidationError):
        generation_request(by=cast["clerk"], region=regions["621002"], month=date(2026, 9, 1))
    with pytest.raises(ValidationError):
        generation_request(by=cast["clerk"], region=regions["621002"], month=date(2026, 7, 2))
    with pytest.raises(PermissionDenied):
        generation_request(by=cast["clerk"], region=regions["621021"], month=JULY)
    assert not GenerationRun.objects.exists()


def test_a_failed_generation_is_marked_failed_and_logged_with_its_cause(cast, facilities, caplog):
    from facilities.models import Region
    from subsidies.generation import run_failure
    from subsidies.tasks import generate_claims

    broken = Region.objects.create(code="009900", name="无效", full_name="无效", level="county")  # no such province
    run = GenerationRun.objects.create(region=broken, month=JULY, requested_by=cast["clerk"])
    assert generate_claims(run.pk) == {"run": run.pk, "status": RunStatus.FAILED}
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.finished_at
    assert "生成失败" in run_failure(run) and not any(text in run_failure(run) for text in ("ValueError", "009900"))
    assert "no province has the code 00" in caplog.text


def _statements(generate, facilities, count, start):
    residents(facilities["a"], count, start)
    with CaptureQueriesContext(connection) as queries:
        generate(JULY)
    return [q["sql"] for q in queries.captured_queries if not q["sql"].startswith('INSERT INTO "subsidies_claimline"')]


def test_generation_cost_does_not_grow_with_the_people(cast, facilities, generate):
    few = _statements(generate, facilities, 3, 0)
    ClaimLine.objects.all().delete()
    ClaimBatch.objects.all().delete()
    many = _statements(generate, facilities, 40, 3)
    assert ClaimLine.objects.count() == 129
    assert len(many) == len(few), "\n".join(many)
