"""Reads of facilities, always through the scoping module."""
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
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
    qs = facilities_visible_to(user).select_related("region").annotate(
        residents=Count("stays", filter=Q(stays__ended_on__isnull=True))
    )
    if filters.region:
        try:
            prefix = region_scope_prefix(filters.region)
        except ValueError as exc:
            raise ValidationError({"region": str(exc)}) from exc
        qs = qs.filter(region__code__startswith=prefix)
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
