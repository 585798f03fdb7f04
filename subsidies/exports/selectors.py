"""Flat rows for the spreadsheet exports, built on the scoped reads of subsidies.selectors.

Rows are plain values (no model instances) so a province month stays cheap to read and to hand
to pandas; each function is a fixed number of queries whatever the number of lines. The lines of
an export are streamed (a server-side cursor on PostgreSQL), so a province's month is never held
in memory at once.
"""
from collections.abc import Iterator
from datetime import date

from django.db.models import Count, QuerySet, Sum, TextField
from django.db.models.functions import Cast, Substr

from ..models import ClaimBatch, ClaimLine
from ..selectors import batches_visible_to, counties_in, lines_for_export

BATCH_FIELDS = ("id", "month", "region__full_name", "facility__name", "township__name", "status", "total")
LINE_FIELDS = (
    "batch_id", "batch__month", "batch__region__full_name", "batch__facility__name", "batch__township__name",
    "person_id", "person__name", "person__id_number", "item", "support_form", "category", "days", "amount",
    "previous_amount", "adjusts_month", "flags_text", "person__bank_name", "person__bank_account_encrypted",
)


def batch_rows(*, batches: QuerySet[ClaimBatch]) -> list[dict]:
    """The batches of an export (already scoped by the caller), one row each. One query."""
    return list(batches.values(*BATCH_FIELDS))


#: Rows fetched from the database per round trip when streaming lines.
STREAM_CHUNK = 5000


def line_rows(*, user, batches: QuerySet[ClaimBatch]) -> Iterator[tuple]:
    """Every line of those batches, with payer and person, as tuples in LINE_FIELDS order. One query."""
    lines = lines_for_export(user=user, batches=batches).annotate(
        flags_text=Cast("flags", output_field=TextField())  # JSON text: most lines have none ("[]")
    )
    return lines.values_list(*LINE_FIELDS).iterator(chunk_size=STREAM_CHUNK)


def county_rows(*, user, month: date, region_prefix: str = "") -> dict:
    """A month's totals by county (first six digits of the payer's region) and item, with people
    counted once per county and once overall. Four queries."""
    batches = batches_visible_to(user).filter(month=month, region__code__startswith=region_prefix)
    by_county = ClaimLine.objects.filter(batch__in=batches).annotate(county=Substr("batch__region_id", 1, 6)).order_by()
    items = list(
        by_county.values("county", "item")
        .annotate(total=Sum("amount"), lines=Count("id"))
        .order_by("county", "item")
    )
    people = dict(by_county.values("county").annotate(n=Count("person_id", distinct=True)).values_list("county", "n"))
    everyone = by_county.aggregate(n=Count("person_id", distinct=True))["n"]
    return {"items": items, "people": people, "everyone": everyone, "names": counties_in(codes=people)}
