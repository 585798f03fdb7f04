"""List totals: small ones always exact, province-sized ones counted once a minute (common.list_totals)."""
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common import list_totals
from common.list_totals import ListPaginator, list_total
from facilities.models import Facility
from facilities.tables import FacilityTable
from tests.factories import FacilityFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


def counts(queryset) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        total = list_total(queryset)
    return total, len(queries)


def test_a_small_total_is_counted_every_time(regions):
    FacilityFactory.create_batch(3, region=regions["621002100"])
    assert counts(Facility.objects.all()) == (3, 1)
    FacilityFactory(region=regions["621002100"])
    assert counts(Facility.objects.all()) == (4, 1)


def test_a_large_total_is_kept_for_a_minute_per_query(regions, monkeypatch, settings):
    monkeypatch.setattr(list_totals, "LARGE_LIST", 3)
    FacilityFactory.create_batch(3, region=regions["621002100"])
    FacilityFactory(region=regions["621021"])
    assert counts(Facility.objects.all()) == (4, 1)
    FacilityFactory(region=regions["621021"])
    assert counts(Facility.objects.all()) == (4, 0)  # remembered: no query, the old total
    # another filter is another query with its own total
    assert counts(Facility.objects.filter(region__code__startswith="621002")) == (3, 1)
    assert counts(Facility.objects.filter(region__code="621021")) == (2, 1)  # below the threshold: exact
    cache.clear()  # the minute is over
    assert counts(Facility.objects.all()) == (5, 1)


def test_the_table_paginator_uses_the_total_once(regions):
    FacilityFactory.create_batch(30, region=regions["621002100"])
    table = FacilityTable(Facility.objects.order_by("pk"))
    with CaptureQueriesContext(connection) as queries:
        table.paginate(paginator_class=ListPaginator, per_page=25, page=2)
        assert table.paginator.count == 30 and table.paginator.num_pages == 2
        assert len(table.rows) == 30
        assert len(list(table.page.object_list)) == 5
    assert sum("COUNT(" in q["sql"] for q in queries.captured_queries) == 1


def test_an_empty_scope_counts_nothing_without_a_query():
    assert counts(Facility.objects.none()) == (0, 0)
