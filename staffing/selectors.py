"""Reads for staffing pages, always through the scoping module."""
from collections import defaultdict
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from facilities.models import Facility
from facilities.scoping import can_read_personal_data, facility_scope_q, personal_facility_scope_q
from facilities.selectors import facility_get_for_user

from .models import ComplianceSnapshot, ComplianceStatus, Employment, Leave


def staff_facility_get_for_user(*, user, facility_id: int) -> Facility:
    """A facility whose staff register the user may read: 404 outside scope, and for administrators
    (staff members' details are personal data; compliance figures stay on the facility page)."""
    if not can_read_personal_data(user):
        raise Http404("staff")
    return facility_get_for_user(user=user, facility_id=facility_id)


def employments_for_facility(*, facility, include_ended: bool = False) -> QuerySet[Employment]:
    employments = Employment.objects.filter(facility=facility).select_related("staff").prefetch_related(
        Prefetch("leaves", queryset=Leave.objects.order_by("-starts_on"))
    )
    if not include_ended:
        employments = employments.filter(ended_on__isnull=True)
    return employments.order_by("role", "staff__name")


def employment_get_for_user(*, user, employment_id: int) -> Employment:
    scope = personal_facility_scope_q(user, prefix="facility__")
    employment = None if scope is None else (
        Employment.objects.filter(scope, pk=employment_id).select_related("staff", "facility").first()
    )
    if employment is None:
        raise Http404("employment")
    return employment


def compliance_series(*, facility_id: int, start: date, end: date) -> list[ComplianceSnapshot]:
    return list(ComplianceSnapshot.objects.filter(facility_id=facility_id, day__gte=start, day__lte=end).order_by("day"))


def snapshots_in_scope(*, user, day: date) -> QuerySet[ComplianceSnapshot]:
    scope = facility_scope_q(user, prefix="facility__")
    if scope is None:
        return ComplianceSnapshot.objects.none()
    return ComplianceSnapshot.objects.filter(scope, day=day).select_related("facility", "facility__region__parent")


def trend_in_scope(*, user, start: date, end: date) -> list[dict]:
    """Per day: facilities compliant, below, without data (empty facilities are left out)."""
    scope = facility_scope_q(user, prefix="facility__")
    if scope is None:
        return []
    rows = (
        ComplianceSnapshot.objects.filter(scope, day__gte=start, day__lte=end)
        .exclude(status=ComplianceStatus.EMPTY)
        .values("day")
        .annotate(
            compliant=Count("id", filter=Q(status=ComplianceStatus.COMPLIANT)),
            below=Count("id", filter=Q(status=ComplianceStatus.BELOW)),
            no_data=Count("id", filter=Q(status=ComplianceStatus.NO_DATA)),
        )
        .order_by("day")
    )
    return list(rows)


def days_below_in_scope(*, user, start: date, end: date) -> dict[int, int]:
    scope = facility_scope_q(user, prefix="facility__")
    if scope is None:
        return {}
    rows = (
        ComplianceSnapshot.objects.filter(scope, day__gte=start, day__lte=end, status=ComplianceStatus.BELOW)
        .values("facility_id")
        .annotate(n=Count("id"))
    )
    return {row["facility_id"]: row["n"] for row in rows}


def by_county(snapshots) -> list[dict]:
    """Facilities per county and status, from already-fetched snapshots."""
    counties: dict[str, dict] = defaultdict(lambda: {"name": "", "compliant": 0, "below": 0, "no_data": 0, "empty": 0})
    for snapshot in snapshots:
        code = snapshot.facility.region_id[:6]
        entry = counties[code]
        region = snapshot.facility.region
        entry["name"] = region.parent.name if len(region.code) == 9 and region.parent_id else region.name
        entry[snapshot.status] += 1
    return [{"code": code, **entry} for code, entry in sorted(counties.items())]
