"""An inspector corrects a star rating (with a reason kept in its history) or withdraws it (issue 15 item 6).

A correction keeps the evaluation's day and recomputes the level under that day's rules; a withdrawal
keeps the evaluation on record, struck through with the reason, and the facility's level, the
upgrade rules and the operating subsidy follow the remaining evaluations. On the page and the API,
in Chinese and English; managers and other regions are refused. The clock stands at 2026-06-15.
"""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from facilities.models import StarRating

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
TWO = {"environment": 60, "equipment": 65, "management": 75, "service": 300}  # 500: 二级
THREE = {"environment": 80, "equipment": 85, "management": 100, "service": 400}  # 665: 三级
FIVE = {"environment": 115, "equipment": 125, "management": 145, "service": 580}  # 965: 五级


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.combine(TODAY, time(9), tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def record(client, facility, scores, *, rated_on, certificate=""):
    response = client.post("/api/ratings", {
        "facility_id": facility.pk, "rated_on": rated_on.isoformat(), "evaluators": "张明",
        "certificate_number": certificate, **scores,
    }, content_type="application/json")
    assert response.status_code == 201, response.content
    return StarRating.objects.get(pk=response.json()["id"])


def level_of(client, facility) -> int:
    return client.get(f"/api/facilities/{facility.pk}").json()["star_level"]


@pytest.fixture
def rated_two(cast, facilities, login):
    """Facility A rated 二级 on 2026-03-02, certificate GS-2026-001."""
    return record(login(cast["inspector"]), facilities["a"], TWO, rated_on=date(2026, 3, 2), certificate="GS-2026-001")


def test_an_inspector_corrects_the_scores_on_the_page_and_the_history_keeps_why(cast, facilities, rated_two, client):
    client.force_login(cast["inspector"])
    panel = client.get(reverse("rating_panel", args=[facilities["a"].pk])).content.decode()
    assert reverse("rating_correct", args=[rated_two.pk]) in panel
    form = client.get(reverse("rating_correct", args=[rated_two.pk])).content.decode()
    assert 'value="300.0"' in form and "评定日期 2026-03-02 不变" in form
    response = client.post(reverse("rating_correct", args=[rated_two.pk]), {
        **THREE, "evaluators": "张明、李华", "certificate_number": "GS-2026-001", "reason": "服务部分录入时漏了100分",
    }, follow=True)
    assert "已更正 2026-03-02 的评定，现为三级" in response.content.decode()
    rated_two.refresh_from_db()
    assert (rated_two.level, rated_two.service, rated_two.evaluators) == (3, 400, "张明、李华")
    assert rated_two.history.first().history_change_reason == "更正评定：服务部分录入时漏了100分"
    assert rated_two.history.last().service == 300
    assert level_of(client, facilities["a"]) == 3


def test_a_correction_obeys_the_rules_of_its_day_and_needs_a_reason(cast, rated_two, client):
    client.force_login(cast["inspector"])
    url = reverse("rating_correct", args=[rated_two.pk])
    html = client.post(url, {**FIVE, "evaluators": "张明", "reason": "复核"}).content.decode()
    assert "首次评定最高为三级，本次评分达到五级，不能直接评定" in html
    html = client.post(url, {**THREE, "evaluators": "张明", "reason": "  "}).content.decode()
    assert "这个字段是必填项" in html
    rated_two.refresh_from_db()
    assert rated_two.level == 2 and rated_two.history.count() == 1


def test_the_api_corrects_and_says_why_it_refuses_in_english(cast, rated_two, login):
    client = login(cast["inspector"])
    response = client.post(f"/api/ratings/{rated_two.pk}/correct", {**FIVE, "evaluators": "张明", "reason": "复核"},
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "首次评定最高为三级" in response.json()["errors"][0]["message"]
    response = client.post(f"/api/ratings/{rated_two.pk}/correct", {**THREE, "evaluators": "张明", "reason": "复核"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["level"] == 3


def test_withdrawing_keeps_the_evaluation_on_record_and_the_level_follows_the_rest(cast, facilities, login):
    client = login(cast["inspector"])
    record(client, facilities["a"], TWO, rated_on=date(2024, 5, 6), certificate="GS-2024-007")
    three = record(client, facilities["a"], THREE, rated_on=date(2026, 3, 2), certificate="GS-2026-001")
    assert level_of(client, facilities["a"]) == 3
    url = reverse("rating_withdraw", args=[three.pk])
    form = client.get(url).content.decode()
    assert "撤销后，2026-03-02 评定的三级不再有效" in form and "data-confirm" in form
    assert "这个字段是必填项" in client.post(url, {"reason": ""}).content.decode()
    response = client.post(url, {"reason": "评定时服务部分材料弄虚作假"}, follow=True)
    html = response.content.decode()
    assert "已撤销 2026-03-02 的评定" in html
    assert level_of(client, facilities["a"]) == 2
    panel = client.get(reverse("rating_panel", args=[facilities["a"].pk])).content.decode()
    assert 'data-testid="rating-withdrawn"' in panel and "评定时服务部分材料弄虚作假" in panel
    assert panel.count(reverse("rating_correct", args=[three.pk])) == 0
    assert client.get(reverse("rating_correct", args=[three.pk])).status_code == 404
    three.refresh_from_db()
    assert three.history.first().history_change_reason == "撤销评定：评定时服务部分材料弄虚作假"
    api = client.get(f"/api/ratings/{three.pk}").json()
    assert api["withdrawn_at"] and api["withdrawal_reason"] == "评定时服务部分材料弄虚作假"
    assert [row["id"] for row in client.get(f"/api/ratings?facility_id={facilities['a'].pk}").json()["items"]] != [three.pk]
    # the same day may be evaluated again, but a withdrawn certificate is not reissued
    reused = client.post("/api/ratings", {"facility_id": facilities["a"].pk, "rated_on": "2026-03-02", "evaluators": "王",
                                          "certificate_number": "GS-2026-001", **THREE}, content_type="application/json")
    assert reused.status_code == 422 and "证书编号已被另一次评定使用" in reused.json()["errors"][0]["message"]
    record(client, facilities["a"], THREE, rated_on=date(2026, 3, 2), certificate="GS-2026-009")
    assert level_of(client, facilities["a"]) == 3
    assert client.post(f"/api/ratings/{three.pk}/withdraw", {"reason": "再撤"},
                       content_type="application/json").status_code == 422


@pytest.mark.parametrize(("who", "status"), [("manager_a", 403), ("clerk", 403), ("inspector_other", 404)])
def test_only_the_regions_inspectors_correct_or_withdraw(cast, rated_two, login, who, status):
    client = login(cast[who])
    for url in (reverse("rating_correct", args=[rated_two.pk]), reverse("rating_withdraw", args=[rated_two.pk])):
        assert client.get(url).status_code == status
        assert client.post(url, {"reason": "x", **THREE, "evaluators": "x"}).status_code == status
    assert client.post(f"/api/ratings/{rated_two.pk}/withdraw", {"reason": "x"},
                       content_type="application/json").status_code == status
    rated_two.refresh_from_db()
    assert rated_two.withdrawn_at is None and rated_two.level == 2


def test_the_pages_speak_english(cast, rated_two, client):
    client.force_login(cast["inspector"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Withdraw the evaluation of 2026-03-02" in client.get(reverse("rating_withdraw", args=[rated_two.pk])).content.decode()
    assert "Correct the evaluation of 2026-03-02" in client.get(reverse("rating_correct", args=[rated_two.pk])).content.decode()


def test_a_change_that_would_leave_a_later_upgrade_against_the_rules_is_refused(cast, facilities, login):
    """三级 in 2023, 四级 in 2024 (one step after a year): withdrawing or lowering the 2023 rating would make
    the 2024 one a jump, so it is refused until the 2024 one is dealt with first."""
    client = login(cast["inspector"])
    first = record(client, facilities["a"], THREE, rated_on=date(2023, 1, 10))
    FOUR = {"environment": 100, "equipment": 110, "management": 125, "service": 500}
    second = record(client, facilities["a"], FOUR, rated_on=date(2024, 2, 1))
    assert second.level == 4
    response = client.post(f"/api/ratings/{first.pk}/withdraw", {"reason": "程序违规"}, content_type="application/json")
    assert response.status_code == 422
    assert "2024-02-01 的评定以这次评定为依据" in response.json()["errors"][0]["message"]
    response = client.post(f"/api/ratings/{first.pk}/correct", {**TWO, "evaluators": "张明", "reason": "复核"},
                           content_type="application/json")
    assert response.status_code == 422 and "晋级须逐级进行" in response.json()["errors"][0]["message"]
    assert client.post(f"/api/ratings/{second.pk}/withdraw", {"reason": "程序违规"},
                       content_type="application/json").status_code == 200
    assert client.post(f"/api/ratings/{first.pk}/withdraw", {"reason": "程序违规"},
                       content_type="application/json").status_code == 200
