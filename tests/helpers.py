"""Helpers the tests share (plain functions; the fixtures are in the conftest.py files).

- `count_queries`: what a page or an endpoint costs, for the tests that pin a query count.
- The custody and public-notice situations: a frozen clock, deposits and withdrawals, a township's
  support changes and a notice of them (tests/residents/custody, tests/residents/notices, tests/e2e).
- `amounts`: the claim lines of a month read back (the claim fixtures are in tests/conftest.py).
"""
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from residents.custody import services as custody
from residents.models import SupportForm, SupportKind
from residents.notices import services as notices
from subsidies.models import ClaimBatch, ClaimLine
from tests.factories import AssessmentFactory, PersonFactory, StayFactory, SupportStatusFactory

# --- query counts -----------------------------------------------------------------------------


def count_queries(client, url, params=None, **extra) -> int:
    """GET `url` (with the query `params`, and `extra` such as `HTTP_HX_REQUEST="true"` for a header),
    assert it answers 200 and return the number of database queries the request ran."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params, **extra)
        assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


# --- custody of residents' money ----------------------------------------------------------------

TODAY = date(2026, 11, 16)  # a Monday
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


def frozen(day: date = TODAY):
    return time_machine.travel(datetime.combine(day, time(9, 30), tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)


def yuan(text: str) -> Decimal:
    return Decimal(text)


def deposit(by, person, amount="100.00", *, holding="pocket_money", on=date(2026, 11, 2), **extra):
    return custody.custody_entry_record(
        by=by, person=person, kind="deposit", holding=holding, amount=yuan(amount), occurred_on=on, **extra
    )


def withdraw(by, person, amount="30.00", *, holding="pocket_money", on=date(2026, 11, 3), **extra):
    extra.setdefault("purpose", "购买日用品")
    extra.setdefault("receipt_number", "SJ-0001")
    return custody.custody_entry_record(
        by=by, person=person, kind="withdrawal", holding=holding, amount=yuan(amount), occurred_on=on, **extra
    )


LEDGER_TABLES = ("residents_custodyentry", "residents_custodyconfirmation")


def empty_ledger() -> None:
    """Teardown of transactional tests: SQLite's flush deletes row by row, which the append-only
    triggers refuse; so drop them, empty the custody tables and create them again."""
    from importlib import import_module

    guard = import_module("residents.migrations.0003_custody_ledger_append_only")
    vendor = connection.vendor
    drops = {"sqlite": guard.SQLITE_DROP, "postgresql": guard.POSTGRES_DROP}.get(vendor, [])
    creates = {"sqlite": guard.SQLITE, "postgresql": guard.POSTGRES}.get(vendor, [])
    with connection.cursor() as cursor:
        for statement in drops:
            cursor.execute(statement)
        for table in ("residents_custodyconfirmation", "residents_historicalcustodysample", "residents_custodysample",
                      "residents_custodysampling", "residents_custodyentry", "residents_custodyaccount"):
            cursor.execute(f"DELETE FROM {table}")
        for statement in creates:
            cursor.execute(statement)


# --- public notices ---------------------------------------------------------------------------


def township_changes(regions):
    """Xiaojin township (621002100): changes in October 2026 for adults, a minor and people elsewhere."""
    town = regions["621002100"]
    adult = PersonFactory(name="赵德明", residence_region=town, born=date(1948, 3, 1))
    SupportStatusFactory(person=adult, confirmed_on=date(2026, 10, 12))
    leaving = PersonFactory(name="钱凤珍", hukou_region=town, born=date(1940, 7, 7))
    SupportStatusFactory(person=leaving, confirmed_on=date(2024, 1, 5), terminated_on=date(2026, 10, 20),
                         termination_reason="死亡")
    minor = PersonFactory(name="孙小宝", residence_region=town, born=date(2010, 4, 4))
    SupportStatusFactory(person=minor, confirmed_on=date(2026, 10, 15), support_form="dispersed")
    turning = PersonFactory(name="周成年", residence_region=town, born=date(2008, 11, 16))  # 18 on posting day
    SupportStatusFactory(person=turning, confirmed_on=date(2026, 10, 16))
    elsewhere = PersonFactory(name="吴别乡", residence_region=regions["621002101"], born=date(1950, 1, 1))
    SupportStatusFactory(person=elsewhere, confirmed_on=date(2026, 10, 12))
    moved = PersonFactory(name="郑迁出", hukou_region=town, residence_region=regions["621002101"], born=date(1950, 1, 1))
    SupportStatusFactory(person=moved, confirmed_on=date(2026, 10, 12))
    dibao = PersonFactory(name="王低保", residence_region=town, born=date(1950, 1, 1))
    SupportStatusFactory(person=dibao, kind=SupportKind.DIBAO, support_form="", confirmed_on=date(2026, 10, 12))
    earlier = PersonFactory(name="冯九月", residence_region=town, born=date(1950, 1, 1))
    SupportStatusFactory(person=earlier, confirmed_on=date(2026, 9, 30))
    return town


def make_notice(by, town, *, posted_on=TODAY, period=OCTOBER, contact="肖金镇民政办 0934-8888888"):
    return notices.notice_create(by=by, township=town, period_start=period[0], period_end=period[1],
                                 posted_on=posted_on, contact=contact)


# --- claims -----------------------------------------------------------------------------------


def amounts(month: date, *, adjustments: bool = False) -> dict:
    """Lines of a month as {(payer name, person name, item): amount}."""
    lines = ClaimLine.objects.filter(batch__month=month, adjusts_month__isnull=not adjustments).select_related(
        "batch__facility", "batch__township", "person"
    )
    return {(line.batch.payer_name, line.person.name, line.item): line.amount for line in lines}


def claim_resident(facility, name, *, town="621002100", category="partial"):
    """A 特困 person confirmed in 2025, assessed in April 2026, in `facility` (or at home when None)."""
    person = PersonFactory(name=name, residence_region_id=town)
    SupportStatusFactory(person=person, confirmed_on=date(2025, 3, 10),
                         support_form=SupportForm.CENTRALISED if facility else SupportForm.DISPERSED)
    AssessmentFactory(person=person, assessed_on=date(2026, 4, 1), computed_category=category)
    if facility is not None:
        StayFactory(person=person, facility=facility, admitted_on=date(2025, 6, 1))
    return person


def batches_of(month: date, facilities) -> dict:
    """The month's claim batches of facilities A and B and of the township 董志镇, after generation."""
    return {
        "a": ClaimBatch.objects.get(month=month, facility=facilities["a"]),
        "b": ClaimBatch.objects.get(month=month, facility=facilities["b"]),
        "town": ClaimBatch.objects.get(month=month, township_id="621002101"),
    }


@contextmanager
def seeded_demo(last_command: str):
    """The demo seeders up to the inspections, then `last_command`, inside a transaction rolled back at
    the end; yields what `last_command` printed."""
    with transaction.atomic():
        for command in ("seed_demo", "seed_demo_residents", "seed_demo_staff", "seed_demo_inspections"):
            call_command(command, stdout=StringIO())
        out = StringIO()
        call_command(last_command, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
