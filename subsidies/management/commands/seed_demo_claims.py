"""Demo claims for the demo city: standards, last month settled, this month's drafts. Safe to run again.

Last month goes through the real lifecycle (generate, submit, approve, and paid for some) with the
demo users, so its history reads like a real month; this month is left as drafts, where the
people without a valid assessment show as flagged lines.
"""
from datetime import date
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from common.months import previous_month
from facilities.models import FacilityAssignment, Region
from subsidies.generation import claims_generate
from subsidies.models import SETTLED, BatchStatus, ClaimBatch, GenerationRun, SubsidyStandard
from subsidies.rules import month_start
from subsidies.services import batch_approve, batch_mark_paid, batch_submit, standard_set

CITY = "621000"
COUNTY = "621002"


class Command(BaseCommand):
    help = "载入演示补贴标准与申报 / Seed demo subsidy standards and claims (idempotent)"

    def handle(self, *args, **options):
        call_command("load_sample_standards", stdout=self.stdout)
        city_clerk = User.objects.get(username="clerk")
        county_clerk = User.objects.get(username="clerk_xf")
        this_month = month_start(timezone.localdate())
        last_month = previous_month(this_month)
        self._standards(city_clerk, county_clerk, last_month)
        if not ClaimBatch.objects.filter(month=last_month).exclude(status=BatchStatus.DRAFT).exists():
            self._settle(last_month, city_clerk, county_clerk)
        run = GenerationRun.objects.create(region_id=CITY, month=this_month, requested_by=city_clerk)
        claims_generate(run=run)
        drafts = ClaimBatch.objects.filter(month=this_month)
        self.stdout.write(
            f"claims: {last_month:%Y-%m} settled {ClaimBatch.objects.filter(month=last_month, status__in=SETTLED).count()}"
            f" of {ClaimBatch.objects.filter(month=last_month).count()} batches; "
            f"{this_month:%Y-%m} drafts {drafts.count()} batches, "
            f"{sum(b.flagged_count for b in drafts)} flagged lines"
        )

    @transaction.atomic
    def _standards(self, city_clerk, county_clerk, since: date):
        """The city raises centralised care for the fully disabled; the county its rural basic living."""
        city, county = Region.objects.get(code=CITY), Region.objects.get(code=COUNTY)
        if not SubsidyStandard.objects.filter(region=city).exists():
            standard_set(by=city_clerk, region=city, item="care", support_form="centralised", category="full",
                         amount=Decimal("1300.00"), effective_from=date(2025, 1, 1), basis="庆阳市演示标准")
        if not SubsidyStandard.objects.filter(region=county).exists():
            standard_set(by=county_clerk, region=county, item="basic_living", hukou_type="rural",
                         amount=Decimal("850.00"), effective_from=since, basis="西峰区演示标准")

    def _settle(self, month: date, city_clerk, county_clerk):
        """Generate and submit last month; the city clerk approves what others submitted, and the
        county's batches are paid. What the city clerk submitted waits for a second clerk's review."""
        claims_generate(run=GenerationRun.objects.create(region_id=CITY, month=month, requested_by=city_clerk))
        managers = dict(
            FacilityAssignment.objects.filter(user__role=Role.MANAGER, user__is_active=True)
            .values_list("facility_id", "user_id")
        )
        users = {user.pk: user for user in User.objects.filter(pk__in=managers.values())}
        for batch in ClaimBatch.objects.filter(month=month, status=BatchStatus.DRAFT):
            in_county = batch.region_id.startswith(COUNTY)
            submitter = users.get(managers.get(batch.facility_id)) or (county_clerk if in_county else city_clerk)
            batch_submit(by=submitter, batch=batch)
            if submitter != city_clerk:
                batch_approve(by=city_clerk, batch=batch)
                if in_county:
                    batch_mark_paid(by=city_clerk, batch=batch)
