"""The safety checklist and the supervised rectification of major hazards (挂牌督办): the national
checklist, recording a checklist and every refusal, a major hazard's evidence and re-check by another
inspector, the nightly escalation to the city and its alert, the region view, the pages and the API,
and the command that loads a province's checklist.

The clock stands at 2026-06-15 (Asia/Shanghai) unless a test moves it. The inspection of facility A
(西峰区肖金镇) took place on 2026-06-01; the deadline is 2026-06-20.
"""
import json
from datetime import date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from facilities.checklist_rules import Answer, CheckResult
from facilities.inspections import scans, services
from facilities.inspections.selectors import checklist_in_force
from facilities.models import (
    Alert,
    AlertKind,
    ChecklistAnswer,
    Finding,
    FindingSeverity,
    FindingStatus,
    InspectionChecklist,
    InspectionKind,
    Severity,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 6, 15)
INSPECTED = date(2026, 6, 1)
DEADLINE = date(2026, 6, 20)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def at(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(TODAY), tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def inspection(cast, facilities):
    return services.inspection_record(by=cast["inspector"], facility=facilities["a"], inspected_on=INSPECTED,
                                      kind=InspectionKind.ROUTINE, inspectors="李秀兰、王建国")


@pytest.fixture
def checklist(inspection):
    return checklist_in_force(facility=inspection.facility, on=INSPECTED)


def all_met(checklist, **changes) -> dict[str, Answer]:
    answers = {row["code"]: Answer(result=CheckResult.MET) for row in checklist.items}
    answers.update(changes)
    return answers


NOT_MET = Answer(result=CheckResult.NOT_MET, evidence="北侧安全出口上锁")


def fill(by, inspection, checklist, *, deadline=DEADLINE, **changes):
    return services.checklist_record(by=by, inspection=inspection, answers=all_met(checklist, **changes), deadline=deadline)


@pytest.fixture
def hazard(cast, inspection, checklist) -> Finding:
    """A major hazard (H6-2, exits locked) found by the county inspector."""
    saved = fill(cast["inspector"], inspection, checklist, **{"H6-2": NOT_MET})
    return next(row.finding for row in saved if row.finding)


def photo():
    return SimpleUploadedFile("photo.png", PNG, content_type="image/png")


# --- the national checklist ------------------------------------------------------------------


def test_the_national_checklist_holds_22_major_hazards_in_5_groups_and_names_its_source(checklist):
    majors = [row for row in checklist.items if row["major"]]
    assert len(majors) == 22
    assert len({row["group"] for row in majors}) == 5
    assert checklist.region is None and checklist.effective_from == date(2023, 11, 27)
    assert "民政部办公厅2023年11月27日" in checklist.source and "GB 38600-2019" in checklist.source
    assert "未能与正式文本逐条核对" in checklist.source  # what could not be verified is said
    assert all(row["basis"] for row in checklist.items)


def test_no_checklist_before_the_standard(cast, facilities):
    assert checklist_in_force(facility=facilities["a"], on=date(2023, 11, 26)) is None


# --- recording a checklist ---------------------------------------------------------------------


def test_all_met_records_every_answer_with_history_and_no_finding(cast, inspection, checklist):
    saved = fill(cast["inspector"], inspection, checklist, deadline=None)
    assert len(saved) == len(checklist.items) == ChecklistAnswer.objects.filter(inspection=inspection).count()
    assert not Finding.objects.exists()
    assert ChecklistAnswer.history.filter(history_user=cast["inspector"]).count() == len(checklist.items)


def test_a_major_hazard_not_met_is_a_serious_supervised_finding(cast, hazard):
    assert hazard.hazard_code == "H6-2" and hazard.severity == FindingSeverity.SERIOUS
    assert hazard.category == "日常管理存在严重问题" and hazard.deadline == DEADLINE
    assert "北侧安全出口上锁" in hazard.description and hazard.recorded_by == cast["inspector"]
    assert hazard.history.first().history_change_reason == "重大事故隐患，挂牌督办"


def test_an_ordinary_item_not_met_is_a_finding_without_supervision(cast, inspection, checklist):
    saved = fill(cast["inspector"], inspection, checklist, **{"G7-1": Answer(CheckResult.NOT_MET, "交接班记录缺失")})
    finding = next(row.finding for row in saved if row.finding)
    assert finding.hazard_code == "" and finding.severity == FindingSeverity.MAJOR


def test_not_applicable_keeps_its_reason_and_opens_nothing(cast, inspection, checklist):
    fill(cast["inspector"], inspection, checklist, **{"H5-4": Answer(CheckResult.NOT_APPLICABLE, "未设医疗机构")})
    row = ChecklistAnswer.objects.get(inspection=inspection, item_code="H5-4")
    assert row.result == "na" and row.evidence == "未设医疗机构" and row.finding is None


@pytest.mark.parametrize("changes, deadline, field, message", [
    ({"H6-2": Answer(CheckResult.NOT_MET, "")}, DEADLINE, "result_H6-2", "须写明情况"),
    ({"H5-4": Answer(CheckResult.NOT_APPLICABLE, "  ")}, DEADLINE, "result_H5-4", "须写明情况"),
    ({"X-1": Answer(CheckResult.MET)}, DEADLINE, "result_X-1", "没有该项"),
    ({"H6-2": NOT_MET}, None, "deadline", "请填写整改期限"),
    ({"H6-2": NOT_MET}, date(2026, 5, 31), "deadline", "不能早于检查日期"),
])
def test_refusals_name_the_item_and_save_nothing(cast, inspection, checklist, changes, deadline, field, message):
    with pytest.raises(ValidationError) as refused:
        fill(cast["inspector"], inspection, checklist, deadline=deadline, **changes)
    assert message in " ".join(refused.value.message_dict[field])
    assert not ChecklistAnswer.objects.exists() and not Finding.objects.exists()


def test_an_item_left_out_is_refused(cast, inspection, checklist):
    answers = all_met(checklist)
    del answers["H4-1"]
    with pytest.raises(ValidationError) as refused:
        services.checklist_record(by=cast["inspector"], inspection=inspection, answers=answers, deadline=DEADLINE)
    assert "result_H4-1" in refused.value.message_dict


def test_a_checklist_is_filled_in_once(cast, inspection, checklist):
    fill(cast["inspector"], inspection, checklist)
    with pytest.raises(ValidationError, match="已填写检查表"):
        fill(cast["inspector_city"], inspection, checklist)


@pytest.mark.parametrize("who", ["manager_a", "clerk", "inspector_other"])
def test_only_the_regions_inspectors_fill_in_a_checklist(cast, inspection, checklist, who):
    with pytest.raises(PermissionDenied):
        fill(cast[who], inspection, checklist)


# --- evidence and the re-check by another inspector ---------------------------------------------------


def test_a_major_hazard_is_rectified_only_with_evidence(cast, hazard):
    with pytest.raises(ValidationError) as refused:
        services.finding_rectify(by=cast["manager_a"], finding=hazard, rectification="已开锁", rectified_on=TODAY)
    assert "整改材料" in " ".join(refused.value.message_dict["evidence"])
    done = services.finding_rectify(by=cast["manager_a"], finding=hazard, rectification="已开锁", rectified_on=TODAY,
                                    evidence=photo())
    assert done.status == FindingStatus.RECTIFIED and done.evidence


def test_the_inspector_who_found_a_major_hazard_cannot_close_it(cast, hazard):
    services.finding_rectify(by=cast["manager_a"], finding=hazard, rectification="已开锁", rectified_on=TODAY,
                             evidence=photo())
    with pytest.raises(ValidationError, match="发现人以外"):
        services.finding_verify(by=cast["inspector"], finding=hazard, verified_on=TODAY)
    closed = services.finding_verify(by=cast["inspector_city"], finding=hazard, verified_on=TODAY)
    assert closed.status == FindingStatus.VERIFIED and closed.verified_by == cast["inspector_city"]


def test_an_ordinary_finding_is_still_verified_by_its_finder(cast, inspection, checklist):
    saved = fill(cast["inspector"], inspection, checklist, **{"G7-1": Answer(CheckResult.NOT_MET, "记录缺失")})
    finding = next(row.finding for row in saved if row.finding)
    services.finding_rectify(by=cast["manager_a"], finding=finding, rectification="已补", rectified_on=TODAY)
    assert services.finding_verify(by=cast["inspector"], finding=finding, verified_on=TODAY).status == "verified"


# --- the nightly escalation and its alert -------------------------------------------------------------


def test_before_the_deadline_nothing_is_escalated(cast, hazard):
    assert scans.scan_major_hazards(today=DEADLINE) == (0, 0)
    hazard.refresh_from_db()
    assert hazard.escalated_on is None


def test_the_day_after_the_deadline_it_goes_to_the_city_with_a_critical_alert(cast, hazard):
    assert scans.scan_major_hazards(today=date(2026, 6, 21)) == (1, 0)
    hazard.refresh_from_db()
    assert hazard.escalated_on == date(2026, 6, 21) and hazard.escalated_to_id == "621000"
    assert hazard.history.first().history_change_reason == "重大事故隐患逾期，升级市级督办"
    alert = Alert.objects.get(kind=AlertKind.MAJOR_HAZARD_OVERDUE, resolved_at=None)
    assert alert.severity == Severity.CRITICAL and alert.facility_id == hazard.inspection.facility_id
    assert "H6-2" in alert.message and "市级民政部门督办" in alert.message
    assert alert.details["escalated_to"] == "621000"


def test_escalation_happens_once_and_the_alert_stays_one(cast, hazard):
    scans.scan_major_hazards(today=date(2026, 6, 21))
    assert scans.scan_major_hazards(today=date(2026, 6, 25)) == (0, 0)
    hazard.refresh_from_db()
    assert hazard.escalated_on == date(2026, 6, 21)
    assert Alert.objects.filter(kind=AlertKind.MAJOR_HAZARD_OVERDUE).count() == 1
    assert "已逾期 5 天" in Alert.objects.get(kind=AlertKind.MAJOR_HAZARD_OVERDUE).message


def test_reported_rectified_is_not_closed_only_the_recheck_resolves_the_alert(cast, hazard, clock):
    scans.scan_major_hazards(today=date(2026, 6, 21))
    clock.move_to(at(date(2026, 6, 22)))
    services.finding_rectify(by=cast["manager_a"], finding=hazard, rectification="已开锁",
                             rectified_on=date(2026, 6, 22), evidence=photo())
    assert scans.scan_major_hazards(today=date(2026, 6, 22)) == (0, 0)
    services.finding_verify(by=cast["inspector_city"], finding=hazard, verified_on=date(2026, 6, 22))
    assert scans.scan_major_hazards(today=date(2026, 6, 22)) == (0, 1)


def test_the_ordinary_overdue_scan_leaves_major_hazards_to_their_own_alert(cast, hazard):
    scans.scan_rectifications(today=date(2026, 6, 21))
    assert not Alert.objects.filter(kind=AlertKind.RECTIFICATION_OVERDUE).exists()


def test_a_change_to_a_finding_runs_the_hazard_scan_for_its_facility(cast, hazard, clock,
                                                                       django_capture_on_commit_callbacks):
    clock.move_to(at(date(2026, 6, 21)))
    with django_capture_on_commit_callbacks(execute=True):
        services.finding_rectify(by=cast["manager_a"], finding=hazard, rectification="已开锁",
                                 rectified_on=date(2026, 6, 21), evidence=photo())
    assert Alert.objects.filter(kind=AlertKind.MAJOR_HAZARD_OVERDUE, resolved_at=None).count() == 1


@pytest.mark.parametrize("n", [1, 4])
def test_the_hazard_scan_runs_a_fixed_number_of_queries(cast, facilities, checklist, n):
    for facility in list(facilities.values())[:n]:
        inspection = services.inspection_record(by=cast["inspector_city"] if facility.region_id.startswith("62")
                                                else cast["inspector_other"], facility=facility,
                                                inspected_on=INSPECTED, kind=InspectionKind.ROUTINE, inspectors="王")
        fill(inspection.recorded_by, inspection, checklist, **{"H6-2": NOT_MET, "H4-1": NOT_MET})
    with CaptureQueriesContext(connection) as queries:
        scans.scan_major_hazards(today=date(2026, 6, 21))
    assert len(queries) == 8  # findings, regions, escalation (update, history), alerts (lock, insert, update, resolve)


# --- the pages ------------------------------------------------------------------------------------


def test_the_inspector_fills_in_the_checklist_on_its_page(cast, inspection, checklist, login):
    client = login(cast["inspector"])
    page = reverse("inspection_checklist", args=[inspection.pk])
    form = client.get(page)
    assert form.status_code == 200 and 'data-testid="checklist-form"' in form.content.decode()
    data = {f"result_{row['code']}": "met" for row in checklist.items}
    data.update({"result_H6-2": "not_met", "evidence_H6-2": "北侧安全出口上锁", "deadline": "2026-06-20"})
    response = client.post(page, data)
    assert response.status_code == 302
    assert Finding.objects.get().hazard_code == "H6-2"
    shown = client.get(reverse("inspection_detail", args=[inspection.pk])).content.decode()
    assert 'data-testid="hazard-badge"' in shown and "符合 27 项，不符合 1 项，不适用 0 项" in shown


def test_a_refused_checklist_comes_back_with_the_answers_kept(cast, inspection, checklist, login):
    client = login(cast["inspector"])
    data = {f"result_{row['code']}": "met" for row in checklist.items}
    data.update({"result_H6-2": "not_met", "evidence_H6-2": "", "evidence_G5": "评估表齐全"})
    response = client.post(reverse("inspection_checklist", args=[inspection.pk]), data)
    html = response.content.decode()
    assert response.status_code == 422 and "须写明情况" in html and "请填写整改期限" in html
    assert "评估表齐全" in html and not ChecklistAnswer.objects.exists()


def test_the_manager_reads_the_filled_checklist_and_cannot_post(cast, hazard, login):
    client = login(cast["manager_a"])
    page = reverse("inspection_checklist", args=[hazard.inspection_id])
    html = client.get(page).content.decode()
    assert 'data-testid="checklist"' in html and "北侧安全出口上锁" in html and "checklist-form" not in html
    assert client.post(page, {}).status_code == 403


@pytest.mark.parametrize("who", ["manager_b", "inspector_other", "admin"])
def test_outside_the_scope_the_checklist_is_not_found(cast, hazard, login, who):
    if who == "admin":
        assert login(cast[who]).get(reverse("inspection_checklist", args=[hazard.inspection_id])).status_code == 200
    else:
        assert login(cast[who]).get(reverse("inspection_checklist", args=[hazard.inspection_id])).status_code == 404


def test_the_finder_is_told_another_inspector_rechecks(cast, hazard, login):
    services.finding_rectify(by=cast["manager_a"], finding=hazard, rectification="已开锁", rectified_on=TODAY,
                             evidence=photo())
    page = reverse("inspection_detail", args=[hazard.inspection_id])
    assert 'data-testid="recheck-by-other"' in login(cast["inspector"]).get(page).content.decode()
    other = login(cast["inspector_city"]).get(page).content.decode()
    assert 'data-testid="recheck-by-other"' not in other and f'action="/facilities/inspections/findings/{hazard.pk}/verify/"' in other


def test_the_printed_record_carries_the_checklist(cast, hazard, login):
    html = login(cast["inspector"]).get(reverse("inspection_print", args=[hazard.inspection_id])).content.decode()
    assert 'data-testid="record-checklist"' in html and "挂牌督办" in html


def test_the_region_view_lists_open_major_hazards_oldest_first(cast, facilities, checklist, hazard, login):
    later = services.inspection_record(by=cast["inspector"], facility=facilities["b"], inspected_on=date(2026, 6, 10),
                                       kind=InspectionKind.ROUTINE, inspectors="王")
    fill(cast["inspector"], later, checklist, **{"H4-1": NOT_MET})
    scans.scan_major_hazards(today=TODAY)  # nothing overdue yet
    html = login(cast["inspector_city"]).get(reverse("inspection_region")).content.decode()
    table = html[html.index('data-testid="major-hazards"'):]
    assert table.index(facilities["a"].name) < table.index(facilities["b"].name)
    assert 'data-testid="major-hazards"' not in login(cast["inspector_other"]).get(reverse("inspection_region")).content.decode()


def test_an_escalated_hazard_shows_as_supervised_by_the_city(cast, hazard, login, clock):
    scans.scan_major_hazards(today=date(2026, 6, 21))
    clock.move_to(at(date(2026, 6, 21)))
    html = login(cast["inspector_city"]).get(reverse("inspection_region")).content.decode()
    assert "逾期 · 庆阳市督办" in html


# --- the API ------------------------------------------------------------------------------------


def test_api_reads_and_fills_in_the_checklist(cast, inspection, checklist, login):
    client = login(cast["inspector"])
    url = f"/api/inspections/{inspection.pk}/checklist"
    empty = client.get(url).json()
    assert len(empty["items"]) == len(checklist.items) and empty["items"][0]["result"] is None
    answers = [{"code": row["code"], "result": "met"} for row in checklist.items]
    answers[0] = {"code": checklist.items[0]["code"], "result": "not_met", "evidence": "危房仍在使用"}
    response = client.post(url, {"answers": answers, "deadline": "2026-06-20"}, content_type="application/json")
    assert response.status_code == 201
    first = response.json()["items"][0]
    assert first["result"] == "not_met" and first["finding_id"] == Finding.objects.get().pk
    hazards = client.get("/api/major-hazards").json()
    assert hazards["count"] == 1 and hazards["items"][0]["hazard_code"] == "H4-1"
    assert hazards["items"][0]["supervision"] == "open"


def test_api_refuses_an_item_twice_and_a_missing_evidence(cast, inspection, checklist, login):
    client = login(cast["inspector"])
    url = f"/api/inspections/{inspection.pk}/checklist"
    answers = [{"code": row["code"], "result": "met"} for row in checklist.items]
    twice = client.post(url, {"answers": answers + answers[:1]}, content_type="application/json")
    assert twice.status_code == 422
    answers[0] = {"code": answers[0]["code"], "result": "not_met"}
    missing = client.post(url, {"answers": answers, "deadline": "2026-06-20"}, content_type="application/json")
    assert missing.status_code == 422 and "须写明情况" in json.dumps(missing.json(), ensure_ascii=False)
    assert not ChecklistAnswer.objects.exists()


@pytest.mark.parametrize("who, count", [("inspector", 1), ("inspector_city", 1), ("manager_a", 1),
                                        ("manager_b", 0), ("inspector_other", 0), ("clerk", 1)])
def test_api_major_hazards_are_scoped(cast, hazard, login, who, count):
    assert login(cast[who]).get("/api/major-hazards").json()["count"] == count


def test_api_manager_cannot_fill_in_the_checklist(cast, inspection, checklist, login):
    answers = [{"code": row["code"], "result": "met"} for row in checklist.items]
    response = login(cast["manager_a"]).post(f"/api/inspections/{inspection.pk}/checklist", {"answers": answers},
                                             content_type="application/json")
    assert response.status_code == 403


# --- loading a province's checklist ----------------------------------------------------------------


def document(tmp_path, items, name="checklist.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"code": "甘民发〔2026〕1号", "name": "甘肃省养老机构安全检查表", "effective_from": "2026-01-01",
                                "source": "甘肃省民政厅", "items": items}, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_province_loads_its_own_checklist_which_applies_in_its_region(cast, facilities, tmp_path):
    items = [{"code": "GS-1", "group": "本省补充", "text": "冬季取暖设施安全", "basis": "甘肃省规定", "major": True}]
    out = StringIO()
    call_command("load_inspection_checklist", str(document(tmp_path, items)), "--region", "620000", stdout=out)
    assert "1 项 / items" in out.getvalue()
    assert checklist_in_force(facility=facilities["a"], on=TODAY).items[0]["code"] == "GS-1"
    assert checklist_in_force(facility=facilities["y"], on=TODAY).region is None


@pytest.mark.parametrize("items, message", [
    ([], "没有检查项"),
    ([{"code": "A", "group": "g", "text": "t"}, {"code": "A", "group": "g", "text": "u"}], "编号重复"),
    ([{"code": "A", "group": "", "text": "t"}], "缺少编号、类别或内容"),
])
def test_a_broken_checklist_is_refused(cast, tmp_path, items, message):
    with pytest.raises(CommandError, match=message):
        call_command("load_inspection_checklist", str(document(tmp_path, items)), stdout=StringIO())
    assert InspectionChecklist.objects.count() == 1


def test_a_version_already_used_cannot_be_overwritten(cast, hazard, tmp_path):
    national = InspectionChecklist.objects.get()
    items = [{"code": "A", "group": "g", "text": "t"}]
    with pytest.raises(CommandError, match="已用于检查"):
        call_command("load_inspection_checklist", str(document(tmp_path, items)), "--from",
                     national.effective_from.isoformat(), stdout=StringIO())
    national.refresh_from_db()
    assert len(national.items) == 28
