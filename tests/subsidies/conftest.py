"""Helpers for reading claims back in tests (the claim fixtures are in tests/conftest.py)."""
from datetime import date

from subsidies.models import ClaimLine


def amounts(month: date, *, adjustments: bool = False) -> dict:
    """Lines of a month as {(payer name, person name, item): amount}."""
    lines = ClaimLine.objects.filter(batch__month=month, adjusts_month__isnull=not adjustments).select_related(
        "batch__facility", "batch__township", "person"
    )
    return {(line.batch.payer_name, line.person.name, line.item): line.amount for line in lines}
