"""The staffing API: scoping, masking, writes through the services, errors and query counts.

The staff: in facility A a carer on sick leave today and a half-time nurse, plus a carer who left
in June; one carer each in B (西峰区), C (庆城县) and Y (云南). The clock stands at 2026-11-23.
"""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client

from staffing.models import ComplianceSnapshot, Employment, Leave, StaffMember
from tests.factories import (
    EmploymentFactory,
    FacilityFactory,
    LeaveFactory,
    StaffFactory,
    make_id_number,
    with_wrong_check,
)
from tests.helpers import count_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock_2026_11_23")]

TODAY = date(2026, 11, 23)
ERROR_SHAPE = {"code", "message", "message_en", "errors"}
XIFENG = {"a_carer", "a_nurse", "b_carer"}


@pytest.fixture
def staff(facilities):
    a_carer = EmploymentFactory(
        facility=facilities["a"], staff=StaffFactory(name="甲护理员"),
        certificate_number="GZ-2024-001", certificate_expires_on=date(2027, 3, 1),
    )
    LeaveFactory(employment=a_carer, kind="sick", starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 30))
    return {
        "a_carer": a_carer,
        "a_nurse": EmploymentFactory(
            facility=facilities["a"], role="nurse", fte=Decimal("0.50"), staff=StaffFactory(name="乙护士")
        ),
        "a_former": EmploymentFactory(facility=facilities["a"], ended_on=date(2026, 6, 30), staff=StaffFactory(name="丙离职")),
        "b_carer": EmploymentFactory(facility=facilities["b"], staff=StaffFactory(name="丁护理员")),
        "c_carer": EmploymentFactory(facility=facilities["c"], staff=StaffFactory(name="戊护理员")),
        "y_carer": EmploymentFactory(facility=facilities["y"], staff=StaffFactory(name="己护理员")),
    }


def _post(client, url, data=None):
    response = client.post(url, data, content_type="application/json")
    return response.status_code, response.json()


def _fields(body) -> list[str]:
    return [error["field"] for error in body["errors"]]


def _keys(staff, body) -> set[str]:
    by_id = {employment.pk: key for key, employment in staff.items()}
    return {by_id[item["id"]] for item in body["items"]}


# --- scoping -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("manager_a", {"a_carer", "a_nurse"}),
        ("manager_b", {"b_carer"}),
        ("inspector", XIFENG),
        ("inspector_city", XIFENG | {"c_carer"}),
        ("inspector_other", {"y_carer"}),
        ("clerk", XIFENG),
        ("admin", set()),  # separation of duties: staff details are personal data
    ],
)
def test_staff_list_shows_exactly_the_employments_in_scope(cast, staff, login, role, expected):
    body = login(cast[role]).get("/api/staff").json()
    assert _keys(staff, body) == expected and body["count"] == len(expected)


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        ("manager_a", "a_carer", "b_carer"),
        ("manager_b", "b_carer", "a_carer"),
        ("inspector", "b_carer", "c_carer"),
        ("inspector_other", "y_carer", "a_carer"),
        ("clerk", "a_former", "y_carer"),
    ],
)
def test_staff_detail_is_404_outside_scope(cast, staff, login, role, visible, hidden):
    client = login(cast[role])
    assert client.get(f"/api/staff/{staff[visible].pk}").status_code == 200
    response = client.get(f"/api/staff/{staff[hidden].pk}")
    assert response.status_code == 404
    assert set(response.json()) == ERROR_SHAPE and response.json()["code"] == "not_found"


def test_unknown_employment_is_404(cast, staff, login):
    assert login(cast["admin"]).get("/api/staff/999999").status_code == 404


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/staff"),
        ("get", "/api/staff/1"),
        ("post", "/api/staff"),
        ("post", "/api/staff/1/end"),
        ("post", "/api/staff/1/leaves"),
        ("get", "/api/compliance"),
    ],
)
def test_anonymous_gets_401_with_the_error_shape(db, method, url):
    response = getattr(Client(), method)(url)
    assert response.status_code == 401
    body = response.json()
    assert set(body) == ERROR_SHAPE and body["code"] == "unauthenticated"


# --- what a row says ---------------------------------------------------------------------


def test_no_full_id_number_in_the_list_or_the_detail(cast, staff, login):
    texts = []
    for who in ("inspector_city", "inspector_other"):  # between them, every facility
        client = login(cast[who])
        texts += [client.get("/api/staff", {"active": active}).content.decode() for active in ("true", "false")]
        texts += [client.get(f"/api/staff/{employment.pk}").content.decode() for employment in staff.values()]
    everything = "".join(texts)
    for employment in staff.values():
        number = employment.staff.id_number
        assert len(number) == 18 and number not in everything
        assert employment.staff.masked_id_number in everything


def test_list_row_describes_the_employment(cast, staff, facilities, login):
    rows = {row["name"]: row for row in login(cast["manager_a"]).get("/api/staff").json()["items"]}
    carer, nurse = rows["甲护理员"], rows["乙护士"]
    number = staff["a_carer"].staff.id_number
    assert carer["masked_id_number"] == number[:4] + "*" * 10 + number[-4:]
    assert (carer["facility_id"], carer["facility_name"]) == (facilities["a"].pk, "西峰区中心敬老院")
    assert (carer["role"], carer["fte"], carer["started_on"], carer["ended_on"]) == ("carer", "1.00", "2024-01-02", None)
    assert (carer["certificate_number"], carer["certificate_expires_on"]) == ("GZ-2024-001", "2027-03-01")
    assert carer["on_leave"] is True
    assert (nurse["role"], nurse["fte"], nurse["on_leave"]) == ("nurse", "0.50", False)


def test_detail_lists_the_leave(cast, staff, login):
    body = login(cast["clerk"]).get(f"/api/staff/{staff['a_carer'].pk}").json()
    assert body["on_leave"] is True
    assert [(leave["kind"], leave["starts_on"], leave["ends_on"]) for leave in body["leaves"]] == [
        ("sick", "2026-11-20", "2026-11-30")
    ]


def test_leave_that_ended_yesterday_is_not_a_current_leave(cast, staff, login):
    Leave.objects.filter(employment=staff["a_carer"]).update(ends_on=TODAY - timedelta(days=1))
    client = login(cast["manager_a"])
    assert {row["name"]: row["on_leave"] for row in client.get("/api/staff").json()["items"]}["甲护理员"] is False
    assert client.get(f"/api/staff/{staff['a_carer'].pk}").json()["on_leave"] is False


# --- filters -----------------------------------------------------------------------------


def test_filters(cast, staff, facilities, login):
    client = login(cast["inspector"])
    assert _keys(staff, client.get("/api/staff", {"facility_id": facilities["b"].pk}).json()) == {"b_carer"}
    assert _keys(staff, client.get("/api/staff", {"role": "nurse"}).json()) == {"a_nurse"}
    assert _keys(staff, client.get("/api/staff", {"active": "false"}).json()) == {"a_former"}
    assert _keys(staff, client.get("/api/staff", {"facility_id": facilities["y"].pk}).json()) == set()


def test_an_employment_ending_today_is_still_active(cast, staff, login):
    Employment.objects.filter(pk=staff["a_nurse"].pk).update(ended_on=TODAY)
    assert "a_nurse" in _keys(staff, login(cast["manager_a"]).get("/api/staff").json())


@pytest.mark.parametrize(
    ("params", "field"),
    [({"role": "janitor"}, "role"), ({"active": "maybe"}, "active"), ({"limit": 201}, "limit"),
     ({"facility_id": 10**20}, "facility_id")],  # too large for the database: a 422, not a 500
)
def test_bad_list_parameters_are_a_422_naming_the_field(cast, staff, login, params, field):
    response = login(cast["inspector"]).get("/api/staff", params)
    assert response.status_code == 422 and _fields(response.json()) == [field]


# --- employing ---------------------------------------------------------------------------


NEW_ID = make_id_number(born=date(1990, 4, 1), male=False, serial=401, region="621002")


def _employ_body(facility, **changes) -> dict:
    body = {
        "facility_id": facility.pk, "name": "新护理员", "id_number": NEW_ID, "role": "carer", "fte": "0.8",
        "started_on": "2026-11-23",
    }
    return {**body, **changes}


def test_manager_employs_and_the_facility_is_recomputed(cast, staff, facilities, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        status, out = _post(login(cast["manager_a"]), "/api/staff", _employ_body(
            facilities["a"], certificate_number="GZ-9", certificate_expires_on="2028-01-01", phone="13800000000",
        ))
    assert status == 201, out
    assert NEW_ID not in str(out) and out["masked_id_number"] == NEW_ID[:4] + "*" * 10 + NEW_ID[-4:]
    assert (out["fte"], out["on_leave"], out["leaves"], out["certificate_number"]) == ("0.80", False, [], "GZ-9")
    employment = Employment.objects.get(pk=out["id"])
    assert employment.history.get().history_user == cast["manager_a"]
    assert ComplianceSnapshot.objects.filter(facility=facilities["a"], day=TODAY).exists()


def test_the_same_person_is_employed_in_a_second_facility(cast, staff, facilities, login):
    manager = cast["manager_b"]
    existing = staff["a_carer"].staff
    body = _employ_body(facilities["b"], name=existing.name, id_number=existing.id_number)
    status, out = _post(login(manager), "/api/staff", body)
    assert status == 201, out
    assert out["staff_id"] == existing.pk and StaffMember.objects.count() == 6


@pytest.mark.parametrize(
    ("role", "facility", "expected"),
    [
        ("manager_b", "a", 404),  # facility A is out of manager B's scope
        ("inspector_other", "a", 404),
        ("clerk", "a", 403),
        ("inspector", "a", 403),
        ("inspector_city", "c", 403),
    ],
)
def test_employing_is_refused_for_the_wrong_role(cast, staff, facilities, login, role, facility, expected):
    status, body = _post(login(cast[role]), "/api/staff", _employ_body(facilities[facility]))
    assert status == expected and set(body) == ERROR_SHAPE
    assert Employment.objects.count() == 6 and not StaffMember.objects.filter(id_number=NEW_ID).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id_number": with_wrong_check(NEW_ID)}, "id_number"),
        ({"id_number": "12345"}, "id_number"),
        ({"fte": "1.5"}, "fte"),
        ({"fte": "0.05"}, "fte"),
        ({"fte": "0.333"}, "fte"),
        ({"role": "janitor"}, "role"),
        ({"name": ""}, "name"),
        ({"started_on": "2027-02-01"}, "started_on"),
        ({"started_on": "2026-02-30"}, "started_on"),
        ({"facility_id": None}, "facility_id"),
        ({"facility_id": 10**20}, "facility_id"),
    ],
)
def test_employing_errors_name_the_field(cast, staff, facilities, login, changes, field):
    body = {key: value for key, value in _employ_body(facilities["a"], **changes).items() if value is not None}
    status, out = _post(login(cast["manager_a"]), "/api/staff", body)
    assert status == 422, out
    assert out["code"] == "invalid" and _fields(out) == [field]
    assert Employment.objects.count() == 6 and StaffMember.objects.count() == 6


def test_a_name_that_does_not_match_the_id_number_is_refused(cast, staff, facilities, login):
    existing = staff["b_carer"].staff
    status, out = _post(login(cast["manager_a"]), "/api/staff", _employ_body(facilities["a"], id_number=existing.id_number))
    assert status == 422 and _fields(out) == ["name"]
    assert existing.id_number not in str(out)
    assert Employment.objects.count() == 6


def test_a_second_open_employment_in_the_same_role_is_refused(cast, staff, facilities, login):
    existing = staff["a_carer"].staff
    body = _employ_body(facilities["a"], name=existing.name, id_number=existing.id_number)
    status, out = _post(login(cast["manager_a"]), "/api/staff", body)
    assert status == 422 and _fields(out) == ["role"]
    assert Employment.objects.count() == 6


# --- ending an employment ----------------------------------------------------------------


def test_manager_ends_an_employment(cast, staff, login, django_capture_on_commit_callbacks):
    nurse = staff["a_nurse"]
    with django_capture_on_commit_callbacks(execute=True):
        status, out = _post(login(cast["manager_a"]), f"/api/staff/{nurse.pk}/end", {"ended_on": "2026-11-23"})
    assert status == 200, out
    assert (out["id"], out["ended_on"], out["name"]) == (nurse.pk, "2026-11-23", "乙护士")
    nurse.refresh_from_db()
    assert nurse.ended_on == TODAY and nurse.history.first().history_user == cast["manager_a"]


@pytest.mark.parametrize(
    ("role", "expected"), [("manager_b", 404), ("inspector_other", 404), ("clerk", 403), ("inspector", 403), ("admin", 404)]
)
def test_ending_is_refused_for_the_wrong_role(cast, staff, login, role, expected):
    nurse = staff["a_nurse"]
    status, _body = _post(login(cast[role]), f"/api/staff/{nurse.pk}/end", {"ended_on": "2026-11-23"})
    assert status == expected
    nurse.refresh_from_db()
    assert nurse.ended_on == (TODAY if expected == 200 else None)


@pytest.mark.parametrize(
    ("key", "body"),
    [
        ("a_nurse", {"ended_on": "2023-12-31"}),  # before the start
        ("a_former", {"ended_on": "2026-11-23"}),  # already ended
        ("a_nurse", {}),
        ("a_nurse", {"ended_on": "yesterday"}),
    ],
)
def test_ending_errors_name_the_field(cast, staff, login, key, body):
    employment = staff[key]
    status, out = _post(login(cast["manager_a"]), f"/api/staff/{employment.pk}/end", body)
    assert status == 422 and _fields(out) == ["ended_on"]
    assert Employment.objects.get(pk=employment.pk).ended_on == employment.ended_on


# --- leave -------------------------------------------------------------------------------


def test_manager_records_leave(cast, staff, login, django_capture_on_commit_callbacks):
    nurse = staff["a_nurse"]
    client = login(cast["manager_a"])
    with django_capture_on_commit_callbacks(execute=True):
        status, out = _post(
            client, f"/api/staff/{nurse.pk}/leaves", {"kind": "annual", "starts_on": "2026-11-23", "ends_on": "2026-11-25"}
        )
    assert status == 201, out
    assert (out["employment_id"], out["kind"]) == (nurse.pk, "annual")
    assert (out["starts_on"], out["ends_on"]) == ("2026-11-23", "2026-11-25")
    assert Leave.objects.get(pk=out["id"]).history.get().history_user == cast["manager_a"]
    assert client.get(f"/api/staff/{nurse.pk}").json()["on_leave"] is True


@pytest.mark.parametrize(
    ("role", "expected"), [("manager_b", 404), ("inspector_other", 404), ("clerk", 403), ("inspector", 403)]
)
def test_leave_is_refused_for_the_wrong_role(cast, staff, login, role, expected):
    nurse = staff["a_nurse"]
    body = {"kind": "annual", "starts_on": "2026-12-01", "ends_on": "2026-12-03"}
    status, _body = _post(login(cast[role]), f"/api/staff/{nurse.pk}/leaves", body)
    assert status == expected
    assert Leave.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "annual", "starts_on": "2026-12-05", "ends_on": "2026-12-01"}, "ends_on"),
        ({"kind": "annual", "starts_on": "2026-11-25", "ends_on": "2026-12-03"}, "starts_on"),  # overlaps the sick leave
        ({"kind": "sabbatical", "starts_on": "2026-12-01", "ends_on": "2026-12-03"}, "kind"),
        ({"kind": "annual", "ends_on": "2026-12-03"}, "starts_on"),
    ],
)
def test_leave_errors_name_the_field(cast, staff, login, body, field):
    status, out = _post(login(cast["manager_a"]), f"/api/staff/{staff['a_carer'].pk}/leaves", body)
    assert status == 422 and _fields(out) == [field]
    assert Leave.objects.count() == 1


# --- compliance --------------------------------------------------------------------------


def _snapshot(facility, day=TODAY, *, status="compliant", actual="5.50", gap="0", required=5, **counts):
    census = {"full": 3, "partial": 6, "self_care": 10, "orphans": 0, "unassessed": 1, **counts}
    return ComplianceSnapshot.objects.create(
        facility=facility, day=day, status=status, required=required, actual=Decimal(actual), gap=Decimal(gap), **census
    )


@pytest.fixture
def snapshots(facilities):
    made = {}
    for key, facility in facilities.items():
        made[key] = _snapshot(facility)
        _snapshot(facility, TODAY - timedelta(days=1))
    made["a"].status, made["a"].actual, made["a"].gap = "below", Decimal("3.50"), Decimal("1.50")
    made["a"].save()
    return made


def _facility_keys(facilities, body) -> list[str]:
    by_id = {facility.pk: key for key, facility in facilities.items()}
    return [by_id[item["facility_id"]] for item in body["items"]]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("manager_a", {"a"}),
        ("manager_b", {"b"}),
        ("inspector", {"a", "b"}),
        ("inspector_city", {"a", "b", "c"}),
        ("inspector_other", {"y"}),
        ("clerk", {"a", "b"}),
        ("admin", {"a", "b", "c", "y"}),
    ],
)
def test_compliance_shows_exactly_the_facilities_in_scope(cast, snapshots, facilities, login, role, expected):
    body = login(cast[role]).get("/api/compliance").json()
    assert set(_facility_keys(facilities, body)) == expected and body["count"] == len(expected)
    assert {item["day"] for item in body["items"]} == {"2026-11-23"}


def test_compliance_row_describes_the_day(cast, snapshots, facilities, login):
    row = login(cast["manager_a"]).get("/api/compliance").json()["items"][0]
    assert (row["facility_id"], row["facility_name"]) == (facilities["a"].pk, "西峰区中心敬老院")
    assert (row["region_code"], row["region_name"]) == ("621002100", "甘肃省庆阳市西峰区肖金镇")
    assert (row["full"], row["partial"], row["self_care"], row["orphans"], row["unassessed"]) == (3, 6, 10, 0, 1)
    assert (row["required"], row["actual"], row["gap"], row["status"]) == (5, "3.50", "1.50", "below")


def test_compliance_filters(cast, snapshots, facilities, login):
    client = login(cast["admin"])

    def keys(**params):
        response = client.get("/api/compliance", params)
        assert response.status_code == 200, response.content
        return _facility_keys(facilities, response.json())

    assert keys(region="621021") == ["c"]
    assert sorted(keys(region="620000")) == ["a", "b", "c"]
    assert keys(region="621002101") == ["b"]
    assert keys(status="below") == ["a"]
    assert keys(facility_id=facilities["y"].pk, date_from="2026-11-22") == ["y", "y"]
    assert keys(date_from="2026-11-01", date_to="2026-11-21") == []


def test_compliance_over_a_range_lists_the_newest_day_first(cast, snapshots, login):
    body = login(cast["manager_b"]).get("/api/compliance", {"date_from": "2026-11-22", "date_to": "2026-11-23"}).json()
    assert [item["day"] for item in body["items"]] == ["2026-11-23", "2026-11-22"]


def test_a_range_of_366_days_is_allowed(cast, snapshots, login):
    response = login(cast["inspector"]).get("/api/compliance", {"date_from": "2025-11-23", "date_to": "2026-11-23"})
    assert response.status_code == 200 and response.json()["count"] == 4


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2025-11-22", "date_to": "2026-11-23"}, "date_to"),  # 367 days
        ({"date_from": "2020-01-01"}, "date_to"),  # up to today
        ({"date_from": "2026-11-24", "date_to": "2026-11-23"}, "date_from"),
        ({"date_to": "2026-13-01"}, "date_to"),
        ({"status": "fine"}, "status"),
        ({"region": "62"}, "region"),
        ({"region": "001234"}, "region"),
        ({"facility_id": 10**20}, "facility_id"),
        ({"limit": 201}, "limit"),
    ],
)
def test_bad_compliance_parameters_are_a_422_naming_the_field(cast, snapshots, login, params, field):
    response = login(cast["inspector"]).get("/api/compliance", params)
    assert response.status_code == 422, response.content
    body = response.json()
    assert set(body) == ERROR_SHAPE and _fields(body) == [field]


# --- query counts ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager_a", "inspector"])
def test_staff_list_query_count_does_not_grow_with_rows(cast, staff, facilities, login, role):
    client = login(cast[role])
    # session, user, count, one page of employments (scope, staff, facility and today's leave are
    # joins and an EXISTS of that one statement)
    few = count_queries(client, "/api/staff")
    for n in range(40):
        employment = EmploymentFactory(facility=facilities["a"], role="nurse" if n % 2 else "carer")
        if n % 3 == 0:
            LeaveFactory(employment=employment, starts_on=TODAY, ends_on=TODAY)
    assert count_queries(client, "/api/staff") == few == 4
    assert client.get("/api/staff").json()["count"] == (42 if role == "manager_a" else 43)


def test_staff_detail_query_count(cast, staff, login):
    # session, user, employment with staff and facility, its leaves
    assert count_queries(login(cast["manager_a"]), f"/api/staff/{staff['a_carer'].pk}") == 4


@pytest.mark.parametrize("role", ["manager_a", "inspector_city"])
def test_compliance_query_count_does_not_grow_with_rows(cast, snapshots, facilities, regions, login, role):
    client = login(cast[role])
    params = {"date_from": "2026-09-01", "date_to": "2026-11-23"}
    # session, user, count, one page of snapshots joined with facility and region
    few = count_queries(client, "/api/compliance", params)
    for n in range(2, 40):
        _snapshot(facilities["a"], TODAY - timedelta(days=n))
    for _ in range(10):
        _snapshot(FacilityFactory(region=regions["621021"]))
    assert count_queries(client, "/api/compliance", params) == few == 4
    assert client.get("/api/compliance", params).json()["count"] == (40 if role == "manager_a" else 6 + 38 + 10)


def test_openapi_lists_the_staffing_paths(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/staff", "/api/staff/{employment_id}", "/api/staff/{employment_id}/end",
            "/api/staff/{employment_id}/leaves", "/api/compliance"} <= set(paths)
