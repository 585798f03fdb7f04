"""Reads of region-versioned reference data (scales, catalogues): which version a region uses on a day."""
from datetime import date

from django.db.models import Q, QuerySet

from ..rules import region_ancestors


def version_in_force(versions: QuerySet, *, region_code: str | None, on: date):
    """The version (a row with `region` and `effective_from`) in force on `on` for a region: the most
    specific region's latest one, else the national one (region null); None if there is none. One query."""
    chain = region_ancestors(region_code) if region_code else []
    rows = list(versions.filter(Q(region_id__in=chain) | Q(region__isnull=True), effective_from__lte=on)
                .order_by("-effective_from", "-id"))
    for code in (*chain, None):
        found = next((row for row in rows if row.region_id == code), None)
        if found is not None:
            return found
    return None
