"""The clerk's totals by item for a month: a county's summed every time, a province's kept for a minute."""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from subsidies import page_selectors
from subsidies.page_selectors import item_totals
from tests.subsidies.test_generation import residents

JULY = date(2026, 7, 1)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sample_standards", "empty_cache")]


def totals(user) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        rows = item_totals(user=user, month=JULY)
    return {row["item"]: (row["lines"], row["total"]) for row in rows}, len(queries)


def test_small_totals_are_summed_every_time(cast, facilities, generate):
    residents(facilities["a"], 2)
    generate(JULY)
    first, queries = totals(cast["clerk"])
    assert sum(lines for lines, _total in first.values()) == 6 and queries == 1
    residents(facilities["a"], 1, start=5)
    generate(JULY)
    again, queries = totals(cast["clerk"])
    assert sum(lines for lines, _total in again.values()) == 9 and queries == 1


def test_large_totals_are_kept_per_scope(cast, facilities, generate, monkeypatch):
    monkeypatch.setattr(page_selectors, "LARGE_LIST", 6)
    residents(facilities["a"], 2)
    generate(JULY)
    first, queries = totals(cast["clerk"])
    assert queries == 1 and sum(lines for lines, _total in first.values()) == 6
    assert totals(cast["clerk"]) == (first, 0)
    assert totals(cast["manager_b"]) == ({}, 1)  # another scope is its own entry


def test_nothing_in_scope_costs_no_query(cast):
    assert totals(cast["admin"])[0] == {}
