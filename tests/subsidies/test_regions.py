"""Claims for any region inside a clerk's scope: a city, a county or a township.

A correction belongs to its own payer's batch and is produced when that payer's region is
generated, whichever region a clerk generates first: never lost, never doubled. A run that fails
says so in Chinese and English without any Python text; the exception goes to the log.

July 2026 is generated and approved in both counties (西峰区 621002 and 庆城县 621021); then, as
happens every month, things change elsewhere: a star rating is recorded for 庆城县's facility and a
resident of 西峰区 turns out to have moved to 庆城县 in June.
"""
import itertools
import logging
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from accounts.models import Role
from facilities.models import StarRating
from residents.models import StayEndReason
from subsidies.models import ClaimBatch, ClaimLine, GenerationRun, RunStatus
from subsidies.services import batch_approve, batch_submit
from tests.factories import AssessmentFactory, PersonFactory, StayFactory, SupportStatusFactory, UserFactory

pytestmark = pytest.mark.usefixtures("sample_standards")

JULY, AUGUST = date(2026, 7, 1), date(2026, 8, 1)


@pytest.fixture(autouse=True)
def august_the_tenth():
    with time_machine.travel("2026-08-10 09:00 +0800"):
        yield


def resident(name, facility, town, *, category="partial"):
    person = PersonFactory(name=name, residence_region_id=town)
    SupportStatusFactory(person=person, confirmed_on=date(2025, 3, 10))
    AssessmentFactory(person=person, assessed_on=date(2026, 4, 1), computed_category=category)
    return person, StayFactory(person=person, facility=facility, admitted_on=date(2025, 6, 1))


@pytest.fixture
def city_clerks(regions):
    return [UserFactory(username=f"city_clerk{n}", role=Role.CLERK, region_code="621000") for n in (1, 2)]


@pytest.fixture
def changed_elsewhere(cast, facilities, generate, city_clerks):
    """July approved in both counties, then a rating in 庆城县 and a move from 西峰区 to 庆城县 recorded late."""
    mover, stay = resident("迁出人", facilities["a"], "621002100")
    resident("留守人", facilities["a"], "621002100")
    resident("庆城人", facilities["c"], "621021")
    generate(JULY, "621000", by=city_clerks[0])
    a, c = (ClaimBatch.objects.get(month=JULY, facility=facilities[key]) for key in "ac")
    batch_submit(by=cast["manager_a"], batch=a)
    batch_approve(by=cast["clerk"], batch=a)
    batch_submit(by=city_clerks[0], batch=c)  # 庆城县's home has no manager account: a clerk submits
    batch_approve(by=city_clerks[1], batch=c)
    StarRating.objects.create(
        facility=facilities["c"], rated_on=date(2026, 6, 1), environment=100, equipment=110, management=120,
        service=400, level=3, expires_on=date(2029, 6, 1), evaluators="评定组", recorded_by=cast["inspector_city"],
    )
    stay.ended_on, stay.end_reason = date(2026, 6, 20), StayEndReason.TRANSFERRED
    stay.save()
    StayFactory(person=mover, facility=facilities["c"], admitted_on=date(2026, 6, 20))
    return facilities


def corrections(month=AUGUST) -> list[tuple[str, str, str, Decimal]]:
    """Every adjustment line of the month: (payer, person, item, amount), sorted."""
    return sorted(
        (line.batch.payer_name, line.person.name, line.item, line.amount)
        for line in ClaimLine.objects.filter(batch__month=month, adjusts_month__isnull=False)
        .select_related("batch__facility", "batch__township", "person")
    )


def expected_corrections(facilities) -> list[tuple[str, str, str, Decimal]]:
    a, c = facilities["a"].name, facilities["c"].name
    return sorted([
        # 西峰区 claimed the mover for July; 庆城县 should have (its rating now counts: 200 × 1.10).
        (a, "迁出人", "basic_living", Decimal("-800.00")),
        (a, "迁出人", "care", Decimal("-600.00")),
        (a, "迁出人", "operating", Decimal("-200.00")),
        (c, "迁出人", "basic_living", Decimal("800.00")),
        (c, "迁出人", "care", Decimal("600.00")),
        (c, "迁出人", "operating", Decimal("220.00")),
        (c, "庆城人", "operating", Decimal("20.00")),
    ])


def test_the_county_clerk_generates_the_county_after_changes_in_another_county(
    cast, changed_elsewhere, login, django_capture_on_commit_callbacks,
):
    client = login(cast["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("subsidies:generation_create"), {"month": "2026-08", "region": "621002"})
    run = GenerationRun.objects.latest("id")
    html = client.get(reverse("subsidies:run_detail", args=[run.pk])).content.decode()
    assert run.__class__.objects.get(pk=run.pk).status == RunStatus.DONE, html
    assert "已完成" in html and "KeyError" not in html
    a = changed_elsewhere["a"].name
    assert corrections() == [item for item in expected_corrections(changed_elsewhere) if item[0] == a]
    assert not ClaimBatch.objects.filter(month=AUGUST, region__code__startswith="621021").exists()


def test_a_township_generates_only_its_own_payers(cast, changed_elsewhere, generate):
    generate(AUGUST, "621002100")
    a = changed_elsewhere["a"].name
    assert corrections() == [item for item in expected_corrections(changed_elsewhere) if item[0] == a]
    assert set(ClaimBatch.objects.filter(month=AUGUST).values_list("region_id", flat=True)) == {"621002100"}


@pytest.mark.parametrize("order", list(itertools.permutations(["621002", "621021", "621000"])))
def test_each_correction_appears_once_in_its_payers_batch_whatever_the_order(
    cast, changed_elsewhere, generate, city_clerks, order,
):
    for region in order:
        generate(AUGUST, region, by=city_clerks[0])
    assert corrections() == expected_corrections(changed_elsewhere)
    for region in reversed(order):  # regenerating changes nothing
        generate(AUGUST, region, by=city_clerks[0])
    assert corrections() == expected_corrections(changed_elsewhere)
    for line in ClaimLine.objects.filter(batch__month=AUGUST, adjusts_month__isnull=False).select_related("batch"):
        payer = line.batch.facility_id
        assert line.corrects is None or line.corrects.batch.facility_id == payer


def test_a_correction_submitted_in_its_county_is_not_claimed_again_by_the_city(
    cast, changed_elsewhere, generate, city_clerks,
):
    generate(AUGUST, "621002")
    batch_submit(by=cast["manager_a"], batch=ClaimBatch.objects.get(month=AUGUST, facility=changed_elsewhere["a"]))
    generate(AUGUST, "621000", by=city_clerks[0])
    assert corrections() == expected_corrections(changed_elsewhere)


# --- a failed run ---------------------------------------------------------------------------------


@pytest.fixture
def lines_cannot_be_written(db):
    """The database refuses to store claim lines (a full disk, a lost connection): a real failure."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE FUNCTION test_refuse_lines() RETURNS trigger AS $$ BEGIN"
                           " RAISE EXCEPTION 'could not extend file: No space left on device'; END $$ LANGUAGE plpgsql")
            cursor.execute("CREATE TRIGGER test_refuse_lines BEFORE INSERT ON subsidies_claimline"
                           " FOR EACH STATEMENT EXECUTE FUNCTION test_refuse_lines()")
        else:
            cursor.execute("CREATE TRIGGER test_refuse_lines BEFORE INSERT ON subsidies_claimline"
                           " BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")


def test_a_failed_run_says_what_failed_and_what_to_do_in_both_languages(
    cast, facilities, login, lines_cannot_be_written, caplog, django_capture_on_commit_callbacks,
):
    resident("甲", facilities["a"], "621002100")
    client = login(cast["clerk"])
    with caplog.at_level(logging.ERROR, logger="subsidies.tasks"), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("subsidies:generation_create"), {"month": "2026-08", "region": "621002"})
    run = GenerationRun.objects.latest("id")
    assert run.status == RunStatus.FAILED and run.finished_at

    html = client.get(reverse("subsidies:run_detail", args=[run.pk])).content.decode()
    assert "生成失败" in html and f"#{run.pk}" in html and "重新生成" in html
    for leak in ("disk is full", "No space left", "OperationalError", "IntegrityError", "Traceback", "Error:"):
        assert leak not in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("subsidies:run_detail", args=[run.pk])).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "failed" in english and f"#{run.pk}" in english and "administrator" in english
    assert "disk is full" not in english and "No space left" not in english

    body = client.get(f"/api/subsidies/generations/{run.pk}").json()
    assert body["status"] == "failed"
    assert "生成失败" in body["error"] and f"#{run.pk}" in body["error"]
    assert "failed" in body["error_en"] and f"#{run.pk}" in body["error_en"]
    assert not any(leak in body["error"] + body["error_en"] for leak in ("disk", "No space", "Error:"))

    logged = [record for record in caplog.records if record.name == "subsidies.tasks"]
    assert logged and logged[0].exc_info is not None and f"run {run.pk}" in logged[0].getMessage()


def test_a_run_that_did_not_fail_has_no_error(cast, facilities, login, generate):
    resident("甲", facilities["a"], "621002100")
    run = generate(AUGUST)
    body = login(cast["clerk"]).get(f"/api/subsidies/generations/{run.pk}").json()
    assert (body["status"], body["error"], body["error_en"]) == ("done", "", "")
