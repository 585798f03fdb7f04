"""The demo staff: a city that is mostly staffed to the ratio, with the cases the alerts are for,
90 days of snapshots behind it, and safe to run twice."""
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from facilities.models import Alert, AlertKind, Facility, FacilityAssignment
from residents.rules import parse_id_number
from staffing.management.commands.seed_demo_staff import DEMO_ID_PREFIX, DOUBLE_COUNTED, NO_DATA, SHORT_BY
from staffing.models import ComplianceSnapshot, ComplianceStatus, Employment, Leave, StaffMember, StaffRole

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo_residents", stdout=StringIO())
    call_command("seed_demo_staff", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "staff": StaffMember.objects.count(),
        "employments": Employment.objects.count(),
        "leaves": Leave.objects.count(),
        "snapshots": ComplianceSnapshot.objects.count(),
        "alerts": Alert.objects.count(),
        "open alerts": Alert.objects.filter(resolved_at__isnull=True).count(),
        "staff history": StaffMember.history.count(),
        "employment history": Employment.history.count(),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Seeded once for the module (about 10 s) inside a transaction rolled back at the end; each
    test runs in a savepoint within it, so the second run in the last test is undone too."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


def test_it_gives_today_two_short_facilities_one_without_data_and_the_rest_compliant(demo):
    today = ComplianceSnapshot.objects.filter(day=timezone.localdate()).select_related("facility")
    by_status: dict[str, dict[str, Decimal]] = {}
    for snapshot in today:
        by_status.setdefault(snapshot.status, {})[snapshot.facility.name] = snapshot.gap
    assert by_status[ComplianceStatus.BELOW] == {name: Decimal(gap) for name, gap in SHORT_BY.items()}
    assert list(by_status[ComplianceStatus.NO_DATA]) == [NO_DATA]
    assert len(by_status[ComplianceStatus.COMPLIANT]) >= 10
    assert "不达标 2" in demo and "缺少数据 1" in demo


def test_it_leaves_90_days_of_snapshots_with_each_alert_opened_once(demo):
    today = timezone.localdate()
    days = set(ComplianceSnapshot.objects.values_list("day", flat=True))
    assert days == {today - timedelta(days=n) for n in range(90)}
    assert ComplianceSnapshot.objects.filter(status=ComplianceStatus.BELOW).exists()
    staffing = Alert.objects.filter(kind__in=[AlertKind.STAFFING_BELOW, AlertKind.STAFFING_NO_DATA])
    assert sorted(staffing.values_list("facility__name", "resolved_at")) == sorted(
        [(name, None) for name in SHORT_BY] + [(NO_DATA, None)]
    )


def test_it_counts_one_carer_in_two_facilities(demo):
    alerts = Alert.objects.filter(kind=AlertKind.STAFF_DOUBLE_COUNTED, resolved_at__isnull=True)
    assert set(alerts.values_list("facility__name", flat=True)) == set(DOUBLE_COUNTED)
    assert len(set(alerts.values_list("subject", flat=True))) == 1
    staff = StaffMember.objects.get(pk=alerts[0].subject.removeprefix("staff:"))
    assert sorted(staff.employments.values_list("facility__name", "fte")) == sorted(
        [(DOUBLE_COUNTED[0], Decimal("1.00")), (DOUBLE_COUNTED[1], Decimal("0.50"))]
    )


def test_it_employs_plausible_people_through_the_services(demo):
    today = timezone.localdate()
    operating = Facility.objects.filter(region__code__startswith="6210", status="operating")
    staffed = set(Employment.objects.values_list("facility__name", flat=True))
    assert staffed == set(operating.exclude(name=NO_DATA).values_list("name", flat=True))
    people = list(StaffMember.objects.all())
    assert people and all(p.id_number.startswith(DEMO_ID_PREFIX) for p in people)
    births = [parse_id_number(p.id_number).birth_date.year for p in people]
    assert min(births) >= 1965 and max(births) <= 2000
    carers = Employment.objects.filter(role=StaffRole.CARER).values_list("staff__id_number", flat=True)
    women = sum(parse_id_number(number).sex == "F" for number in carers)
    assert women > 0.75 * len(carers)
    assert set(Employment.objects.values_list("role", flat=True)) >= {
        StaffRole.CARER, StaffRole.NURSE, StaffRole.DOCTOR, StaffRole.MANAGER, StaffRole.COOK,
        StaffRole.LOGISTICS, StaffRole.SECURITY,
    }
    assert Employment.objects.filter(fte=Decimal("0.50")).count() >= 3
    assert Employment.objects.filter(started_on__lt=today - timedelta(days=2 * 365)).exists()
    assert Employment.objects.filter(started_on__gt=today - timedelta(days=90)).exists()
    left = Employment.objects.filter(ended_on__isnull=False).values_list("ended_on", flat=True)
    assert len(left) >= 2 and all(40 <= (today - day).days <= 80 for day in left)
    assert Leave.objects.filter(starts_on__lte=today, ends_on__gte=today).count() >= 3
    expiring = Employment.objects.filter(certificate_expires_on__range=(today, today + timedelta(days=60)))
    assert 1 <= expiring.count() <= 6
    # Entered by the demo's facility-manager account: the administrator never handles personal data.
    assert {h.history_user.username for h in Employment.history.all()} == {"demo_loader"}
    loader = User.objects.get(username="demo_loader")
    assert not loader.is_active and not loader.has_usable_password()
    assert not FacilityAssignment.objects.filter(user=loader).exists()


def test_running_it_again_changes_nothing(demo):
    before = counts()
    assert seed().startswith("演示工作人员已存在")
    assert counts() == before
