"""Writes to the region tree: the first bulk load, applying a newer table, and a person's decision on a split.

Records move from an abolished unit to its one successor with a history entry ("区划调整 620824→620881").
What is history keeps its region: settled (approved or paid) claim batches, notices whose objection
period is over, generation runs, alerts (their key names the region; scans open them anew) and every
historical row.
"""
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common.history import save_with_history

from ..models import DecisionStatus, Region, RegionChange, RegionChangeKind
from ..rules import region_level
from .rules import RegionDiff, county_parent, full_names, region_diff
from .tables import Target

BATCH = 2000


@dataclass(frozen=True)
class Mover:
    """A field holding a region and which of its rows are still current on the effective day."""

    model: str
    field: str
    current: object = None  # callable(effective date) -> Q, or None for every row

    def queryset(self, code: str, effective: date):
        qs = apps.get_model(self.model).objects.filter(**{f"{self.field}_id": code})
        return qs.filter(self.current(effective)) if self.current else qs


def _open_batch(_effective):
    return ~Q(status__in=["approved", "paid"])


def _open_notice(effective):
    return Q(ends_on__gte=effective)


MOVERS = (
    Mover("facilities.Facility", "region"),
    Mover("facilities.RegionPolicy", "region"),
    Mover("residents.Person", "hukou_region"),
    Mover("residents.Person", "residence_region"),
    Mover("subsidies.SubsidyStandard", "region"),
    Mover("subsidies.ClaimBatch", "region", _open_batch),
    Mover("subsidies.ClaimBatch", "township", _open_batch),
    Mover("residents.Notice", "township", _open_notice),
)


def attached_counts(code: str, effective: date) -> dict[str, int]:
    """How many current records hang on a unit, per model field; users whose scope is that code too."""
    counts = {f"{m.model}.{m.field}": m.queryset(code, effective).count() for m in MOVERS}
    counts["accounts.User.region_code"] = apps.get_model("accounts.User").objects.filter(region_code=code).count()
    return {key: n for key, n in counts.items() if n}


def move_records(old: Region, new: Region, effective: date) -> dict[str, int]:
    """Move every current record from `old` to `new`, one save each so simple-history records why."""
    reason = f"区划调整 {old.code}→{new.code}"
    moved: dict[str, int] = {}
    for mover in MOVERS:
        count = 0
        for obj in mover.queryset(old.code, effective):
            if mover.model == "facilities.RegionPolicy" and new.policies.filter(effective_from=obj.effective_from).exists():
                continue  # the successor has its own rule set for that day: the old one stays with its region
            setattr(obj, f"{mover.field}_id", new.code)
            obj._change_reason = reason
            obj.save(update_fields=[mover.field])
            count += 1
        if count:
            moved[f"{mover.model}.{mover.field}"] = count
    users = 0
    for user in apps.get_model("accounts.User").objects.filter(region_code=old.code):
        user.region_code = new.code
        user._change_reason = reason
        user.save(update_fields=["region_code"])
        users += 1
    if users:
        moved["accounts.User.region_code"] = users
    return moved


def _region(row, names, *, valid_from=None) -> Region:
    return Region(
        code=row.code, name=row.name, full_name=names[row.code], level=region_level(row.code), parent_id=row.parent,
        longitude=row.longitude, latitude=row.latitude, location_approximate=row.approximate, valid_from=valid_from,
    )


def _by_level(objects):
    return sorted(objects, key=lambda o: (len(o.code), o.code[4:] != "00", o.code))


@transaction.atomic
def load_fresh(target: Target, effective: date) -> int:
    """The first load: the current tree, then the declared abolished units with their successors."""
    names = target.full_names()
    Region.objects.bulk_create(_by_level(_region(row, names) for row in target.rows.values()), batch_size=BATCH)
    known = set(target.rows) | set(target.declared)
    tree = {code: (row.name, row.parent) for code, row in target.rows.items()}
    for code in sorted(target.declared, key=lambda c: (c[4:] != "00", c)):
        tree[code] = (target.declared_names[code], county_parent(code, known))
    old_names = full_names(tree)
    Region.objects.bulk_create(
        _by_level(
            Region(code=code, name=target.declared_names[code], full_name=old_names[code], level=region_level(code),
                   parent_id=tree[code][1], valid_to=effective)
            for code in target.declared
        ),
        batch_size=BATCH,
    )
    through = Region.successors.through
    through.objects.bulk_create(
        [through(from_region_id=code, to_region_id=successor)
         for code, entry in target.declared.items() for successor in entry.successors if successor in target.rows],
        batch_size=BATCH,
    )
    return len(target.rows) + len(target.declared)


def plan(target: Target) -> RegionDiff:
    current = {code: (name, parent) for code, name, parent in
               Region.objects.filter(valid_to__isnull=True).values_list("code", "name", "parent_id")}
    return region_diff(current, target.tree(), target.declared)


@transaction.atomic
def apply(target: Target, diff: RegionDiff, effective: date) -> list[RegionChange]:
    """Apply a planned diff: add, rename, re-parent, abolish with moves; splits wait for a decision."""
    names = target.full_names()
    old = {r.code: r for r in Region.objects.filter(code__in=[c for c, *_ in diff.renamed + diff.moved]
                                                   + [c for c, _ in diff.abolished + diff.split])}
    existing_added = set(Region.objects.filter(code__in=diff.added).values_list("code", flat=True))
    Region.objects.bulk_create(
        _by_level(_region(target.rows[c], names, valid_from=effective) for c in diff.added if c not in existing_added),
        batch_size=BATCH,
    )
    for code in existing_added:  # a code abolished earlier and in force again
        Region.objects.filter(code=code).update(valid_to=None, valid_from=effective, name=target.rows[code].name,
                                                parent_id=target.rows[code].parent)
    changes = [RegionChange(region_id=c, kind=RegionChangeKind.ADDED, effective_on=effective, new_name=names[c],
                            new_parent=target.rows[c].parent or "") for c in diff.added]
    for code, old_name, new_name in diff.renamed:
        changes.append(RegionChange(region_id=code, kind=RegionChangeKind.RENAMED, effective_on=effective,
                                    old_name=old[code].full_name, new_name=names[code]))
    for code, old_parent, new_parent in diff.moved:
        changes.append(RegionChange(region_id=code, kind=RegionChangeKind.MOVED, effective_on=effective,
                                    old_parent=old_parent or "", new_parent=new_parent or ""))
    _refresh_in_force(target, names)
    successors = Region.objects.in_bulk([s for _c, s in diff.abolished])
    for code, successor_code in diff.abolished:
        region, successor = old[code], successors[successor_code]
        region.valid_to = effective
        region.save(update_fields=["valid_to"])
        region.successors.set([successor])
        if successor.location_approximate and region.longitude is not None and not region.location_approximate:
            Region.objects.filter(code=successor.code).update(longitude=region.longitude, latitude=region.latitude)
        changes.append(RegionChange(region=region, kind=RegionChangeKind.ABOLISHED, effective_on=effective,
                                    old_name=region.full_name, new_name=successor.full_name,
                                    moved=move_records(region, successor, effective)))
    split_changes = []
    for code, candidates in diff.split:
        region = old[code]
        region.valid_to = effective
        region.save(update_fields=["valid_to"])
        change = RegionChange(region=region, kind=RegionChangeKind.SPLIT, effective_on=effective,
                              old_name=region.full_name, note=target.declared.get(code, None) and target.declared[code].note or "",
                              moved=attached_counts(code, effective), status=DecisionStatus.PENDING)
        split_changes.append((change, candidates))
    created = RegionChange.objects.bulk_create(changes, batch_size=BATCH)
    for change, candidates in split_changes:
        change.save()
        change.candidates.set(candidates)
    return created + [c for c, _ in split_changes]


def _refresh_in_force(target: Target, names: dict[str, str]) -> None:
    """Names, parents and full names of every unit in force follow the target table."""
    stale = []
    for region in Region.objects.filter(valid_to__isnull=True, code__in=list(target.rows)).iterator(chunk_size=BATCH):
        row = target.rows[region.code]
        if (region.name, region.parent_id, region.full_name) != (row.name, row.parent, names[row.code]):
            region.name, region.parent_id, region.full_name = row.name, row.parent, names[row.code]
            stale.append(region)
    Region.objects.bulk_update(stale, ["name", "parent", "full_name"], batch_size=BATCH)


@transaction.atomic
def decide(change: RegionChange, successor: Region, *, by) -> RegionChange:
    """A person chose where the records of a split unit go: they move now, with a history entry."""
    if change.status != DecisionStatus.PENDING:
        raise ValueError("该变更已处理 / this change has already been decided")
    if successor.valid_to is not None:
        raise ValueError("继承单位须为现行区划 / the successor must be a unit in force")
    change.region.successors.add(successor)
    change.moved = move_records(change.region, successor, change.effective_on)
    change.new_name = successor.full_name
    change.status, change.decided_by, change.decided_at = DecisionStatus.DECIDED, by, timezone.now()
    change._change_reason = f"区划调整决定 {change.region_id}→{successor.code}"
    change.save()
    return change


def version_store(model, *, region, effective_from: date, by, reason, used=None, **values):
    """Store a region-versioned reference document (a RegionVersion subclass) for a region (None: national) from
    a day: the version already there for that region and day is overwritten, unless `used(version)` says records
    rest on it (then a ValidationError with that refusal). Saved with history."""
    version = model.objects.filter(region=region, effective_from=effective_from).first() or model(
        region=region, effective_from=effective_from)
    refusal = used(version) if used is not None and version.pk else ""
    if refusal:
        raise ValidationError(refusal)
    for name, value in values.items():
        setattr(version, name, value)
    save_with_history(version, by=by, reason=reason)
    return version
