"""The demo complaints, relatives' declarations and staffing budget: the story the module docstring of
seed_demo_accountability tells, and safe to run twice."""
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from facilities.models import Alert, AlertKind, Complaint
from residents.models import Person, RelativeDeclaration
from residents.recusal import declared_relatives
from staffing.budget.selectors import staffing_budget
from staffing.models import FundedPosts, RelativeReview, ReviewDecision
from tests.helpers import seeded_demo


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Seeded once for the module inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), seeded_demo("seed_demo_accountability") as out:
        yield out


def counts():
    return (Complaint.objects.count(), RelativeDeclaration.objects.count(), RelativeReview.objects.count(),
            FundedPosts.objects.count(), Alert.objects.filter(kind__startswith="complaint").count())


@pytest.mark.django_db
def test_complaints_in_every_state_with_two_overdue_alerts(demo):
    complaints = list(Complaint.objects.all())
    assert len(complaints) == 5
    assert sum(c.assigned_to_id is None for c in complaints) == 2
    [done] = [c for c in complaints if c.concluded_on]
    assert done.reply and done.inspection is not None
    open_kinds = sorted(Alert.objects.filter(kind__startswith="complaint", resolved_at__isnull=True).values_list("kind", flat=True))
    assert open_kinds == [AlertKind.COMPLAINT_OVERDUE, AlertKind.COMPLAINT_UNACKNOWLEDGED]
    assert "逾期预警 2 条" in demo


@pytest.mark.django_db
def test_declarations_recuse_the_clerk_and_flags_wait_for_an_inspector(demo):
    assert RelativeDeclaration.objects.count() == 4
    clerk = User.objects.get(username="clerk_xf")
    declaration = RelativeDeclaration.objects.get(declarant_user=clerk)
    father = Person.objects.get(id_number=declaration.relative_id_number)
    assert declared_relatives(user=clerk, person_ids=[father.pk])
    decisions = sorted(RelativeReview.objects.values_list("decision", flat=True))
    assert decisions == [ReviewDecision.NOT_RELATED, ReviewDecision.PENDING]


@pytest.mark.django_db
def test_next_years_budget_has_a_county_cost_and_gaps(demo):
    clerk = User.objects.get(username="clerk")
    budget = staffing_budget(user=clerk, year=timezone.localdate().year + 1, today=timezone.localdate())
    costs = {row.facility.region_id[:6]: row.cost_per_post for row in budget.facilities}
    assert costs["621002"] == Decimal("66000.00") and costs["621021"] == Decimal("60000.00")
    assert sum(row.funded is None for row in budget.facilities) >= 2
    assert budget.total.gap_posts > 0


@pytest.mark.django_db
def test_running_it_again_adds_nothing(demo):
    before = counts()
    call_command("seed_demo_accountability", stdout=StringIO())
    assert counts() == before
