"""How a resident's GB 38600 risk register stands, read set-based: the stay annotated with what
`safety_rules.risk_review` needs. Shared by the register pages (residents.safety) and the nightly scan."""
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from .models import AbilityAssessment, SafetyIncident, SafetyRiskAssessment, SelfCareAssessment, Stay
from .safety_rules import Review, risk_review


def _latest(model, field: str, *, on: date, **match):
    return Subquery(model.objects.filter(person_id=OuterRef("person_id"), assessed_on__lte=on, **match)
                    .order_by("-assessed_on", "-id").values(field)[:1])


def day_after(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def with_risk_review(stays: QuerySet[Stay], *, on: date) -> QuerySet[Stay]:
    """Stays annotated with what `risk_review` needs as of `on`: the latest risk assessment made by the
    stay's facility (admitting a resident is assessing them: another facility's assessment does not count),
    the latest incident that befell the person, their self-care category and GB/T 42195 level then and now."""
    here = {"facility_id": OuterRef("facility_id")}
    last_incident = Subquery(SafetyIncident.objects.filter(
        person_id=OuterRef("person_id"), occurred_at__lt=day_after(on),
    ).order_by("-occurred_at").values("occurred_at")[:1])
    return stays.annotate(
        risk_id=_latest(SafetyRiskAssessment, "id", on=on, **here),
        risk_assessed_on=_latest(SafetyRiskAssessment, "assessed_on", on=on, **here),
        risk_due_on=_latest(SafetyRiskAssessment, "due_on", on=on, **here),
        risk_highest=_latest(SafetyRiskAssessment, "highest", on=on, **here),
        risk_recorded_at=_latest(SafetyRiskAssessment, "recorded_at", on=on, **here),
        self_care_then=_latest(SafetyRiskAssessment, "self_care_then", on=on, **here),
        ability_then=_latest(SafetyRiskAssessment, "ability_then", on=on, **here),
        self_care_now=_latest(SelfCareAssessment, "category", on=on),
        ability_now=_latest(AbilityAssessment, "level", on=on),
        last_incident_at=last_incident,
    )


def review_of(row: Mapping, *, on: date) -> Review:
    """`risk_review` of a stay read through `with_risk_review` (its fields, as a model's `__dict__` or a
    `values()` row)."""
    incident_at, recorded_at = row["last_incident_at"], row["risk_recorded_at"]
    return risk_review(
        assessed_on=row["risk_assessed_on"], due_on=row["risk_due_on"],
        last_incident_at=timezone.localtime(incident_at) if incident_at else None,
        recorded_at=timezone.localtime(recorded_at) if recorded_at else None,
        condition_then=(row["self_care_then"] or "", row["ability_then"] or ""),
        condition_now=(row["self_care_now"] or "", row["ability_now"] or ""), today=on,
    )
