"""Generating a region's monthly draft batches: price everyone, add corrections, write each batch.

Idempotent by construction: a draft's lines are replaced as a whole under a row lock, so running
the same generation twice, or two at once, or a redelivered task, leaves the same lines. Submitted
and settled batches are never touched; corrections to settled months become adjustment lines.
"""
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F, ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from common.gc_pause import cyclic_gc_paused
from common.months import months_back, previous_month
from facilities.models import Facility, Region, RegionLevel, StarRating
from facilities.rules import region_scope_prefix
from residents.models import Person, SelfCareAssessment, Stay, SupportStatus

from . import database_pricing
from .facts import people_facts, pricing_policies, ratings_for, standard_book
from .models import SETTLED, BatchStatus, ClaimBatch, ClaimLine, GenerationRun, LineFlag, RunStatus, SubsidyStandard
from .pricing import Payer, PricedLine, PricingPolicy, price_person_month

#: How many months back a change to a settled month is still corrected by an adjustment line.
CORRECTION_MONTHS = 12

#: Batches whose lines count as claimed when a settled month is corrected.
CLAIMED = (BatchStatus.SUBMITTED, BatchStatus.APPROVED, BatchStatus.PAID)


def _in_region(payer: Payer, prefix: str, facility_regions: dict[int, str]) -> bool:
    code = facility_regions.get(payer.facility_id, "") if payer.facility_id else payer.township
    return code is not None and code.startswith(prefix)


def price_month(*, month: date, region_prefix: str | None = None, person_ids=None) -> list[PricedLine]:
    """Every line for `month`: everyone in a region, or only the given people."""
    people = people_facts(month=month, region_prefix=region_prefix, person_ids=person_ids)
    facility_ids = {stay.facility_id for person in people for stay in person.stays}
    ratings = ratings_for(facility_ids=facility_ids)
    book = standard_book(month=month)
    regions = {stay.facility_region for person in people for stay in person.stays} | {p.home_region for p in people}
    policies = pricing_policies(region_codes=regions, month=month)
    default = PricingPolicy()
    lines = []
    for person in people:
        lines.extend(price_person_month(person, month, book=book, ratings=ratings,
                                        policy_for=lambda code: policies.get(code, default)))
    return lines


@dataclass
class _Adjustment:
    payer: Payer
    person_id: int
    item: str
    month: date
    amount: Decimal
    expected: PricedLine | None
    claimed: Decimal
    corrects_id: int | None


def _changed_people(since) -> set[int]:
    """People whose stays, statuses, assessments or record changed after `since` (from the audit trail)."""
    people: set[int] = set()
    for model in (Stay, SupportStatus, SelfCareAssessment):
        people.update(model.history.filter(history_date__gt=since).values_list("person_id", flat=True))
    people.update(Person.history.filter(history_date__gt=since).values_list("id", flat=True))
    rated = StarRating.history.filter(history_date__gt=since).values("facility_id")
    people.update(Stay.objects.filter(facility_id__in=rated).values_list("person_id", flat=True))
    return people


def _county(code: str) -> str:
    return code[:6]


def corrections(*, month: date, region_prefix: str, facility_regions: dict[int, str]) -> list[_Adjustment]:
    """Adjustment lines owed in `month` to the region's payers for the settled months before it.

    A correction belongs to its own payer's batch: people anywhere may be re-priced, but only the
    payers inside the region get adjustment lines here; those elsewhere get theirs when their region
    is generated. Which months are corrected is decided per county (the months in which the payer's
    county has settled batches), so a county, its townships and the city above it owe each payer
    the same corrections, whichever is generated first. Only people whose facts changed after the
    earliest of those settled batches was generated are re-priced (the audit trail says who); a
    changed standard re-prices everyone in those batches.
    """
    first = months_back(month, CORRECTION_MONTHS)
    settled = list(ClaimBatch.objects.filter(
        month__gte=first, month__lt=month, status__in=SETTLED, region__code__startswith=_county(region_prefix)
    ).values("id", "month", "region_id", "generated_at"))
    generated = [b["generated_at"] for b in settled if b["generated_at"]]
    if not generated:
        return []
    people = _changed_people(min(generated))
    if SubsidyStandard.history.filter(history_date__gt=min(generated)).exists():
        people.update(ClaimLine.objects.filter(batch_id__in=[b["id"] for b in settled]).values_list("person_id", flat=True))
    if not people:
        return []
    settled_months: dict[str, set[date]] = defaultdict(set)
    for b in settled:
        settled_months[_county(b["region_id"])].add(b["month"])

    def corrected(payer: Payer, settled_month: date) -> bool:
        code = facility_regions.get(payer.facility_id) if payer.facility_id else payer.township
        return (code is not None and code.startswith(region_prefix)
                and settled_month in settled_months.get(_county(code), ()))

    open_units = {
        (b["month"], Payer(facility_id=b["facility_id"], township=b["township_id"]))
        for b in ClaimBatch.objects.filter(month__gte=first, month__lt=month, region__code__startswith=region_prefix)
        .exclude(status__in=SETTLED).values("month", "facility_id", "township_id")
    }
    claimed: dict[tuple, Decimal] = defaultdict(Decimal)
    originals: dict[tuple, int] = {}
    for row in ClaimLine.objects.filter(person_id__in=list(people), batch__status__in=CLAIMED).filter(
        Q(adjusts_month__gte=first, adjusts_month__lt=month)
        | Q(adjusts_month__isnull=True, batch__month__gte=first, batch__month__lt=month)
    ).values("id", "person_id", "item", "amount", "adjusts_month", "batch__month", "batch__facility_id",
             "batch__township_id"):
        payer = Payer(facility_id=row["batch__facility_id"], township=row["batch__township_id"])
        key = (payer, row["person_id"], row["item"], row["adjusts_month"] or row["batch__month"])
        claimed[key] += row["amount"]
        if row["adjusts_month"] is None:
            originals[key] = row["id"]
    owed: list[_Adjustment] = []
    for settled_month in sorted({m for months in settled_months.values() for m in months}):
        expected = {
            (line.payer, line.person_id, line.item, settled_month): line
            for line in price_month(month=settled_month, person_ids=people)
        }
        keys = set(expected) | {k for k in claimed if k[3] == settled_month}
        for key in keys:
            payer = key[0]
            if not corrected(payer, settled_month) or (settled_month, payer) in open_units:
                continue  # another region's payer, a month its county never settled, or a draft still open
            line = expected.get(key)
            delta = (line.amount if line else Decimal("0.00")) - claimed.get(key, Decimal("0.00"))
            if delta:
                owed.append(_Adjustment(payer, key[1], key[2], settled_month, delta, line,
                                        claimed.get(key, Decimal("0.00")), originals.get(key)))
    return owed


def _facility_regions(prefix: str) -> dict[int, str]:
    return dict(Facility.objects.filter(region__code__startswith=prefix).values_list("id", "region_id"))


def _previous(month: date, prefix: str) -> dict[tuple, tuple[Decimal, str]]:
    """Last month's original lines in the region by (payer, person, item)."""
    rows = ClaimLine.objects.filter(
        batch__month=previous_month(month), batch__region__code__startswith=prefix, adjusts_month__isnull=True
    ).values_list("batch__facility_id", "batch__township_id", "person_id", "item", "amount", "category")
    return {(Payer(facility_id=f, township=t), p, i): (a, c) for f, t, p, i, a, c in rows}


#: Columns of a claim line as generation writes them, in the order of the rows below.
LINE_COLUMNS = ("person_id", "item", "amount", "support_form", "category", "days", "basis", "flags",
                "previous_amount", "previous_category", "adjusts_month", "corrects_id")

#: Payer units (batches) written per transaction: each transaction locks its batches, replaces their
#: lines in a few statements and moves the run's progress.
UNITS_PER_TRANSACTION = 250

#: Lines written by one generation from which the planner's statistics are refreshed at its end.
ANALYZE_AFTER_LINES = 20_000


def _line_row(line: PricedLine, previous: dict) -> tuple:
    before = previous.get((line.payer, line.person_id, line.item))
    return (line.person_id, line.item, line.amount, line.support_form, line.category, line.days, line.basis,
            list(line.flags), before[0] if before else None, before[1] if before else "", None, None)


def _adjustment_row(adjustment: _Adjustment) -> tuple:
    expected = adjustment.expected
    basis = {
        "adjusts_month": adjustment.month.isoformat(),
        "expected": format(expected.amount if expected else Decimal("0.00"), "f"),
        "claimed": format(adjustment.claimed, "f"),
        "expected_basis": expected.basis if expected else None,
    }
    return (adjustment.person_id, adjustment.item, adjustment.amount, expected.support_form if expected else "",
            expected.category if expected else "", expected.days if expected else 0, basis, [LineFlag.ADJUSTMENT],
            None, "", adjustment.month, adjustment.corrects_id)


def _payer_key(payer: Payer):
    return (payer.facility_id or 0, payer.township or "")


def _locked_batches(*, month: date, payers: list[Payer], regions: dict[Payer, str]) -> dict[Payer, ClaimBatch]:
    """The payers' batches for the month, created as empty drafts where missing, then locked (in id order)."""
    facility_ids = [p.facility_id for p in payers if p.facility_id]
    townships = [p.township for p in payers if not p.facility_id]
    of_payers = Q(facility_id__in=facility_ids) | Q(township_id__in=townships)
    present = {
        Payer(facility_id=f, township=t)
        for f, t in ClaimBatch.objects.filter(of_payers, month=month).values_list("facility_id", "township_id")
    }
    missing = [payer for payer in payers if payer not in present]
    if missing:
        _create_batches(month=month, payers=missing, regions=regions)
    return {
        Payer(facility_id=batch.facility_id, township=batch.township_id): batch
        for batch in ClaimBatch.objects.select_for_update().filter(of_payers, month=month).order_by("pk")
    }


def _create_batches(*, month: date, payers: list[Payer], regions: dict[Payer, str]) -> None:
    """Empty drafts for payers without a batch; one made meanwhile by a concurrent run is left as it is."""
    if connection.vendor == "postgresql":
        rows = [(month, regions[p], p.facility_id, p.township) for p in payers]
        sql = ("INSERT INTO subsidies_claimbatch (month, region_id, facility_id, township_id, status, total, line_count,"
               " flagged_count, return_reason) SELECT m, r, f, t, %s, 0, 0, 0, '' FROM"
               " unnest(%s::date[], %s::varchar[], %s::bigint[], %s::varchar[]) AS u(m, r, f, t)"
               " ON CONFLICT DO NOTHING RETURNING id")
        with connection.cursor() as cursor:
            cursor.execute(sql, [BatchStatus.DRAFT, *map(list, zip(*rows))])
            created = [row[0] for row in cursor.fetchall()]
        if created:  # the audit trail records each creation, as save() would
            ClaimBatch.history.bulk_history_create(list(ClaimBatch.objects.filter(pk__in=created)))
        return
    for payer in payers:
        lookup = {"facility_id": payer.facility_id} if payer.facility_id else {"township_id": payer.township}
        try:
            with transaction.atomic():
                ClaimBatch.objects.create(month=month, region_id=regions[payer], **lookup)
        except IntegrityError:
            pass


def _delete_lines(batch_ids: list[int]) -> None:
    """Remove the drafts' old lines in one statement (an adjustment line elsewhere that corrects one of
    them protects it, as the foreign key says)."""
    lines = ClaimLine.objects.filter(batch_id__in=batch_ids)
    protected = list(ClaimLine.objects.filter(corrects__isnull=False, corrects__batch_id__in=batch_ids)
                     .exclude(batch_id__in=batch_ids)[:1])
    if protected:
        raise ProtectedError("补差明细引用了草稿中的明细 / an adjustment line corrects a line of this draft",
                             set(protected))
    lines._raw_delete(lines.db)


def _insert_lines(rows: list[tuple]) -> None:
    """The new lines: COPY on PostgreSQL, bulk_create elsewhere."""
    if connection.vendor == "postgresql":
        columns = ", ".join(("batch_id", *LINE_COLUMNS))
        dumps = json.JSONEncoder(separators=(", ", ": ")).encode
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY subsidies_claimline ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row[:7], dumps(row[7]), dumps(row[8]) if row[8] else "[]", *row[9:]))
        return
    ClaimLine.objects.bulk_create(
        [ClaimLine(batch_id=row[0], **dict(zip(LINE_COLUMNS, row[1:]))) for row in rows], batch_size=2000
    )


def _write_units(*, month: date, units: list[tuple[Payer, list[tuple]]], regions: dict[Payer, str], by) -> tuple[int, int, int]:
    """Replace the lines of these payers' drafts as a whole, in one transaction under row locks.
    Returns (batches written, batches skipped because no longer drafts, lines written)."""
    with transaction.atomic():
        batches = _locked_batches(month=month, payers=[payer for payer, _rows in units], regions=regions)
        writable = {payer: batch for payer, batch in batches.items()
                    if batch.status in (BatchStatus.DRAFT, BatchStatus.RETURNED)}
        _delete_lines([batch.pk for batch in writable.values()])
        rows, now, written = [], timezone.now(), []
        for payer, lines in units:
            batch = writable.get(payer)
            if batch is None:
                continue
            rows.extend((batch.pk, *line) for line in lines)
            batch.total = sum((line[2] for line in lines), Decimal("0.00"))
            batch.line_count = len(lines)
            batch.flagged_count = sum(1 for line in lines if line[7])
            batch.status = BatchStatus.DRAFT
            batch.generated_at = now
            batch.generated_by = by
            written.append(batch)
        _insert_lines(rows)
        _update_batches(written, by=by, now=now)
    return len(written), len(units) - len(written), len(rows)


def _update_batches(batches: list[ClaimBatch], *, by, now) -> None:
    """Store the drafts' new totals (one UPDATE on PostgreSQL) and record each change in their history."""
    fields = ["total", "line_count", "flagged_count", "status", "generated_at", "generated_by"]
    if connection.vendor != "postgresql":
        bulk_update_with_history(batches, ClaimBatch, fields, default_user=by, default_change_reason="生成草稿")
        return
    if not batches:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE subsidies_claimbatch b SET total = v.total, line_count = v.line_count,"
            " flagged_count = v.flagged_count, status = %s, generated_at = %s, generated_by_id = %s"
            " FROM unnest(%s::bigint[], %s::numeric[], %s::int[], %s::int[]) AS v(id, total, line_count, flagged_count)"
            " WHERE b.id = v.id",
            [BatchStatus.DRAFT, now, by.pk if by else None, [b.pk for b in batches], [b.total for b in batches],
             [b.line_count for b in batches], [b.flagged_count for b in batches]],
        )
    ClaimBatch.history.bulk_history_create(batches, update=True, default_user=by, default_change_reason="生成草稿")


def claims_generate(*, run: GenerationRun) -> GenerationRun:
    """Generate every draft of a run's region and month in this process, updating the run's progress."""
    _start(run)
    figures = _generate_region(run=run, prefix=region_scope_prefix(run.region_id))
    GenerationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE, finished_at=timezone.now(), units_total=figures["units"], units_done=figures["done"],
        units_skipped=figures["skipped"], lines_written=figures["lines"],
    )
    _analyze(figures["lines"])
    run.refresh_from_db()
    return run


def _start(run: GenerationRun, parts: dict | None = None) -> None:
    GenerationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, units_total=0, units_done=0,
                                                   units_skipped=0, lines_written=0, parts=parts or {})


def _analyze(lines: int) -> None:
    if connection.vendor == "postgresql" and lines >= ANALYZE_AFTER_LINES:
        # A month of a province changes the tables' size by half a million rows: refresh the planner's
        # statistics now, so the checks and exports that follow plan for them (autovacuum comes later).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE subsidies_claimbatch, subsidies_claimline")


def _generate_region(*, run: GenerationRun, prefix: str) -> dict[str, int]:
    """Write the drafts of the payers under `prefix`, moving the run's progress as each transaction
    commits. Returns the figures of this region: units, done, skipped, lines."""
    with cyclic_gc_paused():
        return _write_region(run=run, prefix=prefix)


def _write_region(*, run: GenerationRun, prefix: str) -> dict[str, int]:
    if database_pricing.enabled():
        return _write_region_priced_in_database(run=run, prefix=prefix)
    month = run.month
    facility_regions = _facility_regions(prefix)
    lines = [line for line in price_month(month=month, region_prefix=prefix)
             if _in_region(line.payer, prefix, facility_regions)]
    adjustments = corrections(month=month, region_prefix=prefix, facility_regions=facility_regions)
    previous = _previous(month, prefix)
    units: dict[Payer, list[tuple]] = defaultdict(list)
    for line in lines:
        units[line.payer].append(_line_row(line, previous))
    for adjustment in adjustments:
        units[adjustment.payer].append(_adjustment_row(adjustment))
    for payer in _drafts(month, prefix):
        units.setdefault(payer, [])
    return _write_in_chunks(
        run=run, payers=sorted(units, key=_payer_key), facility_regions=facility_regions,
        write=lambda chunk, regions: _write_units(month=month, units=[(payer, units[payer]) for payer in chunk],
                                                  regions=regions, by=run.requested_by),
    )


def _drafts(month: date, prefix: str) -> list[Payer]:
    """The payers of the region's open drafts: each is rewritten, emptied if nobody is paid there now."""
    return [Payer(facility_id=f, township=t) for f, t in ClaimBatch.objects.filter(
        month=month, region__code__startswith=prefix, status__in=(BatchStatus.DRAFT, BatchStatus.RETURNED)
    ).values_list("facility_id", "township_id")]


def _write_in_chunks(*, run: GenerationRun, payers: list[Payer], facility_regions: dict[int, str],
                     write: Callable[[list[Payer], dict[Payer, str]], tuple[int, int, int]]) -> dict[str, int]:
    """Write the payers' drafts (in payer order) a chunk per transaction with `write`, moving the run's
    progress as each commits. Returns the figures of this region: units, done, skipped, lines."""
    GenerationRun.objects.filter(pk=run.pk).update(units_total=F("units_total") + len(payers))
    regions = {payer: facility_regions[payer.facility_id] if payer.facility_id else payer.township for payer in payers}
    figures = {"units": len(payers), "done": 0, "skipped": 0, "lines": 0}
    for start in range(0, len(payers), UNITS_PER_TRANSACTION):
        done, skipped, written = write(payers[start:start + UNITS_PER_TRANSACTION], regions)
        GenerationRun.objects.filter(pk=run.pk).update(
            units_done=F("units_done") + done, units_skipped=F("units_skipped") + skipped,
            lines_written=F("lines_written") + written,
        )
        figures.update(done=figures["done"] + done, skipped=figures["skipped"] + skipped,
                       lines=figures["lines"] + written)
    return figures


def _write_region_priced_in_database(*, run: GenerationRun, prefix: str) -> dict[str, int]:
    """The same drafts as `_write_region`, priced by PostgreSQL (database_pricing): Python prices only the
    people whose region prices by day and the corrections, and holds no more than the list of payers."""
    month = run.month
    facility_regions = _facility_regions(prefix)
    with database_pricing.priced_month(month=month, prefix=prefix) as priced:
        by_day = [line for line in price_month(month=month, person_ids=priced.priced_by_day)
                  if _in_region(line.payer, prefix, facility_regions)] if priced.priced_by_day else []
        adjustments = corrections(month=month, region_prefix=prefix, facility_regions=facility_regions)
        priced.add([(line.payer, _line_row(line, {})) for line in by_day]
                   + [(adjustment.payer, _adjustment_row(adjustment)) for adjustment in adjustments])
        return _write_in_chunks(
            run=run, payers=sorted({*priced.payers(), *_drafts(month, prefix)}, key=_payer_key),
            facility_regions=facility_regions,
            write=lambda chunk, regions: _write_priced_units(priced, month=month, payers=chunk, regions=regions,
                                                             by=run.requested_by),
        )


def _write_priced_units(priced: "database_pricing.PricedMonth", *, month: date, payers: list[Payer],
                        regions: dict[Payer, str], by) -> tuple[int, int, int]:
    """`_write_units` for lines the database prices: replace the drafts' lines with those priced from the
    session's tables and total them in SQL, in one transaction under row locks."""
    with transaction.atomic():
        batches = _locked_batches(month=month, payers=payers, regions=regions)
        writable = {payer: batch for payer, batch in batches.items()
                    if batch.status in (BatchStatus.DRAFT, BatchStatus.RETURNED)}
        _delete_lines([batch.pk for batch in writable.values()])
        written = priced.insert_lines({payer: batch.pk for payer, batch in writable.items()})
        _total_batches(list(writable.values()), by=by, now=timezone.now())
    return len(writable), len(payers) - len(writable), written


def _total_batches(batches: list[ClaimBatch], *, by, now) -> None:
    """Each draft's totals from its new lines (one UPDATE), recorded in their history as `_update_batches` does."""
    if not batches:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE subsidies_claimbatch b SET total = coalesce(v.total, 0), line_count = coalesce(v.line_count, 0),"
            " flagged_count = coalesce(v.flagged_count, 0), status = %s, generated_at = %s, generated_by_id = %s"
            " FROM unnest(%s::bigint[]) AS ids(id) LEFT JOIN ("
            "  SELECT batch_id, sum(amount) AS total, count(*) AS line_count,"
            "         count(*) FILTER (WHERE flags <> '[]'::jsonb) AS flagged_count"
            "  FROM subsidies_claimline WHERE batch_id = ANY(%s::bigint[]) GROUP BY batch_id"
            " ) v ON v.batch_id = ids.id"
            " WHERE b.id = ids.id RETURNING b.id, b.total, b.line_count, b.flagged_count",
            [BatchStatus.DRAFT, now, by.pk if by else None, [b.pk for b in batches], [b.pk for b in batches]],
        )
        totals = {row[0]: row[1:] for row in cursor.fetchall()}
    for batch in batches:
        batch.total, batch.line_count, batch.flagged_count = totals[batch.pk]
        batch.status, batch.generated_at, batch.generated_by = BatchStatus.DRAFT, now, by
    ClaimBatch.history.bulk_history_create(batches, update=True, default_user=by, default_change_reason="生成草稿")


# --- a province's month fanned out per county ------------------------------------------------------


def run_parts(region_code: str) -> list[str]:
    """The county prefixes a run over `region_code` splits into: one per county (a city without
    counties, such as 东莞 441900, is one part), none nested in another. A county's run is one part."""
    prefix = region_scope_prefix(region_code)
    if len(prefix) >= 6:
        return [prefix]
    codes = Region.objects.filter(code__startswith=prefix, level__in=(RegionLevel.COUNTY, RegionLevel.TOWNSHIP))
    candidates = sorted({region_scope_prefix(code[:6]) for code in codes.values_list("code", flat=True)})
    parts: list[str] = []
    for candidate in candidates:  # sorted: a shorter prefix comes before the codes it covers
        if not any(candidate.startswith(part) for part in parts):
            parts.append(candidate)
    return parts or [prefix]


def run_fan_out(*, run: GenerationRun, parts: list[str]) -> None:
    """Mark the run as running over these parts (each queued); their tasks report with `part_finished`."""
    _start(run, parts={part: {"status": "queued"} for part in parts})


def generate_part(*, run: GenerationRun, part: str) -> bool:
    """Generate one county of a fanned-out run, in its own transactions; idempotent (a redelivered or
    retried part replaces its drafts as a whole and is counted once). False if the part was done."""
    if run.parts.get(part, {}).get("status") == "done":
        return False
    figures = _generate_region(run=run, prefix=part)
    part_finished(run_id=run.pk, part=part, figures=figures)
    return True


def part_finished(*, run_id: int, part: str, figures: dict | None) -> GenerationRun:
    """Record a part as done (with its figures) or failed (None); the last part finishes the run, whose
    totals are then the parts' own, whatever retries moved the live counters."""
    with transaction.atomic():
        run = GenerationRun.objects.select_for_update().get(pk=run_id)
        run.parts[part] = {"status": "done", **figures} if figures is not None else {"status": "failed"}
        parts = run.parts.values()
        changed = ["parts"]
        if any(p["status"] == "failed" for p in parts):
            run.status, run.finished_at = RunStatus.FAILED, timezone.now()
            changed += ["status", "finished_at"]
        elif all(p["status"] == "done" for p in parts):
            run.status, run.finished_at = RunStatus.DONE, timezone.now()
            run.units_total = sum(p["units"] for p in parts)
            run.units_done = sum(p["done"] for p in parts)
            run.units_skipped = sum(p["skipped"] for p in parts)
            run.lines_written = sum(p["lines"] for p in parts)
            changed += ["status", "finished_at", "units_total", "units_done", "units_skipped", "lines_written"]
        run.save(update_fields=changed)
    if run.status == RunStatus.DONE:
        _analyze(run.lines_written)
    return run


def run_mark_failed(*, run_id: int) -> None:
    GenerationRun.objects.filter(pk=run_id).update(status=RunStatus.FAILED, finished_at=timezone.now())


#: What a clerk reads when a run fails: what happened to the drafts and what to do. The cause is
#: in the log under the run's number, never on the page (it may be Python or database text).
RUN_FAILED = gettext_lazy(
    "生成失败：%(month)s %(region)s 的申报草稿未能全部生成。已写入的批次草稿完整可用，其余批次保持原样，"
    "已提交或已审核的批次不受影响。请点“重新生成”再试一次；如果仍然失败，请把任务编号 #%(run)s 告知系统管理员，"
    "失败原因已记入系统日志。"
)


def run_failure(run: GenerationRun) -> str:
    """The failure of a run in the active language; empty unless it failed."""
    if run.status != RunStatus.FAILED:
        return ""
    return RUN_FAILED % {"month": run.month.strftime("%Y-%m"), "region": run.region.full_name, "run": run.pk}
