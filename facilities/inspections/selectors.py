"""Reads of inspections (督导检查) and their findings, always through the scoping module.

Whoever may see a facility sees its inspections: managers their own facilities, regional users
their region, administrators everything. Anything outside that is a 404, so its existence does
not leak.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from ..checklist_rules import as_items, supervision_state
from ..models import Facility, FacilityStatus, Finding, FindingStatus, Inspection, InspectionChecklist, Region
from ..regions.selectors import version_in_force
from ..scoping import can_edit_facility, can_record_rectification, facilities_visible_to, facility_scope_q
from ..selectors import current_level_subquery, region_code_q

LEVELS = range(6)  # 0 = not rated (or no valid rating), 1–5 stars
AGE_BUCKETS = ((0, 30), (31, 90), (91, None))  # days since the inspection that found the problem
DUE_SOON_DAYS = 7


def inspections_visible_to(user) -> QuerySet[Inspection]:
    q = facility_scope_q(user, prefix="facility__")
    return Inspection.objects.none() if q is None else Inspection.objects.filter(q)


def findings_visible_to(user) -> QuerySet[Finding]:
    q = facility_scope_q(user, prefix="inspection__facility__")
    return Finding.objects.none() if q is None else Finding.objects.filter(q)


@dataclass(frozen=True)
class InspectionFilters:
    facility_id: int | None = None
    kind: str = ""
    state: str = ""  # "open", "closed", "open_findings" (not yet verified), "overdue_findings" or "" for all
    year: int | None = None
    region: str = ""


def inspection_list(*, user, filters: InspectionFilters = InspectionFilters(), today: date) -> QuerySet[Inspection]:
    """Inspections in scope, newest first, with their finding counts in the same query."""
    qs = inspections_visible_to(user).select_related("facility", "facility__region").annotate(
        findings_total=Count("findings"),
        findings_open=Count("findings", filter=~Q(findings__status=FindingStatus.VERIFIED)),
        findings_overdue=Count("findings", filter=Q(findings__status=FindingStatus.OPEN, findings__deadline__lt=today)),
    )
    if filters.facility_id is not None:
        qs = qs.filter(facility_id=filters.facility_id)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.state == "open":
        qs = qs.filter(closed_on__isnull=True)
    elif filters.state == "closed":
        qs = qs.filter(closed_on__isnull=False)
    elif filters.state == "open_findings":
        qs = qs.filter(findings_open__gt=0)
    elif filters.state == "overdue_findings":
        qs = qs.filter(findings_overdue__gt=0)
    if filters.region:
        qs = qs.filter(region_code_q(filters.region, field="facility__region"))
    if filters.year is not None:
        qs = qs.filter(inspected_on__gte=date(filters.year, 1, 1), inspected_on__lte=date(filters.year, 12, 31))
    return qs.order_by("-inspected_on", "-id")


def inspection_get_for_user(*, user, inspection_id: int) -> Inspection:
    inspection = (
        inspections_visible_to(user).select_related("facility", "facility__region", "recorded_by")
        .filter(pk=inspection_id).first()
    )
    if inspection is None:
        raise Http404("inspection")
    return inspection


def access_finding(*, user, finding_id: int, to: str) -> Finding:
    """A finding to act on: `to` is "inspect" (verify or return it: the region's inspectors and
    administrators) or "rectify" (the facility's own managers, and administrators). Out of scope a
    404, in scope without the right a 403."""
    finding = finding_get_for_user(user=user, finding_id=finding_id)
    right = {"inspect": can_edit_facility, "rectify": can_record_rectification}[to]
    if not right(user, finding.inspection.facility):
        raise PermissionDenied
    return finding


def finding_get_for_user(*, user, finding_id: int) -> Finding:
    finding = (
        findings_visible_to(user).select_related("inspection", "inspection__facility", "inspection__facility__region")
        .filter(pk=finding_id).first()
    )
    if finding is None:
        raise Http404("finding")
    return finding


def inspection_findings(*, inspection: Inspection) -> list[Finding]:
    return list(inspection.findings.all())


def inspection_follow_ups(*, inspection: Inspection) -> list:
    return list(inspection.follow_ups.all())


def finding_due_state(finding: Finding, *, today: date) -> str:
    """How a finding's deadline looks today: overdue (red), due soon (amber), ok, or done."""
    if finding.status != FindingStatus.OPEN:
        return "done"
    if finding.deadline < today:
        return "overdue"
    if (finding.deadline - today).days <= DUE_SOON_DAYS:
        return "soon"
    return "ok"


# --- the region view ---------------------------------------------------------------------


def _operating(user) -> QuerySet[Facility]:
    return facilities_visible_to(user).exclude(status=FacilityStatus.CLOSED)


def level_distribution_by_county(*, user, today: date) -> list[dict]:
    """Facilities (not closed) per county and current star level: two queries, grouped in the database."""
    rows = (
        _operating(user)
        .annotate(county=Substr("region_id", 1, 6), star_level=current_level_subquery(on=today))
        .values("county", "star_level")
        .annotate(n=Count("id"))
        .order_by("county", "star_level")
    )
    counties: dict[str, list[int]] = {}
    for row in rows:
        counties.setdefault(row["county"], [0] * len(LEVELS))[row["star_level"]] = row["n"]
    names = dict(Region.objects.filter(code__in=list(counties)).values_list("code", "name"))
    return [{"code": code, "name": names.get(code, code), "levels": levels} for code, levels in counties.items()]


def inspected_this_year(*, today: date):
    """A filter for facilities with at least one inspection from 1 January up to today."""
    return Exists(Inspection.objects.filter(
        facility=OuterRef("pk"), inspected_on__gte=date(today.year, 1, 1), inspected_on__lte=today,
    ))


def inspection_coverage(*, user, today: date) -> dict:
    """How many facilities (not closed) were inspected this calendar year, in one query."""
    return _operating(user).annotate(done=inspected_this_year(today=today)).aggregate(
        total=Count("id"), inspected=Count("id", filter=Q(done=True)),
    )


def facilities_not_inspected(*, user, today: date) -> QuerySet[Facility]:
    """Facilities (not closed) without an on-site inspection this calendar year (养老机构管理办法:
    at least one a year), with the date of their last inspection and their current level."""
    return (
        _operating(user).filter(~inspected_this_year(today=today)).select_related("region")
        .annotate(last_inspected_on=Max("inspections__inspected_on"), star_level=current_level_subquery(on=today))
        .order_by("region_id", "name")
    )


def open_findings_by_age(*, user, today: date) -> list[dict]:
    """Findings not yet verified, by days since the inspection that found them, in one query."""
    def window(low, high) -> Q:
        q = Q(inspection__inspected_on__lte=today - timedelta(days=low))
        if high is not None:
            q &= Q(inspection__inspected_on__gte=today - timedelta(days=high))
        return q

    aggregates = {}
    for index, (low, high) in enumerate(AGE_BUCKETS):
        aggregates[f"open_{index}"] = Count("id", filter=window(low, high) & Q(status=FindingStatus.OPEN))
        aggregates[f"rectified_{index}"] = Count("id", filter=window(low, high) & Q(status=FindingStatus.RECTIFIED))
        aggregates[f"overdue_{index}"] = Count(
            "id", filter=window(low, high) & Q(status=FindingStatus.OPEN, deadline__lt=today)
        )
    totals = findings_visible_to(user).exclude(status=FindingStatus.VERIFIED).aggregate(**aggregates)
    return [
        {
            "low": low, "high": high,
            "open": totals[f"open_{index}"], "rectified": totals[f"rectified_{index}"],
            "overdue": totals[f"overdue_{index}"],
            "total": totals[f"open_{index}"] + totals[f"rectified_{index}"],
        }
        for index, (low, high) in enumerate(AGE_BUCKETS)
    ]


def finding_rounds(*, findings) -> dict[int, list]:
    """Each finding's history (recorded, rectified, returned with a reason, verified), oldest first,
    so every round of 整改 and 退回整改 shows. One query, none without findings."""
    rounds: dict[int, list] = {finding.pk: [] for finding in findings}
    if rounds:
        for row in Finding.history.filter(id__in=list(rounds)).select_related("history_user").order_by(
            "history_date", "history_id"
        ):
            rounds[row.id].append(row)
    return rounds


# --- the checklist and major hazards (挂牌督办) -----------------------------------------------


def checklist_in_force(*, facility: Facility, on: date) -> InspectionChecklist | None:
    """The checklist version for the facility's region on a day (the most specific region's, else national)."""
    return version_in_force(InspectionChecklist.objects.all(), region_code=facility.region_id, on=on)


@dataclass(frozen=True)
class ChecklistRow:
    item: object  # checklist_rules.ChecklistItem
    answer: object  # a ChecklistAnswer, or None before the checklist is filled in


def inspection_checklist(*, inspection: Inspection) -> tuple[InspectionChecklist | None, list[ChecklistRow]]:
    """The checklist of an inspection (the version its answers used, else the one in force on its day) and its
    items with their answers, in the checklist's order. Two queries."""
    answers = {row.item_code: row for row in inspection.checklist_answers.select_related("checklist", "finding")}
    checklist = next(iter(answers.values())).checklist if answers else checklist_in_force(
        facility=inspection.facility, on=inspection.inspected_on)
    if checklist is None:
        return None, []
    return checklist, [ChecklistRow(item=item, answer=answers.get(item.code)) for item in as_items(checklist.items)]


def open_major_hazards(*, user, today: date) -> list[Finding]:
    """Major hazards in scope not yet re-checked and closed, the oldest first (by the day they were found),
    each with its supervision state and age in days. One query."""
    findings = list(
        findings_visible_to(user).filter(hazard_code__gt="").exclude(status=FindingStatus.VERIFIED)
        .select_related("inspection", "inspection__facility", "inspection__facility__region", "escalated_to")
        .order_by("inspection__inspected_on", "id")
    )
    for finding in findings:
        finding.supervision = supervision_state(deadline=finding.deadline, today=today, verified=False)
        finding.age_days = (today - finding.inspection.inspected_on).days
    return findings
