"""Names and free text refuse control and direction characters, the same everywhere (issue 16 item 7).

A right-to-left override or another control character in a name used to reach exports and printed
statements; a line break in a facility name reached e-mail headers. The rule is one model-level
check (common.text_safety), so the API, the pages and the services refuse alike, with a field error
in Chinese and English, and nothing is written."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from common.text_safety import validate_one_line, validate_text
from residents.models import Person
from staffing.models import StaffMember
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db

HOSTILE = ["张\u202e三", "张\u2066三", "张\u200f三", "张\x07三", "张\n三", "张\r三", "张\u2028三", "张\x00三"[:0] + "张\x1b三"]


def person_body(name):
    return {"name": name, "id_number": make_id_number(serial=450, born=date(1948, 3, 15)),
            "hukou_region_code": "621002100", "hukou_type": "rural"}


@pytest.mark.parametrize("name", HOSTILE)
def test_the_api_refuses_a_person_name_with_control_characters(name, cast, regions, login):
    response = login(cast["inspector"]).post("/api/people", person_body(name), content_type="application/json")
    assert response.status_code == 422, response.content
    body = response.json()
    errors = {error["field"]: error for error in body["errors"]}
    assert "控制字符" in errors["name"]["message"] and "control" in errors["name"]["message_en"]
    assert not Person.objects.exists()


@pytest.mark.parametrize("name", ["甲敬老院\nBcc: thief@example.org", "甲\u202e院", "甲\r\n院"])
def test_a_facility_name_refuses_line_breaks_and_overrides(name, cast, facilities, login):
    facility = facilities["a"]
    response = login(cast["inspector"]).patch(f"/api/facilities/{facility.pk}", {"name": name},
                                             content_type="application/json")
    assert response.status_code == 422, response.content
    assert [error["field"] for error in response.json()["errors"]] == ["name"]
    facility.refresh_from_db()
    assert "\n" not in facility.name and "\u202e" not in facility.name


def test_a_plain_name_still_passes(cast, regions, login):
    response = login(cast["inspector"]).post("/api/people", person_body("欧阳·娜娜"), content_type="application/json")
    assert response.status_code == 201


def test_staff_names_are_checked_by_the_model():
    member = StaffMember(name="护理员\u202e甲", id_number=make_id_number(serial=120, born=date(1980, 1, 2)))
    with pytest.raises(ValidationError) as caught:
        member.full_clean()
    assert "name" in caught.value.message_dict


def test_multi_line_text_keeps_line_breaks_but_not_overrides():
    validate_text("第一行\n第二行\t备注")
    with pytest.raises(ValidationError):
        validate_text("备注\u202e")
    with pytest.raises(ValidationError):
        validate_one_line("第一行\n第二行")
