"""What a clerk must see before a batch goes further: duplicates, stale lines, gaps and changes.

Computed from the current data, not stored, so a check always tells the truth about today.
Duplicates and people no longer entitled block submission; the rest inform the review, among them
the 特困 people who are not paid at all this month because they are out of care without a
dispersed-support decision (pricing.care_gaps): listed on the batch of the facility they left, or,
never having lived in one, on their township's.
"""
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Q

from common.months import month_end, previous_month
from residents.models import Person, Stay, StayEndReason, SupportForm, SupportKind

from .facts import month_statuses, paying_statuses, people_facts, pricing_policies
from .models import ClaimBatch, ClaimLine
from .pricing import PricingPolicy, care_gaps
from .rules import days_in_month


@dataclass(frozen=True)
class NotPaid:
    """A person left out of the batch: who, when they left care (None if never in care), and which days
    of the month are not paid."""

    person_id: int
    name: str
    left_on: date | None
    start: date
    end: date
    days: int


@dataclass
class BatchChecks:
    in_two_batches: list[ClaimLine] = field(default_factory=list)
    gone_before_month: list[ClaimLine] = field(default_factory=list)
    no_valid_assessment: list[ClaimLine] = field(default_factory=list)
    new: list[ClaimLine] = field(default_factory=list)
    category_changed: list[ClaimLine] = field(default_factory=list)
    amount_changed: list[ClaimLine] = field(default_factory=list)
    left: list[ClaimLine] = field(default_factory=list)
    no_dispersed_decision: list[NotPaid] = field(default_factory=list)

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
    ).exclude(batch=batch).order_by().values_list("person_id", "item", "days"):  # unordered: no join to names
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
    checks.no_dispersed_decision = not_paid_out_of_care(batch)
    return checks


def _out_of_care_candidates(batch: ClaimBatch):
    """People who may be out of care this month with a 特困 status that is not dispersed support, and
    belong to this batch: they left its facility, or (a township's batch) live there and never lived
    in a facility. A superset: pricing.care_gaps decides."""
    month = batch.month
    centralised = month_statuses(month).filter(kind=SupportKind.HARDSHIP).exclude(support_form=SupportForm.DISPERSED)
    people = Person.objects.filter(pk__in=centralised.values("person_id"))
    in_care_all_month = Stay.objects.filter(person_id=OuterRef("pk"), admitted_on__lte=month, ended_on__isnull=True)
    if batch.facility_id:
        left_here = Stay.objects.filter(facility_id=batch.facility_id, ended_on__lte=month_end(month)).exclude(
            end_reason=StayEndReason.DIED
        )
        return people.filter(pk__in=left_here.values("person_id")).exclude(Exists(in_care_all_month))
    home = Q(residence_region_id=batch.township_id) | Q(residence_region__isnull=True, hukou_region_id=batch.township_id)
    ever_in_care = Stay.objects.filter(person_id=OuterRef("pk"), admitted_on__lte=month_end(month))
    return people.filter(home).exclude(Exists(ever_in_care))


def not_paid_out_of_care(batch: ClaimBatch) -> list[NotPaid]:
    """The batch's people out of care without a dispersed-support decision this month (not paid).
    One query when there are none; four at most."""
    names = dict(_out_of_care_candidates(batch).values_list("pk", "name"))
    if not names:
        return []
    facts = people_facts(month=batch.month, person_ids=list(names), every_stay=True, assessments=False)
    policies = pricing_policies(
        region_codes={stay.facility_region for p in facts for stay in p.stays} | {p.home_region for p in facts},
        month=batch.month,
    )
    default = PricingPolicy()
    rows = [
        NotPaid(gap.person_id, names[gap.person_id], gap.left_on, gap.start, gap.end, gap.days)
        for person in facts
        for gap in care_gaps(person, batch.month, policy_for=lambda code: policies.get(code, default))
        if gap.facility_id == batch.facility_id
    ]
    return sorted(rows, key=lambda row: (row.name, row.person_id, row.start))
