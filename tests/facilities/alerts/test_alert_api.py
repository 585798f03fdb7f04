"""The alerts API: scoping, filters, ordering, acknowledgement by the region's inspectors, query counts.

The alerts: facility A is below its staffing ratio (critical) and was once over capacity (resolved);
B has no staffing data; a person at home in 肖金镇 is overdue a visit (a region alert, no
facility); C (庆城县) and Y (云南) are each below ratio.
"""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from facilities.models import Alert, AlertKind, Severity
from residents.scans import scan_assessments
from tests.factories import StayFactory, UserFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

ERROR_SHAPE = {"code", "message", "message_en", "errors"}
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


def _alert(kind, *, facility=None, region=None, severity=Severity.WARNING, subject="", resolved=False, **fields) -> Alert:
    region_id = region or facility.region_id
    place = f"f{facility.pk}" if facility else f"r{region_id}"
    return Alert.objects.create(
        key=f"{kind}|{place}|{subject}", kind=kind, severity=severity, region_id=region_id, facility=facility,
        subject=subject, message=f"{kind} 测试", resolved_at=timezone.now() if resolved else None, **fields,
    )


@pytest.fixture
def alerts(facilities):
    return {
        "a_below": _alert(AlertKind.STAFFING_BELOW, facility=facilities["a"], severity=Severity.CRITICAL),
        "a_capacity": _alert(AlertKind.OVER_CAPACITY, facility=facilities["a"], severity=Severity.CRITICAL, resolved=True),
        "b_no_data": _alert(AlertKind.STAFFING_NO_DATA, facility=facilities["b"]),
        "visit": _alert(AlertKind.VISIT_OVERDUE, region="621002100", subject="person:1", subject_label="陈大卫"),
        "c_below": _alert(AlertKind.STAFFING_BELOW, facility=facilities["c"]),
        "y_below": _alert(AlertKind.STAFFING_BELOW, facility=facilities["y"], severity=Severity.CRITICAL),
    }


def _keys(alerts, body) -> list[str]:
    by_id = {alert.pk: key for key, alert in alerts.items()}
    return [by_id[item["id"]] for item in body["items"]]


def _listed(client, alerts, **params) -> list[str]:
    response = client.get("/api/alerts", params)
    assert response.status_code == 200, response.content
    return _keys(alerts, response.json())


def _acknowledge(client, alert, body):
    response = client.post(f"/api/alerts/{alert.pk}/acknowledge", body, content_type="application/json")
    return response.status_code, response.json()


def _fields(body) -> list[str]:
    return [error["field"] for error in body["errors"]]


# --- scoping -----------------------------------------------------------------------------

XIFENG = {"a_below", "b_no_data", "visit"}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("manager_a", {"a_below"}),  # the region alert about a person at home is not a facility's
        ("manager_b", {"b_no_data"}),
        ("inspector", XIFENG),
        ("inspector_city", XIFENG | {"c_below"}),
        ("inspector_other", {"y_below"}),
        ("clerk", XIFENG),
        ("admin", set()),  # separation of duties: many alerts name a person
    ],
)
def test_list_shows_exactly_the_open_alerts_in_scope(cast, alerts, login, role, expected):
    body = login(cast[role]).get("/api/alerts").json()
    assert set(_keys(alerts, body)) == expected and body["count"] == len(expected)


@pytest.mark.parametrize(("method", "url"), [("get", "/api/alerts"), ("post", "/api/alerts/1/acknowledge")])
def test_anonymous_gets_401_with_the_error_shape(db, method, url):
    response = getattr(Client(), method)(url)
    assert response.status_code == 401
    body = response.json()
    assert set(body) == ERROR_SHAPE and body["code"] == "unauthenticated"


# --- filters and order -------------------------------------------------------------------


def test_state_filter(cast, alerts, login):
    client = login(cast["manager_a"])
    assert _listed(client, alerts, state="resolved") == ["a_capacity"]
    assert _listed(client, alerts, state="all") == ["a_below", "a_capacity"]  # open first


def test_filters(cast, alerts, facilities, login):
    client = login(UserFactory(username="inspector_gansu", role=Role.INSPECTOR, region_code="620000"))
    assert set(_listed(client, alerts, kind="staffing_below")) == {"a_below", "c_below"}
    assert _listed(client, alerts, facility_id=facilities["b"].pk) == ["b_no_data"]
    assert set(_listed(client, alerts, region="620000")) == XIFENG | {"c_below"}
    assert set(_listed(client, alerts, region="621002100")) == {"a_below", "visit"}
    assert _listed(client, alerts, region="530102") == []  # outside the scope, whatever the filter
    client = login(cast["inspector_other"])
    assert _listed(client, alerts, region="530102") == ["y_below"]
    assert _listed(client, alerts, facility_id=facilities["y"].pk, kind="over_capacity", state="all") == []


def test_a_filter_cannot_widen_the_scope(cast, alerts, facilities, login):
    client = login(cast["inspector_other"])
    assert _listed(client, alerts, region="620000") == []
    assert _listed(client, alerts, facility_id=facilities["a"].pk, state="all") == []


def test_critical_alerts_come_first(cast, alerts, login):
    order = _listed(login(cast["inspector"]), alerts)
    assert order[0] == "a_below" and set(order[1:]) == {"b_no_data", "visit"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "closed"}, "state"),
        ({"kind": "fire"}, "kind"),
        ({"region": "6210"}, "region"),
        ({"region": "001234"}, "region"),  # no province 00: a 422, not a 500
        ({"facility_id": "A"}, "facility_id"),
        ({"facility_id": 10**20}, "facility_id"),  # too large for the database: a 422, not a 500
        ({"limit": 201}, "limit"),
    ],
)
def test_bad_parameters_are_a_422_naming_the_field(cast, alerts, login, params, field):
    response = login(cast["inspector"]).get("/api/alerts", params)
    assert response.status_code == 422, response.content
    body = response.json()
    assert set(body) == ERROR_SHAPE and _fields(body) == [field]


def test_row_describes_the_alert(cast, alerts, facilities, login):
    row = login(cast["inspector"]).get("/api/alerts").json()["items"][0]
    assert (row["kind"], row["kind_display"], row["severity"]) == ("staffing_below", "护理人员配比不达标", "critical")
    assert (row["region_code"], row["region_name"]) == ("621002100", "甘肃省庆阳市西峰区肖金镇")
    assert (row["facility_id"], row["facility_name"]) == (facilities["a"].pk, "西峰区中心敬老院")
    assert row["resolved_at"] is None and row["acknowledged_at"] is None and row["acknowledged_by_name"] is None
    assert row["can_acknowledge"] is True


def test_region_alert_has_no_facility(cast, alerts, login):
    rows = login(cast["inspector"]).get("/api/alerts", {"kind": "visit_overdue"}).json()["items"]
    assert [(row["facility_id"], row["facility_name"], row["subject_label"]) for row in rows] == [(None, None, "陈大卫")]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("inspector", True), ("inspector_city", True), ("clerk", False), ("manager_a", False)],
)
def test_rows_say_whether_the_user_may_acknowledge(cast, alerts, login, role, expected):
    rows = login(cast[role]).get("/api/alerts").json()["items"]
    assert rows and {row["can_acknowledge"] for row in rows} == {expected}


def test_no_id_number_in_alerts_about_people(cast, facilities, login):
    stay = StayFactory(facility=facilities["a"])
    scan_assessments(today=date(2026, 11, 23))
    response = login(cast["manager_a"]).get("/api/alerts")
    assert [row["subject_label"] for row in response.json()["items"]] == [stay.person.name]
    assert stay.person.id_number not in response.content.decode()


# --- acknowledgement ---------------------------------------------------------------------


def test_inspector_acknowledges_with_a_note(cast, alerts, login):
    alert = alerts["a_below"]
    status, out = _acknowledge(login(cast["inspector"]), alert, {"note": "  已约谈机构负责人，限期两周补足  "})
    assert status == 200, out
    assert out["acknowledgement_note"] == "已约谈机构负责人，限期两周补足"
    assert out["acknowledged_by_name"] == cast["inspector"].full_name
    assert out["acknowledged_at"] is not None and out["resolved_at"] is None
    alert.refresh_from_db()
    assert alert.acknowledged_by == cast["inspector"] and alert.acknowledged_at == NOW
    assert alert.history.first().history_user == cast["inspector"]


def test_city_inspector_acknowledges_in_any_county_of_the_city(cast, alerts, login):
    status, out = _acknowledge(login(cast["inspector_city"]), alerts["c_below"], {"note": "已核实"})
    assert status == 200, out


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("manager_a", 403),  # sees the alert, may not acknowledge it
        ("clerk", 403),
        ("admin", 404),  # administrators manage users and see no alerts
        ("manager_b", 404),
        ("inspector_other", 404),
    ],
)
def test_acknowledgement_is_refused_for_the_wrong_role(cast, alerts, login, role, expected):
    alert = alerts["a_below"]
    status, body = _acknowledge(login(cast[role]), alert, {"note": "已处理"})
    assert status == expected and set(body) == ERROR_SHAPE
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.acknowledged_at, alert.acknowledgement_note) == (None, None, "")


def test_unknown_alert_is_404(cast, alerts, login):
    status, body = _acknowledge(login(cast["inspector"]), Alert(pk=999999), {"note": "已处理"})
    assert status == 404 and body["code"] == "not_found"


@pytest.mark.parametrize("body", [{"note": ""}, {"note": "   "}, {}, {"note": "长" * 301}, {"note": None}])
def test_acknowledgement_needs_a_note(cast, alerts, login, body):
    alert = alerts["a_below"]
    status, out = _acknowledge(login(cast["inspector"]), alert, body)
    assert status == 422, out
    assert out["code"] == "invalid" and _fields(out) == ["note"]
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


# --- query counts ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager_a", "inspector"])
def test_list_query_count_does_not_grow_with_rows(cast, alerts, facilities, login, role):
    client = login(cast[role])
    params = {"state": "all"}
    # session, user, count, one page of alerts joined with region, facility and the acknowledging
    # user
    few = count_queries(client, "/api/alerts", params)
    for n in range(40):
        _alert(
            AlertKind.ASSESSMENT_MISSING, facility=facilities["a"], subject=f"person:{n}", subject_label=f"居民{n}",
            resolved=n % 4 == 0, acknowledged_by=cast["inspector"] if n % 2 else None,
            acknowledged_at=timezone.now() if n % 2 else None,
        )
    assert count_queries(client, "/api/alerts", params) == few == 4
    assert client.get("/api/alerts", params).json()["count"] == (42 if role == "manager_a" else 44)


def test_openapi_lists_the_alert_paths(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/alerts", "/api/alerts/{alert_id}/acknowledge"} <= set(paths)
