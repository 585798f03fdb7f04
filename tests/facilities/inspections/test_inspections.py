"""Inspections (督导检查) and rectification: the services and every refusal, the alert scans
(rectification overdue, rating expiring / expired), scoping on the pages and in the API, and the
query counts of the list pages.

The clock stands at 2026-06-15 (Asia/Shanghai) unless a test moves it. The inspection of facility A
(西峰区) took place on 2026-06-01.
"""
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from facilities.inspections import scans, services
from facilities.models import (
    Alert,
    AlertKind,
    FacilityStatus,
    Finding,
    FindingSeverity,
    FindingStatus,
    FollowUp,
    Inspection,
    InspectionKind,
    Severity,
    StarRating,
)
from facilities.rules import rating_expires_on
from facilities.tasks import scan_facilities
from tests.factories import FacilityFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 6, 15)
INSPECTED = date(2026, 6, 1)
ERROR_SHAPE = {"code", "message", "message_en", "errors"}
PDF = b"%PDF-1.4\n%demo\n"
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


def record(by, facility, *, on=INSPECTED, kind=InspectionKind.ROUTINE) -> Inspection:
    return services.inspection_record(by=by, facility=facility, inspected_on=on, kind=kind, inspectors="李秀兰、王建国")


def add(by, inspection, *, deadline=date(2026, 7, 1), severity=FindingSeverity.MINOR, category="消防安全") -> Finding:
    return services.finding_add(
        by=by, inspection=inspection, category=category, severity=severity, description="安全出口堆放杂物", deadline=deadline,
    )


def rectify(by, finding, *, on=date(2026, 6, 10), evidence=None) -> Finding:
    return services.finding_rectify(by=by, finding=finding, rectification="已清理", rectified_on=on, evidence=evidence)


def verify(by, finding, *, on=date(2026, 6, 12)) -> Finding:
    return services.finding_verify(by=by, finding=finding, verified_on=on)


@pytest.fixture
def inspection(cast, facilities):
    return record(cast["inspector"], facilities["a"])


def messages_of(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


# --- services: recording an inspection --------------------------------------------------


def test_inspector_records_an_inspection_and_history_names_them(cast, inspection):
    assert inspection.recorded_by == cast["inspector"]
    assert inspection.history.get().history_user == cast["inspector"]
    assert inspection.closed_on is None


@pytest.mark.parametrize("who", ["inspector_city", "admin"])
def test_city_inspector_and_admin_record_inspections(cast, facilities, who):
    assert record(cast[who], facilities["c"]).pk


@pytest.mark.parametrize("who, facility", [
    ("manager_a", "a"), ("clerk", "a"), ("inspector_other", "a"), ("inspector", "c"), ("manager_b", "a"),
])
def test_only_the_regions_inspectors_record_inspections(cast, facilities, who, facility):
    with pytest.raises(PermissionDenied):
        record(cast[who], facilities[facility])
    assert not Inspection.objects.exists()


def test_an_inspection_cannot_be_dated_in_the_future(cast, facilities):
    with pytest.raises(ValidationError) as exc:
        record(cast["inspector"], facilities["a"], on=TODAY + timedelta(days=1))
    assert exc.value.message_dict == {"inspected_on": ["日期不能晚于今天"]}


def test_an_inspection_needs_inspectors_and_a_known_kind(cast, facilities):
    with pytest.raises(ValidationError) as exc:
        services.inspection_record(by=cast["inspector"], facility=facilities["a"], inspected_on=INSPECTED, kind="party", inspectors=" ")
    assert set(exc.value.message_dict) == {"kind", "inspectors"}


# --- services: findings -----------------------------------------------------------------


def test_inspector_adds_a_finding_with_a_deadline(cast, inspection):
    finding = add(cast["inspector"], inspection, deadline=INSPECTED)
    assert finding.status == FindingStatus.OPEN
    assert finding.history.get().history_user == cast["inspector"]


@pytest.mark.parametrize("who", ["manager_a", "clerk", "inspector_other"])
def test_only_inspectors_add_findings(cast, inspection, who):
    with pytest.raises(PermissionDenied):
        add(cast[who], inspection)


def test_a_deadline_before_the_inspection_is_refused(cast, inspection):
    with pytest.raises(ValidationError) as exc:
        add(cast["inspector"], inspection, deadline=INSPECTED - timedelta(days=1))
    assert exc.value.message_dict == {"deadline": ["整改期限不能早于检查日期"]}


def test_no_finding_is_added_to_a_closed_inspection(cast, inspection):
    services.inspection_close(by=cast["inspector"], inspection=inspection, closed_on=INSPECTED)
    with pytest.raises(ValidationError, match="已结案"):
        add(cast["inspector"], inspection)


# --- services: rectification ------------------------------------------------------------


@pytest.fixture
def finding(cast, inspection):
    return add(cast["inspector"], inspection)


def test_manager_records_rectification_with_evidence(cast, finding):
    evidence = SimpleUploadedFile("整改照片.pdf", PDF, content_type="application/pdf")
    done = rectify(cast["manager_a"], finding, evidence=evidence)
    assert done.status == FindingStatus.RECTIFIED and done.rectified_on == date(2026, 6, 10)
    assert done.evidence.name.startswith(f"rectifications/finding{finding.pk}-20260610") and done.evidence.name.endswith(".pdf")
    assert done.history.latest().history_user == cast["manager_a"]


def test_a_rectification_can_be_corrected_until_it_is_verified(cast, finding):
    rectify(cast["manager_a"], finding)
    again = services.finding_rectify(by=cast["manager_a"], finding=finding, rectification="已清理并张贴标识", rectified_on=date(2026, 6, 11))
    assert again.rectification == "已清理并张贴标识" and again.status == FindingStatus.RECTIFIED


@pytest.mark.parametrize("who", ["inspector", "inspector_city", "clerk", "manager_b", "inspector_other"])
def test_only_the_facilitys_manager_records_rectification(cast, finding, who):
    with pytest.raises(PermissionDenied):
        rectify(cast[who], finding)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


@pytest.mark.parametrize("text, on, field, message", [
    ("  ", date(2026, 6, 10), "rectification", "请填写整改情况"),
    ("已清理", TODAY + timedelta(days=1), "rectified_on", "日期不能晚于今天"),
    ("已清理", INSPECTED - timedelta(days=1), "rectified_on", "整改完成日期不能早于检查日期"),
])
def test_rectification_values_are_checked(cast, finding, text, on, field, message):
    with pytest.raises(ValidationError) as exc:
        services.finding_rectify(by=cast["manager_a"], finding=finding, rectification=text, rectified_on=on)
    assert exc.value.message_dict == {field: [message]}


@pytest.mark.parametrize("content, name, message", [
    (b"GIF89a" + b"\x00" * 10, "photo.jpg", "整改材料须为 PDF、JPEG 或 PNG 文件"),
    (b"MZ\x90\x00", "report.pdf", "整改材料须为 PDF、JPEG 或 PNG 文件"),
    (PDF + b"\x00" * (10 * 1024 * 1024), "big.pdf", "整改材料不能超过 10 MB"),
])
def test_evidence_must_be_a_small_pdf_jpeg_or_png(cast, finding, content, name, message):
    with pytest.raises(ValidationError) as exc:
        rectify(cast["manager_a"], finding, evidence=SimpleUploadedFile(name, content))
    assert exc.value.message_dict == {"evidence": [message]}
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and not finding.evidence


def test_evidence_of_exactly_10_mb_is_accepted(cast, finding):
    content = PNG + b"\x00" * (10 * 1024 * 1024 - len(PNG))
    done = rectify(cast["manager_a"], finding, evidence=SimpleUploadedFile("x.bin", content))
    assert done.evidence.name.endswith(".png")


def test_a_verified_finding_cannot_be_rectified_again(cast, finding):
    verify(cast["inspector"], rectify(cast["manager_a"], finding))
    with pytest.raises(ValidationError, match="已复核销号"):
        rectify(cast["manager_a"], finding)


# --- services: verification -------------------------------------------------------------


def test_inspector_verifies_a_rectified_finding(cast, finding):
    done = verify(cast["inspector"], rectify(cast["manager_a"], finding))
    assert done.status == FindingStatus.VERIFIED and done.verified_on == date(2026, 6, 12)
    assert done.history.latest().history_user == cast["inspector"]


@pytest.mark.parametrize("who", ["manager_a", "clerk", "inspector_other"])
def test_only_inspectors_verify(cast, finding, who):
    rectify(cast["manager_a"], finding)
    with pytest.raises(PermissionDenied):
        verify(cast[who], finding)


def test_an_unrectified_finding_cannot_be_verified(cast, finding):
    with pytest.raises(ValidationError, match="尚未填报整改情况"):
        verify(cast["inspector"], finding)


def test_a_finding_is_verified_once(cast, finding):
    verify(cast["inspector"], rectify(cast["manager_a"], finding))
    with pytest.raises(ValidationError, match="已复核销号"):
        verify(cast["inspector"], finding)


@pytest.mark.parametrize("on, message", [
    (date(2026, 6, 9), "复核日期不能早于整改完成日期"),
    (TODAY + timedelta(days=1), "日期不能晚于今天"),
])
def test_verification_dates_are_checked(cast, finding, on, message):
    rectify(cast["manager_a"], finding)
    with pytest.raises(ValidationError) as exc:
        verify(cast["inspector"], finding, on=on)
    assert exc.value.message_dict == {"verified_on": [message]}


# --- services: follow-ups and closing ---------------------------------------------------


def test_inspector_records_a_follow_up(cast, inspection):
    visit = services.follow_up_record(
        by=cast["inspector"], inspection=inspection, visited_on=date(2026, 6, 8), visitors="李秀兰", notes="已整改一半",
    )
    assert visit.history.get().history_user == cast["inspector"]


@pytest.mark.parametrize("who, on, error", [
    ("manager_a", date(2026, 6, 8), PermissionDenied),
    ("clerk", date(2026, 6, 8), PermissionDenied),
    ("inspector", INSPECTED - timedelta(days=1), ValidationError),
    ("inspector", TODAY + timedelta(days=1), ValidationError),
])
def test_follow_up_refusals(cast, inspection, who, on, error):
    with pytest.raises(error):
        services.follow_up_record(by=cast[who], inspection=inspection, visited_on=on, visitors="李秀兰", notes="回访")
    assert not FollowUp.objects.exists()


def test_no_follow_up_after_closing(cast, inspection):
    services.inspection_close(by=cast["inspector"], inspection=inspection, closed_on=INSPECTED)
    with pytest.raises(ValidationError, match="已结案"):
        services.follow_up_record(by=cast["inspector"], inspection=inspection, visited_on=TODAY, visitors="李秀兰", notes="回访")


def test_closing_is_refused_while_findings_are_not_verified(cast, inspection):
    first, second = add(cast["inspector"], inspection), add(cast["inspector"], inspection)
    rectify(cast["manager_a"], first)
    with pytest.raises(ValidationError) as exc:
        services.inspection_close(by=cast["inspector"], inspection=inspection, closed_on=TODAY)
    assert messages_of(exc.value) == "尚有 2 项问题未复核销号，不能结案"
    verify(cast["inspector"], first)
    with pytest.raises(ValidationError, match="尚有 1 项"):
        services.inspection_close(by=cast["inspector"], inspection=inspection, closed_on=TODAY)
    verify(cast["inspector"], rectify(cast["manager_a"], second))
    closed = services.inspection_close(by=cast["inspector"], inspection=inspection, closed_on=TODAY)
    assert closed.closed_on == TODAY
    assert closed.history.latest().history_user == cast["inspector"]


@pytest.mark.parametrize("who", ["manager_a", "clerk", "inspector_other"])
def test_only_inspectors_close(cast, inspection, who):
    with pytest.raises(PermissionDenied):
        services.inspection_close(by=cast[who], inspection=inspection, closed_on=TODAY)


def test_an_inspection_closes_once(cast, inspection):
    services.inspection_close(by=cast["inspector"], inspection=inspection, closed_on=TODAY)
    with pytest.raises(ValidationError, match="该检查已结案"):
        services.inspection_close(by=cast["inspector"], inspection=inspection, closed_on=TODAY)


@pytest.mark.parametrize("on, message", [
    (INSPECTED - timedelta(days=1), "结案日期不能早于检查日期"),
    (date(2026, 6, 11), "结案日期不能早于最后一项问题的复核日期"),
    (TODAY + timedelta(days=1), "日期不能晚于今天"),
])
def test_closing_dates_are_checked(cast, finding, inspection, on, message):
    verify(cast["inspector"], rectify(cast["manager_a"], finding), on=date(2026, 6, 12))
    with pytest.raises(ValidationError) as exc:
        services.inspection_close(by=cast["inspector"], inspection=inspection, closed_on=on)
    assert exc.value.message_dict == {"closed_on": [message]}


# --- scans: rectification overdue -------------------------------------------------------


def overdue_alerts(resolved=False):
    return list(Alert.objects.filter(kind=AlertKind.RECTIFICATION_OVERDUE, resolved_at__isnull=not resolved))


def test_a_finding_past_its_deadline_opens_an_alert(cast, inspection, clock):
    finding = add(cast["inspector"], inspection, deadline=date(2026, 6, 20), severity=FindingSeverity.SERIOUS)
    assert scans.scan_rectifications(today=TODAY) == (0, 0)
    assert scans.scan_rectifications(today=date(2026, 6, 20)) == (0, 0)  # due today is not overdue
    clock.move_to(at(date(2026, 6, 23)))
    assert scans.scan_rectifications(today=date(2026, 6, 23)) == (1, 0)
    (alert,) = overdue_alerts()
    assert alert.subject == f"finding:{finding.pk}" and alert.facility == inspection.facility
    assert alert.severity == Severity.CRITICAL and alert.region_id == inspection.facility.region_id
    assert "已逾期 3 天" in alert.message and alert.details["inspection_id"] == inspection.pk


def test_a_minor_finding_overdue_is_a_warning(cast, inspection):
    add(cast["inspector"], inspection, deadline=date(2026, 6, 5))
    scans.scan_rectifications(today=TODAY)
    assert [a.severity for a in overdue_alerts()] == [Severity.WARNING]


def test_adding_an_overdue_finding_opens_the_alert_after_commit(cast, inspection, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        add(cast["inspector"], inspection, deadline=date(2026, 6, 5))
    assert len(callbacks) == 1
    assert len(overdue_alerts()) == 1


def test_rectifying_resolves_the_overdue_alert(cast, inspection, django_capture_on_commit_callbacks):
    finding = add(cast["inspector"], inspection, deadline=date(2026, 6, 5))
    other = add(cast["inspector"], inspection, deadline=date(2026, 6, 6))
    scans.scan_rectifications(today=TODAY)
    assert len(overdue_alerts()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        rectify(cast["manager_a"], finding)
    assert [a.subject for a in overdue_alerts()] == [f"finding:{other.pk}"]
    assert [a.subject for a in overdue_alerts(resolved=True)] == [f"finding:{finding.pk}"]
    with django_capture_on_commit_callbacks(execute=True):
        verify(cast["inspector"], finding)  # stays resolved
    assert len(overdue_alerts()) == 1


def test_the_rectification_scan_is_idempotent(cast, inspection):
    add(cast["inspector"], inspection, deadline=date(2026, 6, 5))
    assert scans.scan_rectifications(today=TODAY) == (1, 0)
    assert scans.scan_rectifications(today=TODAY) == (0, 0)
    assert Alert.objects.count() == 1


def test_a_facility_scan_leaves_other_facilities_alone(cast, facilities, inspection):
    add(cast["inspector"], inspection, deadline=date(2026, 6, 5))
    other = record(cast["inspector_city"], facilities["c"])
    add(cast["inspector_city"], other, deadline=date(2026, 6, 5))
    scans.scan_rectifications(today=TODAY)
    Finding.objects.filter(inspection=other).update(status=FindingStatus.RECTIFIED)
    assert scans.scan_rectifications(today=TODAY, facility_ids=[facilities["a"].pk]) == (0, 0)
    assert len(overdue_alerts()) == 2


def _overdue_findings(cast, facilities, n):
    inspections = [record(cast["admin"], facilities[key]) for key in ("a", "b", "c", "y")]
    for i in range(n):
        add(cast["admin"], inspections[i % 4], deadline=date(2026, 6, 2) + timedelta(days=i % 10),
            severity=FindingSeverity.SERIOUS if i % 3 == 0 else FindingSeverity.MINOR)


@pytest.mark.parametrize("n", [1, 40])
def test_the_rectification_scan_runs_a_fixed_number_of_queries(cast, facilities, n):
    _overdue_findings(cast, facilities, n)
    # overdue findings with their facilities; savepoint; open alerts (for update); insert; release
    with CaptureQueriesContext(connection) as first:
        assert scans.scan_rectifications(today=TODAY) == (n, 0)
    # the same, with nothing to insert
    with CaptureQueriesContext(connection) as again:
        assert scans.scan_rectifications(today=TODAY) == (0, 0)
    assert (len(first), len(again)) == (5, 4)


# --- scans: ratings ---------------------------------------------------------------------

SCORES = {1: (50, 55, 62, 250), 2: (65, 70, 80, 320), 3: (80, 90, 100, 400), 4: (100, 110, 125, 500), 0: (40, 45, 55, 200)}


def rate(cast, facility, rated_on: date, level: int) -> StarRating:
    environment, equipment, management, service = (Decimal(v) for v in SCORES[level])
    return StarRating.objects.create(
        facility=facility, rated_on=rated_on, expires_on=rating_expires_on(rated_on), level=level,
        environment=environment, equipment=equipment, management=management, service=service,
        evaluators="评定组", recorded_by=cast["admin"],
    )


def rating_alerts(kind):
    return list(Alert.objects.filter(kind=kind, resolved_at__isnull=True).select_related("facility"))


def test_a_rating_expiring_within_90_days_opens_rating_expiring(cast, facilities):
    rate(cast, facilities["a"], date(2023, 7, 1), 3)   # expires 2026-07-01: in 16 days
    rate(cast, facilities["b"], date(2023, 9, 14), 2)  # expires 2026-09-14: in 91 days
    rate(cast, facilities["c"], date(2023, 9, 13), 1)  # expires 2026-09-13: in exactly 90 days
    assert scans.scan_ratings(today=TODAY) == (2, 0)
    alerts = {a.facility.name: a for a in rating_alerts(AlertKind.RATING_EXPIRING)}
    assert set(alerts) == {facilities["a"].name, facilities["c"].name}
    assert alerts[facilities["a"].name].severity == Severity.WARNING
    assert "三星级" in alerts[facilities["a"].name].message and "2026-07-01" in alerts[facilities["a"].name].message
    assert not rating_alerts(AlertKind.RATING_EXPIRED)


def test_an_expired_rating_opens_rating_expired(cast, facilities):
    rate(cast, facilities["a"], date(2023, 6, 15), 2)  # expired today
    assert scans.scan_ratings(today=TODAY) == (1, 0)
    (alert,) = rating_alerts(AlertKind.RATING_EXPIRED)
    assert alert.facility == facilities["a"] and alert.severity == Severity.CRITICAL
    assert "2026-06-15" in alert.message


def test_a_renewed_rating_is_neither_expiring_nor_expired(cast, facilities):
    rate(cast, facilities["a"], date(2022, 1, 10), 2)
    rate(cast, facilities["a"], date(2025, 1, 10), 3)
    assert scans.scan_ratings(today=TODAY) == (0, 0)


def test_renewal_resolves_expiring_and_time_turns_expiring_into_expired(cast, facilities, clock):
    rate(cast, facilities["a"], date(2023, 7, 1), 3)
    rate(cast, facilities["b"], date(2023, 7, 1), 2)
    scans.scan_ratings(today=TODAY)
    assert len(rating_alerts(AlertKind.RATING_EXPIRING)) == 2
    rate(cast, facilities["a"], TODAY, 3)
    assert scans.scan_ratings(today=TODAY) == (0, 1)
    clock.move_to(at(date(2026, 7, 1)))
    assert scans.scan_ratings(today=date(2026, 7, 1)) == (1, 1)
    (expired,) = rating_alerts(AlertKind.RATING_EXPIRED)
    assert expired.facility == facilities["b"] and not rating_alerts(AlertKind.RATING_EXPIRING)


def test_failed_evaluations_and_closed_facilities_raise_no_rating_alert(cast, facilities):
    rate(cast, facilities["a"], date(2023, 7, 1), 0)
    rate(cast, facilities["b"], date(2023, 5, 1), 2)
    rate(cast, facilities["b"], date(2026, 1, 5), 0)  # failed re-evaluation: the facility is unrated now
    facilities["c"].status = FacilityStatus.CLOSED
    facilities["c"].save()
    rate(cast, facilities["c"], date(2023, 5, 1), 2)
    assert scans.scan_ratings(today=TODAY) == (0, 0)


def test_the_rating_scan_is_idempotent(cast, facilities):
    rate(cast, facilities["a"], date(2023, 7, 1), 3)
    rate(cast, facilities["b"], date(2023, 5, 1), 2)
    assert scans.scan_ratings(today=TODAY) == (2, 0)
    assert scans.scan_ratings(today=TODAY) == (0, 0)
    assert Alert.objects.count() == 2


@pytest.mark.parametrize("n", [1, 30])
def test_the_rating_scan_runs_a_fixed_number_of_queries(cast, regions, n):
    for i in range(n):
        facility = FacilityFactory(region=regions["621002100"])
        rate(cast, facility, date(2022, 1, 1), 2)
        rate(cast, facility, date(2023, 7, 1) if i % 2 else date(2023, 5, 1), 3)
    # facilities with their ratings (subqueries); savepoint; open alerts (for update); insert; release
    with CaptureQueriesContext(connection) as ctx:
        assert scans.scan_ratings(today=TODAY) == (n, 0)
    assert len(ctx) == 5


def test_the_nightly_task_runs_both_scans_and_is_scheduled(cast, inspection, settings):
    add(cast["inspector"], inspection, deadline=date(2026, 6, 5))
    rate(cast, inspection.facility, date(2023, 7, 1), 3)
    assert scan_facilities.delay().get() == {"rectifications": (1, 0), "major_hazards": (0, 0), "ratings": (1, 0)}
    entry = settings.CELERY_BEAT_SCHEDULE["scan-facilities"]
    assert entry["task"] == "facilities.tasks.scan_facilities"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({1}, {15})


# --- scoping: pages and API -------------------------------------------------------------


@pytest.fixture
def three(cast, facilities):
    """An inspection in A (西峰区), one in C (庆城县) and one in Y (云南), each with a finding."""
    made = {}
    for key, by in (("a", "inspector"), ("c", "inspector_city"), ("y", "inspector_other")):
        made[key] = record(cast[by], facilities[key])
        add(cast[by], made[key])
    return made


VISIBLE = {
    "manager_a": {"a"}, "manager_b": set(), "inspector": {"a"}, "inspector_city": {"a", "c"},
    "inspector_other": {"y"}, "clerk": {"a"}, "admin": {"a", "c", "y"},
}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_scoping_of_the_list_page_and_the_api(cast, facilities, three, login, who):
    client = login(cast[who])
    page = client.get(reverse("inspection_list")).content.decode()
    assert {key for key in three if facilities[key].name in page} == VISIBLE[who]
    body = client.get("/api/inspections").json()
    assert {item["id"] for item in body["items"]} == {three[key].pk for key in VISIBLE[who]}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_scoping_of_the_detail_print_and_api_detail(cast, three, login, who):
    client = login(cast[who])
    expected = 200 if "a" in VISIBLE[who] else 404
    pk = three["a"].pk
    assert client.get(reverse("inspection_detail", args=[pk])).status_code == expected
    assert client.get(reverse("inspection_print", args=[pk])).status_code == expected
    response = client.get(f"/api/inspections/{pk}")
    assert response.status_code == expected
    if expected == 404:
        assert set(response.json()) == ERROR_SHAPE and response.json()["code"] == "not_found"
    else:
        assert [f["category"] for f in response.json()["findings"]] == ["消防安全"]


# Writes on facility A: who may do what (403: sees it but may not; 404: does not see it).
ADD_FINDING = {"inspector": 201, "inspector_city": 201, "admin": 201, "manager_a": 403, "clerk": 403,
               "manager_b": 404, "inspector_other": 404}
RECTIFY = {"manager_a": 200, "admin": 200, "inspector": 403, "inspector_city": 403, "clerk": 403,
           "manager_b": 404, "inspector_other": 404}
VERIFY = {"inspector": 200, "inspector_city": 200, "admin": 200, "manager_a": 403, "clerk": 403,
          "manager_b": 404, "inspector_other": 404}


@pytest.mark.parametrize("who", sorted(ADD_FINDING))
def test_api_add_finding_rights(cast, three, login, who):
    response = login(cast[who]).post(
        f"/api/inspections/{three['a'].pk}/findings",
        {"category": "食品安全", "severity": "major", "description": "留样不全", "deadline": "2026-07-01"},
        content_type="application/json",
    )
    assert response.status_code == ADD_FINDING[who], response.content
    if response.status_code == 201:
        assert response.json()["status"] == "open" and response.json()["overdue"] is False
    else:
        assert set(response.json()) == ERROR_SHAPE


@pytest.mark.parametrize("who", sorted(RECTIFY))
def test_api_rectify_rights(cast, three, login, who):
    finding = three["a"].findings.get()
    response = login(cast[who]).post(
        f"/api/findings/{finding.pk}/rectify",
        {"rectification": "已清理", "rectified_on": "2026-06-10", "evidence": SimpleUploadedFile("a.png", PNG)},
    )
    assert response.status_code == RECTIFY[who], response.content
    if response.status_code == 200:
        body = response.json()
        assert body["status"] == "rectified" and body["evidence_url"] == reverse("finding_evidence", args=[finding.pk])


@pytest.mark.parametrize("who", sorted(VERIFY))
def test_api_verify_rights(cast, three, login, who):
    finding = rectify(cast["manager_a"], three["a"].findings.get())
    response = login(cast[who]).post(
        f"/api/findings/{finding.pk}/verify", {"verified_on": "2026-06-12"}, content_type="application/json",
    )
    assert response.status_code == VERIFY[who], response.content


def test_api_full_lifecycle_with_error_shapes(cast, facilities, login, django_capture_on_commit_callbacks):
    inspector, manager = login(cast["inspector"]), None
    response = inspector.post("/api/inspections", {
        "facility_id": facilities["a"].pk, "inspected_on": "2026-06-01", "kind": "unannounced", "inspectors": "李秀兰",
    }, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["findings"] == [] and response.json()["kind_display"] == "暗访"
    bad = inspector.post(f"/api/inspections/{pk}/findings", {
        "category": "消防安全", "severity": "serious", "description": "通道堵塞", "deadline": "2026-05-01",
    }, content_type="application/json")
    assert bad.status_code == 422 and set(bad.json()) == ERROR_SHAPE
    assert bad.json()["errors"] == [{"field": "deadline", "message": "整改期限不能早于检查日期", "message_en": bad.json()["errors"][0]["message_en"]}]
    with django_capture_on_commit_callbacks(execute=True):
        created = inspector.post(f"/api/inspections/{pk}/findings", {
            "category": "消防安全", "severity": "serious", "description": "通道堵塞", "deadline": "2026-06-10",
        }, content_type="application/json")
    finding_id = created.json()["id"]
    assert created.json()["overdue"] is True and len(overdue_alerts()) == 1
    refused = inspector.post(f"/api/inspections/{pk}/close", {"closed_on": "2026-06-15"}, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["errors"][0]["message"] == "尚有 1 项问题未复核销号，不能结案"
    manager = login(cast["manager_a"])
    with django_capture_on_commit_callbacks(execute=True):
        assert manager.post(f"/api/findings/{finding_id}/rectify", {"rectification": "已清理", "rectified_on": "2026-06-14"}).status_code == 200
    assert not overdue_alerts()
    inspector = login(cast["inspector"])
    assert inspector.post(f"/api/findings/{finding_id}/verify", {"verified_on": "2026-06-15"}, content_type="application/json").status_code == 200
    closed = inspector.post(f"/api/inspections/{pk}/close", {"closed_on": "2026-06-15"}, content_type="application/json")
    assert closed.status_code == 200 and closed.json()["closed_on"] == "2026-06-15"
    assert closed.json()["findings"][0]["status"] == "verified"


def test_api_rejects_an_unknown_facility_as_not_found(cast, facilities, login):
    response = login(cast["inspector"]).post("/api/inspections", {
        "facility_id": facilities["y"].pk, "inspected_on": "2026-06-01", "kind": "routine", "inspectors": "李秀兰",
    }, content_type="application/json")
    assert response.status_code == 404 and set(response.json()) == ERROR_SHAPE


def test_api_list_filters(cast, facilities, three, login):
    client = login(cast["admin"])
    services.inspection_close(by=cast["admin"], inspection=record(cast["admin"], facilities["a"], on=date(2025, 3, 1)), closed_on=date(2025, 3, 1))
    ids = lambda **params: {i["id"] for i in client.get("/api/inspections", params).json()["items"]}
    assert len(ids(year=2025)) == 1 and len(ids(state="closed")) == 1 and len(ids(state="open")) == 3
    assert ids(facility_id=facilities["c"].pk) == {three["c"].pk}
    assert ids(kind="complaint") == set()
    assert client.get("/api/inspections", {"year": 1800}).status_code == 422


# --- web pages ---------------------------------------------------------------------------


def test_inspector_records_an_inspection_through_the_form(cast, facilities, login):
    client = login(cast["inspector"])
    response = client.post(reverse("inspection_create"), {
        "facility": facilities["a"].pk, "inspected_on": "2026-06-01", "kind": "routine", "inspectors": "李秀兰", "summary": "",
    })
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("inspection_detail", args=[inspection.pk])
    assert inspection.history.get().history_user == cast["inspector"]


def test_the_create_form_offers_only_facilities_in_the_region(cast, facilities, login):
    page = login(cast["inspector"]).get(reverse("inspection_create")).content.decode()
    assert facilities["a"].name in page and facilities["c"].name not in page


@pytest.mark.parametrize("who", ["manager_a", "clerk"])
def test_managers_and_clerks_cannot_record_inspections(cast, login, who):
    assert login(cast[who]).get(reverse("inspection_create")).status_code == 403


def test_detail_shows_overdue_red_and_due_soon_amber(cast, inspection, login):
    add(cast["inspector"], inspection, deadline=date(2026, 6, 10), category="逾期问题")
    add(cast["inspector"], inspection, deadline=date(2026, 6, 20), category="将到期问题")
    add(cast["inspector"], inspection, deadline=date(2026, 8, 1), category="远期问题")
    page = login(cast["inspector"]).get(reverse("inspection_detail", args=[inspection.pk])).content.decode()
    assert 'class="badge badge-status-bad">逾期 5 天' in page
    assert 'class="badge badge-status-warn">5 天后到期' in page
    assert "1 项已逾期未整改" in page and "尚有 3 项问题未复核销号" in page


def test_web_finding_rectify_verify_close_flow(cast, inspection, login, django_capture_on_commit_callbacks):
    inspector = login(cast["inspector"])
    refused = inspector.post(reverse("finding_create", args=[inspection.pk]), {
        "category": "消防安全", "severity": "serious", "description": "通道堵塞", "deadline": "2026-05-01",
    })
    assert refused.status_code == 422 and "整改期限不能早于检查日期" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        inspector.post(reverse("finding_create", args=[inspection.pk]), {
            "category": "消防安全", "severity": "serious", "description": "通道堵塞", "deadline": "2026-06-10",
        })
    finding = Finding.objects.get()
    assert len(overdue_alerts()) == 1
    assert inspector.get(reverse("finding_rectify", args=[finding.pk])).status_code == 403
    manager = login(cast["manager_a"])
    page = manager.get(reverse("inspection_detail", args=[inspection.pk])).content.decode()
    assert reverse("finding_rectify", args=[finding.pk]) in page and "复核销号</button>" not in page
    bad = manager.post(reverse("finding_rectify", args=[finding.pk]), {
        "rectification": "已清理", "rectified_on": "2026-06-14", "evidence": SimpleUploadedFile("x.pdf", b"not a pdf"),
    })
    assert bad.status_code == 200 and "整改材料须为 PDF、JPEG 或 PNG 文件" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = manager.post(reverse("finding_rectify", args=[finding.pk]), {
            "rectification": "已清理", "rectified_on": "2026-06-14", "evidence": SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20),
        })
    assert done.status_code == 302 and not overdue_alerts()
    evidence = manager.get(reverse("finding_evidence", args=[finding.pk]))
    assert evidence.status_code == 200 and evidence["Content-Type"] == "image/jpeg"
    assert login(cast["manager_b"]).get(reverse("finding_evidence", args=[finding.pk])).status_code == 404
    inspector = login(cast["inspector"])
    assert inspector.post(reverse("finding_verify", args=[finding.pk]), {"verified_on": "2026-06-15"}).status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.VERIFIED
    visit = inspector.post(reverse("follow_up_create", args=[inspection.pk]), {"visited_on": "2026-06-15", "visitors": "李秀兰", "notes": "已整改"})
    assert visit.status_code == 302
    closed = inspector.post(reverse("inspection_close", args=[inspection.pk]), {"closed_on": "2026-06-15"})
    assert closed.status_code == 302
    inspection.refresh_from_db()
    assert inspection.closed_on == TODAY
    page = inspector.get(reverse("inspection_detail", args=[inspection.pk])).content.decode()
    assert "已结案" in page and "登记问题</button>" not in page


def test_manager_cannot_post_inspector_actions(cast, inspection, login):
    manager = login(cast["manager_a"])
    response = manager.post(reverse("finding_create", args=[inspection.pk]), {
        "category": "消防安全", "severity": "minor", "description": "x", "deadline": "2026-07-01",
    })
    assert response.status_code == 403
    assert manager.post(reverse("inspection_close", args=[inspection.pk]), {"closed_on": "2026-06-15"}).status_code == 403
    assert not Finding.objects.exists()


def test_the_printable_record_has_the_official_layout(cast, inspection, login):
    add(cast["inspector"], inspection, deadline=date(2026, 7, 1))
    page = login(cast["manager_a"]).get(reverse("inspection_print", args=[inspection.pk])).content.decode()
    for text in ("养老机构督导检查记录", inspection.facility.name, "2026年6月1日", "李秀兰、王建国", "2026-07-01",
                 "检查人员签字", "机构负责人签字", 'data-action="print"'):
        assert text in page
    assert 'media="print"' in page  # print.css hides the navigation and the buttons


def test_region_view_shows_levels_uninspected_facilities_and_finding_ages(cast, facilities, login):
    rate(cast, facilities["a"], date(2025, 1, 10), 3)
    rate(cast, facilities["b"], date(2022, 1, 10), 2)  # expired: counted as unrated
    old = record(cast["inspector_city"], facilities["c"], on=date(2025, 11, 1))  # last year only
    add(cast["inspector_city"], old, deadline=date(2025, 12, 1))
    recent = record(cast["inspector"], facilities["a"], on=date(2026, 6, 1))
    add(cast["inspector"], recent, deadline=date(2026, 7, 1))
    add(cast["inspector"], record(cast["inspector"], facilities["a"], on=date(2026, 4, 1)), deadline=date(2026, 5, 1))
    response = login(cast["inspector_city"]).get(reverse("inspection_region"))
    assert response.status_code == 200
    context = response.context
    assert context["coverage"] == {"total": 3, "inspected": 1}
    assert {f.name for f in context["table"].data} == {facilities["b"].name, facilities["c"].name}
    assert context["chart"]["labels"] == ["西峰区", "庆城县"]
    assert context["chart"]["levels"][3] == [1, 0] and context["chart"]["levels"][0] == [1, 1]
    assert [(b["total"], b["overdue"]) for b in context["ages"]] == [(1, 0), (1, 1), (1, 1)]
    assert "本年度已检查 1 / 3 个机构" in response.content.decode()


@pytest.mark.parametrize("who, expected", [
    ("manager_a", 403), ("clerk", 200), ("inspector", 200), ("inspector_other", 200), ("admin", 200),
])
def test_region_view_is_for_regional_users(cast, facilities, login, who, expected):
    assert login(cast[who]).get(reverse("inspection_region")).status_code == expected


def test_region_view_offers_inspectors_to_record_an_inspection_of_an_uninspected_facility(cast, facilities, login):
    link = f'{reverse("inspection_create")}?facility={facilities["b"].pk}'
    assert link in login(cast["inspector"]).get(reverse("inspection_region")).content.decode()
    assert link not in login(cast["clerk"]).get(reverse("inspection_region")).content.decode()
    form = login(cast["inspector"]).get(link).content.decode()
    assert f'<option value="{facilities["b"].pk}" selected>' in form


def test_other_province_inspector_sees_an_empty_region(cast, facilities, three, login):
    response = login(cast["inspector_other"]).get(reverse("inspection_region"))
    assert response.context["coverage"] == {"total": 1, "inspected": 1}
    assert facilities["a"].name not in response.content.decode()


def test_nav_links_inspections_for_regional_users(cast, login):
    page = login(cast["clerk"]).get(reverse("home")).content.decode()
    assert reverse("inspection_list") in page and "督导检查" in page


# --- query counts ------------------------------------------------------------------------


def _many_inspections(cast, facilities, regions, n=30):
    for i in range(n):
        facility = FacilityFactory(region=regions["621002100"]) if i % 3 else facilities["a"]
        inspection = record(cast["inspector"], facility, on=date(2026, 1, 1) + timedelta(days=i * 5))
        for j in range(i % 4):
            add(cast["inspector"], inspection, deadline=inspection.inspected_on + timedelta(days=j * 20))


def test_list_page_query_count_does_not_grow(cast, facilities, regions, three, login):
    client = login(cast["inspector"])
    url = reverse("inspection_list")
    # session, user, facility choices of the filter, count, page of inspections with facility,
    # region and finding counts
    few = count_queries(client, url)
    _many_inspections(cast, facilities, regions)
    assert count_queries(client, url) == few == 5
    assert count_queries(client, url, {"state": "open", "year": 2026, "kind": "routine", "page": 2}) == 5


def test_api_list_query_count_does_not_grow(cast, facilities, regions, three, login):
    client = login(cast["inspector"])
    # session, user, count, page of inspections with facility, region and finding counts
    few = count_queries(client, "/api/inspections")
    _many_inspections(cast, facilities, regions)
    assert count_queries(client, "/api/inspections", {"limit": 200}) == few == 4


def test_detail_query_count_does_not_grow_with_findings(cast, three, login):
    client = login(cast["inspector"])
    url = reverse("inspection_detail", args=[three["a"].pk])
    # session, user, inspection with facility, region and recorder, findings, their history (the
    # rounds of rectification), the checklist's results, follow-ups
    few = count_queries(client, url)
    for _ in range(15):
        add(cast["inspector"], three["a"])
    assert count_queries(client, url) == few == 7


def test_api_detail_query_count_does_not_grow_with_findings(cast, three, login):
    client = login(cast["inspector"])
    url = f"/api/inspections/{three['a'].pk}"
    # session, user, inspection with facility, region and recorder, findings, follow-ups
    few = count_queries(client, url)
    for _ in range(15):
        add(cast["inspector"], three["a"])
    assert count_queries(client, url) == few == 5


def test_region_view_query_count_does_not_grow(cast, facilities, regions, three, login):
    client = login(cast["inspector_city"])
    url = reverse("inspection_region")
    # session, user, levels by county, county names, coverage, count and page of facilities not
    # inspected, findings by age, open major hazards
    few = count_queries(client, url)
    _many_inspections(cast, facilities, regions)
    for i in range(10):
        rate(cast, FacilityFactory(region=regions["621021"]), date(2025, 1, 1), 1 + i % 4)
    assert count_queries(client, url) == few == 9
