"""Every write about staff: registration, employment, leave. Each change recomputes today's
compliance for the facility after the transaction commits."""
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.bilingual import rule_message
from common.enqueue import enqueue_on_commit
from common.history import save_with_history
from facilities.models import Facility
from facilities.scoping import can_act_for_facility
from residents.rules import parse_id_number

from . import tasks
from .models import Employment, Leave, StaffMember


def _recompute_after_commit(facility_id: int) -> None:
    enqueue_on_commit(tasks.compliance_for_facility, facility_id=facility_id)


def _require(by, facility: Facility) -> None:
    if not can_act_for_facility(by, facility):
        raise PermissionDenied(_("您无权管理该机构的工作人员"))


@transaction.atomic
def staff_employ(
    *, by, facility: Facility, name: str, id_number: str, role: str, started_on: date, fte: Decimal = Decimal("1.00"),
    phone: str = "", certificate_number: str = "", certificate_expires_on: date | None = None, address: str = "",
) -> Employment:
    """Employ a person at a facility; the person is found by ID number or registered."""
    _require(by, facility)
    try:
        parsed = parse_id_number(id_number)
    except ValueError as exc:
        raise ValidationError({"id_number": rule_message(str(exc))}) from exc
    if started_on > timezone.localdate() + timedelta(days=31):
        raise ValidationError({"started_on": _("入职日期不能晚于一个月后")})
    staff = StaffMember.objects.select_for_update().filter(id_number=parsed.value).first()
    if staff is None:
        staff = StaffMember(name=name.strip(), id_number=parsed.value, phone=phone, address=address.strip())
        save_with_history(staff, by=by, reason=_("登记工作人员"))
    elif staff.name != name.strip():
        raise ValidationError({"name": _("姓名与该身份证号码的登记信息不一致，请核对")})
    elif address.strip() and staff.address != address.strip():
        staff.address = address.strip()
        save_with_history(staff, by=by, reason=_("更新家庭住址"), update_fields=["address"])
    if staff.employments.filter(facility=facility, role=role, ended_on__isnull=True).exists():
        raise ValidationError({"role": _("该人员在本机构已有同一岗位的在职记录")})
    employment = Employment(
        staff=staff, facility=facility, role=role, fte=fte, started_on=started_on,
        certificate_number=certificate_number, certificate_expires_on=certificate_expires_on,
    )
    save_with_history(employment, by=by, reason=_("聘用"))
    _recompute_after_commit(facility.pk)
    return employment


@transaction.atomic
def employment_end(*, by, employment: Employment, ended_on: date) -> Employment:
    employment = Employment.objects.select_for_update().select_related("facility").get(pk=employment.pk)
    _require(by, employment.facility)
    if employment.ended_on:
        raise ValidationError({"ended_on": _("该聘用记录已结束")})
    if ended_on < employment.started_on:
        raise ValidationError({"ended_on": _("离职日期不能早于入职日期")})
    employment.ended_on = ended_on
    save_with_history(employment, by=by, reason=_("离职"), update_fields=["ended_on"])
    _recompute_after_commit(employment.facility_id)
    return employment


@transaction.atomic
def leave_record(*, by, employment: Employment, kind: str, starts_on: date, ends_on: date) -> Leave:
    employment = Employment.objects.select_for_update().select_related("facility").get(pk=employment.pk)
    _require(by, employment.facility)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期")})
    if starts_on < employment.started_on or (employment.ended_on and ends_on > employment.ended_on):
        raise ValidationError({"starts_on": _("请假时间须在聘用期内")})
    if employment.leaves.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).exists():
        raise ValidationError({"starts_on": _("与已登记的请假时间重叠")})
    leave = Leave(employment=employment, kind=kind, starts_on=starts_on, ends_on=ends_on)
    save_with_history(leave, by=by, reason=_("请假"))
    _recompute_after_commit(employment.facility_id)
    return leave
