"""Daily staffing compliance for every facility (or some), in a fixed number of queries.

Re-running a day replaces its snapshots (idempotent) and makes the staffing alerts match:
below ratio and missing staff data open alerts with the gap; they resolve when back.
"""
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from facilities.alerts.services import AlertSpec, alerts_sync
from facilities.models import AlertKind, Facility, Severity
from facilities.selectors import region_policies

from .census import Census, census_on, over_employed_on, staffing_on
from .models import ComplianceSnapshot, ComplianceStatus, Employment
from .rules import StaffRatios, required_staff, staffing_gap

DEFAULT_COUNTING_ROLES = ("carer", "nurse")


def fte_text(value: Decimal) -> str:
    """6.50 → "6.5", 7.00 → "7": how people write staff numbers."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _ratios(policy) -> StaffRatios:
    return StaffRatios(
        full=policy.staff_ratio_full, partial=policy.staff_ratio_partial,
        self_care=policy.staff_ratio_self_care, orphan=policy.staff_ratio_orphan,
    )


def counting_roles(policy) -> tuple[str, ...]:
    return tuple(policy.counting_roles) or DEFAULT_COUNTING_ROLES


def evaluate(*, day: date, facilities: list[dict], census: dict, staffing: dict, policies: dict):
    """Snapshots (unsaved) and the alerts they call for; pure over already-fetched rows."""
    snapshots, wanted = [], []
    for facility in facilities:
        policy = policies[facility["region_id"]]
        counts = census.get(facility["id"]) or Census()
        staff = staffing.get(facility["id"])
        ratios = _ratios(policy)
        required = required_staff(
            full=counts.full, partial=counts.partial, self_care=counts.self_care, orphans=counts.orphans,
            ratios=ratios, rounding=policy.staff_rounding,
        )
        actual = staff.counted(counting_roles(policy)) if staff else Decimal(0)
        if counts.residents == 0:
            status = ComplianceStatus.EMPTY
        elif staff is None or staff.employments == 0:
            status = ComplianceStatus.NO_DATA
        elif actual >= required:
            status = ComplianceStatus.COMPLIANT
        else:
            status = ComplianceStatus.BELOW
        gap = staffing_gap(required=required, actual=actual)
        snapshots.append(ComplianceSnapshot(
            facility_id=facility["id"], day=day, full=counts.full, partial=counts.partial, self_care=counts.self_care,
            orphans=counts.orphans, unassessed=counts.unassessed, required=required, actual=actual, gap=gap,
            status=status,
            ratios={"full": ratios.full, "partial": ratios.partial, "self_care": ratios.self_care,
                    "orphan": ratios.orphan, "rounding": policy.staff_rounding, "roles": list(counting_roles(policy))},
        ))
        if status == ComplianceStatus.BELOW:
            wanted.append(AlertSpec(
                kind=AlertKind.STAFFING_BELOW, region_id=facility["region_id"], facility_id=facility["id"],
                severity=Severity.CRITICAL if gap >= 2 else Severity.WARNING,
                message=f"{facility['name']} 护理人员应配备 {required} 名，实有 {fte_text(actual)}（折算全职），缺 {fte_text(gap)} 名",
                details={"required": required, "actual": str(actual), "gap": str(gap), "day": day.isoformat()},
            ))
        elif status == ComplianceStatus.NO_DATA:
            wanted.append(AlertSpec(
                kind=AlertKind.STAFFING_NO_DATA, region_id=facility["region_id"], facility_id=facility["id"],
                message=f"{facility['name']} 有在住人员 {counts.residents} 人，但没有在岗工作人员记录，无法判断是否达标",
                details={"required": required, "day": day.isoformat()},
            ))
    return snapshots, wanted


def _facilities(facility_ids) -> list[dict]:
    facilities = Facility.objects.exclude(status="closed").values("id", "name", "region_id")
    if facility_ids is not None:
        facilities = facilities.filter(pk__in=list(facility_ids))
    return list(facilities)


def compliance_preview(*, day: date, facility_id: int, census_change: dict[str, int] | None = None) -> ComplianceSnapshot | None:
    """Today's numbers for one facility without storing them, optionally after a proposed change
    to its census (e.g. {"full": +1} for an admission not yet assessed)."""
    facilities = _facilities([facility_id])
    if not facilities:
        return None
    census = census_on(day, facility_ids=[facility_id])
    counts = census.setdefault(facility_id, Census())
    for category, delta in (census_change or {}).items():
        setattr(counts, category, max(0, getattr(counts, category) + delta))
    snapshots, _wanted = evaluate(
        day=day, facilities=facilities, census=census, staffing=staffing_on(day, facility_ids=[facility_id]),
        policies=region_policies(region_codes=[facilities[0]["region_id"]], on=day),
    )
    return snapshots[0]


@transaction.atomic
def compliance_compute(*, day: date, facility_ids=None) -> list[ComplianceSnapshot]:
    facilities = _facilities(facility_ids)
    ids = [f["id"] for f in facilities] if facility_ids is not None else None
    snapshots, wanted = evaluate(
        day=day, facilities=facilities, census=census_on(day, facility_ids=ids),
        staffing=staffing_on(day, facility_ids=ids),
        policies=region_policies(region_codes=[f["region_id"] for f in facilities], on=day),
    )
    existing = ComplianceSnapshot.objects.filter(day=day)
    if ids is not None:
        existing = existing.filter(facility_id__in=ids)
    existing.delete()
    ComplianceSnapshot.objects.bulk_create(snapshots, batch_size=1000)
    scope = Q(facility_id__in=ids) if ids is not None else Q()
    alerts_sync(kinds=[AlertKind.STAFFING_BELOW, AlertKind.STAFFING_NO_DATA], scope=scope, wanted=wanted)
    _sync_double_counting(day=day, facility_ids=ids)
    return snapshots


def _sync_double_counting(*, day: date, facility_ids) -> None:
    rows = over_employed_on(day, facility_ids=facility_ids)
    by_staff: dict[int, list[dict]] = {}
    for row in rows:
        by_staff.setdefault(row["staff_id"], []).append(row)
    wanted = []
    for staff_id, employments in by_staff.items():
        total = fte_text(sum(row["fte"] for row in employments))
        names = "、".join(row["facility__name"] for row in employments)
        for row in employments:
            wanted.append(AlertSpec(
                kind=AlertKind.STAFF_DOUBLE_COUNTED, severity=Severity.CRITICAL, region_id=row["facility__region_id"],
                facility_id=row["facility_id"], subject=f"staff:{staff_id}", subject_label=row["staff__name"],
                message=f"{row['staff__name']} 同一天在 {names} 合计计入 {total} 个全职岗位，超过 1.0",
                details={"total_fte": str(total), "day": day.isoformat()},
            ))
    if facility_ids is None:
        scope = Q()
    else:
        # The same person's alerts in other facilities belong to this scan too.
        staff = Employment.objects.filter(facility_id__in=facility_ids).values_list("staff_id", flat=True).distinct()
        scope = Q(facility_id__in=facility_ids) | Q(subject__in=[f"staff:{pk}" for pk in staff])
    alerts_sync(kinds=[AlertKind.STAFF_DOUBLE_COUNTED], scope=scope, wanted=wanted)
