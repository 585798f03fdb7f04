"""The demo claims: last month through the lifecycle, this month's drafts with flagged lines, safe twice."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from common.months import previous_month
from subsidies.models import SETTLED, BatchStatus, ClaimBatch, ClaimLine, SubsidyStandard
from subsidies.rules import month_start
from tests.helpers import seeded_demo


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Seeded once for the module inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), seeded_demo("seed_demo_claims") as out:
        yield out


@pytest.mark.django_db
def test_last_month_is_settled_or_waiting_for_review(demo):
    last = previous_month(month_start(timezone.localdate()))
    statuses = set(ClaimBatch.objects.filter(month=last).values_list("status", flat=True))
    assert statuses <= {BatchStatus.APPROVED, BatchStatus.PAID, BatchStatus.SUBMITTED}
    assert ClaimBatch.objects.filter(month=last, status__in=SETTLED).exists()
    assert ClaimBatch.objects.filter(month=last, status=BatchStatus.SUBMITTED).exists()


@pytest.mark.django_db
def test_this_month_has_drafts_with_flagged_lines_and_a_new_county_standard(demo):
    this = month_start(timezone.localdate())
    drafts = ClaimBatch.objects.filter(month=this)
    assert drafts.exists() and set(drafts.values_list("status", flat=True)) == {BatchStatus.DRAFT}
    flags = ClaimLine.objects.filter(batch__month=this).values_list("flags", flat=True)
    assert any("no_valid_assessment" in line_flags for line_flags in flags)
    assert SubsidyStandard.objects.filter(is_sample=True).count() == 13
    assert SubsidyStandard.objects.filter(region_id="621002").exists()
    assert "flagged lines" in demo


@pytest.mark.django_db
def test_running_it_again_adds_nothing(demo):
    before = (ClaimBatch.objects.count(), ClaimLine.objects.count(), SubsidyStandard.objects.count())
    call_command("seed_demo_claims", stdout=StringIO())
    assert (ClaimBatch.objects.count(), ClaimLine.objects.count(), SubsidyStandard.objects.count()) == before
