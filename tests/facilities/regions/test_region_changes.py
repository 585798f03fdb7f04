"""A 2016 database meets the 2025 table: a dry run first, then records move to the one successor,
history keeps its region, and a split waits for an administrator."""
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from facilities.models import DecisionStatus, Facility, FacilityAssignment, Region, RegionChange, RegionPolicy
from facilities.scoping import facilities_visible_to
from residents.models import Person
from subsidies.models import ClaimBatch, SubsidyStandard
from tests.factories import FacilityFactory, PersonFactory, RegionFactory, UserFactory, make_id_number

pytestmark = pytest.mark.django_db

EFFECTIVE = date(2025, 12, 31)


@pytest.fixture
def old_tree(db):
    """The part of the 2016 table the test needs: 平凉 with 华亭县, 邯郸 with 邯郸县, 庆阳 with two townships."""
    made = {}
    for code, name, parent in [
        ("620000", "甘肃省", None), ("620800", "平凉市", "620000"), ("620824", "华亭县", "620800"),
        ("621000", "庆阳市", "620000"), ("621002", "西峰区", "621000"),
        ("621002001", "南街街道", "621002"), ("621002002", "北街街道", "621002"),
        ("130000", "河北省", None), ("130400", "邯郸市", "130000"), ("130421", "邯郸县", "130400"),
    ]:
        made[code] = RegionFactory(code=code, name=name, full_name=name, parent=made.get(parent))
    return made


@pytest.fixture
def records(old_tree):
    huating = old_tree["620824"]
    facility = FacilityFactory(name="华亭县敬老院", region=huating)
    manager = UserFactory(username="m_huating", role=Role.MANAGER, facilities=[facility])
    inspector = UserFactory(username="i_huating", role=Role.INSPECTOR, region_code="620824")
    person = PersonFactory(id_number=make_id_number(born=date(1948, 2, 2), region="620824"), hukou_region=huating)
    standard = SubsidyStandard.objects.create(region=huating, item="basic_living", hukou_type="rural",
                                              amount=Decimal("700.00"), effective_from=date(2025, 1, 1))
    policy = RegionPolicy.objects.create(region=huating, effective_from=date(2025, 1, 1))
    open_batch = ClaimBatch.objects.create(month=date(2025, 12, 1), region=huating, facility=facility)
    paid_batch = ClaimBatch.objects.create(month=date(2025, 11, 1), region=huating, facility=facility, status="paid")
    handan_home = FacilityFactory(name="邯郸县敬老院", region=old_tree["130421"])
    return locals()


def _load(*args):
    out = StringIO()
    call_command("load_regions", *args, townships_within="6210", stdout=out)
    return out.getvalue()


def test_a_dry_run_lists_the_changes_and_changes_nothing(records):
    out = _load()
    assert "620824 华亭县 → 620881" in out
    assert "facilities.Facility.region 1" in out
    assert "130421 邯郸县 → ? 130402 130403 130404" in out
    assert "621002001 南街街道 → 北街街道" in out  # the demo had 南街 and 北街 swapped
    assert "--apply" in out
    assert Region.objects.get(code="620824").valid_to is None
    assert not Region.objects.filter(code="620881").exists()
    assert Facility.objects.get(pk=records["facility"].pk).region_id == "620824"


def test_applying_moves_every_current_record_to_the_one_successor_with_history(records):
    _load("--apply")
    huating = Region.objects.get(code="620824")
    assert huating.valid_to == EFFECTIVE and list(huating.successors.values_list("code", flat=True)) == ["620881"]
    facility = Facility.objects.get(pk=records["facility"].pk)
    assert facility.region_id == "620881"
    assert facility.history.first().history_change_reason == "区划调整 620824→620881"
    assert Person.objects.get(pk=records["person"].pk).hukou_region_id == "620881"
    assert Person.objects.get(pk=records["person"].pk).id_number.startswith("620824")  # the birth place stays
    assert SubsidyStandard.objects.get(pk=records["standard"].pk).region_id == "620881"
    assert RegionPolicy.objects.get(pk=records["policy"].pk).region_id == "620881"
    assert ClaimBatch.objects.get(pk=records["open_batch"].pk).region_id == "620881"
    assert ClaimBatch.objects.get(pk=records["paid_batch"].pk).region_id == "620824"  # settled: history
    inspector = records["inspector"]
    inspector.refresh_from_db()
    assert inspector.region_code == "620881"
    assert FacilityAssignment.objects.filter(user=records["manager"], facility=facility).exists()
    assert list(facilities_visible_to(inspector)) == [facility]
    change = RegionChange.objects.get(region_id="620824")
    assert change.moved["facilities.Facility.region"] == 1 and change.status == DecisionStatus.APPLIED
    # the split is not moved: it waits, with its candidates
    handan = RegionChange.objects.get(region_id="130421")
    assert handan.status == DecisionStatus.PENDING and handan.moved == {"facilities.Facility.region": 1}
    assert set(handan.candidates.values_list("code", flat=True)) == {"130402", "130403", "130404"}
    assert Facility.objects.get(pk=records["handan_home"].pk).region_id == "130421"
    assert "已是最新" in _load()  # idempotent


def test_the_administrator_decides_a_split_on_the_decisions_page(records, client):
    _load("--apply")
    admin = UserFactory(username="admin_regions", role=Role.ADMIN)
    client.force_login(admin)
    page = client.get(reverse("region_decisions"))
    assert page.status_code == 200
    assert "邯郸县" in page.content.decode() and "130403" in page.content.decode()
    change = RegionChange.objects.get(region_id="130421")
    response = client.post(reverse("region_decide", args=[change.pk]), {"successor": "130403"})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == DecisionStatus.DECIDED and change.decided_by == admin
    assert Facility.objects.get(pk=records["handan_home"].pk).region_id == "130403"
    assert 'data-code="130421"' not in client.get(reverse("region_decisions")).content.decode()


def test_the_decisions_page_has_a_fixed_query_count(records, client, django_assert_num_queries):
    _load("--apply")
    client.force_login(UserFactory(username="admin_count", role=Role.ADMIN))
    client.get(reverse("region_decisions"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("region_decisions"))
    FacilityFactory(name="邢台县敬老院", region=RegionFactory(code="130521", name="邢台县", full_name="邢台县"))
    _load("--apply")
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(reverse("region_decisions")).content.decode().count("data-code=") == 2


def test_only_administrators_see_the_decisions_page(records, client):
    client.force_login(UserFactory(username="i_other", role=Role.INSPECTOR, region_code="620000"))
    assert client.get(reverse("region_decisions")).status_code == 403


def test_a_filter_by_the_old_code_finds_the_old_and_what_moved(records, client):
    """A clerk of 平凉市 filters the batches and an inspector the alerts by 620824 (华亭县, abolished):
    the paid batch kept the old code, the open one moved to 华亭市; both are found."""
    _load("--apply")
    from facilities.models import Alert, AlertKind

    clerk = UserFactory(username="c_pingliang", role=Role.CLERK, region_code="620800")
    client.force_login(clerk)
    html = client.get(reverse("subsidies:batch_list"), {"region": "620824"}).content.decode()
    assert 'data-testid="batch-count"' in html and "共 2 个批次" in html
    facility = Facility.objects.get(pk=records["facility"].pk)
    Alert.objects.create(key="staffing:1", kind=AlertKind.STAFFING_BELOW, facility=facility, region=facility.region,
                         message="护理人员不足")
    inspector = UserFactory(username="i_pingliang", role=Role.INSPECTOR, region_code="620800")
    client.force_login(inspector)
    html = client.get(reverse("alert_list"), {"region": "620824"}).content.decode()
    assert "护理人员不足" in html
