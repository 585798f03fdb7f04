"""Star ratings through the pages and the API: the level always follows the stored scores, the
region's rules refuse with their message, and only the region's inspectors record."""
import itertools
import re
from datetime import timedelta
from decimal import ROUND_FLOOR, Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilities.models import RegionPolicy, StarRating
from facilities.ratings.services import rating_record, thresholds_for
from facilities.rules import SECTION_MAXIMA, rating_expires_on, star_level
from tests.factories import FacilityFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

THREE = {"environment": "80", "equipment": "90", "management": "100", "service": "400"}  # 670: 三级
FIVE = {"environment": "115", "equipment": "125", "management": "145", "service": "580"}  # 965: 五级
FAILED = {"environment": "30", "equipment": "30", "management": "30", "service": "200"}  # 290: below 一级
CUSTOM = {
    "totals": {"1": 450, "2": 520, "3": 640, "4": 800, "5": 920},
    "section_percent": {"1": 30, "2": 45, "3": 55, "4": 75, "5": 88},
}


def today():
    return timezone.localdate()


CERTIFICATES = itertools.count(1)


def _form(scores=THREE, **extra):
    """A certificate number of its own each time: a number used twice is refused."""
    return {"rated_on": today().isoformat(), "evaluators": "张明、李华",
            "certificate_number": f"GS-2026-{next(CERTIFICATES):03d}", **scores, **extra}


def _record(facility, by, scores=THREE, *, rated_on=None, **extra):
    return rating_record(
        by=by, facility=facility, rated_on=rated_on or today(), evaluators="张明",
        **{name: Decimal(value) for name, value in scores.items()}, **extra,
    )


def _panel(client, facility) -> str:
    response = client.get(reverse("rating_panel", args=[facility.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def _status_line(html: str) -> str:
    return re.search(r'data-testid="rating-status">(.*?)</p>', html, re.DOTALL).group(1)


def _shown_level(html: str) -> int:
    return int(re.search(r'data-level="(\d)"', _status_line(html)).group(1))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- recording on the web ------------------------------------------------------------------


def test_inspector_records_an_evaluation_and_the_page_shows_the_level(cast, facilities, login):
    client = login(cast["inspector"])
    response = client.post(reverse("rating_create", args=[facilities["a"].pk]), _form())
    assert response.status_code == 302
    rating = StarRating.objects.get(facility=facilities["a"])
    assert rating.level == 3 and rating.recorded_by == cast["inspector"]
    assert rating.history.get().history_user == cast["inspector"]
    page = client.get(response.url).content.decode()
    assert "等级评定已保存" in page and "评定为三级" in page
    status = _status_line(_panel(client, facilities["a"]))
    assert "★★★☆☆" in status and "三级" in status
    assert (rating.expires_on - today()).days > 1000 and "有效" in status
    # expires_on is the first day the rating no longer holds, so the last valid day is shown
    assert f"有效期至 <span data-testid=\"rating-expires\">{rating.expires_on - timedelta(days=1):%Y-%m-%d}<" in status


def test_first_rating_above_the_regional_maximum_is_refused_with_the_rule_message(cast, facilities, login):
    response = login(cast["inspector"]).post(reverse("rating_create", args=[facilities["a"].pk]), _form(FIVE))
    assert response.status_code == 200
    assert "首次评定最高为三级，本次评分达到五级，不能直接评定" in response.content.decode()
    assert not StarRating.objects.exists()


def test_an_upgrade_within_a_year_is_refused(cast, facilities, login):
    _record(facilities["a"], cast["inspector"], rated_on=today() - timedelta(days=200))
    four = {"environment": "100", "equipment": "110", "management": "125", "service": "490"}
    response = login(cast["inspector"]).post(reverse("rating_create", args=[facilities["a"].pk]), _form(four))
    assert "取得三级满1年后方可申请晋级" in response.content.decode()
    assert StarRating.objects.count() == 1


def test_a_new_application_within_a_year_of_failing_is_refused(cast, facilities, login):
    _record(facilities["a"], cast["inspector"], FAILED, rated_on=today() - timedelta(days=30))
    response = login(cast["inspector"]).post(reverse("rating_create", args=[facilities["a"].pk]), _form())
    assert "未通过，1年内不得再次申请" in response.content.decode()


@pytest.mark.parametrize("field, value, message", [
    ("environment", "120.5", "小于或等于120"),
    ("service", "-1", "大于或等于0"),
    ("equipment", "60.3", "得分以 0.5 分为单位"),
    ("management", "abc", ""),
])
def test_bad_scores_are_field_errors_and_save_nothing(cast, facilities, login, field, value, message):
    response = login(cast["inspector"]).post(
        reverse("rating_create", args=[facilities["a"].pk]), _form(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in " ".join(response.context["form"].errors[field])
    assert not StarRating.objects.exists()


def test_a_future_date_is_refused_beside_the_field(cast, facilities, login):
    response = login(cast["inspector"]).post(
        reverse("rating_create", args=[facilities["a"].pk]), _form(rated_on=(today() + timedelta(days=1)).isoformat()))
    assert response.context["form"].errors["rated_on"] == ["日期不能晚于今天"]


def test_half_points_are_kept_exactly(cast, facilities, login):
    scores = {"environment": "72.5", "equipment": "78", "management": "90.5", "service": "360"}
    login(cast["inspector"]).post(reverse("rating_create", args=[facilities["a"].pk]), _form(scores))
    rating = StarRating.objects.get()
    assert rating.environment == Decimal("72.5") and rating.total == Decimal("601.0") and rating.level == 3


# --- who may record --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager_a", "clerk"])
def test_only_inspectors_record(cast, facilities, login, who):
    client = login(cast[who])
    url = reverse("rating_create", args=[facilities["a"].pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _form()).status_code == 403
    assert client.get(reverse("rating_preview", args=[facilities["a"].pk]), THREE).status_code == 403
    assert not StarRating.objects.exists()
    assert "录入评定" not in _panel(client, facilities["a"])


def test_an_inspector_of_another_province_does_not_find_the_facility(cast, facilities, login):
    client = login(cast["inspector_other"])
    assert client.post(reverse("rating_create", args=[facilities["a"].pk]), _form()).status_code == 404
    assert client.get(reverse("rating_panel", args=[facilities["a"].pk])).status_code == 404


def test_the_city_inspector_and_the_admin_record_too(cast, facilities, login):
    assert login(cast["inspector_city"]).post(reverse("rating_create", args=[facilities["c"].pk]), _form()).status_code == 302
    assert login(cast["admin"]).post(reverse("rating_create", args=[facilities["y"].pk]), _form()).status_code == 302


# --- the live level --------------------------------------------------------------------------


def test_the_preview_shows_the_level_reached_as_scores_are_typed(cast, facilities, login):
    client = login(cast["inspector"])
    url = reverse("rating_preview", args=[facilities["a"].pk])
    body = client.get(url, {**THREE, "rated_on": today().isoformat()}).content.decode()
    assert "总分 670 分" in body and "★★★☆☆" in body and "三级" in body
    assert "未达到一级" in client.get(url, FAILED).content.decode()
    partial = client.get(url, {"environment": "80"}).content.decode()
    assert "填写四项得分后" in partial and "必填" not in partial
    assert "小于或等于120" in client.get(url, {"environment": "121"}).content.decode()


def test_the_preview_warns_before_a_refusal(cast, facilities, login):
    body = login(cast["inspector"]).get(reverse("rating_preview", args=[facilities["a"].pk]), FIVE).content.decode()
    assert "五级" in body and "首次评定最高为三级" in body


def test_the_preview_uses_the_region_thresholds(cast, regions, facilities, login):
    # 环境 40/120 is 33 %: below the default 40 % for 一级, enough for the regional 30 % (total 470 ≥ 450).
    scores = {"environment": "40", "equipment": "60", "management": "70", "service": "300"}
    client = login(cast["inspector"])
    url = reverse("rating_preview", args=[facilities["a"].pk])
    assert "未达到一级" in client.get(url, scores).content.decode()
    RegionPolicy.objects.create(region=regions["621002"], effective_from=today() - timedelta(days=1), star_thresholds=CUSTOM)
    body = client.get(url, scores).content.decode()
    assert "★☆☆☆☆" in body and "一级" in body


# --- the panel on the facility page ----------------------------------------------------------


def test_the_facility_page_loads_the_ratings_panel(cast, facilities, login):
    page = login(cast["manager_a"]).get(reverse("facility_detail", args=[facilities["a"].pk])).content.decode()
    assert reverse("rating_panel", args=[facilities["a"].pk]) in page


def test_manager_reads_own_facility_ratings_only(cast, facilities, login, media):
    _record(facilities["a"], cast["inspector"], report=SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF\n"))
    client = login(cast["manager_a"])
    panel = _panel(client, facilities["a"])
    assert "三级" in _status_line(panel) and "张明" in panel and "查看报告" in panel
    assert "录入评定" not in panel
    assert client.get(reverse("rating_panel", args=[facilities["b"].pk])).status_code == 404


def test_the_panel_without_htmx_is_a_whole_page(cast, facilities, login):
    page = login(cast["manager_a"]).get(reverse("rating_panel", args=[facilities["a"].pk])).content.decode()
    assert "<nav" in page and "尚未评定" in page


def test_an_unrated_facility_is_told_how_to_get_a_level(cast, facilities, login):
    panel = _panel(login(cast["inspector"]), facilities["a"])
    assert "未评级" in _status_line(panel) and "★" not in _status_line(panel)
    assert "首次评定最高可评为三级" in panel and "总分不低于 360 分" in panel and "40%" in panel


def test_next_level_box_names_the_missing_points_per_section(cast, facilities, login):
    # 环境 100/120, 设施设备 110/130, 运营管理 125/150 already reach 80 %; 服务 450 lacks 30 of 480.
    _record(facilities["a"], cast["inspector"], {"environment": "100", "equipment": "110", "management": "125", "service": "450"})
    panel = _panel(login(cast["manager_a"]), facilities["a"])
    box = re.search(r'data-testid="next-level">(.*?)data-testid="rating-history"', panel, re.DOTALL).group(1)
    assert "升到四级还差多少" in box and "总分不低于 780 分" in box and "80%" in box
    assert "还差 30 分" in box and box.count("已达到") == 4  # three sections and the total (785 ≥ 780)
    assert "最少还需提高 30 分：服务至少 30 分；补足后总分也达到要求。" in box
    assert "取得三级满1年后方可申请晋级" in box


def test_next_level_box_with_a_total_shortfall_from_regional_thresholds(cast, regions, facilities, login):
    RegionPolicy.objects.create(region=regions["621002"], effective_from=today() - timedelta(days=10), star_thresholds=CUSTOM)
    # Under CUSTOM: 3 needs 640 and 55 %; 4 needs 800 and 75 %.
    _record(facilities["a"], cast["inspector"], {"environment": "90", "equipment": "90", "management": "120", "service": "450"})
    panel = _panel(login(cast["inspector"]), facilities["a"])
    # 750 now; 设施设备 lacks 7.5 of 97.5; after that the total still lacks 800 − 757.5 = 42.5.
    assert "还差 7.5 分" in panel
    assert "最少还需提高 50 分：设施设备至少 7.5 分，其余 42.5 分可加在任一部分。" in panel


def test_five_stars_is_the_top(cast, regions, facilities, login):
    RegionPolicy.objects.create(region=regions["621002"], effective_from=today() - timedelta(days=10), rating_first_max_level=5)
    _record(facilities["a"], cast["inspector"], FIVE)
    panel = _panel(login(cast["inspector"]), facilities["a"])
    assert "★★★★★" in _status_line(panel) and "已达到最高等级（五级）" in panel


def test_a_rating_expiring_within_90_days_is_amber(cast, facilities, login):
    rated_on = today() - timedelta(days=3 * 365 - 40)  # expires in 39–40 days
    _record(facilities["a"], cast["inspector"], rated_on=rated_on)
    status = _status_line(_panel(login(cast["inspector"]), facilities["a"]))
    assert "badge-status-warn" in status and "天后到期" in status and "三级" in status


def test_an_expired_rating_is_red_and_the_facility_unrated(cast, facilities, login):
    rated_on = today() - timedelta(days=3 * 366 + 1)
    _record(facilities["a"], cast["inspector"], rated_on=rated_on)
    client = login(cast["inspector"])
    status = _status_line(_panel(client, facilities["a"]))
    assert "badge-status-bad" in status and "已过期" in status and "未评级" in status and "原三级" in status
    assert client.get("/api/facilities", {"level": 0}).json()["count"] == 2


def test_a_failed_evaluation_leaves_the_facility_unrated(cast, facilities, login):
    _record(facilities["a"], cast["inspector"], FAILED)
    panel = _panel(login(cast["inspector"]), facilities["a"])
    assert _shown_level(panel) == 0 and "未达到一级" in _status_line(panel)
    assert "升到一级还差多少" in panel


def test_panel_query_count_does_not_grow_with_evaluations(cast, facilities, login):
    client = login(cast["manager_a"])
    url = reverse("rating_panel", args=[facilities["a"].pk])
    # session, user, facility (with its level), ratings with recorders, region policy
    _record(facilities["a"], cast["inspector"], FAILED, rated_on=today() - timedelta(days=800))
    few = count_queries(client, url, HTTP_HX_REQUEST="true")
    _record(facilities["a"], cast["inspector"], rated_on=today() - timedelta(days=400))
    _record(facilities["a"], cast["inspector"], THREE, rated_on=today() - timedelta(days=30))
    assert count_queries(client, url, HTTP_HX_REQUEST="true") == few == 5


# --- the report ------------------------------------------------------------------------------


def test_the_report_is_checked_stored_under_a_neutral_name_and_served_in_scope(cast, facilities, login, media):
    client = login(cast["inspector"])
    pdf = SimpleUploadedFile("../../evil.html", b"%PDF-1.7\nhello\n%%EOF", content_type="text/html")
    assert client.post(reverse("rating_create", args=[facilities["a"].pk]), _form(report=pdf)).status_code == 302
    rating = StarRating.objects.get()
    assert re.fullmatch(r"ratings/report(_\w+)?\.pdf", rating.report.name)
    response = login(cast["manager_a"]).get(reverse("rating_report", args=[rating.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "private" in response["Cache-Control"]
    for outsider in ("manager_b", "inspector_other"):
        assert login(cast[outsider]).get(reverse("rating_report", args=[rating.pk])).status_code == 404
    assert client.get("/media/" + rating.report.name).status_code == 404


def test_a_report_that_is_not_a_pdf_is_refused(cast, facilities, login, media):
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = login(cast["inspector"]).post(reverse("rating_create", args=[facilities["a"].pk]), _form(report=fake))
    assert response.context["form"].errors["report"] == ["评定报告须为 PDF 文件"]
    assert not StarRating.objects.exists()


def test_a_report_over_10_mb_is_refused(cast, facilities, login, media):
    big = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    response = login(cast["inspector"]).post(reverse("rating_create", args=[facilities["a"].pk]), _form(report=big))
    assert response.context["form"].errors["report"] == ["评定报告不能超过 10 MB"]


def test_no_report_is_a_404(cast, facilities, login):
    rating = _record(facilities["a"], cast["inspector"])
    assert login(cast["inspector"]).get(reverse("rating_report", args=[rating.pk])).status_code == 404


# --- the facility list -----------------------------------------------------------------------


def test_the_facility_list_shows_and_filters_by_level(cast, facilities, login):
    _record(facilities["a"], cast["inspector"])
    client = login(cast["inspector_city"])
    page = client.get(reverse("facility_list")).content.decode()
    assert "<th" in page and "等级" in page and "★★★☆☆" in page
    rated = client.get(reverse("facility_list"), {"level": "3"}).content.decode()
    assert facilities["a"].name in rated and facilities["b"].name not in rated
    unrated = client.get(reverse("facility_list"), {"level": "0"}).content.decode()
    assert facilities["a"].name not in unrated and facilities["b"].name in unrated and facilities["c"].name in unrated
    assert "共 0 个机构" in client.get(reverse("facility_list"), {"level": "5"}).content.decode()
    csv = client.get(reverse("facility_list"), {"export": "csv", "level": "3"}).content.decode("utf-8")
    assert ",等级," in csv.splitlines()[0] and ",三级," in csv


def test_the_facility_list_is_sortable_by_level(cast, facilities, login):
    _record(facilities["b"], cast["inspector"])
    page = login(cast["inspector"]).get(reverse("facility_list"), {"sort": "-star_level"}).content.decode()
    assert page.index(facilities["b"].name) < page.index(facilities["a"].name)


def test_facility_list_query_count_stays_fixed_with_ratings(cast, regions, login):
    client = login(cast["inspector_city"])
    # as in test_views: session, user, region filter choices, count, page of facilities joined with
    # regions and their level (a subquery in the same SELECT)
    before = count_queries(client, reverse("facility_list"))
    for n in range(30):
        _record(FacilityFactory(region=regions["621002100"]), cast["inspector"], THREE if n % 2 else FAILED)
    assert count_queries(client, reverse("facility_list") + "?level=3") == before == 5


# --- the API ---------------------------------------------------------------------------------


def _payload(facility, scores=THREE, **extra):
    return {"facility_id": facility.pk, "rated_on": today().isoformat(), "evaluators": "张明",
            **{k: float(v) if "." in v else int(v) for k, v in scores.items()}, **extra}


def test_api_inspector_records_and_reads_back(cast, facilities, login):
    client = login(cast["inspector"])
    response = client.post("/api/ratings", _payload(facilities["a"], certificate_number="GS-1"), content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["level"] == 3 and body["level_display"] == "三级" and body["total"] == "670.0"
    assert body["environment"] == "80.0" and body["report_url"] is None
    assert body["expires_on"] == rating_expires_on(today(), 3).isoformat()
    assert client.get(f"/api/ratings/{body['id']}").json() == body
    assert client.get(f"/api/facilities/{facilities['a'].pk}").json()["star_level"] == 3


def test_api_refusal_is_a_422_with_the_rule_message(cast, facilities, login):
    response = login(cast["inspector"]).post("/api/ratings", _payload(facilities["a"], FIVE), content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == "" and "首次评定最高为三级" in body["errors"][0]["message"]


@pytest.mark.parametrize("change, field", [
    ({"environment": 120.5}, "environment"), ({"service": 300.25}, "service"), ({"equipment": -1}, "equipment"),
    ({"evaluators": ""}, "evaluators"), ({"rated_on": "2026-13-01"}, "rated_on"),
])
def test_api_bad_input_is_a_422_on_the_field(cast, facilities, login, change, field):
    response = login(cast["inspector"]).post("/api/ratings", {**_payload(facilities["a"]), **change}, content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == field
    assert not StarRating.objects.exists()


def test_api_blank_evaluators_after_trimming_is_refused(cast, facilities, login):
    response = login(cast["inspector"]).post("/api/ratings", _payload(facilities["a"], evaluators="   "), content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "evaluators"


@pytest.mark.parametrize("who, status", [("clerk", 403), ("manager_a", 403), ("inspector_other", 404)])
def test_api_only_the_region_inspectors_record(cast, facilities, login, who, status):
    response = login(cast[who]).post("/api/ratings", _payload(facilities["a"]), content_type="application/json")
    assert response.status_code == status
    assert not StarRating.objects.exists()


def test_api_reads_are_scoped(cast, facilities, login):
    a = _record(facilities["a"], cast["inspector"])
    b = _record(facilities["b"], cast["inspector"])
    y = _record(facilities["y"], cast["admin"])
    manager = login(cast["manager_a"])
    assert [r["id"] for r in manager.get("/api/ratings").json()["items"]] == [a.pk]
    assert manager.get(f"/api/ratings/{b.pk}").status_code == 404
    assert manager.get("/api/ratings", {"facility_id": facilities["b"].pk}).status_code == 404
    inspector = login(cast["inspector"])
    assert {r["id"] for r in inspector.get("/api/ratings").json()["items"]} == {a.pk, b.pk}
    assert [r["id"] for r in inspector.get("/api/ratings", {"facility_id": facilities["b"].pk}).json()["items"]] == [b.pk]
    other = login(cast["inspector_other"])
    assert other.get(f"/api/ratings/{a.pk}").status_code == 404
    assert other.get("/api/ratings", {"facility_id": facilities["a"].pk}).status_code == 404
    assert [r["id"] for r in other.get("/api/ratings").json()["items"]] == [y.pk]
    assert login(cast["clerk"]).get(f"/api/ratings/{a.pk}").status_code == 200


def test_api_facility_list_filters_by_level(cast, facilities, login):
    _record(facilities["a"], cast["inspector"])
    client = login(cast["inspector"])
    assert [f["name"] for f in client.get("/api/facilities", {"level": 3}).json()["items"]] == [facilities["a"].name]
    assert client.get("/api/facilities", {"level": 6}).status_code == 422


def test_api_ratings_list_query_count_does_not_grow_with_rows(cast, regions, facilities, login):
    client = login(cast["inspector"])
    _record(facilities["a"], cast["inspector"])
    # session, user, count, one page of ratings joined with facility and recorder
    few = count_queries(client, "/api/ratings")
    for _ in range(30):
        _record(FacilityFactory(region=regions["621002101"]), cast["inspector"])
    assert count_queries(client, "/api/ratings") == few == 4
    # with facility_id: one more for the scoped facility lookup that makes an outsider's request a 404
    assert count_queries(client, f"/api/ratings?facility_id={facilities['a'].pk}") == 5


# --- the property: the level is always star_level of the stored scores -----------------------


def _half_points(section):
    maximum = SECTION_MAXIMA[section]
    near_thresholds = sorted({
        Decimal(percent * maximum) / 100 + delta
        for percent in (30, 40, 45, 50, 55, 60, 75, 80, 88, 90) for delta in (Decimal("-0.5"), 0, Decimal("0.5"))
    })
    usable = [v for v in near_thresholds if 0 <= v <= maximum and v % Decimal("0.5") == 0]
    return st.one_of(st.integers(0, 2 * maximum).map(lambda n: Decimal(n) / 2), st.sampled_from(usable))


@st.composite
def _even_scores(draw):
    """Sections scored alike (as real facilities are), so every level from 0 to 5 comes up often."""
    base = draw(st.integers(25, 100))
    scores = {}
    for section, maximum in SECTION_MAXIMA.items():
        percent = min(100, max(0, base + draw(st.integers(-8, 8))))
        scores[section] = (Decimal(percent * maximum * 2) / 100).to_integral_value(ROUND_FLOOR) / 2
    return scores


SCORES = st.one_of(st.fixed_dictionaries({section: _half_points(section) for section in SECTION_MAXIMA}), _even_scores())


@pytest.mark.parametrize("thresholds", [{}, CUSTOM], ids=["default", "regional"])
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(scores=SCORES, channel=st.sampled_from(["web", "api"]))
def test_level_always_equals_star_level_of_the_stored_scores(cast, regions, login, thresholds, scores, channel):
    RegionPolicy.objects.get_or_create(
        region=regions["621002"], effective_from=today() - timedelta(days=365),
        defaults={"star_thresholds": thresholds, "rating_first_max_level": 5},
    )
    facility = FacilityFactory(region=regions["621002100"])
    client = login(cast["inspector"])
    if channel == "web":
        response = client.post(reverse("rating_create", args=[facility.pk]), _form({k: str(v) for k, v in scores.items()}))
        assert response.status_code == 302
        rating_id = StarRating.objects.get(facility=facility).pk
    else:
        payload = {"facility_id": facility.pk, "rated_on": today().isoformat(), "evaluators": "张明",
                   **{k: str(v) for k, v in scores.items()}}
        response = client.post("/api/ratings", payload, content_type="application/json")
        assert response.status_code == 201, response.json()
        rating_id = response.json()["id"]
    stored = StarRating.objects.get(pk=rating_id)
    expected = star_level(
        **{name: getattr(stored, name) for name in SECTION_MAXIMA},
        thresholds=thresholds_for(RegionPolicy(star_thresholds=thresholds)),
    )
    assert {name: getattr(stored, name) for name in SECTION_MAXIMA} == scores
    body = client.get(f"/api/ratings/{rating_id}").json()
    assert body["level"] == stored.level == expected
    assert Decimal(body["total"]) == sum(scores.values())
    assert client.get(f"/api/facilities/{facility.pk}").json()["star_level"] == expected
    assert _shown_level(_panel(client, facility)) == expected
