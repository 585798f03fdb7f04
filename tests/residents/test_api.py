"""The residents API: scoping, masking, writes through the services, errors and query counts.

The people: alice lives in facility A, bob in facility B, former left A last year, and dave lives at
home in 肖金镇 under dispersed support. All are registered in 西峰区 (621002).
"""
from datetime import date, timedelta

import factory
import pytest
from django.test import Client
from django.utils import timezone

from residents.models import Person, SelfCareAssessment, Stay, SupportForm, Visit
from tests import factories
from tests.factories import RegionFactory, UserFactory, make_id_number
from tests.helpers import count_queries


class PersonFactory(factories.PersonFactory):
    hukou_region = factory.SubFactory(RegionFactory, code="621002100")


class StayFactory(factories.StayFactory):
    person = factory.SubFactory(PersonFactory)
    admitted_on = date(2024, 1, 1)


class SupportStatusFactory(factories.SupportStatusFactory):
    person = factory.SubFactory(PersonFactory)
    confirmed_on = date(2023, 6, 1)


class AssessmentFactory(factories.AssessmentFactory):
    assessed_on = date(2024, 1, 10)

pytestmark = pytest.mark.django_db

ERROR_SHAPE = {"code", "message", "message_en", "errors"}
INDICATORS = ("eating_unable", "dressing_unable", "transfer_unable", "toileting_unable", "walking_unable", "bathing_unable")


@pytest.fixture
def people(cast, facilities, regions):
    alice = PersonFactory(name="王爱丽")
    StayFactory(person=alice, facility=facilities["a"])
    SupportStatusFactory(person=alice)
    AssessmentFactory(person=alice, recorded_by=cast["manager_a"], computed_category="partial", eating_unable=True)
    bob = PersonFactory(name="李波", hukou_region=regions["621002101"])
    StayFactory(person=bob, facility=facilities["b"])
    former = PersonFactory(name="赵前")
    StayFactory(person=former, facility=facilities["a"], admitted_on=date(2024, 1, 1), ended_on=date(2024, 6, 30), end_reason="moved_home")
    dave = PersonFactory(name="陈大卫", residence_region=regions["621002100"])
    SupportStatusFactory(person=dave, support_form=SupportForm.DISPERSED)
    return {"alice": alice, "bob": bob, "former": former, "dave": dave}


def _json(client, method, url, data=None):
    response = getattr(client, method)(url, data, content_type="application/json") if method == "post" else client.get(url, data)
    return response.status_code, response.json()


def _fields(body) -> list[str]:
    return [error["field"] for error in body["errors"]]


def _indicators(unable: int) -> dict:
    return {name: index < unable for index, name in enumerate(INDICATORS)}


def _tomorrow() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


# --- scoping -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("manager_a", {"alice", "former"}),
        ("manager_b", {"bob"}),
        ("inspector", {"alice", "bob", "former", "dave"}),
        ("inspector_city", {"alice", "bob", "former", "dave"}),
        ("inspector_other", set()),
        ("clerk", {"alice", "bob", "former", "dave"}),
        ("admin", set()),  # separation of duties: administrators see no personal data
    ],
)
def test_list_shows_exactly_the_people_in_scope(cast, people, login, role, expected):
    body = login(cast[role]).get("/api/people").json()
    names = {item["name"] for item in body["items"]}
    assert names == {people[key].name for key in expected}
    assert body["count"] == len(expected)


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        ("manager_a", "alice", "bob"),
        ("manager_b", "bob", "alice"),
        ("inspector_other", None, "alice"),
        ("clerk", "dave", None),
    ],
)
def test_detail_is_404_outside_scope(cast, people, login, role, visible, hidden):
    client = login(cast[role])
    if visible:
        assert client.get(f"/api/people/{people[visible].pk}").status_code == 200
    if hidden:
        response = client.get(f"/api/people/{people[hidden].pk}")
        assert response.status_code == 404
        assert set(response.json()) == ERROR_SHAPE and response.json()["code"] == "not_found"


def test_sub_lists_are_404_outside_scope(cast, people, login):
    client = login(cast["manager_a"])
    for part in ("stays", "assessments", "visits"):
        assert client.get(f"/api/people/{people['bob'].pk}/{part}").status_code == 404
        assert client.get(f"/api/people/{people['alice'].pk}/{part}").status_code == 200


def test_unknown_person_is_404(cast, people, login):
    assert login(cast["admin"]).get("/api/people/999999").status_code == 404


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", "/api/people"), ("get", "/api/people/1"), ("post", "/api/people"), ("post", "/api/stays/1/discharge")],
)
def test_anonymous_gets_401_with_the_error_shape(db, method, url):
    response = getattr(Client(), method)(url)
    assert response.status_code == 401
    body = response.json()
    assert set(body) == ERROR_SHAPE and body["code"] == "unauthenticated"


# --- masking -----------------------------------------------------------------------------


def test_list_never_contains_a_full_id_number(cast, people, login):
    response = login(cast["inspector"]).get("/api/people")
    text = response.content.decode()
    for person in people.values():
        assert len(person.id_number) == 18 and person.id_number not in text
        assert person.masked_id_number in text


def test_detail_never_contains_a_full_id_number(cast, people, login):
    alice = people["alice"]
    response = login(cast["manager_a"]).get(f"/api/people/{alice.pk}")
    assert alice.id_number not in response.content.decode()
    body = response.json()
    assert body["masked_id_number"] == alice.id_number[:4] + "*" * 10 + alice.id_number[-4:]


def test_list_row_describes_the_person(cast, people, login):
    alice = people["alice"]
    row = login(cast["manager_a"]).get("/api/people", {"q": "爱丽"}).json()["items"][0]
    assert row["birth_date"] == alice.birth_date.isoformat() and row["sex"] == alice.sex
    assert row["age"] >= 74
    assert row["current_facility_name"] == "西峰区中心敬老院"
    assert row["latest_category"] == "partial"
    assert (row["support_kind"], row["support_form"]) == ("hardship", "centralised")


def test_detail_shows_statuses_current_stay_and_disability(cast, people, facilities, login):
    alice = people["alice"]
    alice.disability_category, alice.disability_grade = "physical", 2
    alice.save()
    body = login(cast["manager_a"]).get(f"/api/people/{alice.pk}").json()
    assert body["current_stay"]["facility_id"] == facilities["a"].pk
    assert [s["kind"] for s in body["statuses"]] == ["hardship"]
    assert (body["disability_category"], body["disability_grade"]) == ("physical", 2)
    assert body["latest_assessment"]["category"] == "partial"
    assert body["hukou_region_name"] == "甘肃省庆阳市西峰区肖金镇"


# --- filters -----------------------------------------------------------------------------


def _names(client, **params) -> set[str]:
    response = client.get("/api/people", params)
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["items"]}


def test_filters(cast, people, facilities, login):
    client = login(cast["inspector"])
    assert _names(client, q="李") == {"李波"}
    assert _names(client, q=people["dave"].id_number) == {"陈大卫"}
    assert _names(client, q=people["dave"].id_number[:17]) == set()  # no prefix search on ID numbers
    assert _names(client, facility_id=facilities["a"].pk) == {"王爱丽"}
    assert _names(client, category="partial") == {"王爱丽"}
    assert _names(client, support_form="dispersed") == {"陈大卫"}
    assert _names(client, in_care="true") == {"王爱丽", "李波"}
    assert _names(client, assessment_overdue="true") == {"王爱丽", "李波"}
    people["alice"].assessments.update(due_on=timezone.localdate() + timedelta(days=30))  # re-assessment postponed
    assert _names(client, assessment_overdue="true") == {"李波"}


def test_unknown_filter_value_is_a_422_naming_the_field(cast, people, login):
    status, body = _json(login(cast["inspector"]), "get", "/api/people", {"category": "bedridden"})
    assert status == 422 and _fields(body) == ["category"]


def test_page_size_above_200_is_refused(cast, people, login):
    status, body = _json(login(cast["inspector"]), "get", "/api/people", {"limit": 201})
    assert status == 422 and _fields(body) == ["limit"]


# --- query counts ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager_a", "inspector"])
def test_list_query_count_does_not_grow_with_people(cast, facilities, login, role):
    client = login(cast[role])

    def add_resident():
        person = PersonFactory()
        StayFactory(person=person, facility=facilities["a"])
        SupportStatusFactory(person=person)
        AssessmentFactory(person=person, recorded_by=cast["manager_a"], computed_category="partial", eating_unable=True)

    add_resident()
    # session, user, count, one page of people (scope, current facility, latest category and
    # support form are subqueries of that one statement), the access record of the health read
    one = count_queries(client, "/api/people")
    for _ in range(29):
        add_resident()
    assert count_queries(client, "/api/people") == one == 5
    assert client.get("/api/people").json()["count"] == 30


def test_detail_query_count(cast, people, login):
    client = login(cast["manager_a"])
    # session, user, person with both regions, statuses, current stay with facility, latest
    # assessment, the access record of the health read
    assert count_queries(client, f"/api/people/{people['alice'].pk}") == 7


# --- registration ------------------------------------------------------------------------


def _person_body(**changes) -> dict:
    body = {
        "name": "孙新", "id_number": make_id_number(serial=450, born=date(1948, 3, 15)),
        "hukou_region_code": "621002100", "hukou_type": "rural",
    }
    return {**body, **changes}


def test_inspector_registers_a_person(cast, regions, login):
    body = _person_body(residence_region_code="621002101", disability_category="vision", disability_grade=1)
    status, out = _json(login(cast["inspector"]), "post", "/api/people", body)
    assert status == 201, out
    person = Person.objects.get(pk=out["id"])
    assert person.birth_date == date(1948, 3, 15) and person.residence_region_id == "621002101"
    assert body["id_number"] not in str(out) and out["masked_id_number"] == person.masked_id_number
    assert person.history.get().history_user == cast["inspector"]


def test_manager_registers_and_admits_in_one_step(cast, facilities, login):
    client = login(cast["manager_a"])
    body = _person_body(admission={"facility_id": facilities["a"].pk, "admitted_on": "2024-05-01"})
    status, out = _json(client, "post", "/api/people", body)
    assert status == 201, out
    assert out["current_stay"]["facility_id"] == facilities["a"].pk
    assert client.get(f"/api/people/{out['id']}").status_code == 200


def test_registration_with_an_admission_that_fails_writes_nothing(cast, facilities, login):
    client = login(cast["manager_a"])
    future = _person_body(admission={"facility_id": facilities["a"].pk, "admitted_on": _tomorrow()})
    status, body = _json(client, "post", "/api/people", future)
    assert status == 422 and _fields(body) == ["admission.admitted_on"]
    other = _person_body(admission={"facility_id": facilities["b"].pk, "admitted_on": "2024-05-01"})
    assert client.post("/api/people", other, content_type="application/json").status_code == 404
    assert not Person.objects.exists() and not Stay.objects.exists()


def test_clerk_cannot_register(cast, regions, login):
    status, body = _json(login(cast["clerk"]), "post", "/api/people", _person_body())
    assert status == 403 and body["code"] == "forbidden"
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hukou_region_code": "621099"}, "hukou_region_code"),
        ({"residence_region_code": "621002999"}, "residence_region_code"),
        ({"hukou_region_code": "62"}, "hukou_region_code"),
        ({"id_number": "62100219480315900X"}, "id_number"),
        ({"name": ""}, "name"),
        ({"hukou_type": "nomad"}, "hukou_type"),
        ({"disability_grade": 5}, "disability_grade"),
        ({"disability_grade": 2}, "disability_category"),
    ],
)
def test_registration_errors_name_the_field(cast, regions, login, changes, field):
    status, body = _json(login(cast["inspector"]), "post", "/api/people", _person_body(**changes))
    assert status == 422, body
    assert body["code"] == "invalid" and _fields(body) == [field]
    assert not Person.objects.exists()


def test_duplicate_id_number_is_refused(cast, people, login):
    status, body = _json(
        login(cast["inspector"]), "post", "/api/people", _person_body(id_number=people["bob"].id_number.lower())
    )
    assert status == 422 and _fields(body) == ["id_number"]
    assert Person.objects.count() == 4


# --- stays -------------------------------------------------------------------------------


def test_stays_of_a_person(cast, people, login):
    body = login(cast["manager_a"]).get(f"/api/people/{people['former'].pk}/stays").json()
    assert body["count"] == 1 and body["items"][0]["end_reason"] == "moved_home"


def test_manager_readmits_a_former_resident(cast, people, facilities, login):
    former = people["former"]
    status, out = _json(
        login(cast["manager_a"]), "post", f"/api/people/{former.pk}/stays",
        {"facility_id": facilities["a"].pk, "admitted_on": "2024-07-01"},
    )
    assert status == 201, out
    assert out["facility_name"] == "西峰区中心敬老院" and out["ended_on"] is None
    assert Stay.objects.get(pk=out["id"]).history.get().history_user == cast["manager_a"]


@pytest.mark.parametrize(
    ("role", "facility", "expected"),
    [
        ("manager_b", "a", 404),  # the person is out of manager B's scope
        ("manager_a", "b", 404),  # facility B is out of manager A's scope
        ("clerk", "a", 403),
        ("inspector", "a", 403),
        ("admin", "a", 404),  # administrators do not see people at all
    ],
)
def test_admission_is_refused_for_the_wrong_role(cast, people, facilities, login, role, facility, expected):
    response = login(cast[role]).post(
        f"/api/people/{people['former'].pk}/stays",
        {"facility_id": facilities[facility].pk, "admitted_on": "2024-07-01"},
        content_type="application/json",
    )
    assert response.status_code == expected
    assert Stay.objects.count() == 3


def test_admission_of_someone_already_in_care_names_the_field(cast, people, facilities, login):
    both = UserFactory(username="manager_ab", facilities=[facilities["a"], facilities["b"]])
    status, body = _json(
        login(both), "post", f"/api/people/{people['alice'].pk}/stays",
        {"facility_id": facilities["b"].pk, "admitted_on": "2024-07-01"},
    )
    assert status == 422 and _fields(body) == ["person"]


def test_full_facility_refusal_names_the_facility_field(cast, people, facilities, login):
    facilities["a"].bed_capacity = 1
    facilities["a"].save()
    status, body = _json(
        login(cast["manager_a"]), "post", f"/api/people/{people['former'].pk}/stays",
        {"facility_id": facilities["a"].pk, "admitted_on": "2024-07-01"},
    )
    assert status == 422 and _fields(body) == ["facility_id"]
    assert "床位已满" in body["errors"][0]["message"]


def _alice_stay(people) -> Stay:
    return people["alice"].stays.get()


def test_manager_discharges(cast, people, login):
    stay = _alice_stay(people)
    status, out = _json(
        login(cast["manager_a"]), "post", f"/api/stays/{stay.pk}/discharge", {"ended_on": "2024-08-01", "reason": "moved_home"}
    )
    assert status == 200, out
    assert (out["ended_on"], out["end_reason"]) == ("2024-08-01", "moved_home")
    stay.refresh_from_db()
    assert stay.ended_on == date(2024, 8, 1)


@pytest.mark.parametrize(("role", "expected"), [("manager_b", 404), ("inspector_other", 404), ("clerk", 403), ("inspector", 403)])
def test_discharge_is_refused_for_the_wrong_role(cast, people, login, role, expected):
    stay = _alice_stay(people)
    response = login(cast[role]).post(
        f"/api/stays/{stay.pk}/discharge", {"ended_on": "2024-08-01", "reason": "moved_home"}, content_type="application/json"
    )
    assert response.status_code == expected
    stay.refresh_from_db()
    assert stay.ended_on is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ended_on": "2024-08-01", "reason": "escaped"}, "reason"),
        ({"ended_on": "2023-01-01", "reason": "moved_home"}, "ended_on"),
        ({"reason": "moved_home"}, "ended_on"),
    ],
)
def test_discharge_errors_name_the_field(cast, people, login, body, field):
    stay = _alice_stay(people)
    status, out = _json(login(cast["manager_a"]), "post", f"/api/stays/{stay.pk}/discharge", body)
    assert status == 422 and _fields(out) == [field]
    stay.refresh_from_db()
    assert stay.ended_on is None


def test_discharge_on_death_ends_the_support_status(cast, people, login):
    stay = _alice_stay(people)
    client = login(cast["manager_a"])
    assert client.post(
        f"/api/stays/{stay.pk}/discharge", {"ended_on": "2024-08-01", "reason": "died"}, content_type="application/json"
    ).status_code == 200
    assert people["alice"].statuses.get().terminated_on == date(2024, 8, 1)


def test_manager_of_both_facilities_transfers(cast, people, facilities, login):
    manager = UserFactory(username="manager_ac", facilities=[facilities["a"], facilities["c"]])
    stay = _alice_stay(people)
    status, out = _json(
        login(manager), "post", f"/api/stays/{stay.pk}/transfer",
        {"to_facility_id": facilities["c"].pk, "transferred_on": "2024-09-01"},
    )
    assert status == 201, out
    assert out["facility_id"] == facilities["c"].pk and out["admitted_on"] == "2024-09-01"
    stay.refresh_from_db()
    assert (stay.ended_on, stay.end_reason) == (date(2024, 9, 1), "transferred")


@pytest.mark.parametrize(
    ("role", "to", "expected"),
    [
        ("manager_a", "b", 404),  # manager A cannot see facility B
        ("manager_b", "b", 404),  # nor manager B alice's stay
        ("clerk", "b", 403),
        ("inspector", "b", 403),
        ("admin", "b", 404),  # administrators do not see stays
    ],
)
def test_transfer_is_refused_for_the_wrong_role(cast, people, facilities, login, role, to, expected):
    stay = _alice_stay(people)
    response = login(cast[role]).post(
        f"/api/stays/{stay.pk}/transfer",
        {"to_facility_id": facilities[to].pk, "transferred_on": "2024-09-01"},
        content_type="application/json",
    )
    assert response.status_code == expected
    assert Stay.objects.count() == 3 and Stay.objects.get(pk=stay.pk).ended_on is None


def test_transfer_to_the_same_facility_names_the_field(cast, people, facilities, login):
    stay = _alice_stay(people)
    status, body = _json(
        login(cast["manager_a"]), "post", f"/api/stays/{stay.pk}/transfer",
        {"to_facility_id": facilities["a"].pk, "transferred_on": "2024-09-01"},
    )
    assert status == 422 and _fields(body) == ["to_facility_id"]


# --- assessments -------------------------------------------------------------------------


def _assessment(**changes) -> dict:
    return {"assessed_on": "2024-07-01", "assessors": "张护士、王医生", "reason": "periodic", **_indicators(4), **changes}


def test_manager_records_an_assessment(cast, people, login):
    alice = people["alice"]
    status, out = _json(login(cast["manager_a"]), "post", f"/api/people/{alice.pk}/assessments", _assessment())
    assert status == 201, out
    assert (out["computed_category"], out["category"], out["override_category"]) == ("full", "full", None)
    alice.refresh_from_db()
    assert alice.assessment_due_on == date(2025, 7, 1)


def test_override_keeps_the_computed_category(cast, people, login):
    body = _assessment(override_category="partial", override_reason="上肢功能良好，可自行进食")
    status, out = _json(login(cast["manager_a"]), "post", f"/api/people/{people['alice'].pk}/assessments", body)
    assert status == 201, out
    assert (out["computed_category"], out["category"]) == ("full", "partial")


def test_inspector_assesses_a_person_at_home(cast, people, login):
    status, out = _json(login(cast["inspector"]), "post", f"/api/people/{people['dave'].pk}/assessments", _assessment(**_indicators(0)))
    assert status == 201, out
    assert out["category"] == "self_care" and out["facility_id"] is None


@pytest.mark.parametrize(("role", "expected"), [("manager_b", 404), ("clerk", 403), ("inspector", 403)])
def test_assessment_is_refused_for_the_wrong_role(cast, people, login, role, expected):
    response = login(cast[role]).post(
        f"/api/people/{people['alice'].pk}/assessments", _assessment(), content_type="application/json"
    )
    assert response.status_code == expected
    assert SelfCareAssessment.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"override_category": "partial"}, "override_reason"),
        ({"bathing_unable": None}, "bathing_unable"),
        ({"assessed_on": "tomorrow"}, "assessed_on"),
        ({"reason": "whim"}, "reason"),
        ({"assessors": ""}, "assessors"),
    ],
)
def test_assessment_errors_name_the_field(cast, people, login, changes, field):
    body = {key: value for key, value in _assessment(**changes).items() if value is not None}
    if body["assessed_on"] == "tomorrow":
        body["assessed_on"] = _tomorrow()
    status, out = _json(login(cast["manager_a"]), "post", f"/api/people/{people['alice'].pk}/assessments", body)
    assert status == 422 and _fields(out) == [field]
    assert SelfCareAssessment.objects.count() == 1


def test_assessments_of_a_person(cast, people, login):
    body = login(cast["clerk"]).get(f"/api/people/{people['alice'].pk}/assessments").json()
    assert body["count"] == 1 and body["items"][0]["eating_unable"] is True


# --- visits ------------------------------------------------------------------------------


def _visit(**changes) -> dict:
    return {"visited_on": "2024-07-15", "visitor": "肖金镇民政助理员", "mode": "home", "findings": "身体状况良好", **changes}


def test_inspector_records_a_visit(cast, people, login):
    client = login(cast["inspector"])
    dave = people["dave"]
    status, out = _json(client, "post", f"/api/people/{dave.pk}/visits", _visit())
    assert status == 201, out
    listed = client.get(f"/api/people/{dave.pk}/visits").json()
    assert listed["count"] == 1 and listed["items"][0]["findings"] == "身体状况良好"
    assert Visit.objects.get().recorded_by == cast["inspector"]


@pytest.mark.parametrize(("role", "expected"), [("manager_a", 404), ("inspector_other", 404), ("clerk", 403)])
def test_visit_is_refused_for_the_wrong_role(cast, people, login, role, expected):
    response = login(cast[role]).post(f"/api/people/{people['dave'].pk}/visits", _visit(), content_type="application/json")
    assert response.status_code == expected
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"), [({"mode": "telepathy"}, "mode"), ({"findings": ""}, "findings"), ({"visited_on": "2024-13-01"}, "visited_on")]
)
def test_visit_errors_name_the_field(cast, people, login, changes, field):
    status, out = _json(login(cast["inspector"]), "post", f"/api/people/{people['dave'].pk}/visits", _visit(**changes))
    assert status == 422 and _fields(out) == [field]
    assert not Visit.objects.exists()


def test_openapi_lists_the_residents_paths(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/people", "/api/people/{person_id}", "/api/stays/{stay_id}/transfer"} <= set(paths)


def test_a_token_user_is_scoped_like_a_session_user(cast, people):
    from accounts.tokens import api_token_create

    _token, raw = api_token_create(user=cast["manager_b"], name="对接")
    response = Client().get("/api/people", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and {item["name"] for item in response.json()["items"]} == {"李波"}


def test_health_reads_are_in_the_access_log(cast, people, login):
    from accounts.models import AccessAction, AccessRecord

    client = login(cast["manager_a"])
    person = people["alice"]
    assert client.get(f"/api/people/{person.pk}").status_code == 200
    assert client.get(f"/api/people/{person.pk}/assessments").status_code == 200
    assert client.get("/api/people?category=partial").status_code == 200
    assert client.get(f"/people/{person.pk}/").status_code == 200
    records = list(AccessRecord.objects.filter(action=AccessAction.READ_HEALTH).order_by("id"))
    assert [r.target for r in records] == [f"person:{person.pk}", f"person:{person.pk}", "people", f"person:{person.pk}"]
    assert all(r.username == "manager_a" for r in records)
    assert person.name in records[0].detail and "category=partial" in records[2].detail


def test_a_refused_health_read_is_not_logged(cast, people, login):
    from accounts.models import AccessRecord

    assert login(cast["manager_b"]).get(f"/api/people/{people['alice'].pk}").status_code == 404
    assert not AccessRecord.objects.exists()
