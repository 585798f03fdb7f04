"""Reads of resident safety (GB 38600-2019): the catalogue a region uses, a facility's risk register,
incidents in scope and their summary by facility and kind."""
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from common.months import month_end
from facilities.models import Facility, FacilityKind
from facilities.regions.selectors import version_in_force
from facilities.scoping import facilities_visible_to

from ..access import safety_scope_q
from ..models import (
    IncidentHarm,
    SafetyIncident,
    SafetyRiskCatalogue,
    Stay,
)
from ..risk_reviews import day_after, review_of, with_risk_review
from ..rounds import UnitDay, rounds_by_facility
from ..safety_rules import Review, ReviewState, family_notice, risk_review
from ..selectors import people_visible_to


def safety_catalogue_for(*, region_code: str | None, on: date) -> SafetyRiskCatalogue | None:
    """The risk catalogue in force on `on` for a region. One query."""
    return version_in_force(SafetyRiskCatalogue.objects.all(), region_code=region_code, on=on)


def person_risk_review(detail: dict, *, today: date) -> Review | None:
    """Where the person's risk register stands at the facility they live in, from what the person page
    already read (person_detail); None when they live in none (or no longer in the reader's)."""
    stay = detail["active_stay"]
    if stay is None or stay.facility.kind == FacilityKind.CHILD_WELFARE:
        return None
    latest = next((a for a in detail["safety_assessments"] if a.facility_id == stay.facility_id), None)
    incident = detail["safety_incidents"][0] if detail["safety_incidents"] else None
    self_care = detail["assessments"][0].category if detail["assessments"] else ""
    ability = detail["ability_assessments"][0].level if detail["ability_assessments"] else ""
    return risk_review(
        assessed_on=latest.assessed_on if latest else None, due_on=latest.due_on if latest else None,
        last_incident_at=timezone.localtime(incident.occurred_at) if incident else None,
        recorded_at=timezone.localtime(latest.recorded_at) if latest else None,
        condition_then=(latest.self_care_then, latest.ability_then) if latest else ("", ""),
        condition_now=(self_care, ability), today=today,
    )


def safety_facilities_for(user) -> QuerySet[Facility]:
    """The facilities whose safety records the user may read (none for administrators)."""
    return facilities_visible_to(user) if safety_scope_q(user) is not None else Facility.objects.none()


@dataclass(frozen=True)
class RegisterRow:
    stay: Stay
    review: Review


URGENCY = {ReviewState.OVERDUE: 0, ReviewState.NOT_ASSESSED: 1, ReviewState.REVIEW_DUE: 2, ReviewState.CURRENT: 3}


def risk_register(*, user, facility: Facility, on: date) -> list[RegisterRow]:
    """The facility's residents on `on` with where each one's risk register stands, the most urgent first
    (a facility is at most a few hundred residents). Two queries."""
    if not safety_facilities_for(user).filter(pk=facility.pk).exists():
        raise Http404("facility")
    stays = with_risk_review(
        Stay.objects.filter(facility=facility, person__in=people_visible_to(user), admitted_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on)).select_related("person"), on=on)
    rows = [RegisterRow(stay, review_of(stay.__dict__, on=on)) for stay in stays]
    rows.sort(key=lambda row: (URGENCY[row.review.state], row.stay.person.name, row.stay.person_id))
    return rows


def _month_bounds(month: date) -> tuple[datetime, datetime]:
    return (timezone.make_aware(datetime.combine(month.replace(day=1), time.min)), day_after(month_end(month)))


def rounds_of_day(*, user, facility: Facility, day: date, now: datetime) -> list[UnitDay]:
    """The facility's units on `day` with their rounds, handovers and gaps. Four queries."""
    if not safety_facilities_for(user).filter(pk=facility.pk).exists():
        raise Http404("facility")
    return rounds_by_facility(facilities=[facility], day=day, now=now)[facility.pk]


def incident_notice_state(incident: SafetyIncident, now: datetime) -> str:
    return family_notice(due_at=incident.notice_due_at, notified_at=incident.family_notified_at, now=now).value


def incidents_visible_to(user) -> QuerySet[SafetyIncident]:
    scope = safety_scope_q(user)
    return SafetyIncident.objects.none() if scope is None else SafetyIncident.objects.filter(scope)


def incident_get_for_user(*, user, incident_id: int) -> SafetyIncident:
    incident = incidents_visible_to(user).select_related("facility", "person", "recorded_by").filter(
        pk=incident_id).first()
    if incident is None:
        raise Http404("incident")
    return incident


def incident_kinds(*, user) -> dict[str, str]:
    """Every kind of incident recorded in scope, code → name as recorded. One query."""
    return dict(incidents_visible_to(user).order_by().values_list("kind", "kind_name").distinct())


def incidents_in_month(*, user, month: date, facility_id: int | None = None, kind: str = "") -> QuerySet[SafetyIncident]:
    """The month's incidents in scope, newest first, with their facility and person."""
    start, end = _month_bounds(month)
    qs = incidents_visible_to(user).filter(occurred_at__gte=start, occurred_at__lt=end)
    if facility_id:
        qs = qs.filter(facility_id=facility_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("facility", "person").order_by("-occurred_at", "-id")


HARMED = (IncidentHarm.TREATED, IncidentHarm.SERIOUS, IncidentHarm.DEATH)


@dataclass(frozen=True)
class FacilityIncidents:
    facility_id: int
    facility_name: str
    counts: dict[str, int]  # kind → incidents
    harmed: int             # incidents that needed treatment or worse

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def incident_summary(*, user, month: date) -> list[FacilityIncidents]:
    """The month's incidents in scope by facility and kind, the facilities with the most first. One query."""
    start, end = _month_bounds(month)
    rows = (incidents_visible_to(user).filter(occurred_at__gte=start, occurred_at__lt=end)
            .values("facility_id", "kind", facility_name=F("facility__name"))
            .annotate(n=Count("id"), harmed=Count("id", filter=Q(harm__in=HARMED)))
            .order_by("facility_name", "facility_id"))
    facilities: dict[int, dict] = {}
    for row in rows:
        entry = facilities.setdefault(row["facility_id"], {
            "facility_id": row["facility_id"], "facility_name": row["facility_name"], "counts": {}, "harmed": 0})
        entry["counts"][row["kind"]] = entry["counts"].get(row["kind"], 0) + row["n"]
        entry["harmed"] += row["harmed"]
    summary = [FacilityIncidents(**entry) for entry in facilities.values()]
    summary.sort(key=lambda entry: (-entry.total, entry.facility_name))
    return summary
