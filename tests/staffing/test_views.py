"""Staffing pages: the explained number, the registry, the region dashboard, what-if and e-mail."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessAction, AccessRecord
from facilities.models import Alert, AlertKind
from staffing.compliance import compliance_compute
from staffing.models import Employment, StaffMember
from staffing.notifications import escalate_stale_alerts, notify_managers_of_new_alerts
from tests.factories import AssessmentFactory, EmploymentFactory, FacilityFactory, StayFactory, make_id_number
from tests.helpers import count_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock_2026_11_23")]
TODAY = date(2026, 11, 23)


@pytest.fixture
def understaffed(facilities):
    """Facility A: 7 fully disabled, 12 partial, 20 self-care → 7 required; 5 carers."""
    for category, n in (("full", 7), ("partial", 12), ("self_care", 20)):
        for _ in range(n):
            stay = StayFactory(facility=facilities["a"], admitted_on=date(2025, 1, 1))
            AssessmentFactory(person=stay.person, assessed_on=date(2026, 1, 2), computed_category=category)
    for _ in range(5):
        EmploymentFactory(facility=facilities["a"])
    compliance_compute(day=TODAY)
    return facilities["a"]


def test_facility_panel_explains_the_number_in_words(cast, understaffed, login):
    page = login(cast["inspector"]).get(reverse("staffing_facility_panel", args=[understaffed.pk])).content.decode()
    assert "失能 7 ÷ 3 + 半失能 12 ÷ 6 + 自理 20 ÷ 10 = 6.33，向上取整为 7" in page
    assert "缺 2 名" in page
    assert "养老护理员、护士" in page


def test_panel_is_scoped(cast, understaffed, login):
    assert login(cast["manager_b"]).get(reverse("staffing_facility_panel", args=[understaffed.pk])).status_code == 404


def test_what_if_warns_before_an_admission_breaks_the_ratio(cast, facilities, login):
    for _ in range(3):
        stay = StayFactory(facility=facilities["a"], admitted_on=date(2025, 1, 1))
        AssessmentFactory(person=stay.person, assessed_on=date(2026, 1, 2), computed_category="full")
    EmploymentFactory(facility=facilities["a"])
    client = login(cast["manager_a"])
    page = client.get(reverse("staffing_what_if"), {"facility": facilities["a"].pk, "add": "full"}).content.decode()
    assert "将缺 1 名" in page
    calm = client.get(reverse("staffing_what_if"), {"facility": facilities["a"].pk, "remove": "full", "add": "self_care"})
    assert "将缺" not in calm.content.decode()


def test_dashboard_lists_below_facilities_first_with_a_fixed_query_count(cast, understaffed, regions, login):
    client = login(cast["inspector_city"])
    url = reverse("staffing_dashboard")
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert "1 个机构护理人员不达标，合计缺 2 名" in page
    for _ in range(20):
        facility = FacilityFactory(region=regions["621002100"])
        StayFactory(facility=facility)
    compliance_compute(day=TODAY)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few.captured_queries) == len(many.captured_queries)


def test_dashboard_csv_has_the_table(cast, understaffed, login):
    response = login(cast["inspector"]).get(reverse("staffing_dashboard"), {"export": "csv"})
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff机构,") and understaffed.name in text


def test_dashboard_csv_export_is_recorded_in_the_access_log(cast, understaffed, login):
    login(cast["inspector"]).get(reverse("staffing_dashboard"), {"export": "csv"}, REMOTE_ADDR="10.0.0.7")
    record = AccessRecord.objects.get()
    assert (record.user, record.action, record.ip) == (cast["inspector"], AccessAction.EXPORT, "10.0.0.7")
    assert record.target == "staffing_dashboard" and "2026-11-23" in record.detail


def test_other_province_dashboard_is_empty(cast, understaffed, login):
    page = login(cast["inspector_other"]).get(reverse("staffing_dashboard")).content.decode()
    assert understaffed.name not in page


def test_manager_registers_staff_and_the_facility_is_recomputed(cast, understaffed, login, django_capture_on_commit_callbacks):
    client = login(cast["manager_a"])
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(2):
            response = client.post(reverse("staff_add", args=[understaffed.pk]), {
                "name": f"新护理员{n}", "id_number": make_id_number(born=date(1990, 1, 1), serial=n + 300, male=False),
                "role": "carer", "fte": "1.0", "started_on": "2026-11-23",
            })
            assert response.status_code == 302
    alert = Alert.objects.get(kind=AlertKind.STAFFING_BELOW, facility=understaffed)
    assert alert.resolved_at is not None
    page = client.get(reverse("staff_list", args=[understaffed.pk])).content.decode()
    assert "新护理员0" in page and make_id_number(born=date(1990, 1, 1), serial=300, male=False) not in page


def test_staff_registry_refuses_bad_input_and_other_facilities(cast, understaffed, facilities, login):
    client = login(cast["manager_a"])
    response = client.post(reverse("staff_add", args=[understaffed.pk]), {
        "name": "甲", "id_number": "62102119800309000X", "role": "carer", "fte": "1.5", "started_on": "2026-11-23"})
    assert response.status_code == 200 and {"fte"} <= set(response.context["form"].errors)
    assert client.get(reverse("staff_add", args=[facilities["b"].pk])).status_code == 404
    assert login(cast["clerk"]).get(reverse("staff_add", args=[understaffed.pk])).status_code == 403
    assert StaffMember.objects.count() == 5


def test_leave_takes_a_carer_out_of_the_count(cast, understaffed, login, django_capture_on_commit_callbacks):
    employment = Employment.objects.filter(facility=understaffed).first()
    with django_capture_on_commit_callbacks(execute=True):
        login(cast["manager_a"]).post(reverse("leave_add", args=[employment.pk]),
                                      {"kind": "sick", "starts_on": "2026-11-22", "ends_on": "2026-11-30"})
    assert "缺 3 名" in Alert.objects.get(kind=AlertKind.STAFFING_BELOW, resolved_at__isnull=True).message


def test_managers_are_emailed_once_when_an_alert_opens(cast, understaffed):
    cast["manager_a"].email = "manager@example.org"
    cast["manager_a"].save()
    assert notify_managers_of_new_alerts() == 1
    assert notify_managers_of_new_alerts() == 0
    assert mail.outbox[0].to == ["manager@example.org"] and "缺 2 名" in mail.outbox[0].body


def test_inspectors_get_an_escalation_after_seven_days(cast, understaffed, time_machine):
    cast["inspector"].email = "inspector@example.org"
    cast["inspector"].save()
    cast["inspector_other"].email = "other@example.org"
    cast["inspector_other"].save()
    assert escalate_stale_alerts() == 0
    time_machine.move_to(timezone.now() + timedelta(days=8), tick=False)
    assert escalate_stale_alerts() == 1
    assert mail.outbox[-1].to == ["inspector@example.org"] and "已持续 8 天" in mail.outbox[-1].subject
    assert escalate_stale_alerts() == 0


def test_rounding_the_required_number_uses_no_floats(understaffed):
    snapshot = understaffed.compliance.get(day=TODAY)
    assert isinstance(snapshot.actual, Decimal) and snapshot.actual == Decimal(5)


def test_staff_list_query_count_is_fixed(cast, facilities, login):
    client = login(cast["manager_a"])
    url = reverse("staff_list", args=[facilities["a"].pk])

    EmploymentFactory(facility=facilities["a"])
    few = count_queries(client, url)
    for _ in range(25):
        employment = EmploymentFactory(facility=facilities["a"])
        employment.leaves.create(kind="sick", starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 2))
    assert count_queries(client, url) == few
