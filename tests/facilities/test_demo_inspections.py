"""The demo ratings and inspections: every star level today, a rating expiring and one expired,
facilities not inspected this year, findings in every state, and safe to run twice."""
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from facilities.management.commands.seed_demo_inspections import (
    EXPIRED,
    EXPIRING,
    NOT_INSPECTED,
    RATINGS,
    VISITS,
)
from facilities.models import (
    Alert,
    AlertKind,
    ChecklistAnswer,
    Facility,
    FacilityStatus,
    Finding,
    FindingStatus,
    FollowUp,
    Inspection,
    StarRating,
)
from facilities.selectors import current_level_subquery

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo_inspections", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "ratings": StarRating.objects.count(),
        "inspections": Inspection.objects.count(),
        "findings": Finding.objects.count(),
        "follow-ups": FollowUp.objects.count(),
        "alerts": Alert.objects.count(),
        "open alerts": Alert.objects.filter(resolved_at__isnull=True).count(),
        "rating history": StarRating.history.count(),
        "finding history": Finding.history.count(),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Seeded once for the module inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


def open_alerts(kind) -> set[str]:
    return set(Alert.objects.filter(kind=kind, resolved_at__isnull=True).values_list("facility__name", flat=True))


def test_it_gives_every_star_level_from_one_to_five(demo):
    today = timezone.localdate()
    levels = set(Facility.objects.annotate(level=current_level_subquery(on=today)).values_list("level", flat=True))
    assert {1, 2, 3, 4, 5} <= levels
    assert "当前星级分布" in demo


def test_it_has_a_rating_expiring_and_one_expired(demo):
    assert open_alerts(AlertKind.RATING_EXPIRING) == {EXPIRING}
    assert open_alerts(AlertKind.RATING_EXPIRED) == {EXPIRED}


def test_the_ratings_respect_the_first_rating_and_upgrade_rules(demo):
    for name, steps in RATINGS.items():
        levels = list(StarRating.objects.filter(facility__name=name).order_by("rated_on").values_list("level", flat=True))
        assert levels == [level for _days, level in steps]
        assert levels[0] <= 3
    assert StarRating.objects.filter(recorded_by__username="admin").count() == StarRating.objects.count()


def test_some_facilities_were_not_inspected_this_year(demo):
    today = timezone.localdate()
    this_year = set(Inspection.objects.filter(inspected_on__gte=date(today.year, 1, 1)).values_list("facility__name", flat=True))
    operating = set(Facility.objects.exclude(status=FacilityStatus.CLOSED).values_list("name", flat=True))
    assert operating - this_year == set(NOT_INSPECTED)
    assert len(this_year) > len(operating) / 2


def test_findings_are_open_overdue_rectified_and_verified(demo):
    today = timezone.localdate()
    statuses = set(Finding.objects.values_list("status", flat=True))
    assert statuses == {FindingStatus.OPEN, FindingStatus.RECTIFIED, FindingStatus.VERIFIED}
    overdue = Finding.objects.filter(status=FindingStatus.OPEN, deadline__lt=today, hazard_code="")
    assert overdue.exists()
    assert open_alerts(AlertKind.RECTIFICATION_OVERDUE) == set(overdue.values_list("inspection__facility__name", flat=True))
    assert "庆城县颐和养老院" in open_alerts(AlertKind.RECTIFICATION_OVERDUE)
    assert Inspection.objects.filter(closed_on__isnull=False).count() == sum(visit.close for visit in VISITS)


def test_it_is_safe_to_run_twice(demo):
    before = counts()
    out = StringIO()
    call_command("seed_demo_inspections", stdout=out)
    assert counts() == before
    assert "新录入 0 条" in out.getvalue() and "新录入 0 次" in out.getvalue()


def test_a_checklist_found_two_major_hazards_escalated_to_the_city_one_awaiting_a_recheck(demo):
    hazards = Finding.objects.exclude(hazard_code="").order_by("hazard_code")
    assert [(h.hazard_code, h.status) for h in hazards] == [("H6-2", FindingStatus.OPEN), ("H6-4", FindingStatus.RECTIFIED)]
    assert all(h.escalated_to_id == "621000" and h.escalated_on for h in hazards)
    assert hazards[1].evidence and hazards[1].recorded_by.username == "inspector"
    assert open_alerts(AlertKind.MAJOR_HAZARD_OVERDUE) == {"西峰区社会福利中心"}
    assert Alert.objects.filter(kind=AlertKind.MAJOR_HAZARD_OVERDUE, resolved_at__isnull=True).count() == 2
    assert ChecklistAnswer.objects.filter(result="na").count() == 1
