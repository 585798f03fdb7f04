"""The region picker: units in force within the user's scope, a level at a time, with or without JavaScript;
old codes keep working where they are history (ID numbers, filters)."""
from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role
from facilities.models import Facility
from residents.models import Person
from tests.factories import FacilityFactory, RegionFactory, UserFactory, make_id_number

pytestmark = pytest.mark.django_db

FORM = {"name": "华亭市中心敬老院", "kind": "care_home", "operator": "public", "address": "华亭市东华镇1号",
        "bed_capacity": "40", "status": "operating"}


@pytest.fixture
def tree(regions):
    huating_old = RegionFactory(code="620824", name="华亭县", full_name="甘肃省平凉市华亭县",
                                parent=RegionFactory(code="620800", name="平凉市", full_name="甘肃省平凉市",
                                                     parent=regions["620000"]), valid_to=date(2025, 12, 31))
    huating = RegionFactory(code="620881", name="华亭市", full_name="甘肃省平凉市华亭市", parent_id="620800")
    huating_old.successors.add(huating)
    RegionFactory(code="620881100", name="东华镇", full_name="甘肃省平凉市华亭市东华镇", parent=huating)
    return regions


def test_without_javascript_each_submit_lists_the_next_level_and_keeps_the_input(tree, client):
    client.force_login(UserFactory(username="i_gansu", role=Role.INSPECTOR, region_code="620000"))
    page = client.get(reverse("facility_create")).content.decode()
    assert 'name="region_1"' in page and "甘肃省" in page and "云南省" not in page  # scoped
    response = client.post(reverse("facility_create"), {**FORM, "region_1": "620000"})
    page = response.content.decode()
    assert response.status_code == 200 and "请继续选择下一级" in page and "华亭市中心敬老院" in page
    assert 'name="region_2"' in page and "平凉市" in page
    assert "华亭县" not in page  # abolished units are never offered
    page = client.post(reverse("facility_create"), {**FORM, "region_1": "620000", "region_2": "620800"}).content.decode()
    assert 'name="region_3"' in page and "华亭市" in page and "华亭县" not in page
    response = client.post(reverse("facility_create"), {
        **FORM, "region_1": "620000", "region_2": "620800", "region_3": "620881", "region_4": "620881100"})
    assert response.status_code == 302
    assert Facility.objects.get(name="华亭市中心敬老院").region_id == "620881100"


def test_an_abolished_unit_is_refused_for_a_new_record_naming_its_successor(tree, client):
    client.force_login(UserFactory(username="i_gansu2", role=Role.INSPECTOR, region_code="620000"))
    response = client.post(reverse("facility_create"), {**FORM, "region": "620824"})
    assert response.status_code == 200
    assert "已于 2025-12-31 撤销" in response.content.decode() and "620881" in response.content.decode()
    assert not Facility.objects.filter(name="华亭市中心敬老院").exists()


def test_a_unit_outside_the_scope_is_refused(tree, client):
    client.force_login(UserFactory(username="i_xf", role=Role.INSPECTOR, region_code="621002"))
    response = client.post(reverse("facility_create"), {**FORM, "region": "530102"})
    assert response.status_code == 200 and "不在可选范围内" in response.content.decode()


def test_the_htmx_endpoint_returns_the_next_level_in_scope(tree, client):
    client.force_login(UserFactory(username="i_pl", role=Role.INSPECTOR, region_code="620000"))
    page = client.get(reverse("region_picker"), {"name": "region", "region_1": "620000", "region_2": "620800"},
                      HTTP_HX_REQUEST="true").content.decode()
    assert 'name="region_3"' in page and "620881" in page and "620824" not in page
    assert client.get(reverse("region_picker"), {"name": "bad name"}).status_code == 400


def test_a_filter_by_an_old_code_finds_what_moved(tree, client):
    FacilityFactory(name="华亭市敬老院", region=tree["620000"].children.get(code="620800").children.get(code="620881"))
    client.force_login(UserFactory(username="i_gs3", role=Role.INSPECTOR, region_code="620000"))
    page = client.get(reverse("facility_list"), {"region": "620824"}).content.decode()
    assert "华亭市敬老院" in page


@pytest.mark.parametrize("birth_place", ["130421", "620824"])
def test_an_id_number_with_an_abolished_birth_place_is_never_refused(tree, client, cast, birth_place):
    client.force_login(cast["inspector"])
    number = make_id_number(born=date(1950, 1, 1), region=birth_place)
    response = client.post(reverse("person_create"), {
        "name": "老户籍", "id_number": number, "hukou_region": "621002", "hukou_type": "rural"})
    assert response.status_code in (302, 200)
    assert Person.objects.filter(id_number=number).exists(), response.content.decode()[:3000]


def test_an_edit_of_a_record_on_an_abolished_unit_says_so_instead_of_moving_it_up(tree, client):
    """A facility still on 华亭县 (its move waits for a decision): the edit form shows the unit as
    abolished, and saving unchanged is refused with the successor named, never saved as 平凉市."""
    facility = FacilityFactory(name="华亭县敬老院", region_id="620824")
    client.force_login(UserFactory(username="i_gansu", role=Role.INSPECTOR, region_code="620000"))
    page = client.get(reverse("facility_edit", args=[facility.pk])).content.decode()
    assert '<option value="620824" selected>华亭县（已撤销）</option>' in page
    response = client.post(reverse("facility_edit", args=[facility.pk]), {
        **FORM, "name": facility.name, "region_1": "620000", "region_2": "620800", "region_3": "620824"})
    assert "已于 2025-12-31 撤销" in response.content.decode()
    facility.refresh_from_db()
    assert facility.region_id == "620824"
