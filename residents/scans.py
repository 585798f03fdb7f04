"""Scans that open and resolve alerts about people; each runs a fixed number of queries.

- a resident in care without a valid assessment: none, or past its due date (rules.assessment_status);
- a person under dispersed support not visited within the region's interval;
- a person both in a facility and under dispersed support (data that predates the entry checks);
- a facility with more residents than beds;
- a resident of an elderly-care facility without a GB 38600 risk assessment, or past its review date;
- an elderly-care facility whose rounds or handovers of a day left a gap longer than the region's interval.
"""
from datetime import date, timedelta

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from facilities.alerts.services import AlertSpec, alerts_sync
from facilities.models import AlertKind, Facility, FacilityKind, FacilityStatus, Severity
from facilities.selectors import region_policies

from .models import SelfCareAssessment, Stay, SupportForm, SupportStatus
from .risk_reviews import review_of, with_risk_review
from .rounds import rounds_by_facility
from .rules import AssessmentStatus, assessment_status
from .safety_rules import ReviewState


def scan_assessments(*, today: date, facility_ids=None) -> tuple[int, int]:
    """Residents in care without a valid assessment today (rules.assessment_status): never assessed,
    or their latest assessment is past its due date."""
    stays = Stay.objects.filter(ended_on__isnull=True)
    if facility_ids is not None:
        stays = stays.filter(facility_id__in=list(facility_ids))
    latest = SelfCareAssessment.objects.filter(person_id=OuterRef("person_id"), assessed_on__lte=today).order_by(
        "-assessed_on", "-id"
    )
    rows = stays.annotate(
        assessed_on=Subquery(latest.values("assessed_on")[:1]), due_on=Subquery(latest.values("due_on")[:1]),
    ).values("person_id", "person__name", "facility_id", "facility__region_id", "assessed_on", "due_on")
    wanted = []
    for row in rows:
        due = row["due_on"]
        status = assessment_status(assessed_on=row["assessed_on"], due_on=due, on=today)
        common = {
            "region_id": row["facility__region_id"], "facility_id": row["facility_id"], "subject": f"person:{row['person_id']}",
            "subject_label": row["person__name"],
        }
        if status == AssessmentStatus.MISSING:
            wanted.append(AlertSpec(kind=AlertKind.ASSESSMENT_MISSING, message=f"{row['person__name']} 尚未做生活自理能力评估", **common))
        elif status == AssessmentStatus.OVERDUE:
            wanted.append(AlertSpec(
                kind=AlertKind.ASSESSMENT_OVERDUE,
                message=f"{row['person__name']} 的生活自理能力评估应于 {due:%Y-%m-%d} 前复评，已逾期 {(today - due).days} 天",
                details={"due_on": due.isoformat()}, **common,
            ))
    scope = Q(facility_id__in=list(facility_ids)) if facility_ids is not None else Q()
    return alerts_sync(kinds=[AlertKind.ASSESSMENT_MISSING, AlertKind.ASSESSMENT_OVERDUE], scope=scope, wanted=wanted)


def _person_scope(person_ids) -> Q:
    return Q(subject__in=[f"person:{pk}" for pk in person_ids]) if person_ids is not None else Q()


def scan_visits(*, today: date, person_ids=None) -> tuple[int, int]:
    statuses = SupportStatus.objects.filter(terminated_on__isnull=True, support_form=SupportForm.DISPERSED)
    if person_ids is not None:
        statuses = statuses.filter(person_id__in=list(person_ids))
    rows = list(
        statuses.exclude(person__residence_region__isnull=True)
        .annotate(last_visit=Max("person__visits__visited_on"))
        .values("person_id", "person__name", "person__residence_region_id", "confirmed_on", "last_visit")
    )
    policies = region_policies(region_codes=[r["person__residence_region_id"] for r in rows], on=today)
    wanted = []
    for row in rows:
        interval = policies[row["person__residence_region_id"]].visit_interval_days
        # A visit before this confirmation (e.g. the 入户调查) does not start the interval early.
        since = max(row["last_visit"] or row["confirmed_on"], row["confirmed_on"])
        due = since + timedelta(days=interval)
        if due < today:
            last = f"上次探访 {row['last_visit']:%Y-%m-%d}" if row["last_visit"] else "尚无探访记录"
            wanted.append(AlertSpec(
                kind=AlertKind.VISIT_OVERDUE, region_id=row["person__residence_region_id"],
                subject=f"person:{row['person_id']}", subject_label=row["person__name"],
                message=f"{row['person__name']} 探访逾期 {(today - due).days} 天（{last}，周期 {interval} 天）",
                details={"due_on": due.isoformat()},
            ))
    return alerts_sync(kinds=[AlertKind.VISIT_OVERDUE], scope=_person_scope(person_ids), wanted=wanted)


def scan_duplicate_enrolment(*, person_ids=None) -> tuple[int, int]:
    dispersed = SupportStatus.objects.filter(
        person_id=OuterRef("person_id"), terminated_on__isnull=True, support_form=SupportForm.DISPERSED
    )
    stays = Stay.objects.filter(ended_on__isnull=True).filter(Exists(dispersed))
    if person_ids is not None:
        stays = stays.filter(person_id__in=list(person_ids))
    wanted = [
        AlertSpec(
            kind=AlertKind.DUPLICATE_ENROLMENT, severity=Severity.CRITICAL, region_id=row["facility__region_id"],
            facility_id=row["facility_id"], subject=f"person:{row['person_id']}", subject_label=row["person__name"],
            message=f"{row['person__name']} 既在{row['facility__name']}入住，又登记为分散供养",
        )
        for row in stays.values("person_id", "person__name", "facility_id", "facility__name", "facility__region_id")
    ]
    return alerts_sync(kinds=[AlertKind.DUPLICATE_ENROLMENT], scope=_person_scope(person_ids), wanted=wanted)


def scan_capacity(*, facility_ids=None) -> tuple[int, int]:
    facilities = Facility.objects.annotate(
        residents=Count("stays", filter=Q(stays__ended_on__isnull=True))
    ).filter(residents__gt=F("bed_capacity"))
    if facility_ids is not None:
        facilities = facilities.filter(pk__in=list(facility_ids))
    wanted = [
        AlertSpec(
            kind=AlertKind.OVER_CAPACITY, severity=Severity.CRITICAL, region_id=row["region_id"], facility_id=row["id"],
            message=f"{row['name']} 入住 {row['residents']} 人，超过床位 {row['bed_capacity']} 张",
            details={"residents": row["residents"], "beds": row["bed_capacity"]},
        )
        for row in facilities.values("id", "name", "region_id", "residents", "bed_capacity")
    ]
    scope = Q(facility_id__in=list(facility_ids)) if facility_ids is not None else Q()
    return alerts_sync(kinds=[AlertKind.OVER_CAPACITY], scope=scope, wanted=wanted)


def scan_safety_reviews(*, today: date, facility_ids=None) -> tuple[int, int]:
    """Residents of elderly-care facilities whose GB 38600 risk assessment is missing (it is due before
    admission) or past its review date (safety_rules.risk_review). One query, then the alerts' own."""
    stays = Stay.objects.filter(ended_on__isnull=True, admitted_on__lte=today).exclude(
        facility__kind=FacilityKind.CHILD_WELFARE)
    if facility_ids is not None:
        stays = stays.filter(facility_id__in=list(facility_ids))
    rows = with_risk_review(stays, on=today).values(
        "person_id", "person__name", "facility_id", "facility__region_id", "risk_assessed_on", "risk_due_on",
        "self_care_then", "ability_then", "self_care_now", "ability_now", "last_incident_at", "risk_recorded_at")
    wanted = []
    for row in rows:
        state = review_of(row, on=today).state
        common = {"region_id": row["facility__region_id"], "facility_id": row["facility_id"],
                  "subject": f"person:{row['person_id']}", "subject_label": row["person__name"]}
        if state == ReviewState.NOT_ASSESSED:
            wanted.append(AlertSpec(kind=AlertKind.SAFETY_ASSESSMENT_MISSING,
                                    message=f"{row['person__name']} 尚未做服务安全风险评估（GB 38600）", **common))
        elif state == ReviewState.OVERDUE:
            due = row["risk_due_on"]
            wanted.append(AlertSpec(
                kind=AlertKind.SAFETY_REVIEW_OVERDUE,
                message=f"{row['person__name']} 的服务安全风险评估应于 {due:%Y-%m-%d} 前复评，已逾期 {(today - due).days} 天",
                details={"due_on": due.isoformat()}, **common,
            ))
    scope = Q(facility_id__in=list(facility_ids)) if facility_ids is not None else Q()
    return alerts_sync(kinds=[AlertKind.SAFETY_ASSESSMENT_MISSING, AlertKind.SAFETY_REVIEW_OVERDUE], scope=scope,
                       wanted=wanted)


def scan_round_gaps(*, day: date, facility_ids=None) -> tuple[int, int]:
    """Operating elderly-care facilities whose rounds or handovers on `day` (a day that is over: the nightly
    scan reads yesterday) left a gap in a unit: one alert a facility, naming the units and the hours; the
    next clean day resolves it."""
    facilities = Facility.objects.filter(status=FacilityStatus.OPERATING).exclude(kind=FacilityKind.CHILD_WELFARE)
    if facility_ids is not None:
        facilities = facilities.filter(pk__in=list(facility_ids))
    facilities = list(facilities.only("id", "name", "region_id"))
    by_facility = rounds_by_facility(facilities=facilities, day=day, now=timezone.now())
    wanted = [spec for facility in facilities if (spec := _round_alert(facility, by_facility[facility.pk], day))]
    scope = Q(facility_id__in=list(facility_ids)) if facility_ids is not None else Q()
    return alerts_sync(kinds=[AlertKind.ROUND_GAP], scope=scope, wanted=wanted)


def _round_alert(facility, units, day: date) -> AlertSpec | None:
    parts = []
    for entry in units:
        name = entry.unit or "全院"
        parts += [f"{name}巡查 {span}" for span in entry.round_spans]
        parts += [f"{name}交接班 {span}" for span in entry.handover_spans]
    if not parts:
        return None
    return AlertSpec(kind=AlertKind.ROUND_GAP, region_id=facility.region_id, facility_id=facility.pk,
                     message=f"{day:%Y-%m-%d} 巡查或交接班缺漏：{'；'.join(parts)}",
                     details={"day": day.isoformat(), "gaps": len(parts)})
