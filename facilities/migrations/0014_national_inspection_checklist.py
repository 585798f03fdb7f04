"""The national inspection checklist (民政部 2023 major hazards and GB 38600 items), from facilities/data (its
source is in the file)."""
import json
from datetime import date
from pathlib import Path

from django.db import migrations

from facilities.checklist_rules import as_items, checklist_problems

FILE = Path(__file__).resolve().parent.parent / "data" / "inspection_checklist_2023.json"


def load(apps, schema_editor):
    InspectionChecklist = apps.get_model("facilities", "InspectionChecklist")
    document = json.loads(FILE.read_text(encoding="utf-8"))
    assert not checklist_problems(as_items(document["items"])), checklist_problems(as_items(document["items"]))
    InspectionChecklist.objects.get_or_create(
        region=None, effective_from=date.fromisoformat(document["effective_from"]),
        defaults={"code": document["code"], "name": document["name"], "source": document["source"],
                  "items": document["items"]},
    )


class Migration(migrations.Migration):
    dependencies = [("facilities", "0013_major_hazards")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
