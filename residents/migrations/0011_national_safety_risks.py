"""GB 38600-2019's nine service-safety risks, from residents/data (its source is in the file)."""
import json
from datetime import date
from pathlib import Path

from django.db import migrations

from residents.safety_rules import as_risks, catalogue_problems

FILE = Path(__file__).resolve().parent.parent / "data" / "safety_risks_gb38600_2019.json"


def load(apps, schema_editor):
    SafetyRiskCatalogue = apps.get_model("residents", "SafetyRiskCatalogue")
    document = json.loads(FILE.read_text(encoding="utf-8"))
    assert not catalogue_problems(as_risks(document["items"])), catalogue_problems(as_risks(document["items"]))
    SafetyRiskCatalogue.objects.get_or_create(
        region=None, effective_from=date.fromisoformat(document["effective_from"]),
        defaults={"code": document["code"], "name": document["name"], "source": document["source"],
                  "items": document["items"]},
    )


class Migration(migrations.Migration):
    dependencies = [("residents", "0010_safety_risks_and_incidents")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
