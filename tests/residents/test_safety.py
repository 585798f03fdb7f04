"""GB 38600-2019 resident safety through the pages and the API: risk assessments, the register, incidents
and their follow-up — scoped, with history, refused in both languages, in a fixed number of queries."""
import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from facilities.models import RegionPolicy
from residents.models import SafetyIncident, SafetyRiskAssessment, SafetyRiskCatalogue, SafetyRound
from residents.safety.selectors import safety_catalogue_for
from tests.factories import AssessmentFactory, PersonFactory, StayFactory, UserFactory
from tests.helpers import count_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock_2026_11_23")]

CODES = ("choking", "food_drug_misuse", "pressure_injury", "scald", "bed_fall", "fall", "wandering", "harm",
         "recreation_accident")


@pytest.fixture
def resident(facilities):
    return StayFactory(facility=facilities["a"], person=PersonFactory(name="马玉兰"), admitted_on=date(2025, 1, 6)).person


def _ratings(**levels) -> dict:
    return {code: {"level": levels.get(code, "low"), "measures": "专人陪护" if levels.get(code) in ("medium", "high") else ""}
            for code in CODES}


def _post(client, url, body):
    response = client.post(url, json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def _assess(client, person, **changes):
    body = {"assessed_on": "2026-11-02", "reason": "admission", "ratings": _ratings(fall="high"), "assessor": "李护理",
            **changes}
    return _post(client, f"/api/people/{person.pk}/safety-assessments", body)


def _incident(client, facility, person=None, **changes):
    body = {"facility_id": facility.pk, "person_id": person.pk if person else None,
            "occurred_at": "2026-11-20T06:30:00", "kind": "fall", "place": "卫生间", "harm": "minor",
            "description": "夜间如厕时滑倒", "actions": "扶起检查", **changes}
    return _post(client, "/api/safety-incidents", body)


def test_the_national_catalogue_is_in_the_database_with_its_source():
    catalogue = safety_catalogue_for(region_code="621002100", on=date(2026, 11, 23))
    assert catalogue.code == "GB 38600-2019" and catalogue.region_id is None and len(catalogue.items) == 9
    assert "第6章" in catalogue.source and "未与正式出版文本逐条核对" in catalogue.source


def test_a_manager_assesses_on_the_page_and_a_high_risk_without_measures_keeps_what_was_entered(cast, login, resident):
    client = login(cast["manager_a"])
    form = {"assessed_on": "2026-11-20", "reason": "admission", "assessor": "李护理"}
    form |= {f"risk_{code}": "low" for code in CODES} | {"risk_fall": "high"}
    page = client.post(reverse("safety_assessment_create", args=[resident.pk]), form)
    assert page.status_code == 200 and not SafetyRiskAssessment.objects.exists()
    text = page.content.decode()
    assert "中、高风险须填写防范措施" in text and text.count("checked") == len(CODES)
    response = client.post(reverse("safety_assessment_create", args=[resident.pk]),
                           form | {"measures_fall": "起身陪护，防滑鞋"})
    assessment = SafetyRiskAssessment.objects.get()
    assert response["Location"] == reverse("safety_assessment_detail", args=[resident.pk, assessment.pk])
    assert assessment.highest == "high" and assessment.due_on == date(2027, 11, 20)
    assert assessment.ratings["fall"] == {"level": "high", "measures": "起身陪护，防滑鞋"}
    assert assessment.history.get().history_user == cast["manager_a"]
    sheet = client.get(response["Location"]).content.decode()
    assert "老年人服务安全风险评估表" in sheet and "起身陪护，防滑鞋" in sheet
    detail = client.get(reverse("person_detail", args=[resident.pk])).content.decode()
    assert 'data-testid="safety-highest"' in detail and "在有效期内" in detail


@pytest.mark.parametrize(("changes", "field"), [
    ({"ratings": _ratings(fall="high") | {"fall": {"level": "high", "measures": ""}}}, "risk_fall"),
    ({"ratings": {code: value for code, value in _ratings().items() if code != "scald"}}, "risk_scald"),
    ({"ratings": _ratings() | {"lift": {"level": "low"}}}, "risk_lift"),
    ({"assessed_on": "2026-11-24"}, "assessed_on"),
    ({"assessor": " "}, "assessor"),
])
def test_bad_assessments_are_refused_in_both_languages_and_nothing_is_saved(cast, login, resident, changes, field):
    status, out = _assess(login(cast["manager_a"]), resident, **changes)
    assert status == 422, out
    assert field in json.dumps(out, ensure_ascii=False)
    assert not SafetyRiskAssessment.objects.exists()


@pytest.mark.parametrize(("role", "expected"), [("manager_b", 404), ("inspector", 403), ("clerk", 403), ("admin", 404)])
def test_only_the_residents_facility_records_a_risk_assessment(cast, login, resident, role, expected):
    status, _out = _assess(login(cast[role]), resident)
    assert status == expected
    assert not SafetyRiskAssessment.objects.exists()


def test_the_page_tells_an_inspector_who_records_the_assessment_instead_of_a_missing_page(cast, login, resident):
    response = login(cast["inspector"]).get(reverse("safety_assessment_create", args=[resident.pk]), follow=True)
    assert response.redirect_chain == [(reverse("person_detail", args=[resident.pk]), 302)]
    assert "所住机构的负责人录入" in response.content.decode()
    assert login(cast["manager_b"]).get(reverse("safety_assessment_create", args=[resident.pk])).status_code == 404


def test_the_register_asks_for_a_review_after_an_incident_and_after_a_change_in_self_care(cast, login, facilities,
                                                                                         resident):
    other = StayFactory(facility=facilities["a"], person=PersonFactory(name="张守仁"), admitted_on=date(2025, 1, 6)).person
    never = StayFactory(facility=facilities["a"], person=PersonFactory(name="赵德明"), admitted_on=date(2025, 1, 6)).person
    AssessmentFactory(person=other, facility=facilities["a"], assessed_on=date(2026, 10, 1), computed_category="partial",
                      recorded_by=cast["manager_a"])
    client = login(cast["manager_a"])
    assert _assess(client, resident)[0] == 201 and _assess(client, other)[0] == 201
    url = f"/api/facilities/{facilities['a'].pk}/risk-register"
    states = {row["name"]: row["state"] for row in client.get(url).json()}
    assert states == {"马玉兰": "current", "张守仁": "current", "赵德明": "not_assessed"}
    assert _incident(client, facilities["a"], resident)[0] == 201
    AssessmentFactory(person=other, facility=facilities["a"], assessed_on=date(2026, 11, 10), computed_category="full",
                      recorded_by=cast["manager_a"])
    rows = client.get(url).json()
    assert [(row["name"], row["state"], row["reasons"]) for row in rows] == [
        ("赵德明", "not_assessed", []), ("张守仁", "review_due", ["condition"]), ("马玉兰", "review_due", ["incident"])]
    page = client.get(reverse("safety_register")).content.decode()  # a manager starts at their facility
    assert "评估后发生过安全事件" in page and "自理能力已变化" in page and never.name in page
    assert login(cast["manager_b"]).get(url).status_code == 404
    assert "马玉兰" not in login(cast["manager_b"]).get(reverse("safety_register")).content.decode()


def test_an_incident_sets_the_regions_deadline_to_tell_the_family_and_keeps_its_history(cast, login, facilities,
                                                                                       resident, regions):
    RegionPolicy.objects.create(region=regions["621002"], effective_from=date(2026, 1, 1), incident_notice_hours=2)
    client = login(cast["manager_a"])
    status, out = _incident(client, facilities["a"], resident)
    assert status == 201, out
    assert out["notice_due_at"].startswith("2026-11-20T08:30") and out["notice"] == "overdue"
    assert out["kind_name"] == "跌倒"
    incident = SafetyIncident.objects.get()
    response = client.post(f"/api/safety-incidents/{incident.pk}/follow-up", json.dumps(
        {"family_notified_at": "2026-11-20T08:00:00", "family_notified": "马某（女儿）", "review": "夜间巡视加密",
         "reviewed_on": "2026-11-22"}), content_type="application/json")
    assert response.status_code == 200 and response.json()["notice"] == "on_time"
    assert incident.history.count() == 2 and incident.history.first().history_user == cast["manager_a"]
    response = client.post(f"/api/safety-incidents/{incident.pk}/follow-up", json.dumps(
        {"family_notified_at": None, "family_notified": "", "review": "夜间巡视加密", "reviewed_on": "2026-11-22"}),
        content_type="application/json")
    assert response.status_code == 422 and "family_notified_at" in response.content.decode()
    page = client.get(reverse("safety_incident_detail", args=[incident.pk])).content.decode()
    assert "已按时告知" in page and "马某（女儿）" in page and "夜间巡视加密" in page


@pytest.mark.parametrize(("changes", "field"), [
    ({"occurred_at": "2026-11-23T11:00:00"}, "occurred_at"),  # an hour after now
    ({"kind": "lift"}, "kind"),
    ({"family_notified_at": "2026-11-20T05:00:00", "family_notified": "家属"}, "family_notified_at"),
    ({"family_notified_at": "2026-11-20T09:00:00"}, "family_notified"),
    ({"occurred_at": "2024-12-01T10:00:00"}, "person_id"),  # before the stay began
])
def test_bad_incidents_are_refused_with_the_field_and_nothing_is_saved(cast, login, facilities, resident, changes, field):
    status, out = _incident(login(cast["manager_a"]), facilities["a"], resident, **changes)
    assert status == 422, out
    assert field in json.dumps(out, ensure_ascii=False)
    assert not SafetyIncident.objects.exists()


def test_an_incident_is_recorded_by_the_facility_and_read_by_the_region_only(cast, login, facilities, resident):
    assert _incident(login(cast["manager_b"]), facilities["a"], resident)[0] == 404
    assert _incident(login(cast["inspector"]), facilities["a"], resident)[0] == 403
    assert _incident(login(cast["manager_a"]), facilities["a"], resident)[0] == 201
    incident = SafetyIncident.objects.get()
    for role, visible in (("manager_a", True), ("inspector", True), ("inspector_city", True), ("clerk", True),
                          ("manager_b", False), ("inspector_other", False), ("admin", False)):
        client = login(cast[role])
        assert (client.get(f"/api/safety-incidents/{incident.pk}").status_code == 200) is visible, role
        listed = client.get("/api/safety-incidents", {"month": "2026-11"}).json()
        assert (len(listed["items"]) == 1) is visible, role
        assert ("马玉兰" in client.get(reverse("safety_incidents"), {"month": "2026-11"}).content.decode()) is visible
    response = login(cast["inspector"]).post(reverse("safety_incident_detail", args=[incident.pk]),
                                             {"family_notified": "x", "review": "y"})
    assert response.status_code == 404 and SafetyIncident.objects.get().review == ""


def test_the_month_by_facility_and_kind_and_the_lists_take_a_fixed_number_of_queries(cast, login, facilities, resident):
    manager = login(cast["manager_a"])
    _assess(manager, resident)
    _incident(manager, facilities["a"], resident)
    inspector = login(cast["inspector"])
    counts = {url: count_queries(inspector, url, params) for url, params in (
        (reverse("safety_incidents"), {"month": "2026-11"}),
        (reverse("safety_register"), {"facility": facilities["a"].pk}),
        ("/api/safety-incidents", {"month": "2026-11"}),
        (f"/api/facilities/{facilities['a'].pk}/risk-register", None))}
    manager = login(cast["manager_a"])
    for index in range(6):
        person = StayFactory(facility=facilities["a"], admitted_on=date(2025, 1, 6)).person
        _assess(manager, person, ratings=_ratings(choking="medium"))
        _incident(manager, facilities["a"], person, kind="choking" if index % 2 else "wandering", harm="treated")
    inspector = login(cast["inspector"])
    assert {url: count_queries(inspector, url, params) for url, params in (
        (reverse("safety_incidents"), {"month": "2026-11"}),
        (reverse("safety_register"), {"facility": facilities["a"].pk}),
        ("/api/safety-incidents", {"month": "2026-11"}),
        (f"/api/facilities/{facilities['a'].pk}/risk-register", None))} == counts
    page = inspector.get(reverse("safety_incidents"), {"month": "2026-11"}).content.decode()
    assert '<td class="text-end fw-semibold">7</td>' in page  # facility A's seven incidents
    assert inspector.get(reverse("safety_incidents"), {"month": "2026-10"}).content.decode().count("马玉兰") == 0


def test_another_facilitys_assessment_does_not_count_after_a_transfer(cast, login, facilities, resident):
    from residents.services import stay_transfer

    assert _assess(login(cast["manager_a"]), resident)[0] == 201
    manager_c = UserFactory(username="manager_c", facilities=[facilities["c"]])
    stay_transfer(by=cast["manager_a"], stay=resident.stays.get(), to_facility=facilities["c"], transferred_on=date(2026, 11, 20))
    rows = login(manager_c).get(f"/api/facilities/{facilities['c'].pk}/risk-register").json()
    assert [(row["name"], row["state"]) for row in rows] == [("马玉兰", "not_assessed")]
    assert "未评估" in login(manager_c).get(reverse("person_detail", args=[resident.pk])).content.decode()


def test_a_month_or_day_beyond_the_calendar_is_refused_not_a_server_error(cast, login):
    from common.forms import MonthField

    for month in ("9999-12", "0001-01", "2026-13"):
        assert login(cast["inspector"]).get(reverse("safety_incidents"), {"month": month}).status_code == 400, month
    for day in ("9999-12-31", "0001-01-01", "2026-02-30"):
        assert login(cast["manager_a"]).get(reverse("safety_rounds"), {"day": day}).status_code == 400, day
    with pytest.raises(ValidationError, match="1900-01"):
        MonthField().clean("9999-12")  # the same bound for a month posted in a form


def test_a_recorded_review_is_corrected_never_erased_and_a_used_catalogue_is_not_overwritten(cast, login, facilities,
                                                                                              resident, tmp_path):
    client = login(cast["manager_a"])
    _incident(client, facilities["a"], resident)
    incident = SafetyIncident.objects.get()
    body = {"family_notified_at": None, "family_notified": "", "review": "加密巡视", "reviewed_on": "2026-11-21"}
    assert client.post(f"/api/safety-incidents/{incident.pk}/follow-up", json.dumps(body),
                       content_type="application/json").status_code == 200
    body |= {"review": "", "reviewed_on": None}
    response = client.post(f"/api/safety-incidents/{incident.pk}/follow-up", json.dumps(body),
                           content_type="application/json")
    assert response.status_code == 422 and SafetyIncident.objects.get().review == "加密巡视"
    _assess(client, resident)
    national = SafetyRiskCatalogue.objects.get(region=None)
    path = tmp_path / "same.json"
    path.write_text(json.dumps({"code": "GB 38600-2019", "name": "改", "source": "改", "items": national.items,
                                "effective_from": national.effective_from.isoformat()}, ensure_ascii=False),
                    encoding="utf-8")
    with pytest.raises(CommandError, match="新的起用日期"):
        call_command("load_safety_catalogue", str(path))
    assert SafetyRiskCatalogue.objects.get(region=None).name == national.name


def test_the_nightly_scan_alerts_a_missing_or_overdue_assessment_and_resolves_it(cast, login, facilities, resident,
                                                                                  regions, time_machine):
    from facilities.models import Alert, FacilityKind
    from residents.scans import scan_safety_reviews
    from tests.factories import FacilityFactory

    home = FacilityFactory(name="西峰区儿童福利院", region=regions["621002"], kind=FacilityKind.CHILD_WELFARE)
    StayFactory(facility=home, admitted_on=date(2025, 1, 6))
    scan_safety_reviews(today=date(2026, 11, 23))
    open_alerts = Alert.objects.filter(resolved_at__isnull=True, kind__startswith="safety_")
    assert list(open_alerts.values_list("kind", "subject_label")) == [("safety_assessment_missing", "马玉兰")]
    assert _assess(login(cast["manager_a"]), resident)[0] == 201
    scan_safety_reviews(today=date(2026, 11, 23))
    assert not open_alerts.exists()
    time_machine.move_to(date(2027, 11, 3))
    scan_safety_reviews(today=date(2027, 11, 3))  # due on 2027-11-02
    alert = open_alerts.get()
    assert alert.kind == "safety_review_overdue" and alert.facility_id == facilities["a"].pk
    assert "2027-11-02" in alert.message and "已逾期 1 天" in alert.message


def test_a_catalogue_file_loads_as_a_new_version_and_a_wrong_one_is_refused(tmp_path, regions):
    national = SafetyRiskCatalogue.objects.get(region=None)
    document = {"code": "GB 38600-2019", "name": "甘肃省养老机构服务安全风险目录", "source": "省民政厅 2026 增补",
                "effective_from": "2026-07-01", "items": [*national.items, {"code": "electric", "name": "用电安全"}]}
    good = tmp_path / "catalogue.json"
    good.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    call_command("load_safety_catalogue", str(good), "--region", "620000")
    assert len(safety_catalogue_for(region_code="621002", on=date(2026, 11, 23)).items) == 10
    assert len(safety_catalogue_for(region_code="530102", on=date(2026, 11, 23)).items) == 9
    assert len(safety_catalogue_for(region_code="621002", on=date(2026, 6, 30)).items) == 9
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**document, "items": [{"code": "fall", "name": "跌倒"}, {"code": "fall", "name": "坠床"}]},
                              ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="duplicate code fall"):
        call_command("load_safety_catalogue", str(bad), "--region", "620000", "--from", "2026-08-01")
    assert SafetyRiskCatalogue.objects.count() == 2


def _round(client, facility, **changes):
    body = {"unit": "一楼", "kind": "round", "at": "2026-11-22T02:00:00", "staff": "护理员甲", **changes}
    return _post(client, f"/api/facilities/{facility.pk}/rounds", body)


def test_rounds_and_handovers_show_their_gaps_by_unit_and_the_scan_alerts_the_facility(cast, login, facilities,
                                                                                       regions):
    from facilities.models import Alert
    from residents.scans import scan_round_gaps

    RegionPolicy.objects.create(region=regions["621002"], effective_from=date(2026, 1, 1), round_max_gap_hours=4,
                                handover_max_gap_hours=12)
    client = login(cast["manager_a"])
    for hour in range(0, 24, 3):
        assert _round(client, facilities["a"], at=f"2026-11-22T{hour:02d}:30:00")[0] == 201
    for hour in (8, 20):
        assert _round(client, facilities["a"], kind="handover", at=f"2026-11-22T{hour:02d}:00:00", staff="夜班",
                      received_by="白班")[0] == 201
    assert _round(client, facilities["a"], unit="二楼", at="2026-11-22T23:00:00")[0] == 201
    units = {row["unit"]: row for row in client.get(f"/api/facilities/{facilities['a'].pk}/rounds",
                                                    {"day": "2026-11-22"}).json()}
    assert units["一楼"]["round_gaps"] == [] and units["一楼"]["handover_gaps"] == []
    assert units["二楼"]["round_gaps"] == [{"start": "2026-11-22T00:00:00+08:00", "end": "2026-11-22T23:00:00+08:00"}]
    assert len(units["二楼"]["handover_gaps"]) == 1
    page = client.get(reverse("safety_rounds"), {"day": "2026-11-22"}).content.decode()
    assert "巡查缺漏 00:00–23:00" in page and "一楼" in page and "有缺漏" in page
    assert SafetyRound.objects.first().history.get().history_user == cast["manager_a"]

    scan_round_gaps(day=date(2026, 11, 22))
    alerts = Alert.objects.filter(kind="round_gap", resolved_at__isnull=True)
    assert set(alerts.values_list("facility_id", flat=True)) == {facilities["a"].pk, facilities["b"].pk,
                                                                 facilities["c"].pk, facilities["y"].pk}
    message = alerts.get(facility=facilities["a"]).message
    assert "二楼巡查 00:00–23:00" in message and "一楼" not in message
    assert "全院巡查 00:00–24:00" in alerts.get(facility=facilities["b"]).message


@pytest.mark.parametrize(("changes", "field"), [
    ({"kind": "handover"}, "received_by"),
    ({"kind": "handover", "received_by": "护理员甲"}, "received_by"),
    ({"unit": " "}, "unit"),
    ({"at": "2026-11-23T11:00:00"}, "at"),
])
def test_bad_rounds_are_refused_with_the_field_and_nothing_is_saved(cast, login, facilities, changes, field):
    status, out = _round(login(cast["manager_a"]), facilities["a"], **changes)
    assert status == 422 and field in json.dumps(out, ensure_ascii=False)
    assert not SafetyRound.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("manager_b", 404), ("inspector", 403), ("admin", 403),
                                              ("inspector_other", 404)])
def test_only_the_facilitys_manager_records_rounds_and_only_its_scope_reads_them(cast, login, facilities, role,
                                                                                  status):
    _round(login(cast["manager_a"]), facilities["a"])
    assert _round(login(cast[role]), facilities["a"])[0] == status
    reads = login(cast[role]).get(f"/api/facilities/{facilities['a'].pk}/rounds", {"day": "2026-11-22"})
    assert reads.status_code == (200 if role == "inspector" else 404)
    assert SafetyRound.objects.count() == 1
