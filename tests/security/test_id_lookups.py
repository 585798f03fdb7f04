"""Every path that takes an ID number answers the same for a person outside the caller's scope,
whatever that person's state, logs the look-up with the number masked, and stops answering after
ID_LOOKUP_LIMIT such look-ups an hour (issues 16 and 25: the admission form and the import were
oracles of name, stay, dispersed support and death).

The people outside the scope live in Yunnan (facility Y, household 530102): one registered only,
one in facility Y, one in dispersed support, one dead; each registered under the name the caller
types ("王某") and under another ("李某"). The callers are the manager of facility A and the
inspector of Xifeng. A number nobody registered is the control where the answer may differ.
"""
import json
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AccessAction, AccessRecord
from residents.models import Person, Relation, StayEndReason, SupportForm
from residents.rules import mask_id_number
from tests.factories import PersonFactory, RegionFactory, StayFactory, SupportStatusFactory, make_id_number

pytestmark = pytest.mark.django_db

OUTSIDE = "不在您的辖区，请联系民政部门"
TOO_MANY = "一小时内查询辖区外身份证号码的次数过多"
TYPED_NAME = "王某"
STATES = ("registered", "in_facility", "dispersed", "dead")


@pytest.fixture
def outsiders(facilities, regions):
    """(state, name right?) → a person outside the scope of manager A and the Xifeng inspector."""
    township = RegionFactory(code="530102001", name="华山街道", parent=regions["530102"])
    people = {}
    serial = 0
    for state in STATES:
        for right in (True, False):
            serial += 1
            person = PersonFactory(
                name=TYPED_NAME if right else "李某", hukou_region=regions["530102"],
                id_number=make_id_number(born=date(1948, 3, 2), serial=serial, region="530102"),
                residence_region=township if state == "dispersed" else None,
            )
            if state == "in_facility":
                StayFactory(person=person, facility=facilities["y"], admitted_on=date(2025, 3, 1))
            elif state == "dead":
                StayFactory(person=person, facility=facilities["y"], admitted_on=date(2025, 3, 1),
                            ended_on=date(2025, 9, 1), end_reason=StayEndReason.DIED)
            elif state == "dispersed":
                SupportStatusFactory(person=person, support_form=SupportForm.DISPERSED)
            people[state, right] = person
    return people


def unregistered(serial=400) -> str:
    number = make_id_number(born=date(1948, 3, 2), serial=serial, region="530102")
    assert not Person.objects.filter(id_number=number).exists()
    return number


def _normal(text: str, number: str) -> str:
    """The answer with what the caller typed and per-request tokens taken out."""
    text = text.replace(number, "#").replace(mask_id_number(number), "#")
    text = re.sub(r'(csrfmiddlewaretoken" value=|nonce=)"[^"]*"', r"\1", text)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", text)


def _json(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


# --- the paths ---------------------------------------------------------------------------
# Each takes (client, cast, facilities, number) and returns (status, normalised answer).


def admission_form(client, cast, facilities, number):
    response = client.post("/people/admit/", {
        "facility": facilities["a"].pk, "admitted_on": "2025-06-02", "id_number": number, "name": TYPED_NAME,
        "hukou_region": "621002", "hukou_type": "rural",
    })
    return response.status_code, _normal(response.content.decode(), number)


def registration_form(client, cast, facilities, number):
    response = client.post("/people/new/", {
        "id_number": number, "name": TYPED_NAME, "hukou_region": "621002", "hukou_type": "rural",
    })
    return response.status_code, _normal(response.content.decode(), number)


def api_register_and_admit(client, cast, facilities, number):
    response = client.post("/api/people", {
        "name": TYPED_NAME, "id_number": number, "hukou_region_code": "621002", "hukou_type": "rural",
        "admission": {"facility_id": facilities["a"].pk, "admitted_on": "2025-06-02"},
    }, content_type="application/json")
    return response.status_code, _normal(_json(response), number)


def api_register(client, cast, facilities, number):
    response = client.post("/api/people", {
        "name": TYPED_NAME, "id_number": number, "hukou_region_code": "621002", "hukou_type": "rural",
    }, content_type="application/json")
    return response.status_code, _normal(_json(response), number)


def _sheet(number, *, facility=None) -> SimpleUploadedFile:
    header = "姓名,身份证号码,户籍地代码,户籍类型,入住机构,入住日期\n"
    row = f"{TYPED_NAME},{number},621002,农村,{facility.pk if facility else ''},{'2025-06-02' if facility else ''}\n"
    return SimpleUploadedFile("people.csv", (header + row).encode("utf-8-sig"), content_type="text/csv")


def import_preview_with_stay(client, cast, facilities, number):
    response = client.post("/people/import/", {"file": _sheet(number, facility=facilities["a"])})
    return response.status_code, _normal(response.content.decode(), number)


def import_preview(client, cast, facilities, number):
    response = client.post("/people/import/", {"file": _sheet(number)})
    return response.status_code, _normal(response.content.decode(), number)


def relatives_declare_and_register(client, cast, facilities, number):
    """Declaring a relative takes any number; the register then shows cases only within the scope."""
    declared = client.post("/api/relatives", {
        "relation": Relation.SIBLING, "relative_name": TYPED_NAME, "relative_id_number": number,
        "declared_on": "2025-06-02",
    }, content_type="application/json")
    register = client.get("/api/relatives").json()["items"]
    entry = next(item for item in register if item["declaration"]["id"] == declared.json().get("id"))
    entry["declaration"] = {key: value for key, value in entry["declaration"].items() if key not in ("id", "relative_id_number")}
    page = client.get("/staffing/relatives/").content.decode()
    row = next(line for line in page.splitlines() if mask_id_number(number) in line)
    return declared.status_code, _normal(f"{entry}\n{row}", number)


def staff_employ(client, cast, facilities, number):
    """Employing takes an ID number too; a resident registered elsewhere changes nothing in the answer."""
    response = client.post("/api/staff", {
        "facility_id": facilities["a"].pk, "name": TYPED_NAME, "id_number": number, "role": "carer",
        "started_on": "2025-06-02",
    }, content_type="application/json")
    body = re.sub(r'"(id|staff_id|employment_id)": \d+', "", _normal(_json(response), number))
    return response.status_code, body


PATHS = [
    ("manager_a", admission_form, True),
    ("inspector", registration_form, True),
    ("manager_a", api_register_and_admit, True),
    ("inspector", api_register, True),
    ("manager_a", import_preview_with_stay, True),
    ("inspector", import_preview, True),
    ("manager_a", relatives_declare_and_register, False),
    ("clerk", relatives_declare_and_register, False),
    ("manager_a", staff_employ, False),
]


@pytest.mark.parametrize("who, path, screened", PATHS, ids=[f"{w}-{p.__name__}" for w, p, _s in PATHS])
def test_every_path_answers_the_same_whatever_the_state_of_someone_outside_the_scope(
    cast, facilities, outsiders, client, who, path, screened, figures,
):
    client.force_login(cast[who])
    answers = {key: path(client, cast, facilities, person.id_number) for key, person in outsiders.items()}
    distinct = set(answers.values())
    assert len(distinct) == 1, f"{path.__name__}: {len(distinct)} different answers for {len(answers)} people outside the scope"
    status, text = distinct.pop()
    for person in Person.objects.filter(pk__in=[p.pk for p in outsiders.values()]):
        assert person.name not in text.replace(TYPED_NAME, "") or person.name == TYPED_NAME
    records = AccessRecord.objects.filter(action=AccessAction.LOOKUP_OUTSIDE_SCOPE, user=cast[who])
    if screened:
        assert OUTSIDE in text and status in (200, 422)
        assert records.count() == len(outsiders)  # each look-up logged …
        for record in records:  # … with the number masked
            assert not any(p.id_number in f"{record.detail} {record.path} {record.target}" for p in outsiders.values())
            assert any(mask_id_number(p.id_number) in record.detail for p in outsiders.values())
    else:
        assert records.count() == 0  # nothing about the person was looked up
        assert path(client, cast, facilities, unregistered()) == (status, text)  # same as a number nobody has
    figures(f"id look-ups: {who} {path.__name__}: {len(answers)} people outside the scope in {len(STATES)} states, "
            f"1 answer (status {status}), {records.count()} logged")


SCREENED = [(who, path) for who, path, screened in PATHS if screened]


@pytest.mark.parametrize("who, path", SCREENED, ids=[f"{w}-{p.__name__}" for w, p in SCREENED])
def test_look_ups_outside_the_scope_are_rate_limited_per_user_on_every_path(
    cast, facilities, outsiders, client, settings, who, path,
):
    settings.ID_LOOKUP_LIMIT = 3
    client.force_login(cast[who])
    people = list(outsiders.values())
    for person in people[:3]:
        status, text = path(client, cast, facilities, person.id_number)
        assert OUTSIDE in text and TOO_MANY not in text
    status, text = path(client, cast, facilities, people[3].id_number)
    assert TOO_MANY in text and OUTSIDE not in text
    # Refused before looking: a number nobody registered gets the same refusal, nothing is written.
    fresh = unregistered()
    assert path(client, cast, facilities, fresh) == (status, text)
    assert not Person.objects.filter(id_number=fresh).exists()
    if path in (api_register, api_register_and_admit):
        assert status == 429
    # Another user is not limited by it.
    other = cast["manager_b"] if who == "manager_a" else cast["inspector_city"]
    client.force_login(other)
    if path is registration_form or path is api_register:
        assert TOO_MANY not in path(client, cast, facilities, unregistered(401))[1]


def test_a_sheet_with_more_numbers_outside_the_scope_than_the_limit_answers_nothing_per_row(
    cast, facilities, outsiders, client, settings,
):
    settings.ID_LOOKUP_LIMIT = 5
    client.force_login(cast["manager_a"])
    rows = "".join(f"{TYPED_NAME},{p.id_number},621002,农村,,\n" for p in outsiders.values())
    rows += f"{TYPED_NAME},{unregistered()},621002,农村,,\n"
    sheet = SimpleUploadedFile("people.csv", ("姓名,身份证号码,户籍地代码,户籍类型,入住机构,入住日期\n" + rows).encode(),
                               content_type="text/csv")
    page = client.post("/people/import/", {"file": sheet}).content.decode()
    assert TOO_MANY in page and OUTSIDE not in page
    assert AccessRecord.objects.filter(action=AccessAction.LOOKUP_OUTSIDE_SCOPE).count() == len(outsiders)


def test_the_import_confirmation_screens_again(cast, facilities, regions, client, import_page,
                                               django_capture_on_commit_callbacks):
    """A number that nobody had at the preview but someone outside the scope has when the import runs."""
    client.force_login(cast["manager_a"])
    number = unregistered()
    preview = client.post(import_page, {"file": _sheet(number, facility=facilities["a"])})
    assert "确认导入" in preview.content.decode()
    PersonFactory(name="李某", id_number=number, hukou_region=regions["530102"])
    with django_capture_on_commit_callbacks(execute=True):
        job_page = client.post(import_page, {"confirm": "1"})["Location"]
    page = client.get(job_page).content.decode()
    assert OUTSIDE in page and "姓名与登记的不一致" not in page
    assert not Person.objects.filter(id_number=number, stays__isnull=False).exists()
    assert AccessRecord.objects.filter(action=AccessAction.LOOKUP_OUTSIDE_SCOPE, user=cast["manager_a"]).count() == 1


def test_inside_the_scope_the_answers_still_help(cast, facilities, regions, client):
    """The manager's own former resident: a wrong name is still named as such, and nothing is logged."""
    own = PersonFactory(name="赵某", hukou_region=regions["621002"])
    StayFactory(person=own, facility=facilities["a"], admitted_on=date(2025, 1, 2), ended_on=date(2025, 3, 1),
                end_reason=StayEndReason.MOVED_HOME)
    client.force_login(cast["manager_a"])
    _status, text = admission_form(client, cast, facilities, own.id_number)
    assert "姓名与该身份证号码的登记信息不一致" in text and OUTSIDE not in text
    assert not AccessRecord.objects.filter(action=AccessAction.LOOKUP_OUTSIDE_SCOPE).exists()
