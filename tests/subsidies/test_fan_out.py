"""A region's month fanned out per county (subsidies.tasks.generate_claims_part): the same lines as one
run, each county counted once, a failing county retried without doubling lines."""
import time
from datetime import date

import pytest
from django.db import OperationalError

from accounts.models import Role
from facilities.models import Region
from subsidies import generation
from subsidies.generation import run_parts
from subsidies.models import ClaimBatch, ClaimLine, GenerationRun, RunStatus
from subsidies.tasks import generate_claims
from tests.factories import UserFactory
from tests.subsidies.test_generation import residents

JULY = date(2026, 7, 1)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sample_standards")]


def _lines() -> list[tuple]:
    return sorted(ClaimLine.objects.values_list("batch__facility_id", "batch__township_id", "person_id", "item",
                                                "amount", "days", "category", "basis", "flags", "previous_amount"))


def _run(cast, region="621000") -> GenerationRun:
    run = GenerationRun.objects.create(region_id=region, month=JULY, requested_by=cast["clerk"])
    generate_claims(run.pk)
    run.refresh_from_db()
    return run


def test_a_city_splits_into_its_counties_and_a_county_is_one_part(regions):
    assert run_parts("621000") == ["621002", "621021"]
    assert run_parts("620000") == ["621002", "621021"]
    assert run_parts("621002") == ["621002"]
    assert run_parts("621002100") == ["621002100"]


def test_a_city_without_counties_is_one_part_and_no_part_is_nested(regions):
    city = Region.objects.create(code="441900", name="东莞市", full_name="广东省东莞市", level="city")
    Region.objects.create(code="441900003", name="东城街道", full_name="广东省东莞市东城街道", level="township", parent=city)
    Region.objects.create(code="441901", name="某区", full_name="广东省东莞市某区", level="county", parent=city)
    assert run_parts("440000") == ["4419"]


def test_fanned_out_lines_are_the_lines_of_one_run(cast, facilities, settings):
    residents(facilities["a"], 4)
    residents(facilities["c"], 3, start=10)
    settings.CLAIMS_FAN_OUT = False
    whole = _run(cast)
    expected = _lines()
    assert whole.parts == {} and len(expected) == 21
    ClaimLine.objects.all().delete()
    ClaimBatch.objects.all().delete()
    settings.CLAIMS_FAN_OUT = True
    run = _run(cast)
    assert _lines() == expected
    assert run.status == RunStatus.DONE and run.parts_done == 2 and run.percent == 100
    assert {code: part["lines"] for code, part in run.parts.items()} == {"621002": 12, "621021": 9}
    assert (run.units_total, run.units_done, run.lines_written) == (whole.units_total, whole.units_done, 21)


def test_a_county_that_fails_once_is_retried_and_counted_once(cast, facilities, monkeypatch):
    residents(facilities["a"], 2)
    residents(facilities["c"], 2, start=10)
    finished, failures = generation.part_finished, []

    def flaky(*, run_id, part, figures):
        if part == "621021" and figures is not None and not failures:
            failures.append(part)  # the county's lines are written; the database goes away before it reports
            raise OperationalError("server closed the connection unexpectedly")
        return finished(run_id=run_id, part=part, figures=figures)

    monkeypatch.setattr(generation, "part_finished", flaky)
    run = _run(cast)
    assert failures == ["621021"] and run.status == RunStatus.DONE
    assert ClaimLine.objects.count() == run.lines_written == 12
    assert ClaimLine.objects.filter(batch__facility=facilities["c"]).count() == 6


def test_a_county_that_keeps_failing_fails_the_run_and_leaves_the_others_whole(cast, facilities, monkeypatch,
                                                                                caplog):
    residents(facilities["a"], 2)
    residents(facilities["c"], 2, start=10)
    regenerate = generation._generate_region

    def broken(*, run, prefix):
        if prefix == "621021":
            raise OperationalError("deadlock detected")
        return regenerate(run=run, prefix=prefix)

    monkeypatch.setattr(generation, "_generate_region", broken)
    run = _run(cast)
    assert run.status == RunStatus.FAILED and run.parts["621021"] == {"status": "failed"}
    assert ClaimLine.objects.filter(batch__facility=facilities["a"]).count() == 6
    assert "county 621021 failed" in caplog.text


def test_the_run_page_counts_counties(cast, facilities, login):
    residents(facilities["a"], 1)
    run = _run(cast)
    city_clerk = UserFactory(username="clerk_city", role=Role.CLERK, region_code="621000")
    page = login(city_clerk).get(f"/subsidies/claims/runs/{run.pk}/").content.decode()
    assert 'data-testid="run-parts">2 / 2<' in page


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_generates_every_county_of_a_city(cast, facilities, celery_worker):
    residents(facilities["a"], 3)
    residents(facilities["c"], 2, start=10)
    run = GenerationRun.objects.create(region_id="621000", month=JULY, requested_by=cast["clerk"])
    generate_claims.delay(run.pk).get(timeout=60)
    deadline = time.monotonic() + 60
    while run.status != RunStatus.DONE and time.monotonic() < deadline:
        time.sleep(0.2)
        run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.parts_done == 2
    assert ClaimLine.objects.count() == run.lines_written == 15
