"""Several alerts acknowledged with one note, all or none; a carer counted in two facilities is one alert
to a reader who sees both, and one acknowledgement covers both."""
import pytest
from django.db.models import Q
from django.urls import reverse

from facilities.alerts.services import AlertSpec, alerts_sync
from facilities.models import Alert, AlertKind, Severity
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def _alerts(facility, n, *, start=0):
    kind = AlertKind.ASSESSMENT_MISSING
    alerts_sync(kinds=[kind], scope=Q(pk__in=[]), wanted=[
        AlertSpec(kind=kind, region_id=facility.region_id, facility_id=facility.pk, subject=f"person:{i}",
                  subject_label=f"人员{i}", message=f"说明{i}")
        for i in range(start, start + n)
    ])
    return list(Alert.objects.filter(facility=facility, subject__in=[f"person:{i}" for i in range(start, start + n)]).order_by("pk"))


def _counted_twice(*facilities, staff=7):
    names = "、".join(f.name for f in facilities)
    kind = AlertKind.STAFF_DOUBLE_COUNTED
    alerts_sync(kinds=[kind], scope=Q(pk__in=[]), wanted=[
        AlertSpec(kind=kind, severity=Severity.CRITICAL, region_id=f.region_id, facility_id=f.pk, subject=f"staff:{staff}",
                  subject_label="王护理", message=f"王护理 同一天在 {names} 合计计入 2.0 个全职岗位，超过 1.0")
        for f in facilities
    ])
    return list(Alert.objects.filter(kind=kind, subject=f"staff:{staff}").order_by("pk"))


def _post(client, ids, note="已电话核实，机构已整改", **extra):
    return client.post(reverse("alert_acknowledge_many"), {"alerts": [str(i) for i in ids], "note": note, **extra}, follow=True)


def test_an_inspector_acknowledges_several_alerts_with_one_note_and_history(cast, facilities, login):
    first, second, third = _alerts(facilities["a"], 3)
    page = _post(login(cast["inspector"]), [first.pk, second.pk], next=reverse("alert_list") + "?kind=assessment_missing")
    assert page.redirect_chain[-1][0].endswith("?kind=assessment_missing")
    assert "已确认 2 条预警" in page.content.decode()
    for alert in (first, second):
        alert.refresh_from_db()
        assert (alert.acknowledged_by, alert.acknowledgement_note) == (cast["inspector"], "已电话核实，机构已整改")
        assert alert.history.first().history_user == cast["inspector"]
    third.refresh_from_db()
    assert third.acknowledged_at is None


def test_an_earlier_acknowledgement_keeps_its_note(cast, facilities, login):
    first, second = _alerts(facilities["a"], 2)
    client = login(cast["inspector"])
    _post(client, [first.pk], note="第一次")
    page = _post(client, [first.pk, second.pk], note="第二次")
    assert "已确认 1 条预警；1 条此前已确认，保留原说明" in page.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.acknowledgement_note, second.acknowledgement_note) == ("第一次", "第二次")


@pytest.mark.parametrize("ids, note, error", [
    ("none", "说明", "请至少选择一条预警"),
    ("mine", "  ", "请填写确认说明"),
    ("outside", "说明", "所选预警有的不存在或不在您的范围内"),
    ("missing", "说明", "所选预警有的不存在或不在您的范围内"),
    ("text", "说明", "选择一个有效的选项"),
])
def test_a_refused_request_changes_nothing_and_says_why(cast, facilities, login, ids, note, error):
    mine = _alerts(facilities["a"], 1)[0]
    yunnan = _alerts(facilities["y"], 1, start=10)[0]
    chosen = {"none": [], "mine": [mine.pk], "outside": [mine.pk, yunnan.pk], "missing": [mine.pk, 99999], "text": ["1; DROP"]}[ids]
    page = _post(login(cast["inspector"]), chosen, note=note)
    assert error in page.content.decode()
    assert not Alert.objects.filter(acknowledged_at__isnull=False).exists()


@pytest.mark.parametrize("who", ["manager_a", "clerk", "admin"])
def test_only_inspectors_acknowledge(cast, facilities, login, who):
    mine = _alerts(facilities["a"], 1)[0]
    response = login(cast[who]).post(reverse("alert_acknowledge_many"), {"alerts": [mine.pk], "note": "说明"})
    assert response.status_code == 403
    assert not Alert.objects.filter(acknowledged_at__isnull=False).exists()
    page = login(cast[who]).get(reverse("alert_list")).content.decode()
    assert 'id="bulk-acknowledge"' not in page


def test_the_list_offers_boxes_to_inspectors_only_for_open_unacknowledged_alerts(cast, facilities, login):
    first, second = _alerts(facilities["a"], 2)
    _post(login(cast["inspector"]), [first.pk])
    page = login(cast["inspector"]).get(reverse("alert_list")).content.decode()
    assert f'value="{second.pk}" form="bulk-acknowledge"' in page
    assert f'value="{first.pk}" form="bulk-acknowledge"' not in page


def test_the_list_with_boxes_keeps_a_fixed_number_of_queries(cast, facilities, login):
    client = login(cast["inspector"])
    _alerts(facilities["a"], 2)
    _counted_twice(facilities["a"], facilities["b"])
    few = count_queries(client, reverse("alert_list"))
    _alerts(facilities["a"], 30, start=100)
    _counted_twice(facilities["a"], facilities["b"], staff=8)
    assert count_queries(client, reverse("alert_list")) == few


def test_a_carer_counted_twice_is_one_alert_naming_both_facilities(cast, facilities, login):
    a_alert, b_alert = _counted_twice(facilities["a"], facilities["b"])
    client = login(cast["inspector"])
    page = client.get(reverse("alert_list")).content.decode()
    assert page.count("王护理 同一天在") == 1
    assert facilities["a"].name in page and facilities["b"].name in page
    assert client.get("/api/alerts").json()["count"] == 1
    # each facility's manager still sees their own
    for manager, alert in (("manager_a", a_alert), ("manager_b", b_alert)):
        items = login(cast[manager]).get("/api/alerts").json()["items"]
        assert [item["id"] for item in items] == [alert.pk]
    _post(login(cast["inspector"]), [a_alert.pk])
    for alert in (a_alert, b_alert):
        alert.refresh_from_db()
        assert alert.acknowledgement_note == "已电话核实，机构已整改"


def test_a_carer_counted_in_two_counties_stays_in_each_countys_list(cast, facilities, login):
    a_alert, c_alert = _counted_twice(facilities["a"], facilities["c"])
    assert [i["id"] for i in login(cast["inspector"]).get("/api/alerts").json()["items"]] == [a_alert.pk]
    assert [i["id"] for i in login(cast["inspector_city"]).get("/api/alerts").json()["items"]] == [a_alert.pk]
    _post(login(cast["inspector"]), [a_alert.pk])
    c_alert.refresh_from_db()
    assert c_alert.acknowledged_at is None  # 庆城县's own, outside 西峰区's inspector's scope


def test_the_api_acknowledges_several(cast, facilities, login):
    first, second = _alerts(facilities["a"], 2)
    client = login(cast["inspector"])
    response = client.post("/api/alerts/acknowledge", {"alert_ids": [first.pk, second.pk], "note": "说明"}, content_type="application/json")
    assert response.json() == {"acknowledged": 2, "skipped": 0}
    yunnan = _alerts(facilities["y"], 1, start=10)[0]
    refused = client.post("/api/alerts/acknowledge", {"alert_ids": [yunnan.pk], "note": "说明"}, content_type="application/json")
    assert refused.status_code == 422
    assert "alerts" in str(refused.json()["errors"])
    manager = login(cast["manager_a"]).post("/api/alerts/acknowledge", {"alert_ids": [first.pk], "note": "说明"}, content_type="application/json")
    assert manager.status_code == 403
    empty = login(cast["inspector"]).post("/api/alerts/acknowledge", {"alert_ids": [], "note": "说明"}, content_type="application/json")
    assert empty.status_code == 422


@pytest.mark.parametrize("alert_id", [0, -1, 91728246641611309056])
def test_an_id_out_of_range_is_a_422_not_a_server_error(cast, facilities, login, alert_id):
    """Found by the API fuzzer: an id past the database's integers overflowed before it was refused."""
    response = login(cast["inspector"]).post("/api/alerts/acknowledge", {"alert_ids": [alert_id], "note": "说明"},
                                             content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"].startswith("alert_ids")
