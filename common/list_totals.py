"""Totals of province-sized lists without counting 300,000 rows on every page view.

A list's total (共 N 人, the API's `count`) is a COUNT over everything in the user's scope and
filters: nothing for a facility, but about 40 ms of database time for a province's people on every
request (bench/). Totals of at least LARGE_LIST rows are kept for CACHE_SECONDS per query (its SQL,
which holds the scope and the filters); smaller totals are counted every time, so a manager's list
is exact the moment they admit someone. A province's total may be up to a minute old; the rows on
the page never are.
"""
import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

LARGE_LIST = 10_000
CACHE_SECONDS = 60


def query_key(kind: str, db: str, sql: str, params) -> str:
    """A cache key naming a query by its SQL, which holds the user's scope and the filters."""
    return f"{kind}:" + hashlib.sha256(f"{db}|{sql}|{params!r}".encode()).hexdigest()


def list_total(queryset) -> int:
    """queryset.count(), remembered for a minute when it is large.

    Counted as `SELECT COUNT(*)` over the list's primary keys: its scope and filters without the
    page's columns (the annotations a table shows are subqueries the database need not run, and
    Django need not compile twice, once for the cache key and once for the count)."""
    counted = queryset.order_by().values("pk")
    try:
        sql, params = counted.query.sql_with_params()
    except EmptyResultSet:  # a scope that holds nothing (.none()): no query at all
        return 0
    key = query_key("list-total", queryset.db, sql, params)
    total = cache.get(key)
    if total is None:
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS counted", params)
            total = cursor.fetchone()[0]
        if total >= LARGE_LIST:
            cache.set(key, total, CACHE_SECONDS)
    return total


class ListPaginator(Paginator):
    """The paginator of the big lists' tables (django-tables2 hands it the table's rows)."""

    @cached_property
    def count(self) -> int:
        data = getattr(self.object_list, "data", None)  # django_tables2 BoundRows → TableQuerysetData
        queryset = getattr(data, "data", None)
        if not hasattr(queryset, "query"):
            return super().count
        total = list_total(queryset)
        data._length = total  # the table's own len() reuses it instead of counting again
        return total
