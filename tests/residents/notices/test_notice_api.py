"""The public-notice API: list, make, read; objections only during the notice period; scoping."""
from datetime import date

import pytest

from residents.models import Notice, NoticeObjection
from residents.notices import services as notices
from tests.factories import PersonFactory, SupportStatusFactory
from tests.helpers import count_queries, frozen, make_notice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
ERROR_SHAPE = {"code", "message", "message_en", "errors"}


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def _body(**overrides):
    return {"township_code": "621002100", "period_start": "2026-10-01", "period_end": "2026-10-31",
            "posted_on": "2026-11-16", "contact": "肖金镇民政办 0934-8888888", **overrides}


def test_an_inspector_makes_a_notice_without_minors(cast, login, changes):
    response = _post(login(cast["inspector"]), "/api/notices", _body())
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["township_code"], body["ends_on"], body["minors_withheld"]) == ("621002100", "2026-11-22", 1)
    assert [(e["name"], e["change"]) for e in body["entries"]] == [
        ("赵德明", "confirmed"), ("周成年", "confirmed"), ("钱凤珍", "terminated")]
    assert all("*" in e["masked_id_number"] for e in body["entries"])
    assert "孙小宝" not in response.content.decode()


def test_managers_cannot_make_or_read_notices(cast, login, changes):
    client = login(cast["manager_a"])
    assert _post(client, "/api/notices", _body()).status_code == 403
    notice = make_notice(cast["inspector"], changes)
    assert client.get(f"/api/notices/{notice.pk}").status_code == 404
    assert client.get("/api/notices").json()["count"] == 0


def test_another_provinces_inspector_gets_403_for_making_and_404_for_reading(cast, login, changes):
    client = login(cast["inspector_other"])
    assert _post(client, "/api/notices", _body()).status_code == 403
    notice = make_notice(cast["inspector"], changes)
    assert client.get(f"/api/notices/{notice.pk}").status_code == 404
    assert client.get(f"/api/notices/{notice.pk}/objections").status_code == 404
    assert _post(client, f"/api/notices/{notice.pk}/objections",
                 {"objector": "x", "received_on": "2026-11-16", "content": "x"}).status_code == 404
    assert not Notice.objects.exclude(pk=notice.pk).exists()


def test_a_city_code_or_unknown_code_is_a_field_error_and_a_county_makes_the_county_notice(cast, login, changes):
    client = login(cast["inspector_city"])
    city = _post(client, "/api/notices", _body(township_code="621000")).json()
    assert city["errors"][0]["field"] == "township"
    client = login(cast["inspector"])
    county = _post(client, "/api/notices", _body(township_code="621002"))
    assert county.status_code == 201 and county.json()["entries"] == []
    unknown = _post(client, "/api/notices", _body(township_code="621002999")).json()
    assert set(unknown) == ERROR_SHAPE and unknown["errors"][0]["field"] == "township_code"


def test_objections_through_the_api_within_the_period_only(cast, login, changes):
    notice = make_notice(cast["inspector"], changes, posted_on=date(2026, 11, 12))
    entry = notice.entries.get(name="赵德明")
    client = login(cast["clerk"])
    url = f"/api/notices/{notice.pk}/objections"
    created = _post(client, url, {"entry_id": entry.pk, "objector": "村民", "objector_contact": "139",
                                  "received_on": "2026-11-16", "content": "有赡养人"})
    assert created.status_code == 201, created.content
    assert created.json()["entry_name"] == "赵德明"
    foreign = _post(client, url, {"entry_id": 10**9, "objector": "村民", "received_on": "2026-11-16", "content": "x"})
    assert foreign.status_code == 422 and foreign.json()["errors"][0]["field"] == "entry_id"
    with frozen(date(2026, 11, 19)):
        late = _post(login(cast["clerk"]), url, {"objector": "村民", "received_on": "2026-11-18", "content": "迟到"})
    assert late.status_code == 422
    assert late.json()["errors"][0]["message"] == \
        "公示期已于 2026-11-18 结束，不能再登记异议（公示期为 2026-11-12 至 2026-11-18）"
    assert NoticeObjection.objects.count() == 1

    objection_id = created.json()["id"]
    handled = _post(client, f"{url}/{objection_id}/result", {"result": "核实后维持认定", "handled_on": "2026-11-16"})
    assert handled.status_code == 200 and handled.json()["handled_by"]
    history = client.get(f"{url}/{objection_id}/history").json()
    assert [h["reason"] for h in history] == ["登记处理结果", "登记异议"]
    assert client.get(url).json()["count"] == 1


def test_notice_list_query_count_does_not_grow(cast, login, changes, regions):
    client = login(cast["inspector"])

    make_notice(cast["inspector"], changes)
    few = count_queries(client, "/api/notices")
    for month in range(1, 9):
        person = PersonFactory(residence_region=regions["621002101"], born=date(1950, 1, 1))
        SupportStatusFactory(person=person, confirmed_on=date(2026, month, 3))
        notice = notices.notice_create(by=cast["inspector"], township=regions["621002101"],
                                       period_start=date(2026, month, 1), period_end=date(2026, month, 28),
                                       posted_on=date(2026, 11, 16), contact="董志镇 0934")
        notices.notice_objection_record(by=cast["inspector"], notice=notice, objector="某", received_on=date(2026, 11, 16),
                                        content="异议")
    many = count_queries(client, "/api/notices")
    # session, user, count, page of notices with township, maker and counts
    assert few == many == 4


def test_objection_list_query_count_does_not_grow(cast, login, changes):
    notice = make_notice(cast["inspector"], changes)
    client = login(cast["clerk"])
    url = f"/api/notices/{notice.pk}/objections"

    notices.notice_objection_record(by=cast["inspector"], notice=notice, objector="某", received_on=date(2026, 11, 16),
                                    content="异议")
    few = count_queries(client, url)
    for n in range(10):
        objection = notices.notice_objection_record(by=cast["inspector"], notice=notice, objector=f"某{n}",
                                                    received_on=date(2026, 11, 16), content="异议",
                                                    entry=notice.entries.first())
        notices.notice_objection_handle(by=cast["clerk"], objection=objection, result="已核实", handled_on=date(2026, 11, 16))
    many = count_queries(client, url)
    # session, user, notice (scoped), count, page of objections with entry, handler and recorder
    assert few == many == 5
