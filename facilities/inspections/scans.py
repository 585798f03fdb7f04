"""Scans that open and resolve alerts about inspections and star ratings; each runs a fixed number
of queries whatever the number of facilities or findings, and running one twice changes nothing.

- RECTIFICATION_OVERDUE, one per finding (subject "finding:<id>"): the deadline has passed and
  the facility has not reported it rectified (a rectified or verified finding is not overdue).
  Critical for 严重（安全隐患）findings, a warning otherwise. Major hazards have their own alert:
- MAJOR_HAZARD_OVERDUE, one per major hazard under supervised rectification (挂牌督办) whose deadline
  has passed without a re-check that closed it (reported rectified is not enough). The scan also
  escalates the case to the city (市级民政部门) the first night it is overdue, with history.
- RATING_EXPIRING, per facility: its current rating (the latest one still valid, as
  facilities.selectors.current_level_subquery reads it) expires within RATING_EXPIRING_DAYS.
- RATING_EXPIRED, per facility: its latest rating has expired and no valid one remains.
Failed evaluations (level 0) are not a rating to renew, and closed facilities are left out.
"""
from datetime import date, timedelta

from django.db.models import OuterRef, Q, Subquery
from simple_history.utils import bulk_update_with_history

from ..alerts.services import AlertSpec, alerts_sync
from ..checklist_rules import supervising_region
from ..models import (
    AlertKind,
    Facility,
    FacilityStatus,
    Finding,
    FindingSeverity,
    FindingStatus,
    Region,
    Severity,
    StarRating,
)
from ..rules import region_ancestors

RATING_EXPIRING_DAYS = 90
RATING_KINDS = [AlertKind.RATING_EXPIRING, AlertKind.RATING_EXPIRED]
STARS_ZH = {1: "一星级", 2: "二星级", 3: "三星级", 4: "四星级", 5: "五星级"}


def _scope(facility_ids) -> Q:
    return Q(facility_id__in=list(facility_ids)) if facility_ids is not None else Q()


def scan_rectifications(*, today: date, facility_ids=None) -> tuple[int, int]:
    """Open an alert for every finding past its deadline and not rectified; resolve the rest."""
    findings = Finding.objects.filter(status=FindingStatus.OPEN, deadline__lt=today, hazard_code="")
    if facility_ids is not None:
        findings = findings.filter(inspection__facility_id__in=list(facility_ids))
    rows = findings.values(
        "id", "category", "severity", "deadline", "inspection_id", "inspection__inspected_on",
        "inspection__facility_id", "inspection__facility__name", "inspection__facility__region_id",
    ).order_by("deadline", "id")
    wanted = [
        AlertSpec(
            kind=AlertKind.RECTIFICATION_OVERDUE,
            severity=Severity.CRITICAL if row["severity"] == FindingSeverity.SERIOUS else Severity.WARNING,
            region_id=row["inspection__facility__region_id"], facility_id=row["inspection__facility_id"],
            subject=f"finding:{row['id']}", subject_label=row["category"],
            message=(
                f"{row['inspection__facility__name']}：{row['category']}（{row['inspection__inspected_on']:%Y-%m-%d} 检查发现）"
                f"整改期限 {row['deadline']:%Y-%m-%d}，已逾期 {(today - row['deadline']).days} 天未整改"
            ),
            details={
                "inspection_id": row["inspection_id"], "finding_id": row["id"],
                "deadline": row["deadline"].isoformat(), "severity": row["severity"],
            },
        )
        for row in rows
    ]
    return alerts_sync(kinds=[AlertKind.RECTIFICATION_OVERDUE], scope=_scope(facility_ids), wanted=wanted)


def scan_major_hazards(*, today: date, facility_ids=None) -> tuple[int, int]:
    """Escalate every major hazard past its deadline and not closed to the city, once, and keep one critical
    alert open for it until an inspector other than its finder closes it. Four queries (five with escalations)."""
    findings = Finding.objects.filter(deadline__lt=today).exclude(hazard_code="").exclude(
        status=FindingStatus.VERIFIED).select_related("inspection", "inspection__facility").order_by("deadline", "id")
    if facility_ids is not None:
        findings = findings.filter(inspection__facility_id__in=list(facility_ids))
    findings = list(findings)
    escalating = [finding for finding in findings if finding.escalated_on is None]
    if escalating:
        candidates = {code for finding in escalating for code in region_ancestors(finding.inspection.facility.region_id)}
        known = set(Region.objects.filter(code__in=candidates).values_list("code", flat=True))
        for finding in escalating:
            finding.escalated_on = today
            finding.escalated_to_id = supervising_region(finding.inspection.facility.region_id, known=known)
        bulk_update_with_history(escalating, Finding, ["escalated_on", "escalated_to"],
                                 default_change_reason="重大事故隐患逾期，升级市级督办")
    wanted = []
    for finding in findings:
        facility = finding.inspection.facility
        wanted.append(AlertSpec(
            kind=AlertKind.MAJOR_HAZARD_OVERDUE, severity=Severity.CRITICAL,
            region_id=facility.region_id, facility_id=facility.pk,
            subject=f"finding:{finding.pk}", subject_label=f"{finding.hazard_code} {finding.category}",
            message=(
                f"{facility.name}：重大事故隐患 {finding.hazard_code}（{finding.inspection.inspected_on:%Y-%m-%d} 检查发现）"
                f"挂牌督办期限 {finding.deadline:%Y-%m-%d}，已逾期 {(today - finding.deadline).days} 天未销号，"
                f"自 {finding.escalated_on:%Y-%m-%d} 起由市级民政部门督办"
            ),
            details={
                "inspection_id": finding.inspection_id, "finding_id": finding.pk, "hazard_code": finding.hazard_code,
                "deadline": finding.deadline.isoformat(), "escalated_on": finding.escalated_on.isoformat(),
                "escalated_to": finding.escalated_to_id, "status": finding.status,
            },
        ))
    return alerts_sync(kinds=[AlertKind.MAJOR_HAZARD_OVERDUE], scope=_scope(facility_ids), wanted=wanted)


def scan_ratings(*, today: date, facility_ids=None) -> tuple[int, int]:
    """Per facility: its rating expires within RATING_EXPIRING_DAYS, or has expired without renewal."""
    rated = StarRating.objects.filter(facility=OuterRef("pk"), rated_on__lte=today).order_by("-rated_on", "-id")
    valid = rated.filter(expires_on__gt=today)
    facilities = Facility.objects.exclude(status=FacilityStatus.CLOSED).annotate(
        valid_level=Subquery(valid.values("level")[:1]),
        valid_expires_on=Subquery(valid.values("expires_on")[:1]),
        latest_level=Subquery(rated.values("level")[:1]),
        latest_rated_on=Subquery(rated.values("rated_on")[:1]),
        latest_expires_on=Subquery(rated.values("expires_on")[:1]),
    ).filter(
        Q(valid_level__gte=1, valid_expires_on__lte=today + timedelta(days=RATING_EXPIRING_DAYS))
        | Q(valid_level__isnull=True, latest_level__gte=1)
    )
    if facility_ids is not None:
        facilities = facilities.filter(pk__in=list(facility_ids))
    wanted = []
    for row in facilities.values(
        "id", "name", "region_id", "valid_level", "valid_expires_on", "latest_level", "latest_rated_on", "latest_expires_on",
    ):
        common = {"region_id": row["region_id"], "facility_id": row["id"]}
        if row["valid_level"] is not None:
            expires_on = row["valid_expires_on"]
            wanted.append(AlertSpec(
                kind=AlertKind.RATING_EXPIRING,
                message=(
                    f"{row['name']} 的{STARS_ZH[row['valid_level']]}评定将于 {expires_on:%Y-%m-%d} 到期"
                    f"（还有 {(expires_on - today).days} 天），请及时组织复评"
                ),
                details={"level": row["valid_level"], "expires_on": expires_on.isoformat()},
                **common,
            ))
        else:
            expires_on = row["latest_expires_on"]
            wanted.append(AlertSpec(
                kind=AlertKind.RATING_EXPIRED, severity=Severity.CRITICAL,
                message=(
                    f"{row['name']} 的{STARS_ZH[row['latest_level']]}评定（{row['latest_rated_on']:%Y-%m-%d}）"
                    f"已于 {expires_on:%Y-%m-%d} 到期，尚未重新评定"
                ),
                details={"level": row["latest_level"], "expires_on": expires_on.isoformat()},
                **common,
            ))
    return alerts_sync(kinds=RATING_KINDS, scope=_scope(facility_ids), wanted=wanted)
