"""Complaints and reports (投诉举报): the time-limit rule on the Chinese working-day calendar, the
services and every refusal, 首问负责 (the first taker owns it, also under a race on PostgreSQL), the
overdue alerts opening and resolving, the complainant's contact masked for everyone but the owner
(pages, API, export), scoping, and the query counts of the list page and endpoint.

The clock stands at Monday 2026-06-15 09:00 (Asia/Shanghai) unless a test moves it. A complaint
received then is due for acknowledgement on 06-16 and for conclusion on 07-07 (15 working days,
the Dragon Boat Festival on Friday 06-19 left out).
"""
import csv
import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Notification, NotificationKind, Role
from facilities.complaints import services
from facilities.complaints.scans import scan_complaints
from facilities.models import (
    Alert,
    AlertKind,
    Complaint,
    ComplaintChannel,
    Inspection,
    InspectionKind,
    RegionPolicy,
    Severity,
)
from facilities.rules import complaint_due_dates, mask_contact
from facilities.scoping import alerts_visible_to
from facilities.tasks import scan_complaints as scan_complaints_task
from facilities.working_days.calendar import WorkingDays
from tests.factories import UserFactory
from tests.helpers import count_queries
from tests.parallel import in_parallel

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 6, 15)
PHONE = "13912345678"


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(TODAY), tick=False) as traveller:
        yield traveller


def register(by, facility, *, received=None, contact=PHONE, name="王某", channel=ComplaintChannel.HOTLINE_12345) -> Complaint:
    return services.complaint_register(
        by=by, facility=facility, channel=channel, received_at=received or at(TODAY), content="护理员夜间无人值守，老人摔倒无人发现",
        complainant_name=name, complainant_contact=contact,
    )


@pytest.fixture
def complaint(cast, facilities):
    return register(cast["inspector"], facilities["a"])


def open_alerts(**filters):
    return list(Alert.objects.filter(resolved_at__isnull=True, kind__in=[
        AlertKind.COMPLAINT_UNACKNOWLEDGED, AlertKind.COMPLAINT_OVERDUE], **filters))


# --- rules --------------------------------------------------------------------------------


@pytest.mark.parametrize("received, acknowledge_by, conclude_by", [
    (date(2026, 6, 15), date(2026, 6, 16), date(2026, 7, 7)),     # Dragon Boat Festival (Fri 06-19) left out
    (date(2026, 6, 13), date(2026, 6, 15), date(2026, 7, 6)),     # received on a Saturday: due Monday
    (date(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 27)),   # National Day week, Saturday 10-10 is a working day
])
def test_due_dates_count_chinese_working_days(received, acknowledge_by, conclude_by):
    due = complaint_due_dates(received, acknowledge_days=1, conclude_days=15, is_workday=WorkingDays().is_workday)
    assert (due.acknowledge_by, due.conclude_by) == (acknowledge_by, conclude_by)


def test_due_dates_refuse_a_conclusion_limit_shorter_than_the_acknowledgement_limit():
    with pytest.raises(ValueError):
        complaint_due_dates(TODAY, acknowledge_days=5, conclude_days=2, is_workday=WorkingDays().is_workday)


@pytest.mark.parametrize("value, masked", [
    ("13912345678", "139****5678"),
    ("0934-8211234", "093*****1234"),
    ("西峰区长庆大道12号3单元", "西峰区******号3单元"),
    ("12345", "1***5"),
    ("1234", "****"),
    ("", ""),
])
def test_mask_contact(value, masked):
    assert mask_contact(value) == masked


@given(st.text(max_size=60))
def test_mask_contact_keeps_the_length_and_hides_the_middle(value):
    masked = mask_contact(value)
    assert len(masked) == len(value)
    if len(value) >= 11:
        assert set(masked[3:-4]) == {"*"}
    elif len(value) > 4:
        assert set(masked[1:-1]) == {"*"}
    else:
        assert set(masked) <= {"*"}


# --- registering ----------------------------------------------------------------------------


def test_inspector_registers_a_complaint_with_its_deadlines(cast, complaint):
    assert (complaint.acknowledge_due_on, complaint.conclude_due_on) == (date(2026, 6, 16), date(2026, 7, 7))
    assert complaint.assigned_to is None and complaint.registered_by == cast["inspector"]
    record = complaint.history.get()
    assert (record.history_user, record.history_change_reason) == (cast["inspector"], "登记投诉举报")


def test_the_other_inspectors_of_the_place_are_told_a_complaint_waits_to_be_taken(cast, complaint, login):
    told = {n.user.username: n for n in Notification.objects.select_related("user")}
    assert set(told) == {"inspector_city"}  # the county's other inspectors and the city's; not the registrar
    notification = told["inspector_city"]
    assert notification.kind == NotificationKind.COMPLAINT_REGISTERED and complaint.facility.name in str(
        notification.values)
    page = login(cast["inspector_city"]).get(reverse("notification_list")).content.decode()
    assert f"{complaint.facility.name} 有新的投诉举报待受理，须在 2026-06-16 前受理" in page
    assert "张" not in str(notification.values), "nothing of the complainant in a notification"


def test_the_regions_parameters_set_the_time_limits(cast, facilities, regions):
    RegionPolicy.objects.create(
        region=regions["621002"], effective_from=date(2026, 1, 1), complaint_acknowledge_working_days=2,
        complaint_conclude_working_days=10,
    )
    complaint = register(cast["inspector"], facilities["a"])
    assert (complaint.acknowledge_due_on, complaint.conclude_due_on) == (date(2026, 6, 17), date(2026, 6, 30))
    other = register(cast["inspector_city"], facilities["c"])  # Qingcheng keeps the national defaults
    assert other.conclude_due_on == date(2026, 7, 7)


@pytest.mark.parametrize("who, facility", [
    ("manager_a", "a"), ("clerk", "a"), ("admin", "a"), ("inspector_other", "a"), ("inspector", "c"),
])
def test_only_the_regions_inspectors_register_complaints(cast, facilities, who, facility):
    with pytest.raises(PermissionDenied):
        register(cast[who], facilities[facility])
    assert not Complaint.objects.exists()


def test_a_complaint_cannot_be_received_in_the_future_nor_be_empty(cast, facilities):
    with pytest.raises(ValidationError) as exc:
        register(cast["inspector"], facilities["a"], received=at(TODAY, 10))
    assert exc.value.message_dict == {"received_at": ["收到时间不能晚于现在"]}
    with pytest.raises(ValidationError) as exc:
        services.complaint_register(by=cast["inspector"], facility=facilities["a"], channel="pigeon", received_at=at(TODAY),
                                    content=" ")
    assert set(exc.value.message_dict) == {"channel"}


# --- 首问负责 -------------------------------------------------------------------------------


def test_the_first_inspector_who_takes_it_owns_it(cast, complaint):
    taken = services.complaint_take(by=cast["inspector"], complaint=complaint)
    assert taken.assigned_to == cast["inspector"] and taken.assigned_at == at(TODAY)
    with pytest.raises(ValidationError) as exc:
        services.complaint_take(by=cast["inspector_city"], complaint=complaint)
    assert exc.value.code == "stale"
    assert cast["inspector"].full_name in exc.value.messages[0] and "首问负责" in exc.value.messages[0]
    complaint.refresh_from_db()
    assert complaint.assigned_to == cast["inspector"]
    assert complaint.history.filter(history_change_reason="受理（首问负责）").get().history_user == cast["inspector"]


@pytest.mark.parametrize("who", ["manager_a", "clerk", "inspector_other"])
def test_only_the_regions_inspectors_take_complaints(cast, complaint, who):
    with pytest.raises(PermissionDenied):
        services.complaint_take(by=cast[who], complaint=complaint)


def test_only_the_owner_handles_a_complaint_once_taken(cast, facilities, complaint):
    with pytest.raises(ValidationError, match="请先受理"):
        services.complaint_conclude(by=cast["inspector"], complaint=complaint, concluded_on=TODAY, reply="已核实")
    services.complaint_take(by=cast["inspector"], complaint=complaint)
    with pytest.raises(PermissionDenied):
        services.complaint_conclude(by=cast["inspector_city"], complaint=complaint, concluded_on=TODAY, reply="已核实")
    with pytest.raises(PermissionDenied):
        services.complaint_start_inspection(by=cast["inspector_city"], complaint=complaint, inspected_on=TODAY, inspectors="甲")


def test_the_owner_records_the_complaint_inspection_and_concludes(cast, complaint):
    services.complaint_take(by=cast["inspector"], complaint=complaint)
    inspection = services.complaint_start_inspection(
        by=cast["inspector"], complaint=complaint, inspected_on=TODAY, inspectors="李秀兰", summary="夜班排班核查",
    )
    assert inspection.kind == InspectionKind.COMPLAINT and inspection.facility_id == complaint.facility_id
    concluded = services.complaint_conclude(by=cast["inspector"], complaint=complaint, concluded_on=TODAY, reply="已责令整改并电话答复")
    assert concluded.inspection == inspection and concluded.concluded_on == TODAY
    with pytest.raises(ValidationError, match="已办结"):
        services.complaint_conclude(by=cast["inspector"], complaint=complaint, concluded_on=TODAY, reply="再次")
    reasons = list(complaint.history.order_by("history_date", "history_id").values_list("history_change_reason", flat=True))
    assert reasons == ["登记投诉举报", "受理（首问负责）", "登记投诉核查", "办结"]


def test_linking_an_inspection_of_the_same_facility_after_receipt(cast, facilities, complaint):
    services.complaint_take(by=cast["inspector"], complaint=complaint)
    def inspection(facility, on):
        return Inspection.objects.create(facility=facility, inspected_on=on, kind=InspectionKind.ROUTINE, inspectors="甲",
                                         recorded_by=cast["inspector"])
    with pytest.raises(ValidationError) as exc:
        services.complaint_link_inspection(by=cast["inspector"], complaint=complaint, inspection=inspection(facilities["b"], TODAY))
    assert "被投诉机构" in exc.value.message_dict["inspection"][0]
    with pytest.raises(ValidationError) as exc:
        services.complaint_link_inspection(
            by=cast["inspector"], complaint=complaint, inspection=inspection(facilities["a"], TODAY - timedelta(days=1)))
    assert "不能早于" in exc.value.message_dict["inspection"][0]
    right = inspection(facilities["a"], TODAY)
    assert services.complaint_link_inspection(by=cast["inspector"], complaint=complaint, inspection=right).inspection == right


def test_a_conclusion_needs_a_reply_and_a_date_between_receipt_and_today(cast, complaint):
    services.complaint_take(by=cast["inspector"], complaint=complaint)
    with pytest.raises(ValidationError) as exc:
        services.complaint_conclude(by=cast["inspector"], complaint=complaint, concluded_on=TODAY, reply=" ")
    assert set(exc.value.message_dict) == {"reply"}
    for day in (TODAY - timedelta(days=1), TODAY + timedelta(days=1)):
        with pytest.raises(ValidationError) as exc:
            services.complaint_conclude(by=cast["inspector"], complaint=complaint, concluded_on=day, reply="已答复")
        assert set(exc.value.message_dict) == {"concluded_on"}


# --- the race on PostgreSQL ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL row locks")
def test_inspectors_taking_a_complaint_at_the_same_moment_leave_exactly_one_owner(cast, facilities):
    complaint = register(cast["inspector"], facilities["a"])
    inspectors = [cast["inspector"], cast["inspector_city"]] + [
        UserFactory(role=Role.INSPECTOR, region_code="621002") for _ in range(4)
    ]
    results = in_parallel(*(lambda who=who: services.complaint_take(by=who, complaint=complaint) for who in inspectors))
    winners = [r for r in results if isinstance(r, Complaint)]
    losers = [r for r in results if isinstance(r, ValidationError)]
    assert len(winners) == 1 and len(losers) == len(inspectors) - 1, results
    assert all(error.code == "stale" for error in losers)
    complaint.refresh_from_db()
    assert complaint.assigned_to == winners[0].assigned_to
    assert complaint.history.filter(history_change_reason="受理（首问负责）").count() == 1


# --- overdue alerts -----------------------------------------------------------------------


def test_an_unacknowledged_complaint_opens_an_alert_the_day_after_its_deadline_and_taking_it_resolves_it(
    cast, facilities, complaint, clock, django_capture_on_commit_callbacks,
):
    clock.move_to(at(date(2026, 6, 16)))
    assert scan_complaints_task() == (0, 0)  # due today: not yet overdue
    clock.move_to(at(date(2026, 6, 17)))
    assert scan_complaints_task() == (1, 0)
    [alert] = open_alerts()
    assert alert.kind == AlertKind.COMPLAINT_UNACKNOWLEDGED and alert.severity == Severity.WARNING
    assert alert.facility is None and alert.region_id == facilities["a"].region_id
    assert alert.subject == f"complaint:{complaint.pk}" and "受理期限 2026-06-16" in alert.message
    assert "王某" not in alert.message and PHONE not in alert.message
    assert scan_complaints_task() == (0, 0)  # idempotent
    # Region alert: the region's inspectors see it; the facility's manager does not.
    assert alert in alerts_visible_to(cast["inspector"]) and alert not in alerts_visible_to(cast["manager_a"])
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_take(by=cast["inspector"], complaint=complaint)  # the scan runs after commit
    assert open_alerts() == []


def test_a_complaint_past_its_conclusion_deadline_is_critical_until_concluded(
    cast, complaint, clock, django_capture_on_commit_callbacks,
):
    services.complaint_take(by=cast["inspector"], complaint=complaint)
    clock.move_to(at(date(2026, 7, 7)))
    assert scan_complaints(today=date(2026, 7, 7)) == (0, 0)
    clock.move_to(at(date(2026, 7, 9)))
    assert scan_complaints(today=date(2026, 7, 9)) == (1, 0)
    [alert] = open_alerts()
    assert alert.kind == AlertKind.COMPLAINT_OVERDUE and alert.severity == Severity.CRITICAL
    assert "已逾期 2 天未办结" in alert.message
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_conclude(by=cast["inspector"], complaint=complaint, concluded_on=date(2026, 7, 9), reply="已答复")
    assert open_alerts() == []
    assert Alert.objects.get(pk=alert.pk).resolved_at is not None


def test_an_overdue_conclusion_replaces_the_unacknowledged_alert(cast, complaint, clock):
    clock.move_to(at(date(2026, 6, 20)))
    scan_complaints(today=date(2026, 6, 20))
    assert [a.kind for a in open_alerts()] == [AlertKind.COMPLAINT_UNACKNOWLEDGED]
    clock.move_to(at(date(2026, 7, 8)))
    assert scan_complaints(today=date(2026, 7, 8)) == (1, 1)
    assert [a.kind for a in open_alerts()] == [AlertKind.COMPLAINT_OVERDUE]


@pytest.mark.parametrize("n", [1, 12])
def test_the_complaint_scan_runs_a_fixed_number_of_queries(cast, facilities, n):
    for _ in range(n):
        register(cast["inspector"], facilities["a"], received=at(TODAY - timedelta(days=30)))
    # overdue complaints with their facilities; savepoint; open alerts (for update); insert; release
    with CaptureQueriesContext(connection) as first:
        assert scan_complaints(today=TODAY) == (n, 0)
    # the same, with nothing to insert
    with CaptureQueriesContext(connection) as again:
        assert scan_complaints(today=TODAY) == (0, 0)
    assert (len(first), len(again)) == (5, 4)


def test_the_nightly_scan_is_in_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "facilities.tasks.scan_complaints" in tasks


# --- contact details: whole for the owner only ----------------------------------------------


def test_the_contact_is_masked_on_the_pages_for_everyone_but_the_owner(cast, complaint, login, client):
    client = login(cast["inspector_city"])
    assert "139****5678" in client.get("/facilities/complaints/").content.decode()
    assert PHONE not in client.get(f"/facilities/complaints/{complaint.pk}/").content.decode()
    services.complaint_take(by=cast["inspector"], complaint=complaint)
    client = login(cast["inspector"])
    assert PHONE in client.get("/facilities/complaints/").content.decode()
    assert PHONE in client.get(f"/facilities/complaints/{complaint.pk}/").content.decode()
    client = login(cast["inspector_city"])
    for url in ("/facilities/complaints/", f"/facilities/complaints/{complaint.pk}/"):
        page = client.get(url).content.decode()
        assert PHONE not in page and "139****5678" in page


def test_the_contact_is_masked_in_the_api_and_the_export_for_everyone_but_the_owner(cast, complaint, login):
    services.complaint_take(by=cast["inspector"], complaint=complaint)
    for who, shown in (("inspector", PHONE), ("inspector_city", "139****5678")):
        client = login(cast[who])
        assert client.get("/api/complaints").json()["items"][0]["complainant_contact"] == shown
        assert client.get(f"/api/complaints/{complaint.pk}").json()["complainant_contact"] == shown
        response = client.get("/facilities/complaints/?export=csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0]["联系方式"] == shown and rows[0]["被投诉机构"] == complaint.facility.name


def test_the_history_on_the_page_does_not_show_the_contact(cast, complaint, login):
    services.complaint_take(by=cast["inspector"], complaint=complaint)
    Complaint.objects.filter(pk=complaint.pk).update(complainant_contact="13800000000")
    complaint.refresh_from_db()
    complaint._history_user = cast["inspector"]
    complaint.save()
    page = login(cast["inspector_city"]).get(f"/facilities/complaints/{complaint.pk}/").content.decode()
    assert "13800000000" not in page and PHONE not in page


# --- scoping --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager_a", "clerk", "admin"])
def test_people_other_than_inspectors_never_see_complaints(cast, complaint, login, who):
    client = login(cast[who])
    assert client.get("/facilities/complaints/").status_code == 403
    assert client.get("/facilities/complaints/region/").status_code == 403
    assert client.get(f"/facilities/complaints/{complaint.pk}/").status_code == 404
    assert client.get("/api/complaints").json()["count"] == 0
    assert client.get(f"/api/complaints/{complaint.pk}").status_code == 404


def test_an_inspector_of_another_region_gets_404(cast, complaint, login):
    client = login(cast["inspector_other"])
    assert client.get(f"/facilities/complaints/{complaint.pk}/").status_code == 404
    assert client.post(f"/facilities/complaints/{complaint.pk}/take/").status_code == 404
    assert client.post(f"/api/complaints/{complaint.pk}/take").status_code == 404
    assert client.get("/api/complaints").json()["count"] == 0
    complaint.refresh_from_db()
    assert complaint.assigned_to is None


# --- pages and API ----------------------------------------------------------------------------


def test_the_pages_take_and_conclude(cast, facilities, login):
    client = login(cast["inspector"])
    response = client.post("/facilities/complaints/new/", {
        "facility": facilities["a"].pk, "channel": "letter", "received_at": "2026-06-15 08:30",
        "complainant_name": "", "complainant_contact": "", "content": "伙食标准降低",
    })
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/facilities/complaints/{complaint.pk}/"
    assert client.post(f"/facilities/complaints/{complaint.pk}/take/").status_code == 302
    response = client.post(f"/facilities/complaints/{complaint.pk}/conclude/", {"concluded_on": "2026-06-15", "reply": ""})
    assert response.status_code == 422
    response = client.post(f"/facilities/complaints/{complaint.pk}/conclude/", {"concluded_on": "2026-06-15", "reply": "已核实并答复"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.concluded_on == TODAY and complaint.assigned_to == cast["inspector"]


def test_the_api_registers_takes_and_refuses_a_second_taker_with_409(cast, facilities, login):
    client = login(cast["inspector"])
    response = client.post("/api/complaints", {
        "facility_id": facilities["a"].pk, "channel": "hotline_12349", "received_at": "2026-06-15T08:00:00+08:00",
        "content": "收费不透明", "complainant_contact": PHONE,
    }, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["acknowledge_due_on"], body["conclude_due_on"], body["state"]) == ("2026-06-16", "2026-07-07", "new")
    assert body["complainant_contact"] == "139****5678"  # nobody owns it yet
    taken = client.post(f"/api/complaints/{body['id']}/take").json()
    assert taken["owner_id"] == cast["inspector"].pk and taken["complainant_contact"] == PHONE
    second = login(cast["inspector_city"]).post(f"/api/complaints/{body['id']}/take")
    assert second.status_code == 409 and "首问负责" in second.json()["message"]


def test_a_time_without_a_zone_is_local_time(cast, facilities, login):
    response = login(cast["inspector"]).post("/api/complaints", {
        "facility_id": facilities["a"].pk, "channel": "visit", "received_at": "2026-06-15T08:00:00", "content": "来访",
    }, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Complaint.objects.get().received_at == at(TODAY, 8)


def test_the_api_refuses_a_facility_out_of_scope_with_404(cast, facilities, login):
    response = login(cast["inspector"]).post("/api/complaints", {
        "facility_id": facilities["y"].pk, "channel": "letter", "received_at": "2026-06-15T08:00:00+08:00", "content": "x",
    }, content_type="application/json")
    assert response.status_code == 404
    assert not Complaint.objects.exists()


def test_the_region_view_counts_open_complaints_by_age_and_county(cast, facilities, login):
    for days in (0, 3, 10, 25, 45):
        register(cast["inspector_city"], facilities["a"], received=at(TODAY - timedelta(days=days)))
    register(cast["inspector_city"], facilities["c"], received=at(TODAY - timedelta(days=7)))
    done = register(cast["inspector_city"], facilities["c"], received=at(TODAY - timedelta(days=2)))
    services.complaint_take(by=cast["inspector_city"], complaint=done)
    services.complaint_conclude(by=cast["inspector_city"], complaint=done, concluded_on=TODAY, reply="已答复")
    body = login(cast["inspector_city"]).get("/api/complaints/region").json()
    counties = {c["code"]: c for c in body["counties"]}
    assert counties["621002"]["ages"] == [2, 1, 1, 1] and counties["621002"]["total"] == 5
    assert counties["621002"]["overdue"] == 2  # received 25 and 45 days ago
    assert counties["621002"]["unacknowledged"] == 3  # 10, 25, 45 days ago (3 days ago: due today)
    assert counties["621021"]["ages"] == [0, 1, 0, 0] and counties["621021"]["name"] == "庆城县"
    page = login(cast["inspector_city"]).get("/facilities/complaints/region/")
    assert page.status_code == 200 and "未办结的投诉举报 6 件" in page.content.decode()
    # The county inspector sees only their county.
    assert [c["code"] for c in login(cast["inspector"]).get("/api/complaints/region").json()["counties"]] == ["621002"]


# --- query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/facilities/complaints/", "/facilities/complaints/?state=open&mine=on", "/api/complaints"])
def test_list_page_and_endpoint_query_counts_do_not_grow_with_rows(cast, facilities, login, url):
    client = login(cast["inspector"])
    services.complaint_take(by=cast["inspector"], complaint=register(cast["inspector"], facilities["a"]))
    few = count_queries(client, url)
    for n in range(15):
        complaint = register(cast["inspector"], facilities["b" if n % 2 else "a"])
        if n % 3 == 0:
            services.complaint_take(by=cast["inspector"], complaint=complaint)
    assert count_queries(client, url) == few
    # session, user; the facility filter's options (page only); count; the page of complaints with
    # facility, region and owner joined
    assert few == {"/api/complaints": 4}.get(url, 5)


def test_the_region_view_query_count(cast, facilities, login):
    for n in range(6):
        register(cast["inspector_city"], facilities["ac"[n % 2]])
    # session, user; the counties' aggregates; their names
    assert count_queries(login(cast["inspector_city"]), "/facilities/complaints/region/") == 4
