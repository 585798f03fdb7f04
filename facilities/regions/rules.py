"""Pure rules for the region tree: the parent of a code, full names, and the diff between two tables.

Policies encoded here:

* A county's parent is its city (first four digits + "00") when that city exists, otherwise its
  province (counties directly under a province, such as 济源 419001). A township's parent is the
  county-level unit its statistical table names.
* Statistical placeholders (市辖区, 县, 省直辖县级行政区划) are not part of a postal name and have
  no place in the current tree: when one disappears its successor is its parent.
* The statistical township table writes some sub-district offices as "北街办事处街道"; the name
  used in documents is "北街街道".
* A unit that disappears from the newer table is abolished. Its records move only when it has
  exactly one successor (declared in region_changes.csv, its parent for a placeholder, or the
  township of the same name under the one successor of its county); otherwise a person decides.
"""
from dataclasses import dataclass, field

PLACEHOLDER_NAMES = ("市辖区", "县")


def is_placeholder(name: str) -> bool:
    return name in PLACEHOLDER_NAMES or "直辖" in name


def township_name(name: str) -> str:
    """'北街办事处街道' → '北街街道'; other names unchanged."""
    return name[: -len("办事处街道")] + "街道" if name.endswith("办事处街道") else name


def county_parent(code: str, known) -> str | None:
    """The city of a county-level code if it exists, else its province; None for a province."""
    if code[2:] == "0000":
        return None
    if code[4:] == "00":
        return code[:2] + "0000" if code[:2] + "0000" in known else None
    for candidate in (code[:4] + "00", code[:2] + "0000"):
        if candidate in known:
            return candidate
    return None


def full_names(rows: dict[str, tuple[str, str | None]]) -> dict[str, str]:
    """{code: (name, parent)} → {code: full name}; a placeholder parent, or a city named like its
    municipality (北京市 › 北京市), adds nothing."""
    names: dict[str, str] = {}
    for code in sorted(rows, key=lambda c: (len(c), c)):
        own, parent = rows[code]
        while parent and is_placeholder(rows[parent][0]):
            parent = rows[parent][1]
        if not parent:
            names[code] = own
        elif rows[parent][0] == own:
            names[code] = names[parent]
        else:
            names[code] = names[parent] + own
    return names


@dataclass(frozen=True)
class Declared:
    """What region_changes.csv says about one abolished code."""

    successors: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()
    note: str = ""


@dataclass
class RegionDiff:
    added: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)  # code, old name, new name
    moved: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # code, old, new parent
    abolished: list[tuple[str, str]] = field(default_factory=list)  # code, single successor
    split: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # code, candidate successors

    @property
    def empty(self) -> bool:
        return not (self.added or self.renamed or self.moved or self.abolished or self.split)


def region_diff(
    current: dict[str, tuple[str, str | None]],
    target: dict[str, tuple[str, str | None]],
    declared: dict[str, Declared],
) -> RegionDiff:
    """Compare the units in force ({code: (name, parent)}) with a newer table; say where each gone unit goes."""
    diff = RegionDiff()
    diff.added = sorted(code for code in target if code not in current)
    for code in sorted(set(current) & set(target)):
        (old_name, old_parent), (new_name, new_parent) = current[code], target[code]
        if old_name != new_name:
            diff.renamed.append((code, old_name, new_name))
        if old_parent != new_parent:
            diff.moved.append((code, old_parent, new_parent))
    single: dict[str, str] = {}
    children: dict[str | None, list[str]] = {}
    for code, (_name, parent) in target.items():
        children.setdefault(parent, []).append(code)
    for code in sorted((c for c in current if c not in target), key=lambda c: (len(c), c)):
        successors, certain = _successors(code, current, target, declared, single, children)
        if certain and len(successors) == 1:
            single[code] = successors[0]
            diff.abolished.append((code, successors[0]))
        else:
            diff.split.append((code, tuple(successors)))
    return diff


def _successors(code, current, target, declared, single, children) -> tuple[list[str], bool]:
    """The successors of a gone unit and whether they are certain (else they are candidates)."""
    if code in declared:
        entry = declared[code]
        return [c for c in entry.successors or entry.candidates if c in target], bool(entry.successors)
    name, parent = current[code]
    if is_placeholder(name):
        while parent and parent not in target:
            parent = single.get(parent) or current.get(parent, ("", None))[1]
        return ([parent], True) if parent else ([], False)
    if len(code) == 9:
        county = single.get(code[:6]) or (code[:6] if code[:6] in target else None)
        under = sorted(children.get(county, [])) if county else []
        same_name = [c for c in under if target[c][0] == name]
        return (same_name, True) if len(same_name) == 1 else (under, False)
    return [], False
