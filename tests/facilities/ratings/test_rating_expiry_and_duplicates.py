"""Star ratings after expiry and duplicate evaluations: an expired facility cannot jump levels (the
region's `rating_after_expiry` says whether it restarts as a first rating or from its last level);
two evaluations of one facility on one day, or a certificate number used twice, are refused. Through
the API, with the messages in Chinese and English."""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from facilities.models import RatingAfterExpiry, RegionPolicy, StarRating
from facilities.rules import PastRating, rating_refusal

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
TWO = {"environment": 60, "equipment": 65, "management": 75, "service": 300}  # 500: 二级
FOUR = {"environment": 100, "equipment": 110, "management": 125, "service": 500}  # 835: 四级
FIVE = {"environment": 115, "equipment": 125, "management": 145, "service": 580}  # 965: 五级


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.combine(TODAY, time(9), tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def post(client, facility, scores, *, rated_on=TODAY, certificate=""):
    return client.post("/api/ratings", {
        "facility_id": facility.pk, "rated_on": rated_on.isoformat(), "evaluators": "张明",
        "certificate_number": certificate, **scores,
    }, content_type="application/json")


@pytest.fixture
def expired_two(cast, facilities, login):
    """Facility A was rated 二级 in 2021; that rating expired in 2024."""
    with time_machine.travel(datetime(2021, 3, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        assert post(login(cast["inspector"]), facilities["a"], TWO, rated_on=date(2021, 3, 1)).status_code == 201
    return facilities["a"]


def test_an_expired_facility_cannot_jump_levels(cast, expired_two, login):
    client = login(cast["inspector"])
    response = post(client, expired_two, FIVE)
    assert response.status_code == 422
    assert "原等级（二级）已过期，晋级须逐级进行：只能申请三级" in response.json()["errors"][0]["message"]
    assert StarRating.objects.filter(facility=expired_two).count() == 1


def test_a_region_may_restart_an_expired_facility_as_a_first_rating(cast, regions, expired_two, login):
    RegionPolicy.objects.create(region_id="621002", effective_from=date(2020, 1, 1),
                                rating_after_expiry=RatingAfterExpiry.FIRST)
    client = login(cast["inspector"])
    response = post(client, expired_two, FOUR)
    assert response.status_code == 422
    assert "原等级已过期，按首次评定办理：最高为三级" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(("after", "level", "refused"), [
    ("last", 3, False), ("last", 4, True), ("first", 3, False), ("first", 4, True), ("first", 2, False),
    ("last", 1, False),
])
def test_the_rule_after_expiry(after, level, refused):
    history = [PastRating(date(2020, 1, 1), 2)]
    refusal = rating_refusal(level=level, on=TODAY, history=history, after_expiry=after)
    assert (refusal is not None) is refused


def test_two_evaluations_of_one_facility_on_one_day_are_refused(cast, facilities, login):
    client = login(cast["inspector"])
    assert post(client, facilities["a"], TWO).status_code == 201
    response = post(client, facilities["a"], TWO)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "rated_on" and "同一机构同一天只能录入一次评定" in error["message"]
    assert StarRating.objects.filter(facility=facilities["a"]).count() == 1


def test_a_certificate_number_used_twice_is_refused_in_english_too(cast, facilities, login):
    client = login(cast["inspector"])
    assert post(client, facilities["a"], TWO, certificate="GS-2026-007").status_code == 201
    response = post(client, facilities["b"], TWO, certificate=" GS-2026-007 ")
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "certificate_number" and "证书编号已被另一次评定使用" in error["message"]
    assert "certificate number is already used" in error["message_en"]
    assert not StarRating.objects.filter(facility=facilities["b"]).exists()
