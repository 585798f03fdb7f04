"""Reads of facilities, always through the scoping module."""
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from .models import Facility, RegionPolicy
from .rules import region_ancestors, region_scope_prefix
from .scoping import facilities_visible_to


@dataclass(frozen=True)
class FacilityFilters:
    region: str = ""
    kind: str = ""
    operator: str = ""
    status: str = ""
    q: str = ""


def facility_list(*, user, filters: FacilityFilters = FacilityFilters()) -> QuerySet[Facility]:
    qs = facilities_visible_to(user).select_related("region")
    if filters.region:
        qs = qs.filter(region__code__startswith=region_scope_prefix(filters.region))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.operator:
        qs = qs.filter(operator=filters.operator)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q.strip())
    return qs.order_by("region_id", "name")


def facility_get_for_user(*, user, facility_id: int) -> Facility:
    """The facility if the user may see it; 404 otherwise, so its existence does not leak."""
    facility = facilities_visible_to(user).select_related("region").filter(pk=facility_id).first()
    if facility is None:
        raise Http404("facility")
    return facility


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: object
    who: str
    kind: str
    reason: str
    changes: list[FieldChange]


def _display(field, value) -> str:
    if value is None or value == "":
        return "—"
    choices = dict(field.flatchoices) if field.choices else None
    return str(choices.get(value, value)) if choices else str(value)


def facility_history(*, facility: Facility) -> list[HistoryEntry]:
    """Who changed what and when, newest first; one query whatever the number of changes."""
    records = list(facility.history.select_related("history_user").order_by("history_date", "history_id"))
    entries = []
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            for change in record.diff_against(previous, foreign_keys_are_objs=False).changes:
                field = Facility._meta.get_field(change.field)
                changes.append(FieldChange(str(field.verbose_name), _display(field, change.old), _display(field, change.new)))
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.full_name or user.username) if user else "系统",
                kind=record.get_history_type_display(),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
        previous = record
    return list(reversed(entries))


def region_policy(*, region_code: str, on) -> RegionPolicy:
    """The rule parameters in force for a region on a day (an unsaved default when none is set)."""
    return region_policies(region_codes=[region_code], on=on)[region_code]


def region_policies(*, region_codes, on) -> dict[str, RegionPolicy]:
    """Policies for many regions in one query: the most specific region wins, then the latest date."""
    chains = {code: region_ancestors(code) for code in set(region_codes)}
    candidates = {code for chain in chains.values() for code in chain}
    rows: dict[str, RegionPolicy] = {}
    for policy in RegionPolicy.objects.filter(region_id__in=candidates, effective_from__lte=on).order_by("effective_from"):
        rows[policy.region_id] = policy
    default = RegionPolicy()
    return {code: next((rows[c] for c in chain if c in rows), default) for code, chain in chains.items()}
