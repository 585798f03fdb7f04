"""Resident pages: list with filters and a fixed query count, detail, and the forms that change people."""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from facilities.models import Alert, AlertKind
from residents.models import Person, SelfCareAssessment, Stay, SupportStatus
from residents.rules import id_check_character
from tests.helpers import count_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock_2026_11_23")]


def _id(region="621002", born="19450312", seq="123"):
    body = f"{region}{born}{seq}"
    return body + id_check_character(body)


def _admit(client, facility, *, id_number=None, name="张秀英", admitted_on="2026-11-01", **extra):
    data = {"facility": facility.pk, "admitted_on": admitted_on, "id_number": id_number or _id(), "name": name,
            "hukou_region": "621002", "hukou_type": "rural", "disability_category": "", "disability_grade": ""}
    data.update(extra)
    return client.post(reverse("admission_create"), data)


def _assess(client, person, unable_fields, **extra):
    data = {"assessed_on": "2026-11-20", "reason": "initial", "assessors": "李评估、王评估", "override_category": ""}
    data.update({name: "on" for name in unable_fields})
    data.update(extra)
    return client.post(reverse("assessment_create", args=[person.pk]), data)


def test_manager_admits_a_new_person_and_birth_date_comes_from_the_id(cast, facilities, login):
    client = login(cast["manager_a"])
    response = _admit(client, facilities["a"])
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("person_detail", args=[person.pk])
    assert person.birth_date == date(1945, 3, 12) and person.sex == "M"
    assert Stay.objects.get().facility == facilities["a"]


def test_bad_id_number_is_explained_beside_the_field_and_nothing_is_saved(cast, facilities, login):
    response = _admit(login(cast["manager_a"]), facilities["a"], id_number="62100219450312123X")
    assert response.status_code == 200
    assert "校验" in " ".join(response.context["form"].errors["id_number"])
    assert not Person.objects.exists()


def test_admission_beyond_capacity_is_refused_with_the_numbers(cast, facilities, login):
    facilities["a"].bed_capacity = 1
    facilities["a"].save()
    client = login(cast["manager_a"])
    _admit(client, facilities["a"])
    response = _admit(client, facilities["a"], id_number=_id(seq="456"), name="李桂兰")
    assert "床位已满" in response.content.decode()
    assert Person.objects.count() == 1


def test_manager_cannot_admit_into_another_facility(cast, facilities, login):
    response = _admit(login(cast["manager_a"]), facilities["b"])
    assert response.status_code == 200 and "facility" in response.context["form"].errors
    assert not Stay.objects.exists()


def test_four_unable_indicators_show_fully_disabled_on_the_resident_page(cast, facilities, login):
    client = login(cast["manager_a"])
    _admit(client, facilities["a"])
    person = Person.objects.get()
    response = _assess(client, person, ["eating_unable", "dressing_unable", "transfer_unable", "toileting_unable"])
    assert response.status_code == 302
    page = client.get(reverse("person_detail", args=[person.pk])).content.decode()
    assert "完全丧失生活自理能力" in page
    assert SelfCareAssessment.objects.get().category == "full"


def test_category_preview_follows_the_ticks(cast, facilities, login):
    client = login(cast["manager_a"])
    _admit(client, facilities["a"])
    person = Person.objects.get()
    url = reverse("assessment_preview", args=[person.pk])
    assert "具备生活自理能力" in client.get(url).content.decode()
    assert "部分丧失" in client.get(url, {"eating_unable": "on"}).content.decode()
    four = {name: "on" for name in ["eating_unable", "dressing_unable", "walking_unable", "bathing_unable"]}
    assert "完全丧失" in client.get(url, four).content.decode()


def test_override_without_reason_is_refused(cast, facilities, login):
    client = login(cast["manager_a"])
    _admit(client, facilities["a"])
    person = Person.objects.get()
    response = _assess(client, person, [], override_category="full")
    assert "调整评估类别须填写理由" in response.content.decode()
    assert not SelfCareAssessment.objects.exists()


def test_admission_opens_an_assessment_alert_that_the_assessment_resolves(
    cast, facilities, login, django_capture_on_commit_callbacks
):
    client = login(cast["manager_a"])
    with django_capture_on_commit_callbacks(execute=True):
        _admit(client, facilities["a"])
    assert Alert.objects.filter(kind=AlertKind.ASSESSMENT_MISSING, resolved_at__isnull=True).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        _assess(client, Person.objects.get(), ["eating_unable"])
    assert not Alert.objects.filter(kind__startswith="assessment", resolved_at__isnull=True).exists()


def test_discharge_and_transfer(cast, facilities, login):
    client = login(cast["manager_a"])
    _admit(client, facilities["a"])
    stay = Stay.objects.get()
    response = client.post(reverse("stay_transfer", args=[stay.pk]), {"to_facility": facilities["b"].pk, "transferred_on": "2026-11-10"})
    assert response.status_code == 302
    new_stay = Stay.objects.get(ended_on__isnull=True)
    assert new_stay.facility == facilities["b"]
    assert login(cast["manager_a"]).post(reverse("stay_discharge", args=[new_stay.pk]), {}).status_code == 404
    client = login(cast["manager_b"])
    response = client.post(reverse("stay_discharge", args=[new_stay.pk]), {"ended_on": "2026-11-20", "reason": "died"})
    assert response.status_code == 302
    new_stay.refresh_from_db()
    assert new_stay.end_reason == "died"


def test_inspector_confirms_special_hardship_and_the_rule_is_explained(cast, facilities, login):
    client = login(cast["inspector"])
    response = client.post(reverse("person_create"), {"name": "赵德明", "id_number": _id(born="19800101", seq="111"),
                                                       "hukou_region": "621002", "hukou_type": "rural"})
    person = Person.objects.get()
    assert response.status_code == 302
    response = client.post(reverse("support_status_create", args=[person.pk]),
                           {"kind": "hardship", "support_form": "centralised", "confirmed_on": "2026-11-01"})
    assert "不符合特困人员无劳动能力条件" in response.content.decode()
    assert not SupportStatus.objects.exists()


def test_person_list_query_count_does_not_grow(cast, facilities, login):
    client = login(cast["manager_a"])
    url = reverse("person_list")

    for n in range(2):
        _admit(client, facilities["a"], id_number=_id(seq=f"{100 + n:03d}"), name=f"测试{n}")
    few = count_queries(client, url)
    for n in range(2, 30):
        _admit(client, facilities["a"], id_number=_id(seq=f"{100 + n:03d}"), name=f"测试{n}")
    # session, user, facility filter choices, count, one page of people with annotated stay,
    # category and support
    assert few == count_queries(client, url) == 5


def test_person_list_never_shows_full_id_numbers(cast, facilities, login):
    client = login(cast["manager_a"])
    id_number = _id()
    _admit(client, facilities["a"], id_number=id_number)
    page = client.get(reverse("person_list")).content.decode()
    assert id_number not in page and id_number[:4] + "*" * 10 + id_number[-4:] in page


def test_person_detail_query_count_is_fixed(cast, facilities, login):
    client = login(cast["manager_a"])
    _admit(client, facilities["a"])
    person = Person.objects.get()
    url = reverse("person_detail", args=[person.pk])
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for day in range(1, 6):
        _assess(client, person, [], assessed_on=f"2026-11-{10 + day}")
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(first.captured_queries) == len(second.captured_queries)


@pytest.mark.parametrize("who, status", [("manager_b", 404), ("inspector_other", 404), ("clerk", 200), ("inspector", 200)])
def test_person_detail_is_scoped(cast, facilities, login, who, status):
    client = login(cast["manager_a"])
    _admit(client, facilities["a"])
    person = Person.objects.get()
    assert login(cast[who]).get(reverse("person_detail", args=[person.pk])).status_code == status


def test_clerk_reads_but_cannot_write(cast, facilities, login):
    client = login(cast["manager_a"])
    _admit(client, facilities["a"])
    person = Person.objects.get()
    clerk = login(cast["clerk"])
    assert _assess(clerk, person, ["eating_unable"]).status_code == 403
    assert clerk.get(reverse("admission_create")).status_code == 403
    assert not SelfCareAssessment.objects.exists()


def test_alert_page_lists_and_inspector_acknowledges(cast, facilities, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _admit(login(cast["manager_a"]), facilities["a"])
    alert = Alert.objects.get(kind=AlertKind.ASSESSMENT_MISSING)
    inspector = login(cast["inspector"])
    page = inspector.get(reverse("alert_list")).content.decode()
    assert "尚未做生活自理能力评估" in page
    assert inspector.post(reverse("alert_acknowledge", args=[alert.pk]), {"note": ""}).status_code == 200
    response = inspector.post(reverse("alert_acknowledge", args=[alert.pk]), {"note": "已电话督促机构本周内评估"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == cast["inspector"]


def test_other_province_inspector_cannot_see_or_acknowledge_alerts(
    cast, facilities, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _admit(login(cast["manager_a"]), facilities["a"])
    alert = Alert.objects.get(kind=AlertKind.ASSESSMENT_MISSING)
    other = login(cast["inspector_other"])
    assert "尚未做生活自理能力评估" not in other.get(reverse("alert_list")).content.decode()
    assert other.post(reverse("alert_acknowledge", args=[alert.pk]), {"note": "x"}).status_code == 404


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_photo_is_served_only_within_scope(cast, facilities, login, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = login(cast["manager_a"])
    _admit(client, facilities["a"], photo=SimpleUploadedFile("face.png", PNG, content_type="image/png"))
    person = Person.objects.get()
    url = reverse("person_photo", args=[person.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert login(cast["manager_b"]).get(url).status_code == 404


def test_a_photo_that_is_not_an_image_is_refused(cast, facilities, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = _admit(login(cast["manager_a"]), facilities["a"], photo=SimpleUploadedFile("x.png", b"<script>", content_type="image/png"))
    assert "照片须为 JPEG 或 PNG 图片" in response.content.decode()
    assert not Person.objects.exists()


def test_manager_edits_a_residents_details_and_the_change_is_in_the_history(cast, facilities, login):
    client = login(cast["manager_a"])
    _admit(client, facilities["a"])
    person = Person.objects.get()
    url = reverse("person_edit", args=[person.pk])
    assert "id_number" not in client.get(url).context["form"].fields
    response = client.post(url, {"name": "张秀英", "hukou_region": "621002", "hukou_type": "rural",
                                 "phone": "13900000000", "disability_category": "physical", "disability_grade": "2"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.phone, person.disability_grade) == ("13900000000", 2)
    page = client.get(reverse("person_detail", args=[person.pk])).content.decode()
    assert "13900000000" in page and "修改人员信息" in page
    assert login(cast["manager_b"]).get(url).status_code == 404


def test_inspector_records_a_visit_and_an_agreement_for_a_dispersed_person(cast, regions, login):
    client = login(cast["inspector"])
    client.post(reverse("person_create"), {"name": "吕桂兰", "id_number": _id(born="19400101", seq="222"),
                                           "hukou_region": "621002", "hukou_type": "rural", "residence_region": "621002100"})
    person = Person.objects.get()
    client.post(reverse("support_status_create", args=[person.pk]),
                {"kind": "hardship", "support_form": "dispersed", "confirmed_on": "2026-01-05"})
    visit = client.post(reverse("visit_create", args=[person.pk]), {
        "visited_on": "2026-11-20", "visitor": "肖金镇民政助理员", "mode": "home", "findings": "身体状况稳定"})
    agreement = client.post(reverse("care_agreement_create", args=[person.pk]), {
        "caregiver_name": "吕明", "township_party": "肖金镇人民政府", "signed_on": "2026-01-05", "valid_until": "2025-01-01"})
    assert visit.status_code == 302 and person.visits.count() == 1
    assert agreement.status_code == 200 and "有效期不能早于签订日期" in agreement.content.decode()
    assert login(cast["manager_a"]).post(reverse("visit_create", args=[person.pk]), {}).status_code == 404
