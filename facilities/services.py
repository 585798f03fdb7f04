"""Every write to the facility registry."""
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.audit import access_record
from accounts.models import AccessAction
from accounts.services import require_administrator
from common.history import save_with_history

from .models import Facility, FacilityAssignment, FacilityStatus, Region
from .scoping import can_create_facility, can_edit_facility, can_edit_facility_contact, may_be_assigned_facilities

FULL_EDIT_FIELDS = (
    "name", "kind", "region", "address", "bed_capacity", "operator", "licence_number",
    "credit_code", "opened_on", "status", "contact_person", "contact_phone",
)
CONTACT_FIELDS = ("contact_person", "contact_phone")


@transaction.atomic
def facility_create(
    *, by, name: str, kind: str, region: Region, address: str, bed_capacity: int, operator: str,
    licence_number: str = "", credit_code: str = "", opened_on: date | None = None,
    status: str = FacilityStatus.OPERATING, contact_person: str = "", contact_phone: str = "",
) -> Facility:
    if not can_create_facility(by, region.code):
        raise PermissionDenied(_("您无权在该区划登记机构"))
    facility = Facility(
        name=name, kind=kind, region=region, address=address, bed_capacity=bed_capacity, operator=operator,
        licence_number=licence_number, credit_code=credit_code, opened_on=opened_on, status=status,
        contact_person=contact_person, contact_phone=contact_phone,
    )
    save_with_history(facility, by=by, reason=_("登记机构"))
    return facility


@transaction.atomic
def facility_update(*, by, facility: Facility, **changes) -> Facility:
    """Change registry fields; inspectors of the region and administrators only."""
    unknown = set(changes) - set(FULL_EDIT_FIELDS)
    if unknown:
        raise ValidationError(f"unknown fields: {sorted(unknown)}")
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    if not can_edit_facility(by, facility):
        raise PermissionDenied(_("您无权修改该机构"))
    new_region = changes.get("region")
    if new_region is not None and not can_create_facility(by, new_region.code):
        raise PermissionDenied(_("您无权将机构迁至该区划"))
    changed = [name for name, value in changes.items() if getattr(facility, name) != value]
    if not changed:
        return facility
    for name in changed:
        setattr(facility, name, changes[name])
    save_with_history(facility, by=by, reason=_("修改登记信息"), update_fields=[*changed, "updated_at"])
    return facility


@transaction.atomic
def facility_update_contact(*, by, facility: Facility, contact_person: str, contact_phone: str) -> Facility:
    """The manager of a facility keeps its contact details current."""
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    if not can_edit_facility_contact(by, facility):
        raise PermissionDenied(_("您无权修改该机构的联系方式"))
    facility.contact_person = contact_person
    facility.contact_phone = contact_phone
    save_with_history(facility, by=by, reason=_("更新联系方式"), update_fields=[*CONTACT_FIELDS, "updated_at"])
    return facility


def assignment_record(*, request, assignment) -> None:
    access_record(request=request, action=AccessAction.ASSIGNMENT_ADD, target=f"user:{assignment.user_id}",
                  detail=_("将机构 %(facility)s 分配给 %(username)s"),
                  params={"facility": assignment.facility.name, "username": assignment.user.username})


def assignment_check(user) -> None:
    if not may_be_assigned_facilities(user):
        raise ValidationError({"user": _("只能把机构分配给机构负责人")})


@transaction.atomic
def assignment_add(*, request, user, facility) -> FacilityAssignment:
    require_administrator(request.user)
    assignment_check(user)
    assignment, created = FacilityAssignment.objects.get_or_create(user=user, facility=facility)
    if created:
        assignment_record(request=request, assignment=assignment)
    return assignment
