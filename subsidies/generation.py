"""Generating a region's monthly draft batches: price everyone, add corrections, write each batch.

Idempotent by construction: a draft's lines are replaced as a whole under a row lock, so running
the same generation twice, or two at once, or a redelivered task, leaves the same lines. Submitted
and settled batches are never touched; corrections to settled months become adjustment lines.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from facilities.models import Facility, StarRating
from facilities.rules import region_scope_prefix
from residents.models import Person, SelfCareAssessment, Stay, SupportStatus

from .facts import people_facts, pricing_policies, ratings_for, standard_book
from .models import SETTLED, BatchStatus, ClaimBatch, ClaimLine, GenerationRun, LineFlag, RunStatus, SubsidyStandard
from .pricing import Payer, PricedLine, PricingPolicy, price_person_month

#: How many months back a change to a settled month is still corrected by an adjustment line.
CORRECTION_MONTHS = 12

#: Batches whose lines count as claimed when a settled month is corrected.
CLAIMED = (BatchStatus.SUBMITTED, BatchStatus.APPROVED, BatchStatus.PAID)


def months_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def previous_month(month: date) -> date:
    return months_back(month, 1)


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


def corrections(*, month: date, region_prefix: str, facility_regions: dict[int, str]) -> list[_Adjustment]:
    """Adjustment lines owed in `month` for the settled months before it in the region.

    Only people whose facts changed after the earliest settled batch was generated are re-priced
    (the audit trail says who); a changed standard re-prices everyone in those batches.
    """
    first = months_back(month, CORRECTION_MONTHS)
    settled = list(ClaimBatch.objects.filter(
        month__gte=first, month__lt=month, status__in=SETTLED, region__code__startswith=region_prefix
    ).values("id", "month", "facility_id", "township_id", "generated_at"))
    if not settled:
        return []
    since = min(b["generated_at"] for b in settled if b["generated_at"]) if any(b["generated_at"] for b in settled) else None
    if since is None:
        return []
    people = _changed_people(since)
    if SubsidyStandard.history.filter(history_date__gt=since).exists():
        people.update(ClaimLine.objects.filter(batch_id__in=[b["id"] for b in settled]).values_list("person_id", flat=True))
    if not people:
        return []
    settled_units = {(b["month"], Payer(facility_id=b["facility_id"], township=b["township_id"])) for b in settled}
    claimed_units = {
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
    for settled_month in sorted({m for m, _payer in settled_units}):
        expected = {
            (line.payer, line.person_id, line.item, settled_month): line
            for line in price_month(month=settled_month, person_ids=people)
            if _in_region(line.payer, region_prefix, facility_regions)
        }
        keys = set(expected) | {k for k in claimed if k[3] == settled_month}
        for key in keys:
            payer = key[0]
            if (settled_month, payer) in claimed_units:
                continue
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


def _line_row(line: PricedLine, previous: dict) -> ClaimLine:
    before = previous.get((line.payer, line.person_id, line.item))
    return ClaimLine(
        person_id=line.person_id, item=line.item, amount=line.amount, support_form=line.support_form,
        category=line.category, days=line.days, basis=line.basis, flags=list(line.flags),
        previous_amount=before[0] if before else None, previous_category=before[1] if before else "",
    )


def _adjustment_row(adjustment: _Adjustment) -> ClaimLine:
    expected = adjustment.expected
    return ClaimLine(
        person_id=adjustment.person_id, item=adjustment.item, amount=adjustment.amount,
        support_form=expected.support_form if expected else "",
        category=expected.category if expected else "",
        days=expected.days if expected else 0,
        basis={
            "adjusts_month": adjustment.month.isoformat(),
            "expected": format(expected.amount if expected else Decimal("0.00"), "f"),
            "claimed": format(adjustment.claimed, "f"),
            "expected_basis": expected.basis if expected else None,
        },
        flags=[LineFlag.ADJUSTMENT],
        adjusts_month=adjustment.month,
        corrects_id=adjustment.corrects_id,
    )


def _batch_for(*, month: date, payer: Payer, region_id: str) -> ClaimBatch:
    """The payer's batch for the month, locked; created as an empty draft when there is none."""
    lookup = {"facility_id": payer.facility_id} if payer.facility_id else {"township_id": payer.township}
    batch = ClaimBatch.objects.select_for_update().filter(month=month, **lookup).first()
    if batch is not None:
        return batch
    try:
        with transaction.atomic():
            return ClaimBatch.objects.create(month=month, region_id=region_id, **lookup)
    except IntegrityError:
        return ClaimBatch.objects.select_for_update().get(month=month, **lookup)


def _write_batch(*, month: date, payer: Payer, region_id: str, rows: list[ClaimLine], by) -> bool:
    """Replace a draft's lines as a whole; False when the batch is no longer a draft."""
    with transaction.atomic():
        batch = _batch_for(month=month, payer=payer, region_id=region_id)
        if batch.status not in (BatchStatus.DRAFT, BatchStatus.RETURNED):
            return False
        batch.lines.all().delete()
        for row in rows:
            row.batch = batch
        ClaimLine.objects.bulk_create(rows, batch_size=2000)
        batch.total = sum((row.amount for row in rows), Decimal("0.00"))
        batch.line_count = len(rows)
        batch.flagged_count = sum(1 for row in rows if row.flags)
        batch.status = BatchStatus.DRAFT
        batch.generated_at = timezone.now()
        batch.generated_by = by
        batch._change_reason = "生成草稿"
        batch._history_user = by
        batch.save()
        return True


def claims_generate(*, run: GenerationRun) -> GenerationRun:
    """Generate every draft of a run's region and month, updating the run's progress as it goes."""
    GenerationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, units_done=0, units_skipped=0,
                                                   lines_written=0, error="")
    prefix = region_scope_prefix(run.region_id)
    month = run.month
    facility_regions = _facility_regions(prefix)
    lines = [line for line in price_month(month=month, region_prefix=prefix)
             if _in_region(line.payer, prefix, facility_regions)]
    adjustments = corrections(month=month, region_prefix=prefix, facility_regions=facility_regions)
    previous = _previous(month, prefix)
    units: dict[Payer, list[ClaimLine]] = defaultdict(list)
    for line in lines:
        units[line.payer].append(_line_row(line, previous))
    for adjustment in adjustments:
        units[adjustment.payer].append(_adjustment_row(adjustment))
    for batch in ClaimBatch.objects.filter(month=month, region__code__startswith=prefix,
                                           status__in=(BatchStatus.DRAFT, BatchStatus.RETURNED)):
        units.setdefault(Payer(facility_id=batch.facility_id, township=batch.township_id), [])
    GenerationRun.objects.filter(pk=run.pk).update(units_total=len(units))
    for payer, rows in sorted(units.items(), key=lambda item: (item[0].facility_id or 0, item[0].township or "")):
        region_id = facility_regions[payer.facility_id] if payer.facility_id else payer.township
        written = _write_batch(month=month, payer=payer, region_id=region_id, rows=rows, by=run.requested_by)
        GenerationRun.objects.filter(pk=run.pk).update(
            units_done=F("units_done") + (1 if written else 0),
            units_skipped=F("units_skipped") + (0 if written else 1),
            lines_written=F("lines_written") + (len(rows) if written else 0),
        )
    GenerationRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, finished_at=timezone.now())
    run.refresh_from_db()
    return run


def run_mark_failed(*, run_id: int, error: str) -> None:
    GenerationRun.objects.filter(pk=run_id).update(status=RunStatus.FAILED, error=error[:500],
                                                   finished_at=timezone.now())
