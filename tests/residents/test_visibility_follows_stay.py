"""Visibility follows the stay (issue 16): a manager reads a person's records for the time the person
was in one of their facilities; records made elsewhere after the person left are not theirs.

The story, with every date stated (each step is done on its own day, so the change history has real
dates too): 张秀英 (household registration in Xifeng) is admitted to facility A on 2026-03-02 and
assessed there on 2026-04-10; manager A transfers her to facility C (Qingcheng, another county) on
2026-06-15; C's manager assesses her on 2026-09-01 and changes her phone number on 2026-09-02. The
pages and the API are read on 2026-11-23.
"""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tokens import api_token_create
from residents import services
from residents.models import Stay
from tests.factories import PersonFactory, SupportStatusFactory, UserFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_PHONE = "13912345678"
OLD_ASSESSORS = "甲院评估组"
NEW_ASSESSORS = "丙院评估组"
NO_INDICATOR = dict.fromkeys(("eating_unable", "dressing_unable", "transfer_unable", "toileting_unable",
                              "walking_unable", "bathing_unable"), False)


def _on(time_machine, day: date):
    time_machine.move_to(datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def moved(cast, facilities, regions, time_machine):
    """张秀英's life: A from 2026-03-02, transferred to C on 2026-06-15, assessed at C on 2026-09-01."""
    manager_c = UserFactory(username="manager_c", full_name="丙院院长", facilities=[facilities["c"]])
    _on(time_machine, date(2026, 3, 2))
    person = PersonFactory(name="张秀英", hukou_region=regions["621002100"], phone="13900000001")
    SupportStatusFactory(person=person, confirmed_on=date(2025, 1, 6))
    old_stay = services.stay_admit(by=cast["manager_a"], facility=facilities["a"], person=person,
                                   admitted_on=date(2026, 3, 2))
    _on(time_machine, date(2026, 4, 10))
    old_assessment = services.assessment_record(
        by=cast["manager_a"], person=person, assessed_on=date(2026, 4, 10), unable=NO_INDICATOR,
        assessors=OLD_ASSESSORS, reason="initial")
    _on(time_machine, date(2026, 6, 15))
    new_stay = services.stay_transfer(by=cast["manager_a"], stay=old_stay, to_facility=facilities["c"],
                                      transferred_on=date(2026, 6, 15))
    _on(time_machine, date(2026, 9, 1))
    new_assessment = services.assessment_record(
        by=manager_c, person=person, assessed_on=date(2026, 9, 1), unable={**NO_INDICATOR, "walking_unable": True},
        assessors=NEW_ASSESSORS, reason="periodic")
    _on(time_machine, date(2026, 9, 2))
    services.person_update(by=manager_c, person=person, phone=NEW_PHONE)
    _on(time_machine, date(2026, 11, 23))
    old_stay.refresh_from_db()
    return {"person": person, "old_stay": old_stay, "new_stay": new_stay, "old_assessment": old_assessment,
            "new_assessment": new_assessment, "manager_c": manager_c}


def _api(user) -> Client:
    _, plain = api_token_create(user=user, name="visibility tests")
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {plain}"
    return client


def _items(client, url) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()["items"]


# --- the manager of the facility the person left ---------------------------------------------


def test_old_manager_sees_the_person_and_their_own_stay_and_assessment_on_the_page(cast, moved, login):
    response = login(cast["manager_a"]).get(reverse("person_detail", args=[moved["person"].pk]))
    assert response.status_code == 200
    assert response.context["departed_on"] == date(2026, 6, 15)
    assert [s.pk for s in response.context["stays"]] == [moved["old_stay"].pk]
    assert [a.pk for a in response.context["assessments"]] == [moved["old_assessment"].pk]
    assert response.context["latest_assessment"].pk == moved["old_assessment"].pk
    assert response.context["active_stay"] is None
    page = response.content.decode()
    assert "张秀英" in page and OLD_ASSESSORS in page and 'data-testid="departed"' in page
    assert "2026-06-15" in page


def test_old_manager_does_not_see_the_new_facilitys_records_on_the_page(cast, moved, facilities, login):
    response = login(cast["manager_a"]).get(reverse("person_detail", args=[moved["person"].pk]))
    page = response.content.decode()
    assert NEW_ASSESSORS not in page
    assert "2026-09-01" not in page  # the new assessment's day, in the timeline or the history
    assert f"入住{facilities['c'].name}" not in page  # the new stay in the timeline
    assert NEW_PHONE not in page  # C's change to the person: neither in the history nor as the current phone
    assert "丙院院长" not in page
    assert moved["new_stay"].pk not in [s.pk for s in response.context["stays"]]


def test_old_manager_sees_only_their_records_through_the_api(cast, moved):
    client = _api(cast["manager_a"])
    person_id = moved["person"].pk
    detail = client.get(f"/api/people/{person_id}").json()
    assert detail["departed_on"] == "2026-06-15"
    assert detail["current_stay"] is None
    assert detail["latest_assessment"]["id"] == moved["old_assessment"].pk
    assert detail["assessment_due_on"] is None  # the deadline set by C's assessment is not theirs
    assert detail["phone"] != NEW_PHONE  # the person's record as it stood the day they left
    assert [s["id"] for s in _items(client, f"/api/people/{person_id}/stays")] == [moved["old_stay"].pk]
    assert [a["id"] for a in _items(client, f"/api/people/{person_id}/assessments")] == [moved["old_assessment"].pk]
    text = client.get(f"/api/people/{person_id}/assessments").content.decode()
    assert NEW_ASSESSORS not in text


def test_old_manager_keeps_the_person_in_the_list_as_departed(cast, moved, facilities, login):
    """Our choice: the person stays in the old manager's list, marked 已离院 with the day, without
    where they live now or the new facility's assessment; 在院 filters leave them out."""
    page = login(cast["manager_a"]).get(reverse("person_list")).content.decode()
    assert "张秀英" in page and "已离院" in page and facilities["c"].name not in page
    client = _api(cast["manager_a"])
    [row] = [p for p in _items(client, "/api/people") if p["id"] == moved["person"].pk]
    assert row["current_facility_id"] is None and row["current_facility_name"] is None
    assert row["latest_assessed_on"] == "2026-04-10" and row["latest_category"] == "self_care"
    assert row["departed_on"] == "2026-06-15" and row["assessment_due_on"] is None
    assert moved["person"].pk not in [p["id"] for p in _items(client, "/api/people?in_care=true")]
    assert moved["person"].pk not in [p["id"] for p in _items(client, f"/api/people?facility_id={facilities['c'].pk}")]


def test_old_manager_cannot_edit_or_assess_the_departed_person(cast, moved, login):
    client = login(cast["manager_a"])
    person = moved["person"]
    assert client.get(reverse("person_edit", args=[person.pk])).status_code == 403
    assert client.post(reverse("person_edit", args=[person.pk]), {"name": "改名", "hukou_region": "621002100"}).status_code == 403
    assert client.post(reverse("assessment_create", args=[person.pk]), {"assessed_on": "2026-11-20"}).status_code == 403
    api = _api(cast["manager_a"])
    response = api.post(f"/api/people/{person.pk}/assessments", {**NO_INDICATOR, "assessed_on": "2026-11-20",
                                                                  "assessors": "甲", "reason": "periodic"},
                        content_type="application/json")
    assert response.status_code == 403
    assert client.get(reverse("stay_transfer", args=[moved["new_stay"].pk])).status_code == 404
    person.refresh_from_db()
    assert person.name == "张秀英" and person.assessments.count() == 2


def test_a_status_terminated_after_the_person_left_shows_as_it_stood_that_day(cast, moved, login, time_machine):
    _on(time_machine, date(2026, 10, 10))
    status = moved["person"].statuses.get()
    services.support_status_terminate(by=cast["inspector"], status=status, terminated_on=date(2026, 10, 10),
                                      reason="迁出本县，终止供养")
    _on(time_machine, date(2026, 11, 23))
    response = login(cast["manager_a"]).get(reverse("person_detail", args=[moved["person"].pk]))
    [shown] = response.context["statuses"]
    assert shown.terminated_on is None and "迁出本县" not in response.content.decode()
    detail = _api(cast["manager_a"]).get(f"/api/people/{moved['person'].pk}").json()
    assert [(s["id"], s["terminated_on"]) for s in detail["statuses"]] == [(status.pk, None)]
    response = login(cast["inspector"]).get(reverse("person_detail", args=[moved["person"].pk]))
    assert "迁出本县" in response.content.decode()


# --- those who see everything -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager_c", "inspector", "inspector_city"])
def test_new_manager_and_inspectors_of_the_region_see_everything(cast, moved, login, who):
    user = moved["manager_c"] if who == "manager_c" else cast[who]
    response = login(user).get(reverse("person_detail", args=[moved["person"].pk]))
    assert response.status_code == 200 and response.context["departed_on"] is None
    assert {s.pk for s in response.context["stays"]} == {moved["old_stay"].pk, moved["new_stay"].pk}
    assert response.context["latest_assessment"].pk == moved["new_assessment"].pk
    page = response.content.decode()
    assert NEW_ASSESSORS in page and NEW_PHONE in page
    client = _api(user)
    detail = client.get(f"/api/people/{moved['person'].pk}").json()
    assert detail["departed_on"] is None and detail["current_stay"]["id"] == moved["new_stay"].pk
    assert len(_items(client, f"/api/people/{moved['person'].pk}/assessments")) == 2
    assert len(_items(client, f"/api/people/{moved['person'].pk}/stays")) == 2


def test_a_clerk_who_sees_the_person_only_through_the_old_stay_is_held_to_it_too(cast, moved, regions, login):
    """The same rule for a regional user: a clerk of Xifeng whose only link is the stay at A (the
    person's household registration moved to Qingcheng)."""
    person = moved["person"]
    person.hukou_region = regions["621021"]
    person.save(update_fields=["hukou_region"])
    response = login(cast["clerk"]).get(reverse("person_detail", args=[person.pk]))
    assert response.status_code == 200 and response.context["departed_on"] == date(2026, 6, 15)
    assert NEW_ASSESSORS not in response.content.decode()


def test_the_window_ends_on_the_last_stay_when_the_person_comes_back_and_leaves_again(cast, moved, facilities,
                                                                                      login, time_machine):
    """Back at A on 2026-10-01: manager A sees everything again, C's assessment included (the whole
    record while the person lives with them); manager C now sees up to the day the person left C."""
    _on(time_machine, date(2026, 10, 1))
    services.stay_discharge(by=moved["manager_c"], stay=moved["new_stay"], ended_on=date(2026, 10, 1),
                            reason="moved_home")
    services.stay_admit(by=cast["manager_a"], facility=facilities["a"], person=moved["person"],
                        admitted_on=date(2026, 10, 1))
    _on(time_machine, date(2026, 11, 23))
    response = login(cast["manager_a"]).get(reverse("person_detail", args=[moved["person"].pk]))
    assert response.context["departed_on"] is None and len(response.context["assessments"]) == 2
    response = login(moved["manager_c"]).get(reverse("person_detail", args=[moved["person"].pk]))
    assert response.context["departed_on"] == date(2026, 10, 1)
    assert Stay.objects.filter(person=moved["person"]).count() == 3
    assert {s.facility_id for s in response.context["stays"]} == {facilities["a"].pk, facilities["c"].pk}
    assert {s.ended_on for s in response.context["stays"]} == {date(2026, 6, 15), date(2026, 10, 1)}


# --- the window costs no query ----------------------------------------------------------------


def test_the_window_is_part_of_the_persons_query_so_counts_stay_pinned(cast, moved, facilities, login):
    """The window is two subqueries of the statement that reads the person (or the page of people):
    the pins of tests/residents/test_views.py and test_api.py hold for a departed person too."""
    resident = PersonFactory(name="李桂兰", hukou_region=moved["person"].hukou_region)
    Stay.objects.create(person=resident, facility=facilities["a"], admitted_on=date(2026, 5, 1))
    client = login(cast["manager_a"])
    # session, user, person with both regions and the window, statuses, current stay with facility,
    # latest assessment, the access record of the health read: the same 7 as test_api.test_detail_query_count;
    # a person who left costs one more, their record as it stood that day
    assert count_queries(client, f"/api/people/{moved['person'].pk}") - 1 == count_queries(client, f"/api/people/{resident.pk}") == 7
    # the page of people: session, user, facility filter choices, count, one page of people (window,
    # current facility, latest category and support are subqueries)
    assert count_queries(client, reverse("person_list")) == 5
    # the person's page costs A's manager (the window) what it costs C's (the whole record), less the
    # one query that asks whether C's manager may act for the current stay (A's sees no current stay),
    # plus the one that reads the record as it stood when the person left
    page = reverse("person_detail", args=[moved["person"].pk])
    assert count_queries(client, page) == count_queries(login(moved["manager_c"]), page)
