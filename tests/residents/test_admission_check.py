"""The admission form's early word: beds left, the number's validity, who it belongs to; a number outside
the manager's scope gets the one answer, logged, counted against the hour's limit."""
from datetime import date

import pytest
from django.urls import reverse

from accounts.models import AccessAction, AccessRecord
from tests.factories import PersonFactory, StayFactory, make_id_number, with_wrong_check

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock_2026_11_23")]


def _check(client, **params):
    response = client.get(reverse("admission_check"), params, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_beds_left_and_a_full_facility(cast, facilities, login):
    client = login(cast["manager_a"])
    facility = facilities["a"]
    assert f"床位 {facility.bed_capacity} 张，在住 0 人，还可入住 {facility.bed_capacity} 人" in _check(client, facility=facility.pk)
    facility.bed_capacity = 1
    facility.save()
    StayFactory(person=PersonFactory(), facility=facility)
    assert "床位已满（1 张床位，已入住 1 人）" in _check(client, facility=facility.pk)
    assert 'data-testid="beds"' not in _check(client, facility=facilities["y"].pk)  # not theirs: nothing said


def test_a_new_number_a_wrong_one_and_one_registered(cast, facilities, login):
    client = login(cast["manager_a"])
    new = make_id_number(born=date(1944, 5, 18), male=False, serial=41)
    assert "尚未登记，保存时一并登记：1944-05-18 出生，女。" in _check(client, id_number=new)
    assert "校验" in _check(client, id_number=with_wrong_check(new))
    person = PersonFactory(name="马秀兰")
    StayFactory(person=person, facility=facilities["a"])
    page = _check(client, id_number=person.id_number.lower())
    assert "该身份证号码已登记：马秀兰" in page and f"现住 {facilities['a'].name}" in page
    assert 'data-testid="id-check"' not in _check(client, id_number=new[:10])  # not yet whole: nothing said


def test_a_number_outside_the_scope_gets_the_one_answer_and_is_logged(cast, facilities, login):
    elsewhere = PersonFactory(name="外县人员")
    StayFactory(person=elsewhere, facility=facilities["c"])
    page = _check(login(cast["manager_a"]), id_number=elsewhere.id_number)
    assert "不在您的辖区，请联系民政部门" in page and "外县人员" not in page
    assert AccessRecord.objects.filter(action=AccessAction.LOOKUP_OUTSIDE_SCOPE, user=cast["manager_a"]).count() == 1


def test_the_form_asks_as_soon_as_the_fields_change(cast, login):
    page = login(cast["manager_a"]).get(reverse("admission_create")).content.decode()
    assert 'hx-trigger="change from:#id_facility, change from:#id_id_number"' in page
