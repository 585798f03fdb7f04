"""Who sees and changes which facility, on the web and through the API."""
import pytest
from django.urls import reverse

from facilities.scoping import facilities_visible_to

pytestmark = pytest.mark.django_db

# user → facilities (of a, b, c, y) they may see
VISIBLE = {
    "manager_a": {"a"},
    "manager_b": {"b"},
    "inspector": {"a", "b"},
    "inspector_city": {"a", "b", "c"},
    "inspector_other": {"y"},
    "clerk": {"a", "b"},
    "admin": {"a", "b", "c", "y"},
}


@pytest.mark.parametrize("who, expected", VISIBLE.items())
def test_scoping_selector_returns_exactly_the_users_facilities(cast, facilities, who, expected):
    visible = set(facilities_visible_to(cast[who]).values_list("pk", flat=True))
    assert visible == {facilities[key].pk for key in expected}


@pytest.mark.parametrize("who, expected", VISIBLE.items())
@pytest.mark.parametrize("key", ["a", "b", "c", "y"])
def test_web_detail_is_404_outside_scope(cast, facilities, login, who, expected, key):
    response = login(cast[who]).get(reverse("facility_detail", args=[facilities[key].pk]))
    assert response.status_code == (200 if key in expected else 404)


@pytest.mark.parametrize("who, expected", VISIBLE.items())
@pytest.mark.parametrize("key", ["a", "b", "c", "y"])
def test_api_detail_is_404_outside_scope(cast, facilities, login, who, expected, key):
    response = login(cast[who]).get(f"/api/facilities/{facilities[key].pk}")
    assert response.status_code == (200 if key in expected else 404)
    if key not in expected:
        assert response.json()["code"] == "not_found"
        assert facilities[key].name not in response.content.decode()


@pytest.mark.parametrize("who, expected", VISIBLE.items())
def test_lists_and_counts_show_only_the_scope(cast, facilities, login, who, expected):
    client = login(cast[who])
    api = client.get("/api/facilities").json()
    assert api["count"] == len(expected)
    assert {item["name"] for item in api["items"]} == {facilities[k].name for k in expected}
    page = client.get(reverse("facility_list")).content.decode()
    for key, facility in facilities.items():
        assert (facility.name in page) == (key in expected)
    export = client.get(reverse("facility_list") + "?export=csv").content.decode("utf-8")
    for key, facility in facilities.items():
        assert (facility.name in export) == (key in expected)


def test_inspector_of_another_province_sees_none_of_this_city(cast, facilities, login):
    client = login(cast["inspector_other"])
    names = {item["name"] for item in client.get("/api/facilities?limit=200").json()["items"]}
    assert names == {facilities["y"].name}
    assert client.get("/api/facilities?region=621000").json()["count"] == 0


def test_anonymous_web_user_is_sent_to_login(facilities, client):
    for url in [reverse("home"), reverse("facility_list"), reverse("facility_detail", args=[facilities["a"].pk])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_anonymous_api_user_gets_401_in_the_error_shape(facilities, client):
    for url in ["/api/me", "/api/facilities", f"/api/facilities/{facilities['a'].pk}"]:
        response = client.get(url)
        assert response.status_code == 401
        body = response.json()
        assert body["code"] == "unauthenticated"
        assert body["message"] and body["message_en"] and body["message"] != body["message_en"]


@pytest.mark.parametrize("who", ["manager_a", "clerk", "inspector_other"])
def test_only_inspectors_of_the_region_and_admins_may_edit_a_facility(cast, facilities, login, who):
    client = login(cast[who])
    facility = facilities["a"]
    response = client.post(reverse("facility_edit", args=[facility.pk]), {"name": "改名", "bed_capacity": 1})
    facility.refresh_from_db()
    assert facility.name == "西峰区中心敬老院"
    assert facility.bed_capacity == 120
    expected = {"manager_a": 302, "clerk": 403, "inspector_other": 404}[who]  # a manager only gets the contact form
    assert response.status_code == expected


@pytest.mark.parametrize("who, status", [("manager_b", 404), ("clerk", 403), ("inspector_other", 404)])
def test_api_patch_outside_rights_is_refused_and_changes_nothing(cast, facilities, login, who, status):
    facility = facilities["a"]
    response = login(cast[who]).patch(
        f"/api/facilities/{facility.pk}", {"bed_capacity": 1}, content_type="application/json"
    )
    assert response.status_code == status
    facility.refresh_from_db()
    assert facility.bed_capacity == 120


@pytest.mark.parametrize("who", ["manager_a", "clerk", "inspector_other"])
def test_api_create_outside_rights_is_refused(cast, regions, login, who):
    payload = {"name": "新机构", "kind": "care_home", "operator": "public", "region_code": "621002100",
               "address": "某地", "bed_capacity": 10}
    response = login(cast[who]).post("/api/facilities", payload, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
