"""Separation of duties (等保 level 3): the administrator manages users, assignments, regions and rule
parameters and reads the access log, but reads no personal data anywhere, on the web or the API.

The world: 张桂兰 lives in facility A (support status, assessment, stay, a visit and a care
agreement), A employs a carer, July's claims are generated (batches for A and for 董志镇), and there
is an alert about 张桂兰 and one about A's staffing. The clerk of the county sees all of it.
"""
from datetime import date

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from facilities.models import Alert, AlertKind
from facilities.scoping import can_read_personal_data
from residents.models import CareAgreement, Person, Visit
from subsidies.models import ClaimBatch, GenerationRun
from tests.factories import (
    AssessmentFactory,
    EmploymentFactory,
    PersonFactory,
    StayFactory,
    SupportStatusFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sample_standards")]

JULY = date(2026, 7, 1)
ERROR_SHAPE = {"code", "message", "message_en", "errors"}


@pytest.fixture
def world(cast, facilities, generate):
    person = PersonFactory(name="张桂兰", residence_region_id="621002100")
    status = SupportStatusFactory(person=person, confirmed_on=date(2025, 3, 10))
    AssessmentFactory(person=person, assessed_on=date(2026, 4, 1), computed_category="partial")
    stay = StayFactory(person=person, facility=facilities["a"], admitted_on=date(2025, 5, 1))
    at_home = PersonFactory(name="王秀英", residence_region_id="621002101")
    SupportStatusFactory(person=at_home, confirmed_on=date(2025, 3, 10), support_form="dispersed")
    AssessmentFactory(person=at_home, assessed_on=date(2026, 4, 1), computed_category="full")
    Visit.objects.create(person=person, visited_on=date(2026, 6, 1), visitor="村干部", mode="home",
                         findings="身体尚好", recorded_by=cast["inspector"])
    CareAgreement.objects.create(person=person, caregiver_name="赵小红", township_party="肖金镇人民政府",
                                 signed_on=date(2026, 1, 1), valid_until=date(2026, 12, 31))
    employment = EmploymentFactory(facility=facilities["a"], staff__name="甲护理员")
    run = generate(JULY)
    Alert.objects.create(key="visit|r621002100|person", kind=AlertKind.VISIT_OVERDUE, region_id="621002100",
                         subject=f"person:{person.pk}", subject_label=person.name, message="预警内容一")
    Alert.objects.create(key="below|a|", kind=AlertKind.STAFFING_BELOW, region_id=facilities["a"].region_id,
                         facility=facilities["a"], message="预警内容二")
    return {
        "person": person, "status": status, "stay": stay, "employment": employment, "run": run,
        "batch": ClaimBatch.objects.get(month=JULY, facility=facilities["a"]),
        "township_batch": ClaimBatch.objects.get(month=JULY, township_id="621002101"),
        "alert": Alert.objects.get(kind=AlertKind.VISIT_OVERDUE),
    }


def _secrets(world) -> list[str]:
    """What must never reach an administrator: names and ID numbers of people and staff."""
    staff = world["employment"].staff
    person = world["person"]
    return [person.name, person.id_number, person.masked_id_number, "王秀英", staff.name, staff.id_number]


def _assert_nothing_personal(response, world):
    body = response.content.decode("utf-8", errors="replace")
    for secret in _secrets(world):
        assert secret not in body, (response.request["PATH_INFO"], secret)


def test_the_world_is_visible_to_the_countys_clerk(cast, world, login):
    """The fixture is real: the same pages and endpoints show the data to a working role."""
    client = login(cast["clerk"])
    assert client.get(reverse("person_detail", args=[world["person"].pk])).status_code == 200
    assert client.get("/api/people").json()["count"] == 2
    assert client.get("/api/staff").json()["count"] == 1
    assert client.get("/api/subsidies/batches").json()["count"] == 2
    assert client.get("/api/alerts").json()["count"] == 2
    assert client.get(reverse("subsidies:batch_detail", args=[world["batch"].pk])).status_code == 200


@pytest.mark.parametrize(("role", "expected"), [
    ("manager_a", True), ("inspector", True), ("inspector_other", True), ("clerk", True), ("admin", False),
])
def test_only_working_roles_read_personal_data(cast, role, expected):
    assert can_read_personal_data(cast[role]) is expected


# Pages about a person, a stay, a status, a staff member, a claim or an alert: 404 (or 403 where
# the role alone is refused before anything is fetched), with no name or ID number in the answer.
PERSONAL_PAGES = [
    ("person_detail", "person"), ("person_photo", "person"), ("person_edit", "person"), ("person_admit", "person"),
    ("assessment_create", "person"), ("assessment_preview", "person"), ("change_report", "person"),
    ("support_status_create", "person"), ("visit_create", "person"), ("care_agreement_create", "person"),
    ("stay_transfer", "stay"), ("stay_discharge", "stay"), ("support_status_terminate", "status"),
    ("staff_list", "facility"), ("staff_add", "facility"), ("employment_end", "employment"), ("leave_add", "employment"),
    ("subsidies:batch_detail", "batch"), ("subsidies:batch_detail", "township_batch"), ("subsidies:run_detail", "run"),
    ("alert_acknowledge", "alert"),
]


@pytest.mark.parametrize(("name", "key"), PERSONAL_PAGES)
def test_admin_gets_404_on_every_personal_page(cast, facilities, world, login, name, key):
    target = facilities["a"] if key == "facility" else world[key]
    client = login(cast["admin"])
    for method in ("get", "post"):
        response = getattr(client, method)(reverse(name, args=[target.pk]))
        allowed = {404} if method == "get" else {404, 405}  # 405: a page that is only read
        assert response.status_code in allowed, (name, method, response.status_code)
        _assert_nothing_personal(response, world)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_admin_cannot_download_claims(cast, world, login, fmt):
    client = login(cast["admin"])
    assert client.get(reverse("subsidies:batch_export", args=[world["batch"].pk, fmt])).status_code == 404
    assert client.get(reverse("subsidies:batch_list_export", args=[fmt])).status_code == 403
    assert client.get(f"/api/subsidies/batches/{world['batch'].pk}/export", {"format": fmt}).status_code == 404
    response = client.get("/api/subsidies/export", {"format": fmt})
    assert response.status_code == 403 and set(response.json()) == ERROR_SHAPE


@pytest.mark.parametrize("name", ["person_create", "admission_create", "people_import"])
def test_admin_may_not_register_or_admit_people(cast, world, login, name):
    response = login(cast["admin"]).get(reverse(name))
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["person_list", "alert_list", "subsidies:batch_list", "subsidies:overview"])
def test_admin_lists_of_personal_records_are_empty(cast, world, login, name):
    response = login(cast["admin"]).get(reverse(name))
    assert response.status_code == 200
    _assert_nothing_personal(response, world)
    body = response.content.decode()
    assert reverse("subsidies:batch_detail", args=[world["batch"].pk]) not in body
    assert "预警内容一" not in body and "预警内容二" not in body


@pytest.mark.parametrize("url", [
    "/api/people", "/api/people?q=张桂兰", "/api/staff", "/api/staff?active=false", "/api/subsidies/batches",
    "/api/alerts", "/api/alerts?state=all",
])
def test_admin_api_lists_of_personal_records_are_empty(cast, world, login, url):
    response = login(cast["admin"]).get(url)
    assert response.status_code == 200 and response.json()["count"] == 0 and response.json()["items"] == []


INDICATORS = {f"{name}_unable": False for name in ("eating", "dressing", "transfer", "toileting", "walking", "bathing")}
# Valid bodies, so that the answer is about the record, not the input.
BODIES = {
    "/api/people/{person}/assessments": {"assessed_on": "2026-06-01", "assessors": "张护士", "reason": "periodic",
                                         **INDICATORS},
    "/api/people/{person}/visits": {"visited_on": "2026-06-01", "visitor": "村干部", "mode": "home", "findings": "好"},
    "/api/people/{person}/stays": {"facility_id": "{facility}", "admitted_on": "2026-06-01"},
    "/api/stays/{stay}/discharge": {"ended_on": "2026-06-01", "reason": "moved_home"},
    "/api/stays/{stay}/transfer": {"to_facility_id": "{facility}", "transferred_on": "2026-06-01"},
    "/api/staff/{employment}/end": {"ended_on": "2026-06-01"},
    "/api/staff/{employment}/leaves": {"kind": "sick", "starts_on": "2026-06-01", "ends_on": "2026-06-02"},
    "/api/alerts/{alert}/acknowledge": {"note": "已处理"},
}


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/people/{person}"), ("get", "/api/people/{person}/stays"), ("get", "/api/people/{person}/assessments"),
    ("get", "/api/people/{person}/visits"), ("post", "/api/people/{person}/assessments"),
    ("post", "/api/people/{person}/visits"), ("post", "/api/people/{person}/stays"),
    ("post", "/api/stays/{stay}/discharge"), ("post", "/api/stays/{stay}/transfer"),
    ("get", "/api/staff/{employment}"), ("post", "/api/staff/{employment}/end"), ("post", "/api/staff/{employment}/leaves"),
    ("get", "/api/subsidies/batches/{batch}"), ("get", "/api/subsidies/batches/{batch}/lines"),
    ("post", "/api/subsidies/batches/{batch}/submit"), ("post", "/api/subsidies/batches/{batch}/approve"),
    ("get", "/api/subsidies/generations/{run}"), ("post", "/api/alerts/{alert}/acknowledge"),
])
def test_admin_gets_404_on_every_personal_endpoint(cast, facilities, world, login, method, path):
    ids = {key: getattr(value, "pk", None) for key, value in world.items()}
    url = path.format(**ids)
    body = {key: facilities["b"].pk if value == "{facility}" else value for key, value in BODIES.get(path, {}).items()}
    client = login(cast["admin"])
    response = client.get(url) if method == "get" else client.post(url, body, content_type="application/json")
    assert response.status_code == 404, (url, response.status_code, response.content[:300])
    assert set(response.json()) == ERROR_SHAPE and response.json()["code"] == "not_found"
    _assert_nothing_personal(response, world)


def test_admin_cannot_register_people_or_staff_through_the_api(cast, facilities, world, login):
    client = login(cast["admin"])
    response = client.post("/api/people", {
        "name": "新登记", "id_number": "62100219480305002X", "hukou_region_code": "621002", "hukou_type": "rural",
    }, content_type="application/json")
    assert response.status_code == 403 and not Person.objects.filter(name="新登记").exists()
    response = client.post("/api/staff", {
        "facility_id": facilities["a"].pk, "name": "新护理员", "id_number": "62100219800309002X", "role": "carer",
        "started_on": "2026-01-05",
    }, content_type="application/json")
    assert response.status_code in (403, 422)


def test_admin_still_manages_users_reads_the_log_and_keeps_the_facility_register(cast, facilities, world, login):
    client = login(cast["admin"])
    for url in (
        reverse("admin:index"), reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[cast["manager_a"].pk]),
        reverse("admin:facilities_facilityassignment_changelist"), reverse("admin:facilities_region_changelist"),
        reverse("admin:facilities_regionpolicy_changelist"), reverse("admin:accounts_secondfactorpolicy_changelist"),
        reverse("access_record_list"), reverse("facility_list"), reverse("facility_detail", args=[facilities["a"].pk]),
        reverse("staffing_facility_panel", args=[facilities["a"].pk]), reverse("home"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_nothing_personal(response, world)
    assert client.get("/api/facilities").json()["count"] == 4


def test_admin_user_management_works(cast, login):
    client = login(cast["admin"])
    response = client.post(reverse("admin:accounts_user_add"), {
        "username": "new_inspector", "full_name": "新督查", "role": Role.INSPECTOR, "region_code": "621002",
        "password1": "Qingyang#2026x", "password2": "Qingyang#2026x",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert cast["admin"].__class__.objects.get(username="new_inspector").check_password("Qingyang#2026x")


def test_admin_home_and_navigation_offer_only_what_admins_use(cast, facilities, world, login):
    page = login(cast["admin"]).get(reverse("home")).content.decode()
    for name in ("person_list", "alert_list", "staffing_dashboard", "subsidies:batch_list", "inspection_list"):
        assert f'href="{reverse(name)}"' not in page, name
    for name in ("access_record_list", "facility_list", "admin:accounts_user_changelist",
                 "admin:facilities_regionpolicy_changelist", "admin:accounts_secondfactorpolicy_changelist"):
        assert f'href="{reverse(name)}"' in page, name
    detail = login(cast["admin"]).get(reverse("facility_detail", args=[facilities["a"].pk])).content.decode()
    assert reverse("person_list") not in detail
    panel = login(cast["admin"]).get(reverse("staffing_facility_panel", args=[facilities["a"].pk])).content.decode()
    assert reverse("staff_list", args=[facilities["a"].pk]) not in panel


def test_the_admin_site_has_no_personal_records(cast, login):
    """Residents, staff and claims are not registered in /admin/, for superusers either."""
    apps = {model._meta.app_label for model in admin.site._registry}
    assert not apps & {"residents", "staffing", "subsidies"}
    client = login(cast["admin"])
    assert cast["admin"].is_superuser
    index = client.get(reverse("admin:index")).content.decode()
    for app in ("residents", "staffing", "subsidies"):
        assert f"/admin/{app}/" not in index
        assert client.get(f"/admin/{app}/").status_code == 404


def test_a_working_role_is_unaffected_by_the_admin_rules(cast, world, login):
    """A manager still reads their resident, staff and claim: the rules only take from administrators."""
    client = login(cast["manager_a"])
    assert client.get(reverse("person_detail", args=[world["person"].pk])).status_code == 200
    assert client.get(reverse("staff_list", args=[world["employment"].facility_id])).status_code == 200
    assert client.get(reverse("subsidies:batch_detail", args=[world["batch"].pk])).status_code == 200


def test_an_admin_token_sees_no_personal_data_either(cast, world):
    from accounts.tokens import api_token_create

    _token, raw = api_token_create(user=cast["admin"], name="同步")
    client = Client()
    for url in ("/api/people", "/api/staff", "/api/subsidies/batches", "/api/alerts"):
        assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").json()["count"] == 0
    assert client.get(f"/api/people/{world['person'].pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 404


def test_runs_and_batches_exist_but_not_for_the_admin(cast, world, login):
    assert GenerationRun.objects.exists() and ClaimBatch.objects.count() >= 2
    assert login(cast["admin"]).get(reverse("subsidies:generation_create")).status_code == 403


def test_a_second_admin_is_no_different(facilities, world, login):
    other = UserFactory(username="admin2", role=Role.ADMIN, is_staff=True)
    assert login(other).get("/api/people").json()["count"] == 0
