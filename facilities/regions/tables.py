"""Read the shipped region files (facilities/data/README.md) into one target tree.

The county level comes from adcodes.csv (as of 2025-12-31), townships from the 2023 statistical
table. A township whose county-level unit is not in the county table is kept when that unit is a
statistical one (a development zone such as 130171, or 620201 嘉峪关市) and dropped when the unit
was abolished (region_changes.csv): its new code is not known yet.
"""
import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from .rules import Declared, county_parent, full_names, township_name

DATA = Path(__file__).resolve().parent.parent / "data"  # facilities/data
EDITION = date(2025, 12, 31)
NOT_ADMINISTRATIVE = ("99",)  # 苏鲁交界 990000 and 海域 999900 in the county table name no division


@dataclass
class Row:
    code: str
    name: str
    parent: str | None
    longitude: Decimal | None = None
    latitude: Decimal | None = None
    approximate: bool = False


@dataclass
class Target:
    rows: dict[str, Row]
    declared: dict[str, Declared]
    declared_names: dict[str, str]
    dropped_townships: int

    def tree(self) -> dict[str, tuple[str, str | None]]:
        return {code: (row.name, row.parent) for code, row in self.rows.items()}

    def full_names(self) -> dict[str, str]:
        return full_names(self.tree())


def _short(code: str) -> str:
    return code[:6] if code[6:] in ("", "000", "000000") else code[:9]


def read_changes(path: Path = DATA / "region_changes.csv") -> tuple[dict[str, Declared], dict[str, str]]:
    declared, names = {}, {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            declared[row["code"]] = Declared(tuple(row["successors"].split()), tuple(row["candidates"].split()), row["note"])
            names[row["code"]] = row["name"]
    return declared, names


def read_target(
    counties: Path = DATA / "adcodes.csv",
    townships: Path | None = DATA / "townships_2023.csv",
    statistical: Path = DATA / "counties_2023.csv",
    changes: Path = DATA / "region_changes.csv",
    townships_within: str = "",
) -> Target:
    """The target tree; `townships_within` keeps only the townships under one code prefix (tests)."""
    declared, declared_names = read_changes(changes)
    raw: dict[str, dict] = {}
    with counties.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = _short(row["adcode"].strip())
            if not code.startswith(NOT_ADMINISTRATIVE):
                raw[code] = row
    rows: dict[str, Row] = {}
    for code in sorted(raw, key=lambda c: (c[2:] != "0000", c[4:] != "00", c)):
        source = raw[code]
        rows[code] = Row(
            code, source["name"].strip(), county_parent(code, rows),
            Decimal(source["longitude"]) if source.get("longitude") else None,
            Decimal(source["latitude"]) if source.get("latitude") else None,
        )
    dropped = 0
    if townships is not None:
        extra = _statistical_units(statistical)
        with townships.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if not row["code"].startswith(townships_within):
                    continue
                county = row["areaCode"]
                if county not in rows:
                    if county in declared or county not in extra:
                        dropped += 1
                        continue
                    rows[county] = Row(county, extra[county], county_parent(county, rows))
                rows[row["code"]] = Row(row["code"], township_name(row["name"].strip()), county)
    _fill_locations(rows)
    return Target(rows, declared, declared_names, dropped)


def _statistical_units(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        return {row["code"]: row["name"].strip() for row in csv.DictReader(handle)}


def _fill_locations(rows: dict[str, Row]) -> None:
    """A unit without published coordinates takes its parent's, marked approximate (parents come first)."""
    for code in sorted(rows, key=lambda c: (len(c), c)):
        row = rows[code]
        if row.longitude is None and row.parent and rows[row.parent].longitude is not None:
            parent = rows[row.parent]
            row.longitude, row.latitude, row.approximate = parent.longitude, parent.latitude, True
