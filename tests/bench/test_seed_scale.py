"""seed_scale at a small size on the test database: the province the benchmarks run on is real data."""
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from facilities.models import Facility
from residents.models import Person, SelfCareAssessment, Stay, SupportStatus
from residents.rules import parse_id_number
from staffing.models import Employment, StaffMember

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 16)


@pytest.fixture
def province():
    out = StringIO()
    call_command("seed_scale", facilities=30, people=900, staff=150, months=3, today=TODAY, stdout=out)
    return out.getvalue()


def test_a_small_province_has_what_was_asked_with_valid_id_numbers(province):
    assert Facility.objects.filter(region__code__startswith="62").count() == 30
    assert Person.objects.count() == 900
    for number, born in Person.objects.values_list("id_number", "birth_date"):
        assert parse_id_number(number).birth_date == born
    assert StaffMember.objects.count() == 150
    assert all(parse_id_number(number) for number in StaffMember.objects.values_list("id_number", flat=True))
    assert StaffMember.objects.exclude(address="").count() == 150
    assert "seed_scale:" in province


def test_the_province_mixes_statuses_stays_assessments_and_jobs(province):
    kinds = Counter(SupportStatus.objects.values_list("kind", flat=True))
    assert kinds["hardship"] > kinds["orphan"] > 0
    assert Stay.objects.filter(ended_on__isnull=True).exists() and Stay.objects.filter(ended_on__isnull=False).exists()
    assert SelfCareAssessment.objects.filter(assessed_on__lte=TODAY).exists()
    assert Employment.objects.filter(ended_on__isnull=True).count() >= 100


def test_sizes_must_be_positive(db):
    with pytest.raises(CommandError, match="sizes must be positive"):
        call_command("seed_scale", facilities=0, stdout=StringIO())
