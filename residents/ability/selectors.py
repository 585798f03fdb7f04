"""Reads of the GB/T 42195 assessment: which scale a region uses, a person's assessments, the region report."""
from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Case, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When

from facilities.regions.selectors import version_in_force
from facilities.scoping import personal_facility_scope_q

from ..ability_rules import MODERATE_OR_WORSE
from ..models import AbilityAssessment, AbilityScale, LtcAssessment, Stay
from ..selectors import people_visible_to


def ability_scale_for(*, region_code: str | None, on: date) -> AbilityScale | None:
    """The scale in force on `on` for a region. One query."""
    return version_in_force(AbilityScale.objects.all(), region_code=region_code, on=on)


def _latest(on: date, field: str):
    """The person's latest GB/T 42195 assessment still valid on `on` (its `field`), as a subquery."""
    return Subquery(AbilityAssessment.objects.filter(
        person_id=OuterRef("person_id"), assessed_on__lte=on, due_on__gte=on,
    ).order_by("-assessed_on", "-id").values(field)[:1])


def _latest_accepted_ltc(on: date, field: str):
    """The person's latest long-term-care result accepted (采信) and still valid on `on` (its `field`)."""
    return Subquery(LtcAssessment.objects.filter(
        person_id=OuterRef("person_id"), accepted=True, assessed_on__lte=on, valid_until__gte=on,
    ).order_by("-assessed_on", "-id").values(field)[:1])


def _residents(user, on: date) -> QuerySet[Stay]:
    """The stays on `on` in the facilities the user may see personal data of, of the people they may see,
    with each person's valid level: their own latest GB/T 42195 assessment's, or an accepted long-term-care
    result's where that is later (`by_ltc`). (A person of the user's region living in another region's
    facility is not counted: that facility is not the user's to see.)"""
    in_scope = personal_facility_scope_q(user, prefix="facility__")
    stays = Stay.objects.none() if in_scope is None else Stay.objects.filter(
        in_scope, person__in=people_visible_to(user), admitted_on__lte=on,
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
    stays = stays.annotate(own_on=_latest(on, "assessed_on"), ltc_on=_latest_accepted_ltc(on, "assessed_on"))
    stays = stays.annotate(by_ltc=Case(
        When(Q(ltc_on__isnull=False) & (Q(own_on__isnull=True) | Q(ltc_on__gt=F("own_on"))), then=Value(True)),
        default=Value(False), output_field=BooleanField(),
    ))
    return stays.annotate(level=Case(When(by_ltc=True, then=_latest_accepted_ltc(on, "level")),
                                     default=_latest(on, "level")))


@dataclass(frozen=True)
class FacilityLevels:
    facility_id: int
    facility_name: str
    counts: dict[str, int]  # level (or "" for no valid assessment) → residents

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def ability_levels_by_facility(*, user, on: date) -> list[FacilityLevels]:
    """Residents on `on` by facility and GB/T 42195 level ("" when not validly assessed). One query."""
    rows = (_residents(user, on).values("facility_id", facility_name=F("facility__name"), lvl=F("level"))
            .annotate(n=Count("id")).order_by("facility_name", "facility_id"))
    facilities: dict[int, FacilityLevels] = {}
    for row in rows:
        entry = facilities.setdefault(row["facility_id"], FacilityLevels(row["facility_id"], row["facility_name"], {}))
        entry.counts[row["lvl"] or ""] = entry.counts.get(row["lvl"] or "", 0) + row["n"]
    return list(facilities.values())


def moderate_or_worse(*, user, on: date, page: int = 1, per_page: int = 50) -> Page:
    """The residents on `on` whose valid level is 中度失能 or worse, a page at a time, with the date and due
    date of what gives the level (an own assessment, or an accepted long-term-care result). Two queries (the
    page and its count)."""
    stays = (_residents(user, on).filter(level__in=[level.value for level in MODERATE_OR_WORSE])
             .annotate(assessed_on=Case(When(by_ltc=True, then=F("ltc_on")), default=F("own_on")),
                       due_on=Case(When(by_ltc=True, then=_latest_accepted_ltc(on, "valid_until")),
                                   default=_latest(on, "due_on")),
                       assessment_id=_latest(on, "id"))
             .select_related("person", "facility").order_by("facility__name", "person__name", "person_id"))
    return Paginator(stays, per_page).get_page(page)


def ltc_in_place(detail: dict, *, today: date) -> LtcAssessment | None:
    """The accepted long-term-care result that gives the person's level today (valid, and later than their own
    valid GB/T 42195 assessment), from what the person page already read (person_detail); else None."""
    own = next((a for a in detail["ability_assessments"] if a.assessed_on <= today <= a.due_on), None)
    return next((ltc for ltc in detail["ltc_assessments"]
                 if ltc.accepted and ltc.assessed_on <= today <= ltc.valid_until
                 and (own is None or ltc.assessed_on > own.assessed_on)), None)
