"""Load the national sample standards (marked as samples) so a fresh system can price claims."""
import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from subsidies.models import SubsidyStandard

SAMPLE = Path(__file__).resolve().parent.parent.parent / "data" / "sample_standards.csv"
BASIS = "示例数值，非正式标准 / sample values, not an official standard"


class Command(BaseCommand):
    help = "Load the national sample subsidy standards (safe to run again)."

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        with SAMPLE.open(encoding="utf-8") as sheet:
            for row in csv.DictReader(sheet):
                key = {
                    "region": None, "item": row["item"], "hukou_type": row["hukou_type"],
                    "support_form": row["support_form"], "category": row["category"],
                    "effective_from": date.fromisoformat(row["effective_from"]),
                }
                _standard, made = SubsidyStandard.objects.get_or_create(**key, defaults={
                    "amount": Decimal(row["amount"]),
                    "star_multipliers": json.loads(row["star_multipliers"]) if row["star_multipliers"] else {},
                    "is_sample": True,
                    "basis": BASIS,
                })
                created += made
        self.stdout.write(f"sample standards: {created} created")
