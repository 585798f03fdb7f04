"""What a clerk must see before a batch goes further: duplicates, stale lines, gaps and changes.

Computed from the current data, not stored, so a check always tells the truth about today.
Duplicates and people no longer entitled block submission; the rest inform the review.
"""
from dataclasses import dataclass, field

from django.db.models import Q

from residents.models import Stay, StayEndReason

from .facts import paying_statuses, month_end
from .generation import previous_month
from .models import ClaimBatch, ClaimLine
from .rules import days_in_month


@dataclass
class BatchChecks:
    in_two_batches: list[ClaimLine] = field(default_factory=list)
    gone_before_month: list[ClaimLine] = field(default_factory=list)
    no_valid_assessment: list[ClaimLine] = field(default_factory=list)
    new: list[ClaimLine] = field(default_factory=list)
    category_changed: list[ClaimLine] = field(default_factory=list)
    amount_changed: list[ClaimLine] = field(default_factory=list)
    left: list[ClaimLine] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return bool(self.in_two_batches or self.gone_before_month)

    def flags_for(self, line_id: int) -> list[str]:
        """The problems of one line, for marking it in the table."""
        names = ("in_two_batches", "gone_before_month", "no_valid_assessment", "new", "category_changed",
                 "amount_changed")
        return [name for name in names if any(line.pk == line_id for line in getattr(self, name))]


def batch_checks(batch: ClaimBatch, lines: list[ClaimLine] | None = None) -> BatchChecks:
    """Every check of a batch in five queries, whatever its size."""
    if lines is None:
        lines = list(batch.lines.select_related("person"))
    checks = BatchChecks()
    originals = [line for line in lines if line.adjusts_month is None]
    people = {line.person_id for line in originals}
    month = batch.month
    elsewhere: dict[tuple[int, str], int] = {}
    for person_id, item, days in ClaimLine.objects.filter(
        batch__month=month, adjusts_month__isnull=True, person_id__in=people
    ).exclude(batch=batch).values_list("person_id", "item", "days"):
        elsewhere[(person_id, item)] = elsewhere.get((person_id, item), 0) + days
    dim = days_in_month(month)
    entitled = set(paying_statuses(month).filter(person_id__in=people).values_list("person_id", flat=True))
    died = set(Stay.objects.filter(person_id__in=people, end_reason=StayEndReason.DIED, ended_on__lte=month)
               .values_list("person_id", flat=True))
    lived_here = None
    if batch.facility_id:
        lived_here = set(Stay.objects.filter(person_id__in=people, facility_id=batch.facility_id,
                                             admitted_on__lte=month_end(month))
                         .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=month)).values_list("person_id", flat=True))
    for line in originals:
        if (line.person_id, line.item) in elsewhere and elsewhere[(line.person_id, line.item)] + line.days > dim:
            checks.in_two_batches.append(line)
        if line.person_id not in entitled or line.person_id in died or (
            lived_here is not None and line.person_id not in lived_here
        ):
            checks.gone_before_month.append(line)
        if "no_valid_assessment" in line.flags:
            checks.no_valid_assessment.append(line)
        if line.previous_amount is None:
            checks.new.append(line)
        else:
            if line.previous_category and line.category and line.previous_category != line.category:
                checks.category_changed.append(line)
            if line.previous_amount != line.amount:
                checks.amount_changed.append(line)
    present = {(line.person_id, line.item) for line in originals}
    payer = {"batch__facility_id": batch.facility_id} if batch.facility_id else {"batch__township_id": batch.township_id}
    checks.left = [
        line for line in ClaimLine.objects.filter(batch__month=previous_month(month), adjusts_month__isnull=True, **payer)
        .select_related("person")
        if (line.person_id, line.item) not in present
    ]
    return checks
