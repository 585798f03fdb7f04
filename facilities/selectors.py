"""Reads of facilities, always through the scoping module."""
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.http import Http404
from django.utils import timezone

from common.bilingual import rule_message

from .models import Facility, Region, RegionPolicy, StarRating
from .rules import region_ancestors, region_scope_prefix
from .scoping import facilities_visible_to


@dataclass(frozen=True)
class FacilityFilters:
    region: str = ""
    kind: str = ""
    operator: str = ""
    status: str = ""
    q: str = ""
    level: int | None = None


def region_prefix_q(prefix: str, *, field: str = "region") -> Q:
    """region_code_q for a scope prefix ("62", "6210", "621002", a township's nine digits)."""
    return region_code_q(prefix.ljust(6, "0") if len(prefix) < 6 else prefix, field=field)


def region_code_q(code: str, *, field: str = "region") -> Q:
    """Records in a region, or, for an abolished code, also in its successors (what moved). One query."""
    q = Q(**{f"{field}__code__startswith": region_scope_prefix(code)})
    seen, frontier = {code}, [code]
    while frontier:
        successors = set(Region.successors.through.objects.filter(from_region_id__in=frontier)
                         .values_list("to_region_id", flat=True)) - seen
        for successor in successors:
            q |= Q(**{f"{field}__code__startswith": region_scope_prefix(successor)})
        seen |= successors
        frontier = list(successors)
    return q


def facility_list(*, user, filters: FacilityFilters = FacilityFilters(), today=None) -> QuerySet[Facility]:
    qs = facilities_visible_to(user).select_related("region").annotate(
        residents=residents_subquery(),
        star_level=current_level_subquery(on=today or timezone.localdate()),
    )
    if filters.level is not None:
        qs = qs.filter(star_level=filters.level)
    if filters.region:
        try:
            qs = qs.filter(region_code_q(filters.region))
        except ValueError as exc:
            raise ValidationError({"region": rule_message(str(exc))}) from exc
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.operator:
        qs = qs.filter(operator=filters.operator)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q.strip())
    return qs.order_by("region_id", "name")


def facilities_labelled(facilities: QuerySet[Facility]) -> QuerySet[Facility]:
    """Facilities with `label`, the name and its county: where a record is about one facility, two homes of
    the same name in two counties must not be confused."""
    return facilities.annotate(label=Concat(F("name"), Value(" · "), F("region__name"), output_field=CharField()))


def facility_choices(*, user, q: str, selected: int | None = None, limit: int,
                     labelled: bool = False) -> list[tuple[int, str]]:
    """The user's facilities whose name contains `q` or whose credit code starts with it, by name, at
    most `limit`; the `selected` one (if visible) always first, so a search never drops the choice.
    Labelled with their county when `labelled`. Two queries at most."""
    visible = facilities_labelled(facilities_visible_to(user)) if labelled else facilities_visible_to(user)
    text = "label" if labelled else "name"
    q = q.strip()
    matches = visible.filter(Q(name__icontains=q) | Q(credit_code__istartswith=q)) if q else visible
    rows = list(matches.order_by("name").values_list("pk", text)[:limit])
    if selected and all(pk != selected for pk, _name in rows):
        rows = list(visible.filter(pk=selected).values_list("pk", text)) + rows
    return rows


def residents_subquery():
    """Active stays of the facility, as a correlated subquery: a page of facilities counts only its
    own rows, and the page's total (COUNT) does not compute it at all."""
    stays = Facility._meta.get_field("stays").related_model  # residents.Stay, without importing upwards
    active = (
        stays.objects.filter(facility=OuterRef("pk"), ended_on__isnull=True)
        .order_by().values("facility").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(active), Value(0))


def facility_get_for_user(*, user, facility_id: int) -> Facility:
    """The facility if the user may see it; 404 otherwise, so its existence does not leak."""
    facility = (
        facilities_visible_to(user).select_related("region")
        .annotate(star_level=current_level_subquery(on=timezone.localdate()))
        .filter(pk=facility_id).first()
    )
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


def current_level_subquery(*, on):
    """The facility's level on a day: its latest passed rating that is still valid, 0 when none.

    A failed evaluation (level 0, e.g. a refused upgrade) does not take away a level still held.
    """
    valid = StarRating.objects.filter(
        facility=OuterRef("pk"), rated_on__lte=on, expires_on__gt=on, level__gt=0
    ).order_by("-rated_on", "-id")
    return Coalesce(Subquery(valid.values("level")[:1]), Value(0))


def facility_rating_record(*, facility) -> list[StarRating]:
    """Every evaluation, withdrawn ones too, for the record shown on the facility page. One query."""
    return list(StarRating.all_objects.filter(facility=facility).select_related("recorded_by", "withdrawn_by")
                .order_by("-rated_on", "-id"))
