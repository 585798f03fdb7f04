"""Reads the facts a month is priced from, set-based: a fixed number of queries for any region size."""
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet

from common.months import month_end
from facilities.models import StarRating
from facilities.selectors import region_policies
from residents.models import Person, SelfCareAssessment, Stay, StayEndReason, SupportKind, SupportStatus

from .models import SubsidyStandard
from .pricing import (
    AssessmentFact,
    PersonFacts,
    PricingPolicy,
    RatingFact,
    StandardBook,
    StandardFact,
    StatusFact,
    StayFact,
)

PAID_KINDS = (SupportKind.HARDSHIP, SupportKind.ORPHAN, SupportKind.UNSUPPORTED_CHILD)

#: A region code prefix this long or longer is a county or a township.
COUNTY_PREFIX = 6

#: Up to how many people the stays and assessments are read by a list of ids.
PEOPLE_AS_LIST = 20_000

#: How far back an assessment can still decide a month: the longest re-assessment interval a region may set.
ASSESSMENT_WINDOW_MONTHS = 36


def paying_statuses(month: date) -> QuerySet[SupportStatus]:
    """Statuses that may pay `month`: confirmed before it began, not terminated before it."""
    return SupportStatus.objects.filter(kind__in=PAID_KINDS, confirmed_on__lt=month).filter(
        Q(terminated_on__isnull=True) | Q(terminated_on__gte=month)
    )


def month_statuses(month: date) -> QuerySet[SupportStatus]:
    """Statuses in force on some day of `month`: those paying it, and those confirmed during it (a
    dispersed-support decision taken mid-month covers its days)."""
    return SupportStatus.objects.filter(kind__in=PAID_KINDS, confirmed_on__lte=month_end(month)).filter(
        Q(terminated_on__isnull=True) | Q(terminated_on__gte=month)
    )


def _statuses_in_region(month: date, prefix: str) -> QuerySet[SupportStatus]:
    """Statuses of the month of people living in a facility of the region, or at home in it, during the month.

    Two small sets of people by index (stays in the region's facilities, homes by region code) rather
    than a join of every status with every person: a county's facts are read in milliseconds, so a
    province fanned out per county does not read the whole province once per county."""
    stays_here = Stay.objects.filter(
        facility__region__code__startswith=prefix, admitted_on__lte=month_end(month)
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=month)).values("person_id")
    at_home_here = Person.objects.filter(
        Q(residence_region__code__startswith=prefix) | Q(residence_region__isnull=True, hukou_region__code__startswith=prefix)
    ).values("pk")
    if len(prefix) >= COUNTY_PREFIX:  # a county's people by index first, then their statuses by index
        people = sorted({*stays_here.values_list("person_id", flat=True), *at_home_here.values_list("pk", flat=True)})
        return month_statuses(month).filter(person_id__in=people).order_by()
    return month_statuses(month).filter(Q(person_id__in=stays_here) | Q(person_id__in=at_home_here)).order_by()


def people_facts(*, month: date, region_prefix: str | None = None, person_ids: Iterable[int] | QuerySet | None = None,
                 every_stay: bool = False, assessments: bool = True) -> list[PersonFacts]:
    """Everyone who may be paid `month`, in a region (by code prefix) or from a list (or a subquery) of
    people. Three queries, one when nobody is found. `every_stay` reads past stays too (whom a person
    left); without `assessments` they are not read (the person is then unassessed)."""
    statuses = month_statuses(month) if person_ids is not None else _statuses_in_region(month, region_prefix or "")
    if person_ids is not None:
        statuses = statuses.filter(person_id__in=person_ids if isinstance(person_ids, QuerySet) else list(person_ids))
    status_rows = list(statuses.values(
        "id", "person_id", "kind", "support_form", "confirmed_on", "terminated_on",
        "person__hukou_type", "person__residence_region_id", "person__hukou_region_id",
    ))
    if not status_rows:
        return []
    ids = {row["person_id"] for row in status_rows}
    # A county's people as a list of ids (read once, not a subquery run twice more); a province's as the
    # subquery, which the database joins instead of matching a quarter of a million parameters.
    people = sorted(ids) if len(ids) <= PEOPLE_AS_LIST else statuses.values("person_id")
    end = month_end(month)
    stays = defaultdict(list)
    wanted = Q(admitted_on__lte=end)
    if not every_stay:
        wanted &= Q(ended_on__isnull=True) | Q(ended_on__gte=month)
        wanted |= Q(end_reason=StayEndReason.DIED)
    for row in Stay.objects.filter(person_id__in=people).filter(wanted).values(
        "id", "person_id", "facility_id", "facility__region_id", "admitted_on", "ended_on", "end_reason"
    ):
        stays[row["person_id"]].append(StayFact(
            id=row["id"], facility_id=row["facility_id"], facility_region=row["facility__region_id"],
            admitted_on=row["admitted_on"], ended_on=row["ended_on"], died=row["end_reason"] == StayEndReason.DIED,
        ))
    assessed = defaultdict(list)
    oldest = date(month.year - ASSESSMENT_WINDOW_MONTHS // 12, month.month, 1)
    rows = SelfCareAssessment.objects.filter(person_id__in=people, assessed_on__lte=end, assessed_on__gte=oldest)
    for row in rows.values("id", "person_id", "assessed_on", "category", "due_on") if assessments else ():
        assessed[row["person_id"]].append(AssessmentFact(
            id=row["id"], assessed_on=row["assessed_on"], category=row["category"], due_on=row["due_on"],
        ))
    grouped: dict[int, dict] = {}
    for row in status_rows:
        person = grouped.setdefault(row["person_id"], {
            "hukou_type": row["person__hukou_type"],
            "home_region": row["person__residence_region_id"] or row["person__hukou_region_id"],
            "statuses": [],
        })
        person["statuses"].append(StatusFact(
            id=row["id"], kind=row["kind"], confirmed_on=row["confirmed_on"], terminated_on=row["terminated_on"],
            support_form=row["support_form"],
        ))
    return [
        PersonFacts(id=pid, hukou_type=p["hukou_type"], home_region=p["home_region"], statuses=tuple(p["statuses"]),
                    stays=tuple(stays.get(pid, ())), assessments=tuple(assessed.get(pid, ())))
        for pid, p in grouped.items()
    ]


def ratings_for(*, facility_ids: Iterable[int]) -> dict[int, list[RatingFact]]:
    """Passed ratings of the facilities, for the star level on any day. One query."""
    ratings = defaultdict(list)
    for row in StarRating.objects.filter(facility_id__in=list(set(facility_ids)), level__gt=0).values(
        "facility_id", "rated_on", "expires_on", "level"
    ):
        ratings[row["facility_id"]].append(RatingFact(row["rated_on"], row["expires_on"], row["level"]))
    return ratings


def standard_book(*, month: date) -> StandardBook:
    """Every standard in force during `month`, in every region (a small table). One query."""
    rows = SubsidyStandard.objects.filter(effective_from__lte=month_end(month)).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=month)
    )
    return StandardBook([
        StandardFact(
            id=s.id, region_code=s.region_id or "", item=s.item, hukou_type=s.hukou_type,
            support_form=s.support_form, category=s.category, amount=s.amount,
            star_multipliers={int(level): Decimal(str(value)) for level, value in (s.star_multipliers or {}).items()},
            effective_from=s.effective_from, effective_to=s.effective_to, is_sample=s.is_sample,
        )
        for s in rows
    ])


def pricing_policies(*, region_codes: Iterable[str], month: date) -> dict[str, PricingPolicy]:
    """Each region's proration in force on the 1st. One query."""
    return {
        code: PricingPolicy(proration=policy.proration)
        for code, policy in region_policies(region_codes=list(region_codes), on=month).items()
    }
