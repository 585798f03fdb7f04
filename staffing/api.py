"""The staffing API: employments and leave (`/api/staff`) and daily compliance (`/api/compliance`).

Reads are scoped with facilities.scoping, so whatever is out of the user's scope is a 404 (or
absent from a list); every write goes through staffing.services, which refuse what the user may not
do (403) and what the rules forbid (422). Facilities named by id are fetched with
facility_get_for_user: one the user cannot see is a 404 as well.
"""
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
    prefetch_related_objects,
)
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from common.api_fields import fields_as
from common.bilingual import rule_message
from common.pagination import LimitOffsetPagination
from facilities.rules import region_scope_prefix
from facilities.scoping import facility_scope_q, personal_facility_scope_q
from facilities.selectors import facility_get_for_user

from . import services
from .models import ComplianceSnapshot, Employment, Leave
from .schemas import (
    ComplianceFilterIn,
    ComplianceOut,
    EmploymentDetailOut,
    EmploymentEndIn,
    EmploymentFilterIn,
    EmploymentIn,
    EmploymentOut,
    LeaveIn,
    LeaveOut,
)
from .selectors import employment_get_for_user

staff_router = Router(tags=["staffing"])
compliance_router = Router(tags=["staffing"])

MAX_RANGE_DAYS = 366


def _region_prefix(code: str) -> str:
    try:
        return region_scope_prefix(code)
    except ValueError as exc:
        raise ValidationError({"region": rule_message(str(exc))}) from exc


# --- scoped reads (staffing.selectors has single reads and one-day lists only) ------------


def employment_list(*, user, filters: EmploymentFilterIn, today: date) -> QuerySet[Employment]:
    """Employments in the user's facilities (none for administrators: staff details are personal data),
    with staff and facility joined and today's leave flag."""
    scope = personal_facility_scope_q(user, prefix="facility__")
    if scope is None:
        return Employment.objects.none()
    on_leave = Leave.objects.filter(employment=OuterRef("pk"), starts_on__lte=today, ends_on__gte=today)
    employments = (
        Employment.objects.filter(scope).select_related("staff", "facility").annotate(on_leave_today=Exists(on_leave))
    )
    if filters.facility_id is not None:
        employments = employments.filter(facility_id=filters.facility_id)
    if filters.role:
        employments = employments.filter(role=filters.role)
    if filters.active:
        employments = employments.exclude(ended_on__lt=today)
    else:
        employments = employments.filter(ended_on__lt=today)
    return employments.order_by("facility__name", "role", "staff__name", "id")


def snapshot_list(*, user, filters: ComplianceFilterIn, today: date) -> QuerySet[ComplianceSnapshot]:
    """Snapshots of the user's facilities over at most MAX_RANGE_DAYS days, newest day first."""
    date_to = filters.date_to or today
    date_from = filters.date_from or date_to
    if date_from > date_to:
        raise ValidationError({"date_from": "起始日期不能晚于截止日期 / date_from must not be after date_to"})
    if date_to - date_from >= timedelta(days=MAX_RANGE_DAYS):
        raise ValidationError({"date_to": f"日期范围最多 {MAX_RANGE_DAYS} 天 / the range spans at most {MAX_RANGE_DAYS} days"})
    scope = facility_scope_q(user, prefix="facility__")
    if scope is None:
        return ComplianceSnapshot.objects.none()
    snapshots = ComplianceSnapshot.objects.filter(scope, day__gte=date_from, day__lte=date_to).select_related(
        "facility", "facility__region"
    )
    if filters.region:
        snapshots = snapshots.filter(facility__region__code__startswith=_region_prefix(filters.region))
    if filters.facility_id is not None:
        snapshots = snapshots.filter(facility_id=filters.facility_id)
    if filters.status:
        snapshots = snapshots.filter(status=filters.status)
    return snapshots.order_by("-day", "facility__name", "id")


def _with_leaves(employment: Employment) -> Employment:
    prefetch_related_objects([employment], Prefetch("leaves", queryset=Leave.objects.order_by("-starts_on", "-id")))
    return employment


# --- employments -------------------------------------------------------------------------


@staff_router.get("", response=list[EmploymentOut], summary="工作人员列表 / employments in scope")
@paginate(LimitOffsetPagination)
def list_staff(request, filters: Query[EmploymentFilterIn]):
    return employment_list(user=request.user, filters=filters, today=timezone.localdate())


@staff_router.get("/{int:employment_id}", response=EmploymentDetailOut, summary="聘用详情 / one employment")
def get_employment(request, employment_id: int):
    return _with_leaves(employment_get_for_user(user=request.user, employment_id=employment_id))


@staff_router.post("", response={201: EmploymentDetailOut}, summary="登记聘用 / employ a person")
def employ(request, payload: EmploymentIn):
    facility = facility_get_for_user(user=request.user, facility_id=payload.facility_id)
    with fields_as(facility="facility_id"):
        employment = services.staff_employ(by=request.user, facility=facility, **payload.dict(exclude={"facility_id"}))
    return Status(201, _with_leaves(employment))


@staff_router.post("/{int:employment_id}/end", response=EmploymentDetailOut, summary="登记离职 / end an employment")
def end_employment(request, employment_id: int, payload: EmploymentEndIn):
    employment = employment_get_for_user(user=request.user, employment_id=employment_id)
    return _with_leaves(services.employment_end(by=request.user, employment=employment, ended_on=payload.ended_on))


@staff_router.post("/{int:employment_id}/leaves", response={201: LeaveOut}, summary="登记请假 / record leave")
def record_leave(request, employment_id: int, payload: LeaveIn):
    employment = employment_get_for_user(user=request.user, employment_id=employment_id)
    leave = services.leave_record(
        by=request.user, employment=employment, kind=payload.kind, starts_on=payload.starts_on, ends_on=payload.ends_on
    )
    return Status(201, leave)


# --- compliance --------------------------------------------------------------------------


@compliance_router.get("", response=list[ComplianceOut], summary="配比日快照 / daily staffing compliance in scope")
@paginate(LimitOffsetPagination)
def list_compliance(request, filters: Query[ComplianceFilterIn]):
    return snapshot_list(user=request.user, filters=filters, today=timezone.localdate())
