"""Claims priced in PostgreSQL give the same drafts as claims priced in Python, line for line.

Both ways generate the same months of a small seeded province (statuses begun and ended, transfers,
deaths, lapsed assessments, star levels with multipliers, a county without its own standard, a county
pricing by day, a February of a leap year), and every line, its basis, flags and last month's amount, and
every batch's totals must agree. The other generation tests run through the database's pricing on
PostgreSQL too (the CI's second run), each with its exact expected figures.
"""
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from facilities.models import Facility, RegionPolicy
from residents.models import SupportKind, SupportStatus
from subsidies import database_pricing
from subsidies.generation import claims_generate
from subsidies.models import ClaimBatch, ClaimLine, GenerationRun, SubsidyStandard
from subsidies.pricing import DAY
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prices in the database"),
]

#: The seeded province's last month is March 2028, so its history crosses 29 February 2028.
TODAY = date(2028, 3, 16)
MONTHS = (date(2027, 12, 1), date(2028, 1, 1), date(2028, 2, 1), date(2028, 3, 1))


@pytest.fixture
def province():
    call_command("seed_scale", facilities=24, people=700, staff=60, months=5, today=TODAY, seed=7, stdout=StringIO())
    counties = sorted({code[:6] for code in Facility.objects.values_list("region_id", flat=True)})
    by_day, own_standard = counties[0], counties[1]
    RegionPolicy.objects.create(region_id=by_day, effective_from=date(2020, 1, 1), proration=DAY)
    operating = SubsidyStandard.objects.filter(item="operating", region__isnull=True).first()
    SubsidyStandard.objects.create(
        region_id=own_standard, item="operating", category=operating.category, amount=Decimal("333.33"),
        effective_from=date(2027, 1, 1), star_multipliers={"1": 1.05, "3": 1.2, "5": 1.5},
    )
    hardship = SupportStatus.objects.filter(kind=SupportKind.HARDSHIP).order_by("pk")
    hardship.filter(pk__in=hardship.values("pk")[:15]).update(terminated_on=date(2028, 1, 20))
    return {"by_day": by_day, "own_standard": own_standard}


def _drafts() -> tuple[list, list]:
    lines = sorted(
        ClaimLine.objects.values_list(
            "batch__month", "batch__facility_id", "batch__township_id", "person_id", "item", "amount", "support_form",
            "category", "days", "basis", "flags", "previous_amount", "previous_category", "adjusts_month",
        ),
        key=repr,
    )
    batches = sorted(ClaimBatch.objects.values_list("month", "facility_id", "township_id", "total", "line_count",
                                                    "flagged_count", "status"), key=repr)
    return lines, batches


def _generate(months, *, in_database: bool) -> tuple[list, list]:
    clerk = UserFactory()
    with override_settings(CLAIMS_PRICED_IN_DATABASE=in_database):
        assert database_pricing.enabled() is in_database
        for month in months:
            claims_generate(run=GenerationRun.objects.create(region_id="620000", month=month, requested_by=clerk))
    return _drafts()


def test_the_database_and_python_price_every_month_alike(province):
    python_lines, python_batches = _generate(MONTHS, in_database=False)
    ClaimLine.objects.all().delete()
    ClaimBatch.objects.all().delete()
    sql_lines, sql_batches = _generate(MONTHS, in_database=True)
    assert len(sql_lines) > 1000
    assert sql_lines == python_lines
    assert sql_batches == python_batches
    assert any(line[9]["proration"] == DAY for line in sql_lines), "the county by day is in the drafts"
    assert any(line[9]["parts"][0]["multiplier"] not in (None, "1") for line in sql_lines), "star levels count"
    assert {line[8] for line in sql_lines if line[0] == date(2028, 2, 1)} >= {29}
    assert any(line[11] is not None for line in sql_lines), "last month's amounts are read"
    assert any("no_valid_assessment" in line[10] for line in sql_lines)


def test_a_county_that_prices_by_day_is_left_to_python_and_the_tables_are_dropped(province):
    facility_regions = dict(Facility.objects.values_list("pk", "region_id"))
    with override_settings(CLAIMS_PRICED_IN_DATABASE=True), database_pricing.priced_month(
        month=date(2028, 2, 1), prefix="62"
    ) as priced:
        regions = {facility_regions[payer.facility_id] if payer.facility_id else payer.township
                   for payer in priced.payers()}
        assert priced.priced_by_day
    assert regions and not any(region.startswith(province["by_day"]) for region in regions)
    assert any(region.startswith(province["own_standard"]) for region in regions)
    assert not set(database_pricing.TABLES) & set(connection.introspection.table_names())
