"""The "edit out of scope" row of the access matrix (issue 25, finding 3): an edit never moves a
record out of the editor's own scope. The rule is facilities.scoping.edit_keeps_in_scope."""
import pytest

from residents.models import Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

REFUSED = "修改后该人员将不在您的辖区内"


@pytest.fixture
def villager(regions):
    return PersonFactory(name="董志某", hukou_region=regions["621002"], residence_region=regions["621002101"])


def edit(client, person, **changes):
    data = {"name": person.name, "hukou_region": person.hukou_region_id, "hukou_type": person.hukou_type,
            "residence_region": person.residence_region_id or "", **changes}
    return client.post(f"/people/{person.pk}/edit/", data)


@pytest.mark.parametrize("changes", [
    {"hukou_region": "530102"},                              # another province
    {"hukou_region": "621021"},                              # another county of the same city
    {"hukou_region": "530102", "residence_region": ""},      # leaves the county's and the city's sight
    {"residence_region": "", "hukou_region": "621021"},
], ids=["hukou-other-province", "hukou-other-county", "hukou-away-residence-emptied", "residence-emptied-hukou-away"])
def test_an_inspectors_edit_cannot_move_a_person_out_of_the_inspectors_area(cast, villager, client, changes):
    client.force_login(cast["inspector"])
    before = Person.objects.values().get(pk=villager.pk)
    response = edit(client, villager, **changes)
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert Person.objects.values().get(pk=villager.pk) == before


def test_an_edit_inside_the_area_still_works(cast, villager, client, regions):
    client.force_login(cast["inspector"])
    response = edit(client, villager, residence_region="621002100", phone="13900000000")
    assert response.status_code == 302
    villager.refresh_from_db()
    assert (villager.residence_region_id, villager.phone) == ("621002100", "13900000000")


def test_a_city_inspector_may_move_a_person_between_its_counties(cast, villager, client):
    client.force_login(cast["inspector_city"])
    assert edit(client, villager, hukou_region="621021", residence_region="").status_code == 302
    villager.refresh_from_db()
    assert villager.hukou_region_id == "621021" and villager.residence_region_id is None


@pytest.mark.parametrize("region", ["530102", "621021"], ids=["other-province", "other-county"])
def test_an_inspectors_facility_edit_cannot_move_it_out_of_the_area(cast, facilities, client, region):
    """The facility form (the picker offers only the area) and the API (403) refuse the same move."""
    facility = facilities["a"]
    client.force_login(cast["inspector"])
    form = client.get(f"/facilities/{facility.pk}/edit/").content.decode()
    assert 'value="621021"' not in form and 'value="530000"' not in form
    data = {"name": facility.name, "kind": facility.kind, "operator": facility.operator, "region": region,
            "address": facility.address, "bed_capacity": facility.bed_capacity, "status": facility.status}
    response = client.post(f"/facilities/{facility.pk}/edit/", data)
    assert response.status_code == 200 and "所选行政区划不在可选范围内" in response.content.decode()
    api = client.patch(f"/api/facilities/{facility.pk}", {"region_code": region}, content_type="application/json")
    assert api.status_code == 403
    facility.refresh_from_db()
    assert facility.region_id == "621002100"
