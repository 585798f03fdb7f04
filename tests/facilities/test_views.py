"""The facility pages: list, detail with history, create and edit, home."""
import pytest
from django.urls import reverse

from accounts.models import AccessAction, AccessRecord
from facilities.models import Facility
from tests.factories import FacilityFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def test_facility_list_query_count_does_not_grow_with_rows(cast, regions, login):
    client = login(cast["inspector_city"])
    url = reverse("facility_list")
    # session, user, region filter choices, count, page of facilities joined with regions
    before = count_queries(client, url)
    for _ in range(50):
        FacilityFactory(region=regions["621002100"])
    after = count_queries(client, url)
    assert before == after == 5


def test_facility_list_filters_by_type_status_and_region(cast, facilities, login):
    facilities["b"].status = "suspended"
    facilities["b"].save()
    client = login(cast["inspector_city"])
    page = client.get(reverse("facility_list"), {"status": "suspended"}).content.decode()
    assert facilities["b"].name in page and facilities["a"].name not in page
    page = client.get(reverse("facility_list"), {"region": "621021"}).content.decode()
    assert facilities["c"].name in page and facilities["a"].name not in page


def test_facility_list_is_sortable_by_beds(cast, facilities, login):
    page = login(cast["inspector_city"]).get(reverse("facility_list"), {"sort": "-bed_capacity"}).content.decode()
    assert page.index(facilities["c"].name) < page.index(facilities["a"].name) < page.index(facilities["b"].name)


def test_htmx_filter_request_gets_only_the_table(cast, facilities, login):
    response = login(cast["inspector"]).get(reverse("facility_list"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<nav" not in body and facilities["a"].name in body


def test_csv_export_has_a_bom_and_chinese_headers(cast, facilities, login):
    response = login(cast["inspector"]).get(reverse("facility_list") + "?export=csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff机构名称,")


def test_csv_export_writes_one_access_record_naming_the_filters(cast, facilities, login):
    client = login(cast["inspector"])
    client.get(reverse("facility_list"), {"export": "csv", "kind": "care_home"}, REMOTE_ADDR="10.0.0.8")
    record = AccessRecord.objects.get()
    assert (record.user, record.action, record.ip) == (cast["inspector"], AccessAction.EXPORT, "10.0.0.8")
    assert record.target == "facility_list" and "kind=care_home" in record.detail and "2 行" in record.detail
    client.get(reverse("facility_list"))
    assert AccessRecord.objects.count() == 1  # viewing the list is not an export


def test_inspector_registers_a_facility_and_history_names_them(cast, regions, login):
    client = login(cast["inspector"])
    response = client.post(
        reverse("facility_create"),
        {"name": "肖金颐养院", "kind": "elderly_care", "operator": "private", "region": "621002100",
         "address": "西峰区肖金镇1号", "bed_capacity": "60", "status": "operating", "opened_on": "2024-03-01",
         "credit_code": "", "licence_number": "", "contact_person": "", "contact_phone": ""},
    )
    facility = Facility.objects.get(name="肖金颐养院")
    assert response.status_code == 302
    record = facility.history.get()
    assert record.history_user == cast["inspector"]
    detail = client.get(reverse("facility_detail", args=[facility.pk])).content.decode()
    assert cast["inspector"].full_name in detail


def test_bad_input_gets_field_errors_and_saves_nothing(cast, regions, login):
    client = login(cast["inspector"])
    response = client.post(
        reverse("facility_create"),
        {"name": "", "kind": "nope", "operator": "public", "region": "530102", "address": "x",
         "bed_capacity": "-3", "status": "operating", "credit_code": "91350100M000100Y44"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"name", "kind", "region", "bed_capacity", "credit_code"}
    assert "统一社会信用代码无效" in response.content.decode()
    assert not Facility.objects.filter(address="x").exists()


def test_inspector_edit_is_recorded_field_by_field(cast, facilities, login):
    client = login(cast["inspector"])
    facility = facilities["a"]
    data = {"name": facility.name, "kind": facility.kind, "operator": facility.operator, "region": facility.region_id,
            "address": facility.address, "bed_capacity": "130", "status": "operating", "contact_person": "刘志强",
            "contact_phone": "0934-8211301", "credit_code": "", "licence_number": "", "opened_on": ""}
    assert client.post(reverse("facility_edit", args=[facility.pk]), data).status_code == 302
    page = client.get(reverse("facility_detail", args=[facility.pk])).content.decode()
    assert "床位数：<del>120</del> → <ins>130</ins>" in page


def test_manager_edits_only_contact_details_of_own_facility(cast, facilities, login):
    client = login(cast["manager_a"])
    facility = facilities["a"]
    form_page = client.get(reverse("facility_edit", args=[facility.pk]))
    assert set(form_page.context["form"].fields) == {"contact_person", "contact_phone"}
    client.post(reverse("facility_edit", args=[facility.pk]), {"contact_person": "新联系人", "contact_phone": "123"})
    facility.refresh_from_db()
    assert facility.contact_person == "新联系人"
    assert facility.history.first().history_user == cast["manager_a"]


def test_facility_detail_query_count_is_fixed_whatever_the_history(cast, facilities, login):
    client = login(cast["inspector"])
    facility = facilities["a"]
    url = reverse("facility_detail", args=[facility.pk])
    # session + user, facility with region, history with users, can-edit checks need none for inspectors
    before = count_queries(client, url)
    for beds in range(121, 141):
        facility.bed_capacity = beds
        facility.save()
    assert count_queries(client, url) == before


@pytest.mark.parametrize("who, heading", [
    ("manager_a", "我的机构"), ("inspector", "辖区概况"), ("clerk", "辖区概况"), ("admin", "系统管理"),
])
def test_home_page_speaks_to_each_role(cast, facilities, login, who, heading):
    page = login(cast[who]).get(reverse("home")).content.decode()
    assert heading in page


def test_english_is_one_switch_away(cast, facilities, login):
    client = login(cast["inspector"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("facility_list")).content.decode()
    assert "Facility register" in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "机构名册" in client.get(reverse("facility_list")).content.decode()


@pytest.mark.parametrize(("who", "links"), [
    ("manager_a", ["custody_overview", "relative_register"]),
    ("inspector", ["custody_overview", "notice_list", "relative_register", "staffing_budget"]),
    ("clerk", ["notice_list", "relative_register", "staffing_budget"]),
])
def test_home_page_links_to_the_accountability_pages(cast, facilities, login, who, links):
    client = login(cast[who])
    page = client.get(reverse("home")).content.decode()
    for name in links:
        assert f'href="{reverse(name)}"' in page
        assert client.get(reverse(name)).status_code == 200
