"""Limit/offset pagination for every list of the API, with both numbers bounded.

ninja bounds `limit` (NINJA_PAGINATION_MAX_LIMIT) but not `offset`; an offset beyond the database's
64-bit integer overflows the query (a 500 on SQLite and PostgreSQL alike), so it is refused with a
422 like any other invalid parameter. Totals come from common.list_totals (large ones are kept for a
minute). Use this class in `@paginate(...)` instead of ninja's.
"""
from ninja import Field
from ninja.pagination import LimitOffsetPagination as NinjaLimitOffsetPagination

from common.list_totals import list_total

MAX_OFFSET = 2**62  # far beyond any table; offset + limit still fits a signed 64-bit integer


class LimitOffsetPagination(NinjaLimitOffsetPagination):
    class Input(NinjaLimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def _items_count(self, queryset) -> int:
        return list_total(queryset) if hasattr(queryset, "query") else super()._items_count(queryset)
