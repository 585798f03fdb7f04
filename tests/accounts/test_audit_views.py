"""The access log page: administrators only, newest first, filterable, a fixed query count."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.audit import access_record
from accounts.models import AccessAction
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _record(user, *, action=AccessAction.EXPORT, target="facility_list", at=None):
    if at is None:
        return access_record(user=user, action=action, target=target)
    with time_machine.travel(at, tick=False):
        return access_record(user=user, action=action, target=target)


def _rows(response):
    return list(response.context["table"].page.object_list.data)


def test_admin_sees_the_records_newest_first(cast, login):
    older = _record(cast["clerk"], at=datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI))
    newer = _record(cast["inspector"], target="person:12", action=AccessAction.READ_ID_NUMBER)
    response = login(cast["admin"]).get(reverse("access_record_list"))
    assert response.status_code == 200
    assert _rows(response) == [newer, older]
    page = response.content.decode()
    assert "读取完整身份证号码" in page and "person:12" in page and "2026-11-01 09:00:00" in page


@pytest.mark.parametrize("who", ["manager_a", "inspector", "inspector_city", "clerk"])
def test_other_roles_are_refused(cast, login, who):
    assert login(cast[who]).get(reverse("access_record_list")).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(reverse("access_record_list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("query, expected", [
    ({"user": "clerk"}, ["clerk_export"]),
    ({"user": "督查"}, ["inspector_read"]),  # the current full name
    ({"action": "read_id_number"}, ["inspector_read"]),
    ({"target": "PERSON:"}, ["inspector_read"]),
    ({"date_from": "2026-11-02"}, ["inspector_read"]),
    ({"date_to": "2026-11-01"}, ["clerk_export"]),
    ({"date_from": "2026-11-01", "date_to": "2026-11-01"}, ["clerk_export"]),
])
def test_filters_by_user_action_target_and_local_dates(cast, login, query, expected):
    cast["inspector"].full_name = "王督查"
    cast["inspector"].save()
    # 23:30 in Shanghai is still 1 November there although it is 15:30 UTC.
    records = {
        "clerk_export": _record(cast["clerk"], at=datetime(2026, 11, 1, 23, 30, tzinfo=SHANGHAI)),
        "inspector_read": _record(
            cast["inspector"], action=AccessAction.READ_ID_NUMBER, target="person:12",
            at=datetime(2026, 11, 2, 0, 30, tzinfo=SHANGHAI),
        ),
    }
    response = login(cast["admin"]).get(reverse("access_record_list"), query)
    assert _rows(response) == [records[name] for name in expected]


@pytest.mark.parametrize("day", ["2026-13-45", "9999-12-31", "0001-01-01"])
def test_a_date_out_of_range_is_a_bad_request(cast, login, day):
    """common.params: 400 with the error page naming the parameter, in Chinese and English (9999-12-31
    used to be a 500: the day after it does not exist)."""
    _record(cast["clerk"])
    response = login(cast["admin"]).get(reverse("access_record_list"), {"date_from": day})
    assert response.status_code == 400
    page = response.content.decode()
    assert "<code>date_from</code>" in page and "1900-01-01" in page and "not a date" in page


def test_htmx_filter_request_gets_only_the_table(cast, login):
    _record(cast["clerk"])
    body = login(cast["admin"]).get(reverse("access_record_list"), HTTP_HX_REQUEST="true").content.decode()
    assert "<nav" not in body and "facility_list" in body


def test_pages_hold_fifty_records(cast, login):
    for _ in range(51):
        _record(cast["clerk"])
    client = login(cast["admin"])
    assert len(_rows(client.get(reverse("access_record_list")))) == 50
    assert len(_rows(client.get(reverse("access_record_list"), {"page": 2}))) == 1


def test_query_count_does_not_grow_with_rows(cast, login):
    client = login(cast["admin"])
    url = reverse("access_record_list")
    for _ in range(3):
        _record(cast["clerk"])
    # session, user, count, page of records joined with their users
    before = count_queries(client, url)
    for who in ("inspector", "manager_a", "clerk") * 9:
        _record(cast[who])
    after = count_queries(client, url)
    assert before == after == 4


def test_the_admin_finds_the_log_from_home_and_navigation(cast, login):
    page = login(cast["admin"]).get(reverse("home")).content.decode()
    assert page.count(f'href="{reverse("access_record_list")}"') == 2


def test_other_roles_have_no_link_to_the_log(cast, facilities, login):
    page = login(cast["inspector"]).get(reverse("home")).content.decode()
    assert reverse("access_record_list") not in page
