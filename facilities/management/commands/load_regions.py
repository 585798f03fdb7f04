"""Load the national GB/T 2260 region table (and optional extra rows) idempotently."""
import csv
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from facilities.models import Region
from facilities.rules import region_level

DATA = Path(__file__).resolve().parent.parent.parent / "data"


def _parent_code(code: str, known: set[str]) -> str | None:
    """Township → county; county → city, or the province for counties directly under it."""
    candidates = {
        "township": [code[:6]],
        "county": [code[:4] + "00", code[:2] + "0000"],
        "city": [code[:2] + "0000"],
        "province": [],
    }[region_level(code)]
    return next((c for c in candidates if c in known and c != code), None)


def _is_placeholder(name: str) -> bool:
    """Statistical groupings such as 市辖区 or 省直辖县级行政区划 are not part of a postal name."""
    return name == "市辖区" or "直辖" in name


def read_rows(path: Path):
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["adcode"].strip()
            code = code[:9] if code[6:9] != "000" else code[:6]
            yield {
                "code": code,
                "name": row["name"].strip(),
                "longitude": Decimal(row["longitude"]) if row.get("longitude") else None,
                "latitude": Decimal(row["latitude"]) if row.get("latitude") else None,
            }


class Command(BaseCommand):
    help = "载入行政区划代码 / Load GB/T 2260 administrative regions"

    def add_arguments(self, parser):
        parser.add_argument("--extra", action="append", default=[], help="additional CSV with the same columns")

    @transaction.atomic
    def handle(self, *args, extra, **options):
        rows = {row["code"]: row for row in read_rows(DATA / "adcodes.csv")}
        for path in extra:
            rows.update({row["code"]: row for row in read_rows(Path(path))})
        known = set(rows) | set(Region.objects.values_list("code", flat=True))
        existing = set(Region.objects.values_list("code", flat=True))
        names: dict[str, str] = {**dict(Region.objects.values_list("code", "full_name"))}
        for code in sorted(rows, key=lambda c: (len(c), c)):
            parent = _parent_code(code, known)
            own = rows[code]["name"]
            parent_name = names.get(parent, "") if parent else ""
            if parent_name and _is_placeholder(rows.get(parent, {}).get("name", "")):
                parent_name = names.get(code[:2] + "0000", "")
            names[code] = f"{parent_name}{own}" if parent_name else own
        objects = [
            Region(
                code=code,
                name=row["name"],
                full_name=names[code],
                level=region_level(code),
                parent_id=_parent_code(code, known),
                longitude=row["longitude"],
                latitude=row["latitude"],
            )
            for code, row in sorted(rows.items(), key=lambda item: (len(item[0]), item[0]))
        ]
        created = sum(1 for o in objects if o.code not in existing)
        for level in ("province", "city", "county", "township"):
            Region.objects.bulk_create(
                [o for o in objects if o.level == level],
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", "full_name", "level", "parent", "longitude", "latitude"],
                batch_size=500,
            )
        self.stdout.write(f"行政区划：共 {len(objects)} 条，新增 {created} 条 / regions: {len(objects)}, new {created}")
