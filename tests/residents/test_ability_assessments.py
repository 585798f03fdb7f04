"""GB/T 42195 assessments through the pages and the API: scored, leveled, scoped, with history and a report."""
import json
from datetime import date

import pytest
from django.urls import reverse

from residents.ability.selectors import ability_scale_for
from residents.models import AbilityAssessment, AbilityScale
from tests.factories import PersonFactory, StayFactory
from tests.helpers import count_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock_2026_11_23")]

TODAY = date(2026, 11, 23)


def _answers(scale, *, low=False) -> dict[str, int]:
    """Every item at its best (90 in all), or at its worst but one point each where it can (low)."""
    return {item["code"]: (min(1, max(s for s, _l in item["options"])) if low else max(s for s, _l in item["options"]))
            for item in scale.items}


@pytest.fixture
def scale(db):
    return ability_scale_for(region_code="621002", on=TODAY)


@pytest.fixture
def resident(facilities):
    return StayFactory(facility=facilities["a"], person=PersonFactory(name="王秀英"), admitted_on=date(2025, 1, 6)).person


def _body(scale, **changes) -> dict:
    body = {"assessed_on": "2026-11-20", "reason": "initial", "answers": _answers(scale), "assessor": "李评估",
            "second_assessor": "赵评估"}
    return {**body, **changes}


def _post(client, url, body):
    response = client.post(url, json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_the_national_scale_is_in_the_database_with_its_source(scale):
    assert scale.code == "GB/T 42195-2022" and scale.region_id is None
    assert "附录B" in scale.source and len(scale.items) == 26


def test_a_manager_records_an_assessment_and_prints_its_report(cast, login, resident, scale):
    client = login(cast["manager_a"])
    page = client.get(reverse("ability_assessment_create", args=[resident.pk]))
    assert page.status_code == 200 and "GB/T 42195-2022" in page.content.decode()
    form = {"assessed_on": "2026-11-20", "reason": "initial", "assessor": "李评估", "second_assessor": "赵评估",
            "risk_events_30d": "2", "mental_disorder": "on", "diagnosis": "阿尔茨海默病 F00"}
    for code, score in _answers(scale, low=True).items():
        form["item_" + code.replace(".", "_")] = str(score)
    response = client.post(reverse("ability_assessment_create", args=[resident.pk]), form)
    assessment = AbilityAssessment.objects.get(person=resident)
    assert response.status_code == 302
    assert response["Location"] == reverse("ability_assessment_report", args=[resident.pk, assessment.pk])
    assert assessment.total == 26 and assessment.preliminary_level == "total" and assessment.level == "total"
    assert assessment.facility_id == resident.stays.get().facility_id and assessment.due_on == date(2027, 11, 20)
    assert assessment.history.get().history_user == cast["manager_a"]
    report = client.get(response["Location"]).content.decode()
    assert "老年人能力评估报告" in report and "完全失能" in report and "李评估" in report and "赵评估" in report
    detail = client.get(reverse("person_detail", args=[resident.pk])).content.decode()
    assert 'data-testid="ability-level"' in detail and "2027-11-20" in detail


def test_without_a_scale_the_manager_is_told_to_load_one_not_shown_a_missing_page(cast, login, resident, scale):
    AbilityScale.objects.all().delete()
    client = login(cast["manager_a"])
    response = client.get(reverse("ability_assessment_create", args=[resident.pk]), follow=True)
    assert response.redirect_chain == [(reverse("person_detail", args=[resident.pk]), 302)]
    assert "load_ability_scale" in response.content.decode()


def test_a_form_missing_an_item_keeps_what_was_entered_and_names_the_item(cast, login, resident, scale):
    client = login(cast["manager_a"])
    form = {"assessed_on": "2026-11-20", "reason": "initial", "assessor": "李评估", "second_assessor": "李评估"}
    for code, score in list(_answers(scale).items())[1:]:
        form["item_" + code.replace(".", "_")] = str(score)
    page = client.post(reverse("ability_assessment_create", args=[resident.pk]), form)
    assert page.status_code == 200 and not AbilityAssessment.objects.exists()
    text = page.content.decode()
    assert "请为此项评分" in text and "两名评估员不能是同一人" not in text  # the form's own errors first
    assert text.count("checked") == len(scale.items) - 1  # the items answered stay answered


@pytest.mark.parametrize(("changes", "expected"), [
    ({}, ("intact", "intact", 90)),
    ({"mental_disorder": True, "diagnosis": "血管性痴呆 F01"}, ("intact", "mild", 90)),
    ({"risk_events_30d": 2}, ("intact", "mild", 90)),
    ({"coma": True}, ("intact", "total", 90)),
])
def test_the_api_scores_levels_and_adjusts(cast, login, resident, scale, changes, expected):
    status, out = _post(login(cast["manager_a"]), f"/api/people/{resident.pk}/ability-assessments",
                        _body(scale, **changes))
    assert status == 201, out
    assert (out["preliminary_level"], out["level"], out["total"]) == expected
    assert out["scale_code"] == "GB/T 42195-2022" and out["self_care"] == 32 and out["movement"] == 15


@pytest.mark.parametrize(("changes", "field"), [
    ({"second_assessor": "李评估"}, "second_assessor"),
    ({"mental_disorder": True}, "diagnosis"),
    ({"assessed_on": "2026-11-24"}, "assessed_on"),
    ({"answers": {"B.1.1": 4}}, "answers"),
    ({"answers": {"B.1.1": 9}}, "answers"),
])
def test_bad_assessments_are_refused_in_both_languages_and_nothing_is_saved(cast, login, resident, scale, changes,
                                                                             field):
    body = _body(scale, **changes)
    status, out = _post(login(cast["manager_a"]), f"/api/people/{resident.pk}/ability-assessments", body)
    assert status == 422, out
    assert field in json.dumps(out)
    assert not AbilityAssessment.objects.exists()


@pytest.mark.parametrize(("role", "expected"), [("manager_b", 404), ("clerk", 403), ("admin", 404)])
def test_only_who_may_assess_records_one(cast, login, resident, scale, role, expected):
    response = login(cast[role]).post(f"/api/people/{resident.pk}/ability-assessments", json.dumps(_body(scale)),
                                      content_type="application/json")
    assert response.status_code == expected
    assert not AbilityAssessment.objects.exists()


def test_a_county_scale_replaces_the_national_one_and_the_form_says_which(cast, login, resident, scale):
    county = AbilityScale.objects.create(
        code="GB/T 42195-2022", name="老年人能力评估规范（西峰区版）", source="西峰区民政局 2026年第1号",
        region_id="621002", effective_from=date(2026, 1, 1), items=scale.items, stack_raises=True,
        reassessment_months=6,
    )
    assert ability_scale_for(region_code="621002100", on=TODAY) == county
    assert ability_scale_for(region_code="621021", on=TODAY) == scale
    client = login(cast["manager_a"])
    assert "西峰区版" in client.get(reverse("ability_assessment_create", args=[resident.pk])).content.decode()
    status, out = _post(client, f"/api/people/{resident.pk}/ability-assessments",
                        _body(scale, mental_disorder=True, diagnosis="F03", risk_events_30d=3))
    assert status == 201 and out["level"] == "moderate" and out["due_on"] == "2027-05-20"


def test_the_region_report_counts_levels_by_facility_within_scope(cast, login, facilities, resident, scale):
    StayFactory(facility=facilities["b"], admitted_on=date(2025, 1, 6))
    _post(login(cast["manager_a"]), f"/api/people/{resident.pk}/ability-assessments",
          _body(scale, answers=_answers(scale, low=True)))
    page = login(cast["inspector"]).get(reverse("ability_report"))
    text = page.content.decode()
    assert page.status_code == 200 and "王秀英" in text and "完全失能" in text
    assert facilities["a"].name in text and facilities["b"].name in text
    levels = {row["facility_id"]: row for row in login(cast["inspector"]).get("/api/ability-levels").json()}
    assert levels[facilities["a"].pk]["counts"] == {"total": 1}
    assert levels[facilities["b"].pk]["counts"] == {"": 1}
    mine = login(cast["manager_b"]).get(reverse("ability_report")).content.decode()
    assert "王秀英" not in mine and facilities["a"].name not in mine and facilities["b"].name in mine
    assert login(cast["admin"]).get("/api/ability-levels").json() == []
    few = count_queries(login(cast["inspector"]), reverse("ability_report"))
    for _ in range(5):
        person = StayFactory(facility=facilities["a"], admitted_on=date(2025, 1, 6)).person
        _post(login(cast["manager_a"]), f"/api/people/{person.pk}/ability-assessments",
              _body(scale, answers=_answers(scale, low=True)))
    assert count_queries(login(cast["inspector"]), reverse("ability_report")) == few


def test_a_scale_file_loads_as_a_new_version_and_a_wrong_one_is_refused(tmp_path, regions, scale):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    document = {"code": "GB/T 42195-2022", "name": "老年人能力评估规范", "source": "省民政厅 2026 修订",
                "effective_from": "2026-07-01", "items": [{**item, "options": item["options"]} for item in scale.items]}
    good = tmp_path / "scale.json"
    good.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    call_command("load_ability_scale", str(good), "--region", "620000")
    assert ability_scale_for(region_code="621002", on=TODAY).source == "省民政厅 2026 修订"
    document["items"][0]["options"] = [[5, "x"], [0, "y"]]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="B.1.1"):
        call_command("load_ability_scale", str(bad), "--region", "620000", "--from", "2026-08-01")
    assert AbilityScale.objects.filter(region_id="620000").count() == 1
