"""The national GB/T 42195-2022 item table, from residents/data (its source is in the file)."""
import json
from datetime import date
from pathlib import Path

from django.db import migrations

from residents.ability_rules import as_scale_items, scale_items, scale_problems

FILE = Path(__file__).resolve().parent.parent / "data" / "ability_scale_gbt42195_2022.json"


def load(apps, schema_editor):
    AbilityScale = apps.get_model("residents", "AbilityScale")
    document = json.loads(FILE.read_text(encoding="utf-8"))
    items = scale_items(document)
    assert not scale_problems(as_scale_items(items)), scale_problems(as_scale_items(items))
    AbilityScale.objects.get_or_create(
        region=None, effective_from=date.fromisoformat(document["effective_from"]),
        defaults={"code": document["code"], "name": document["name"], "source": document["source"], "items": items},
    )


class Migration(migrations.Migration):
    dependencies = [("residents", "0008_ability_assessment")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
