"""Every write about complaints and reports (投诉举报) about facilities.

The lifecycle: an inspector of the facility's region registers a complaint received by hotline,
letter, visit or online, and its deadlines follow from the region's parameters (acknowledge in 1
working day, conclude in 15, by default) → the first inspector who takes it owns it (首问负责; a
conditional UPDATE, so two inspectors taking it at the same moment leave exactly one owner) → the
owner links the inspection it triggers (a new complaint inspection, or an existing one of the same
facility) → the owner concludes it with the reply given to the complainant.

A refused right is PermissionDenied; a refused value a ValidationError with a Chinese message.
The overdue scan for the complaint runs after the transaction commits whenever it changes.
"""
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import NotificationKind, Role, User
from accounts.notifications.services import notify
from common.enqueue import enqueue_on_commit
from common.history import save_with_history

from ..inspections.services import inspection_record
from ..models import Complaint, ComplaintChannel, Facility, Inspection, InspectionKind
from ..rules import complaint_due_dates, region_ancestors
from ..scoping import can_act_in_region
from ..selectors import region_policy
from ..working_days.calendar import WorkingDays
from . import tasks


def may_handle_complaints(user, facility: Facility) -> bool:
    """Register, take and handle complaints about a facility: the inspectors of its region."""
    return can_act_in_region(user, facility.region_id)


def _require_inspector(by, facility: Facility) -> None:
    if not may_handle_complaints(by, facility):
        raise PermissionDenied(_("投诉举报由被投诉机构所在区划的民政督查办理"))


def _scan_after_commit(complaint_id: int) -> None:
    enqueue_on_commit(tasks.scan_complaint, complaint_id=complaint_id)


def _owned(by, complaint: Complaint) -> Complaint:
    """The complaint, locked, if `by` owns it and it is still open."""
    complaint = Complaint.objects.select_for_update().select_related("facility").get(pk=complaint.pk)
    _require_inspector(by, complaint.facility)
    if complaint.concluded_on is not None:
        raise ValidationError(_("该投诉举报已办结"))
    if complaint.assigned_to_id is None:
        raise ValidationError(_("请先受理该投诉举报（首问负责）"))
    if complaint.assigned_to_id != by.pk:
        raise PermissionDenied(_("该投诉举报由首问负责人办理"))
    return complaint


@transaction.atomic
def complaint_register(
    *, by, facility: Facility, channel: str, received_at: datetime, content: str, complainant_name: str = "",
    complainant_contact: str = "",
) -> Complaint:
    _require_inspector(by, facility)
    if channel not in ComplaintChannel.values:
        raise ValidationError({"channel": _("请选择来源渠道")})
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)  # a time without a zone is local time (Asia/Shanghai)
    if received_at > timezone.now():
        raise ValidationError({"received_at": _("收到时间不能晚于现在")})
    if not content.strip():
        raise ValidationError({"content": _("请填写投诉举报内容")})
    received_on = timezone.localdate(received_at)
    policy = region_policy(region_code=facility.region_id, on=received_on)
    acknowledge_days, conclude_days = policy.complaint_acknowledge_working_days, policy.complaint_conclude_working_days
    due = _due_dates(WorkingDays(), received_on, acknowledge_days, conclude_days)
    complaint = Complaint(
        facility=facility, channel=channel, received_at=received_at, content=content.strip(),
        complainant_name=complainant_name.strip(), complainant_contact=complainant_contact.strip(),
        acknowledge_due_on=due.acknowledge_by, conclude_due_on=due.conclude_by, due_provisional=due.provisional,
        acknowledge_working_days=acknowledge_days, conclude_working_days=conclude_days, registered_by=by,
    )
    save_with_history(complaint, by=by, reason=_("登记投诉举报"))
    _scan_after_commit(complaint.pk)
    notify(
        users=User.objects.filter(is_active=True, role=Role.INSPECTOR, region_code__in=region_ancestors(facility.region_id))
        .exclude(pk=by.pk),
        kind=NotificationKind.COMPLAINT_REGISTERED,
        values={"facility": facility.name, "due": f"{complaint.acknowledge_due_on:%Y-%m-%d}"},
        link=reverse("complaint_detail", args=[complaint.pk]),
    )
    return complaint


def _due_dates(calendar: WorkingDays, received_on: date, acknowledge_days: int, conclude_days: int):
    return complaint_due_dates(
        received_on, acknowledge_days=acknowledge_days, conclude_days=conclude_days,
        is_workday=calendar.is_workday, known_years=calendar.known_years,
    )


def complaint_deadlines_recount(*, calendar: WorkingDays, years: frozenset[int], by=None) -> int:
    """Count the deadlines of open complaints again after the calendar of `years` changed: those
    received before the end of the last such year and due after the start of the first, and every
    provisional one. Limits stay those of the day received; the history says why a date moved."""
    reaches = Q(due_provisional=True)
    if years:
        reaches |= Q(received_at__lt=_local_midnight(date(max(years) + 1, 1, 1)), conclude_due_on__gte=date(min(years), 1, 1))
    moved = 0
    for complaint in Complaint.objects.filter(reaches, concluded_on__isnull=True).order_by("pk"):
        due = _due_dates(
            calendar, timezone.localdate(complaint.received_at), complaint.acknowledge_working_days,
            complaint.conclude_working_days,
        )
        if (complaint.acknowledge_due_on, complaint.conclude_due_on, complaint.due_provisional) == (
            due.acknowledge_by, due.conclude_by, due.provisional,
        ):
            continue
        complaint.acknowledge_due_on, complaint.conclude_due_on = due.acknowledge_by, due.conclude_by
        complaint.due_provisional = due.provisional
        with transaction.atomic():
            save_with_history(
                complaint, by=by, reason=_("工作日历变更，重新计算期限"),
                update_fields=["acknowledge_due_on", "conclude_due_on", "due_provisional"],
            )
        _scan_after_commit(complaint.pk)
        moved += 1
    return moved


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@transaction.atomic
def complaint_take(*, by, complaint: Complaint) -> Complaint:
    """首问负责: the first inspector who takes the complaint owns it; everyone after is told who did."""
    complaint = Complaint.objects.select_related("facility").get(pk=complaint.pk)
    _require_inspector(by, complaint.facility)
    now = timezone.now()
    # The conditional UPDATE decides: of two inspectors taking it at once, one row is updated.
    taken = Complaint.objects.filter(pk=complaint.pk, assigned_to__isnull=True).update(assigned_to=by, assigned_at=now)
    if not taken:
        owner = Complaint.objects.filter(pk=complaint.pk).values_list("assigned_to__full_name", "assigned_to__username").get()
        raise ValidationError(
            _("该投诉举报已由%(owner)s受理（首问负责），不能重复受理"), params={"owner": owner[0] or owner[1]}, code="stale",
        )
    complaint.assigned_to, complaint.assigned_at = by, now
    # Written again only so the history records who took it and why; the values are those just set.
    save_with_history(complaint, by=by, reason=_("受理（首问负责）"), update_fields=["assigned_to", "assigned_at"])
    _scan_after_commit(complaint.pk)
    return complaint


def _check_inspection(complaint: Complaint, inspection: Inspection) -> None:
    if inspection.facility_id != complaint.facility_id:
        raise ValidationError({"inspection": _("核查检查须是对被投诉机构的检查")})
    if inspection.inspected_on < timezone.localdate(complaint.received_at):
        raise ValidationError({"inspection": _("核查检查不能早于收到投诉举报的日期")})


@transaction.atomic
def complaint_link_inspection(*, by, complaint: Complaint, inspection: Inspection) -> Complaint:
    """Link an inspection already recorded for the facility (e.g. one that was under way)."""
    complaint = _owned(by, complaint)
    _check_inspection(complaint, inspection)
    complaint.inspection = inspection
    save_with_history(complaint, by=by, reason=_("关联核查检查"), update_fields=["inspection"])
    return complaint


@transaction.atomic
def complaint_start_inspection(
    *, by, complaint: Complaint, inspected_on: date, inspectors: str, summary: str = "",
) -> Inspection:
    """Record the complaint inspection (投诉核查) of the facility and link it to the complaint."""
    complaint = _owned(by, complaint)
    inspection = inspection_record(
        by=by, facility=complaint.facility, inspected_on=inspected_on, kind=InspectionKind.COMPLAINT,
        inspectors=inspectors, summary=summary,
    )
    _check_inspection(complaint, inspection)
    complaint.inspection = inspection
    save_with_history(complaint, by=by, reason=_("登记投诉核查"), update_fields=["inspection"])
    return inspection


@transaction.atomic
def complaint_conclude(*, by, complaint: Complaint, concluded_on: date, reply: str) -> Complaint:
    """办结: the owner records the result and the reply given to the complainant."""
    complaint = _owned(by, complaint)
    if not reply.strip():
        raise ValidationError({"reply": _("请填写办理结果及答复")})
    if concluded_on > timezone.localdate():
        raise ValidationError({"concluded_on": _("日期不能晚于今天")})
    if concluded_on < timezone.localdate(complaint.received_at):
        raise ValidationError({"concluded_on": _("办结日期不能早于收到投诉举报的日期")})
    complaint.concluded_on = concluded_on
    complaint.reply = reply.strip()
    save_with_history(complaint, by=by, reason=_("办结"), update_fields=["concluded_on", "reply"])
    _scan_after_commit(complaint.pk)
    return complaint
