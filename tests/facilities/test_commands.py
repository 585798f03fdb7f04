"""Region loading and the demo: complete, and safe to run twice."""
import pytest
from django.core.management import call_command

from accounts.models import Role, User
from facilities.models import Facility, FacilityKind, Region
from facilities.rules import is_valid_credit_code

pytestmark = pytest.mark.django_db


def test_regions_cover_every_county_of_the_seed_provinces_and_load_idempotently():
    call_command("load_regions", verbosity=0)
    count = Region.objects.count()
    call_command("load_regions", verbosity=0)
    assert Region.objects.count() == count > 3000
    for province, name in [("620000", "甘肃省"), ("640000", "宁夏回族自治区"), ("530000", "云南省"), ("320000", "江苏省")]:
        assert Region.objects.get(code=province).name == name
        assert Region.objects.filter(code__startswith=province[:2], level="county").count() > 10
    xifeng = Region.objects.get(code="621002")
    assert xifeng.full_name == "甘肃省庆阳市西峰区" and xifeng.parent_id == "621000"
    assert Region.objects.get(code="110101").full_name == "北京市东城区"
    assert xifeng.longitude is not None


def test_demo_is_complete_and_running_it_twice_duplicates_nothing():
    call_command("seed_demo", verbosity=0)
    counts = (Region.objects.count(), Facility.objects.count(), User.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Region.objects.count(), Facility.objects.count(), User.objects.count()) == counts
    assert Facility.objects.count() >= 15
    assert set(Facility.objects.values_list("kind", flat=True)) == set(FacilityKind.values)
    assert Facility.objects.filter(region__code__startswith="6210").values("region_id")[:1].exists()
    assert len({code[:6] for code in Facility.objects.values_list("region_id", flat=True)}) >= 3
    assert all(is_valid_credit_code(code) for code in Facility.objects.values_list("credit_code", flat=True))
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.get(username="manager").facility_assignments.count() == 2
    assert all(f.history.exists() for f in Facility.objects.all())
