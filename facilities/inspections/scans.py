"""Scans that open and resolve alerts about inspections and star ratings; each runs a fixed number
of queries whatever the number of facilities or findings, and running one twice changes nothing.

- RECTIFICATION_OVERDUE, one per finding (subject "finding:<id>"): the deadline has passed and
  the facility has not reported it rectified (a rectified or verified finding is not overdue).
  Critical for 严重（安全隐患）findings, a warning otherwise.
- RATING_EXPIRING, per facility: its current rating (the latest one still valid, as
  facilities.selectors.current_level_subquery reads it) expires within RATING_EXPIRING_DAYS.
- RATING_EXPIRED, per facility: its latest rating has expired and no valid one remains.
Failed evaluations (level 0) are not a rating to renew, and closed facilities are left out.
"""
from datetime import date, timedelta

from django.db.models import OuterRef, Q, Subquery

from ..alerts.services import AlertSpec, alerts_sync
from ..models import (
    AlertKind,
    Facility,
    FacilityStatus,
    Finding,
    FindingSeverity,
    FindingStatus,
    Severity,
    StarRating,
)

RATING_EXPIRING_DAYS = 90
RATING_KINDS = [AlertKind.RATING_EXPIRING, AlertKind.RATING_EXPIRED]
STARS_ZH = {1: "一星级", 2: "二星级", 3: "三星级", 4: "四星级", 5: "五星级"}


def _scope(facility_ids) -> Q:
    return Q(facility_id__in=list(facility_ids)) if facility_ids is not None else Q()


def scan_rectifications(*, today: date, facility_ids=None) -> tuple[int, int]:
    """Open an alert for every finding past its deadline and not rectified; resolve the rest."""
    findings = Finding.objects.filter(status=FindingStatus.OPEN, deadline__lt=today)
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
