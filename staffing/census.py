"""Who is in care and who is on duty on a day, for many facilities at once (one query each).

A resident is in care on day D when admitted on or before D and not yet gone (the leaving day is
not a day in care). Their category is that of their valid assessment on D (residents.rules: the
latest on or before D, through its due date); without one — never assessed, or overdue — they
count as fully disabled (conservative, DESIGN §3) and as `unassessed`. A child with an open orphan
or de-facto-unsupported status on D counts at the orphan ratio instead.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum

from residents.models import Stay, SupportKind, SupportStatus
from residents.selectors import valid_category_on

from .models import Employment, Leave


@dataclass
class Census:
    full: int = 0
    partial: int = 0
    self_care: int = 0
    orphans: int = 0
    unassessed: int = 0  # without a valid assessment (never assessed or overdue), counted in `full`

    @property
    def residents(self) -> int:
        return self.full + self.partial + self.self_care + self.orphans


@dataclass
class Staffing:
    fte_by_role: dict[str, Decimal] = field(default_factory=dict)
    employments: int = 0

    def counted(self, roles) -> Decimal:
        return sum((fte for role, fte in self.fte_by_role.items() if role in roles), Decimal(0))


def in_care_on(day: date) -> Q:
    return Q(admitted_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))


def census_on(day: date, *, facility_ids=None) -> dict[int, Census]:
    stays = Stay.objects.filter(in_care_on(day))
    if facility_ids is not None:
        stays = stays.filter(facility_id__in=list(facility_ids))
    orphan = SupportStatus.objects.filter(
        Q(terminated_on__isnull=True) | Q(terminated_on__gt=day),
        person_id=OuterRef("person_id"), kind__in=[SupportKind.ORPHAN, SupportKind.UNSUPPORTED_CHILD],
        confirmed_on__lte=day,
    )
    rows = (
        stays.annotate(category=valid_category_on(day), orphan=Exists(orphan))
        .values("facility_id", "category", "orphan")
        .annotate(n=Count("id"))
        .order_by()
    )
    census: dict[int, Census] = defaultdict(Census)
    for row in rows:
        entry = census[row["facility_id"]]
        if row["orphan"]:
            entry.orphans += row["n"]
        elif row["category"] is None:
            entry.full += row["n"]
            entry.unassessed += row["n"]
        else:
            setattr(entry, row["category"], getattr(entry, row["category"]) + row["n"])
    return dict(census)


def employed_on(day: date) -> Q:
    return Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gte=day))


def staffing_on(day: date, *, facility_ids=None) -> dict[int, Staffing]:
    """FTE per facility and role of staff employed on the day and not on leave."""
    on_leave = Leave.objects.filter(employment_id=OuterRef("pk"), starts_on__lte=day, ends_on__gte=day)
    employments = Employment.objects.filter(employed_on(day))
    if facility_ids is not None:
        employments = employments.filter(facility_id__in=list(facility_ids))
    rows = (
        employments.annotate(away=Exists(on_leave))
        .values("facility_id", "role", "away")
        .annotate(fte=Sum("fte"), n=Count("id"))
        .order_by()
    )
    staffing: dict[int, Staffing] = defaultdict(Staffing)
    for row in rows:
        entry = staffing[row["facility_id"]]
        entry.employments += row["n"]
        if not row["away"]:
            entry.fte_by_role[row["role"]] = entry.fte_by_role.get(row["role"], Decimal(0)) + row["fte"]
    return dict(staffing)


def over_employed_on(day: date, *, facility_ids=None) -> list[dict]:
    """Staff counted at more than 1.0 FTE across facilities on the day (the classic way to fake a ratio)."""
    employments = Employment.objects.filter(employed_on(day))
    if facility_ids is not None:
        staff = Employment.objects.filter(employed_on(day), facility_id__in=list(facility_ids)).values("staff_id")
        employments = employments.filter(staff_id__in=staff)
    over = (
        employments.values("staff_id").annotate(total=Sum("fte")).filter(total__gt=1).values("staff_id")
    )
    return list(
        Employment.objects.filter(employed_on(day), staff_id__in=over)
        .values("staff_id", "staff__name", "facility_id", "facility__name", "facility__region_id", "fte")
        .order_by("staff_id", "facility_id")
    )
