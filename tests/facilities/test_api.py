"""The JSON API: filters, pagination, errors, tokens and CSRF."""
import pytest
from django.test import Client

from accounts.tokens import api_token_create
from facilities.models import Facility
from tests.factories import FacilityFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def test_me_describes_the_user(cast, login):
    body = login(cast["inspector"]).get("/api/me").json()
    assert body["role"] == "inspector" and body["region_code"] == "621002"


def test_list_filters(cast, facilities, login):
    client = login(cast["admin"])
    assert client.get("/api/facilities", {"region": "530000"}).json()["count"] == 1
    assert client.get("/api/facilities", {"q": "董志"}).json()["items"][0]["name"] == facilities["b"].name
    assert client.get("/api/facilities", {"kind": "child_welfare"}).json()["count"] == 0


def test_unknown_filter_value_is_a_clear_422(cast, facilities, login):
    response = login(cast["admin"]).get("/api/facilities", {"kind": "nope"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["errors"][0]["field"] == "kind"


def test_page_size_above_200_is_refused(cast, facilities, login):
    response = login(cast["admin"]).get("/api/facilities", {"limit": 1000000})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "limit"


def test_pagination_pages_through_everything(cast, regions, login):
    for _ in range(7):
        FacilityFactory(region=regions["621002100"])
    client = login(cast["inspector"])
    first = client.get("/api/facilities", {"limit": 5}).json()
    second = client.get("/api/facilities", {"limit": 5, "offset": 5}).json()
    assert first["count"] == 9 and len(first["items"]) == 5 and len(second["items"]) == 4


def test_list_query_count_does_not_grow_with_rows(cast, regions, login):
    client = login(cast["inspector"])

    # session, user, count, page of facilities joined with regions
    one = count_queries(client, "/api/facilities")
    for _ in range(50):
        FacilityFactory(region=regions["621002100"])
    assert one == count_queries(client, "/api/facilities") == 4


def test_token_authenticates_another_system(cast, facilities):
    _token, raw = api_token_create(user=cast["inspector"], name="统计系统")
    client = Client()
    response = client.get("/api/facilities", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["count"] == 2
    assert client.get("/api/facilities", HTTP_AUTHORIZATION=f"Bearer {raw}x").status_code == 401


def test_token_of_a_disabled_user_stops_working(cast, facilities):
    _token, raw = api_token_create(user=cast["inspector"], name="统计系统")
    cast["inspector"].is_active = False
    cast["inspector"].save()
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_token_writes_are_attributed_to_its_owner(cast, regions):
    _token, raw = api_token_create(user=cast["inspector"], name="对接")
    response = Client().post(
        "/api/facilities",
        {"name": "令牌机构", "kind": "care_home", "operator": "public", "region_code": "621002100",
         "address": "某地1号", "bed_capacity": 10},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201, response.content
    assert Facility.objects.get(name="令牌机构").history.get().history_user == cast["inspector"]


def test_session_writes_need_the_csrf_token(cast, facilities):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["inspector"])
    response = client.patch(
        f"/api/facilities/{facilities['a'].pk}", {"bed_capacity": 99}, content_type="application/json"
    )
    assert response.status_code in (401, 403)
    facilities["a"].refresh_from_db()
    assert facilities["a"].bed_capacity == 120


def test_validation_errors_name_the_field_in_both_languages(cast, regions, login):
    response = login(cast["inspector"]).post(
        "/api/facilities",
        {"name": "坏代码", "kind": "care_home", "operator": "public", "region_code": "621002100",
         "address": "某地", "bed_capacity": 10, "credit_code": "91350100M000100Y44"},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == "credit_code"
    assert "统一社会信用代码" in body["errors"][0]["message"]
    assert "credit code" in body["errors"][0]["message_en"].lower()
    assert not Facility.objects.filter(name="坏代码").exists()


def test_manager_patches_contact_details_only(cast, facilities, login):
    client = login(cast["manager_a"])
    url = f"/api/facilities/{facilities['a'].pk}"
    ok = client.patch(url, {"contact_phone": "0934-1"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["contact_phone"] == "0934-1"
    refused = client.patch(url, {"bed_capacity": 1}, content_type="application/json")
    assert refused.status_code == 403


def test_openapi_docs_are_served(client):
    assert client.get("/api/openapi.json").status_code == 200
    assert client.get("/api/docs").status_code == 200
