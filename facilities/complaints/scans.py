"""The scan that opens and resolves alerts about complaints (投诉举报) past their time limits.

- COMPLAINT_UNACKNOWLEDGED (warning): nobody has taken the complaint and its acknowledgement
  deadline has passed.
- COMPLAINT_OVERDUE (critical): the complaint is not concluded and its conclusion deadline has
  passed; it replaces the first alert when both apply.

One alert per complaint (subject "complaint:<id>"). The alert belongs to the facility's region,
not to the facility: a facility's managers see their facility's alerts, and a complaint about
them is not theirs to read. Messages never name the complainant. A fixed number of queries
whatever the number of complaints; running it twice changes nothing.
"""
from datetime import date

from django.db.models import Q
from django.utils import timezone

from ..alerts.services import AlertSpec, alerts_sync
from ..models import AlertKind, Complaint, ComplaintChannel, Severity

COMPLAINT_KINDS = [AlertKind.COMPLAINT_UNACKNOWLEDGED, AlertKind.COMPLAINT_OVERDUE]


def _subject(complaint_id: int) -> str:
    return f"complaint:{complaint_id}"


def scan_complaints(*, today: date, complaint_ids=None) -> tuple[int, int]:
    """Open an alert for every open complaint past a deadline; resolve the others."""
    overdue = Complaint.objects.filter(concluded_on__isnull=True).filter(
        Q(conclude_due_on__lt=today) | Q(assigned_to__isnull=True, acknowledge_due_on__lt=today)
    )
    if complaint_ids is not None:
        overdue = overdue.filter(pk__in=list(complaint_ids))
    rows = overdue.values(
        "id", "channel", "received_at", "acknowledge_due_on", "conclude_due_on", "facility_id", "facility__name",
        "facility__region_id",
    ).order_by("received_at", "id")
    channels = dict(ComplaintChannel.choices)
    wanted = []
    for row in rows:
        received = f"{timezone.localtime(row['received_at']):%Y-%m-%d}"
        about = f"{row['facility__name']} 的投诉举报（{channels[row['channel']]}，{received} 收到）"
        common = {
            "region_id": row["facility__region_id"], "subject": _subject(row["id"]),
            "subject_label": row["facility__name"],
        }
        if row["conclude_due_on"] < today:
            due = row["conclude_due_on"]
            wanted.append(AlertSpec(
                kind=AlertKind.COMPLAINT_OVERDUE, severity=Severity.CRITICAL,
                message=f"{about}办结期限 {due:%Y-%m-%d}，已逾期 {(today - due).days} 天未办结",
                details={"complaint_id": row["id"], "facility_id": row["facility_id"], "due": due.isoformat()},
                **common,
            ))
        else:
            due = row["acknowledge_due_on"]
            wanted.append(AlertSpec(
                kind=AlertKind.COMPLAINT_UNACKNOWLEDGED,
                message=f"{about}受理期限 {due:%Y-%m-%d}，已逾期 {(today - due).days} 天无人受理",
                details={"complaint_id": row["id"], "facility_id": row["facility_id"], "due": due.isoformat()},
                **common,
            ))
    scope = Q(subject__in=[_subject(pk) for pk in complaint_ids]) if complaint_ids is not None else Q()
    return alerts_sync(kinds=COMPLAINT_KINDS, scope=scope, wanted=wanted)
