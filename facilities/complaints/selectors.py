"""Reads of complaints (投诉举报), always through the scoping module.

Only the inspectors of the facility's region see complaints (facilities.scoping.inspector_scope_q);
anything else is a 404, so a complaint's existence does not leak. Whoever reads one sees the
complainant's contact details masked unless they own it (`contact_for`): pages, API and exports all
go through that one function.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Complaint, Region
from ..rules import mask_contact
from ..scoping import can_see_complainant_contact, inspector_scope_q
from ..selectors import region_code_q

#: Open complaints by calendar days since receipt: (low, high) inclusive, high None for "and more".
AGE_BUCKETS = ((0, 5), (6, 15), (16, 30), (31, None))
DUE_SOON_DAYS = 3
STATES = ("new", "open", "overdue", "concluded")


def complaints_visible_to(user) -> QuerySet[Complaint]:
    q = inspector_scope_q(user, field="facility__region__code")
    return Complaint.objects.none() if q is None else Complaint.objects.filter(q)


def contact_for(user, complaint: Complaint) -> str:
    """The complainant's contact details: whole for the inspector who owns the complaint, masked for everyone else."""
    if can_see_complainant_contact(user, complaint):
        return complaint.complainant_contact
    return mask_contact(complaint.complainant_contact)


@dataclass(frozen=True)
class ComplaintFilters:
    state: str = ""  # one of STATES, or "" for all
    facility_id: int | None = None
    channel: str = ""
    mine: bool = False
    region: str = ""


def overdue_q(today: date) -> Q:
    """Open complaints past a deadline: not concluded in time, or not taken in time."""
    return Q(concluded_on__isnull=True) & (
        Q(conclude_due_on__lt=today) | Q(assigned_to__isnull=True, acknowledge_due_on__lt=today)
    )


def complaint_list(*, user, filters: ComplaintFilters = ComplaintFilters(), today: date) -> QuerySet[Complaint]:
    """Complaints in scope, newest first, with facility, region and owner joined (one query)."""
    qs = complaints_visible_to(user).select_related("facility", "facility__region", "assigned_to")
    if filters.state == "new":
        qs = qs.filter(assigned_to__isnull=True, concluded_on__isnull=True)
    elif filters.state == "open":
        qs = qs.filter(concluded_on__isnull=True)
    elif filters.state == "overdue":
        qs = qs.filter(overdue_q(today))
    elif filters.state == "concluded":
        qs = qs.filter(concluded_on__isnull=False)
    if filters.facility_id is not None:
        qs = qs.filter(facility_id=filters.facility_id)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.mine:
        qs = qs.filter(assigned_to=user)
    if filters.region:
        qs = qs.filter(region_code_q(filters.region, field="facility__region"))
    return qs.order_by("-received_at", "-id")


def complaint_get_for_user(*, user, complaint_id: int) -> Complaint:
    complaint = (
        complaints_visible_to(user)
        .select_related("facility", "facility__region", "assigned_to", "registered_by", "inspection")
        .filter(pk=complaint_id).first()
    )
    if complaint is None:
        raise Http404("complaint")
    return complaint


#: What each state of complaint_due_state is called on the pages and in the export.
STATE_LABELS = {
    "concluded": _("已办结"), "overdue": _("逾期未办结"), "unacknowledged": _("逾期未受理"), "new": _("待受理"),
    "soon": _("办理中，即将到期"), "ok": _("办理中"),
}


def complaint_due_state(complaint: Complaint, *, today: date) -> str:
    """How the complaint's time limits look today: concluded; overdue or unacknowledged (red: past a
    deadline); new (amber: waiting to be taken); soon (amber: conclusion due within DUE_SOON_DAYS); ok."""
    if complaint.concluded_on is not None:
        return "concluded"
    if complaint.conclude_due_on < today:
        return "overdue"
    if complaint.assigned_to_id is None:
        return "unacknowledged" if complaint.acknowledge_due_on < today else "new"
    if (complaint.conclude_due_on - today).days <= DUE_SOON_DAYS:
        return "soon"
    return "ok"


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def open_complaints_by_age(*, user, today: date) -> list[dict]:
    """Open complaints per county by days since receipt, with the overdue ones: two queries."""
    def window(low, high) -> Q:
        q = Q(received_at__lt=_day_start(today - timedelta(days=low - 1)))
        if high is not None:
            q &= Q(received_at__gte=_day_start(today - timedelta(days=high)))
        return q

    rows = (
        complaints_visible_to(user).filter(concluded_on__isnull=True)
        .annotate(county=Substr("facility__region_id", 1, 6))
        .values("county")
        .annotate(
            total=Count("id"),
            overdue=Count("id", filter=Q(conclude_due_on__lt=today)),
            unacknowledged=Count("id", filter=Q(assigned_to__isnull=True, acknowledge_due_on__lt=today)),
            **{f"age_{index}": Count("id", filter=window(low, high)) for index, (low, high) in enumerate(AGE_BUCKETS)},
        )
        .order_by("county")
    )
    rows = list(rows)
    names = dict(Region.objects.filter(code__in=[row["county"] for row in rows]).values_list("code", "name"))
    return [
        {
            "code": row["county"], "name": names.get(row["county"], row["county"]), "total": row["total"],
            "overdue": row["overdue"], "unacknowledged": row["unacknowledged"],
            "ages": [row[f"age_{index}"] for index in range(len(AGE_BUCKETS))],
        }
        for row in rows
    ]
