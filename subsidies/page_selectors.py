"""Reads the claim pages and role homes need beyond the shared selectors; all scoped through them."""
from datetime import date

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import Count, Q, QuerySet, Sum

from common.list_totals import CACHE_SECONDS, LARGE_LIST, query_key
from facilities.models import Facility, Region
from residents.recusal import declared_id_numbers

from .models import BatchStatus, ClaimBatch, ClaimLine, SubsidyStandard
from .selectors import batches_visible_to, standard_list


def month_status_grid(*, batches: QuerySet[ClaimBatch], months: list[date] | None = None,
                      latest: int = 6) -> list[dict]:
    """Rows of a month × status grid of the given (already scoped) batches. One query.

    Without `months`, the `latest` months that have batches, newest first.
    """
    rows = batches.order_by().values("month", "status").annotate(n=Count("id"))
    if months is not None:
        rows = rows.filter(month__in=months)
    counts = {(row["month"], row["status"]): row["n"] for row in rows}
    if months is None:
        months = sorted({month for month, _status in counts}, reverse=True)[:latest]
    return [
        {
            "month": month,
            "cells": [{"status": value, "label": label, "n": counts.get((month, value), 0)}
                      for value, label in BatchStatus.choices],
            "total": sum(counts.get((month, value), 0) for value in BatchStatus.values),
        }
        for month in months
    ]


def standards_for_page(*, user, item: str = "", today: date, history: bool = False) -> QuerySet[SubsidyStandard]:
    """Standards in force today or later (set in advance); with `history`, the ended periods too."""
    standards = standard_list(user=user, item=item)
    if not history:
        standards = standards.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
    return standards


def basis_names(lines) -> tuple[dict[int, str], dict[str, str]]:
    """Facility and region names the lines' bases refer to by id. Two queries at most, whatever the lines."""
    facility_ids = {part["stay"]["facility_id"] for line in lines for part in _parts(line.basis) if part.get("stay")}
    facilities = dict(Facility.objects.filter(pk__in=facility_ids).values_list("pk", "name")) if facility_ids else {}
    return facilities, standard_region_names(lines)


def standard_region_names(lines) -> dict[str, str]:
    """Names of the regions whose standards the lines' bases apply (all a line's summary names). One
    query at most."""
    codes = {part["standard"]["region"] for line in lines for part in _parts(line.basis)
             if part.get("standard") and part["standard"].get("region")}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "full_name")) if codes else {}


def _parts(basis: dict) -> list[dict]:
    if "parts" in basis:
        return basis["parts"]
    expected = basis.get("expected_basis") or {}
    return expected.get("parts", [])


def waiting_for_review(*, user, limit: int = 10) -> tuple[int, list[ClaimBatch]]:
    """How many submitted batches wait for this clerk's review (not the ones they submitted themselves,
    which another clerk approves), and the longest waiting first. Two queries."""
    waiting = batches_visible_to(user).filter(status=BatchStatus.SUBMITTED).exclude(submitted_by_id=user.pk)
    first = list(waiting.select_related("facility", "township").order_by("submitted_at", "id")[:limit])
    return waiting.count(), first


def item_totals(*, user, month: date, region_prefix: str = "") -> list[dict]:
    """Totals by item for a month across the visible batches of a region. One query, or none.

    A province's month is half a million lines, a second of the database's time for the clerk's home
    page: as with list totals (common.list_totals), sums over at least LARGE_LIST lines are kept for
    CACHE_SECONDS per scope and month; a county's are summed every time."""
    batches = batches_visible_to(user).filter(month=month, region__code__startswith=region_prefix)
    try:
        sql, params = batches.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a scope that holds nothing
        return []
    key = query_key("item-totals", batches.db, sql, params)
    rows = cache.get(key)
    if rows is None:
        rows = list(ClaimLine.objects.filter(batch__in=batches).values("item")
                    .annotate(total=Sum("amount"), lines=Count("id")).order_by("item"))
        if sum(row["lines"] for row in rows) >= LARGE_LIST:
            cache.set(key, rows, CACHE_SECONDS)
    return rows


def month_batches_by_facility(*, user, month: date) -> dict[int, ClaimBatch]:
    """The month's batch of each visible facility, for the manager's home."""
    return {
        batch.facility_id: batch
        for batch in batches_visible_to(user).filter(month=month, facility__isnull=False)
    }


def batches_with_declared_relatives(*, user, batch_ids) -> set[int]:
    """Which of these batches have a line for someone the user declared a close relative (so the user
    is recused from submitting or approving them). One query, none without batches."""
    if not batch_ids:
        return set()
    return set(
        ClaimLine.objects.filter(batch_id__in=batch_ids, person__id_number__in=declared_id_numbers(user=user))
        .values_list("batch_id", flat=True).distinct()
    )
