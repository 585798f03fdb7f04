"""Long-term-care insurance results (长护险失能评估) accepted in place of an own GB/T 42195 assessment (采信)
where the region allows: the rule, recording through the page and the API, the region's choice, and the
region report counting an accepted result."""
import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from facilities.models import RegionPolicy
from residents.ability.selectors import ability_levels_by_facility, moderate_or_worse
from residents.ability.services import ltc_assessment_record
from residents.ability_rules import AbilityLevel, ltc_ability_level
from residents.models import LtcAssessment
from tests.factories import PersonFactory, StayFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock_2026_11_23")]

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize("ltc, level", [(0, AbilityLevel.INTACT), (1, AbilityLevel.MILD), (2, AbilityLevel.MODERATE),
                                        (3, AbilityLevel.SEVERE), (4, AbilityLevel.SEVERE), (5, AbilityLevel.TOTAL)])
def test_each_long_term_care_level_reads_as_a_gbt_42195_level(ltc, level):
    assert ltc_ability_level(ltc) == level


@pytest.mark.parametrize("bad", [-1, 6, True, 2.0, "2"])
def test_no_other_level_is_read(bad):
    with pytest.raises((ValueError, TypeError)):
        ltc_ability_level(bad)


@pytest.fixture
def resident(facilities):
    return StayFactory(facility=facilities["a"], person=PersonFactory(name="王秀英", birth_date=date(1940, 3, 1)),
                       admitted_on=date(2025, 1, 6)).person


@pytest.fixture
def accepting(regions):
    """Xifeng accepts long-term-care results from 2026."""
    return RegionPolicy.objects.create(region=regions["621002"], effective_from=date(2026, 1, 1),
                                       accept_ltc_assessment=True)


def record(by, person, **changes):
    values = {"source": "庆阳市医保局长护险评估 庆医保长护评〔2026〕15号", "ltc_level": 3,
              "assessed_on": date(2026, 10, 1), "valid_until": date(2028, 9, 30)}
    return ltc_assessment_record(by=by, person=person, **{**values, **changes})


def test_where_the_region_accepts_a_result_it_is_accepted_with_history(cast, resident, accepting):
    result = record(cast["manager_a"], resident)
    assert result.accepted and result.level == "severe" and result.facility_id == resident.stays.get().facility_id
    assert result.history.get().history_change_reason == "录入长护险失能评估结果（采信）"


def test_where_it_does_not_the_result_is_kept_for_reference(cast, resident):
    assert not record(cast["manager_a"], resident).accepted


def test_the_policy_of_the_day_of_the_assessment_decides(cast, resident, accepting):
    assert not record(cast["manager_a"], resident, assessed_on=date(2025, 12, 31), valid_until=date(2026, 12, 31)).accepted


@pytest.mark.parametrize("changes, field", [
    ({"source": "  "}, "source"),
    ({"ltc_level": 6}, "ltc_level"),
    ({"assessed_on": date(2026, 11, 24)}, "assessed_on"),
    ({"assessed_on": date(1939, 1, 1), "valid_until": date(1940, 1, 1)}, "assessed_on"),
    ({"valid_until": date(2026, 10, 1)}, "valid_until"),
])
def test_refusals_name_the_field_and_save_nothing(cast, resident, changes, field):
    with pytest.raises(ValidationError) as refused:
        record(cast["manager_a"], resident, **changes)
    assert field in refused.value.message_dict
    assert not LtcAssessment.objects.exists()


@pytest.mark.parametrize("who", ["manager_b", "clerk", "inspector"])
def test_only_whoever_may_assess_the_person_records_a_result(cast, resident, who):
    with pytest.raises(PermissionDenied):
        record(cast[who], resident)


def test_an_accepted_result_counts_in_the_region_report_and_a_refused_one_does_not(cast, resident, facilities, accepting):
    other = StayFactory(facility=facilities["a"], person=PersonFactory(), admitted_on=date(2025, 1, 6)).person
    record(cast["manager_a"], resident)
    RegionPolicy.objects.filter(pk=accepting.pk).update(accept_ltc_assessment=False)
    record(cast["manager_a"], other, ltc_level=5)
    [row] = ability_levels_by_facility(user=cast["inspector"], on=TODAY)
    assert row.counts == {"severe": 1, "": 1}
    page = moderate_or_worse(user=cast["inspector"], on=TODAY)
    [stay] = list(page)
    assert stay.person_id == resident.pk and stay.by_ltc and stay.due_on == date(2028, 9, 30)


def test_a_later_own_assessment_takes_over_from_an_accepted_result(cast, resident, accepting, login):
    from residents.ability.selectors import ability_scale_for
    from residents.ability.services import ability_assessment_record

    record(cast["manager_a"], resident)
    scale = ability_scale_for(region_code="621002", on=TODAY)
    best = {item["code"]: max(score for score, _label in item["options"]) for item in scale.items}
    ability_assessment_record(by=cast["manager_a"], person=resident, assessed_on=date(2026, 11, 1), reason="periodic",
                              answers=best, assessor="李", second_assessor="赵")
    [row] = ability_levels_by_facility(user=cast["inspector"], on=TODAY)
    assert row.counts == {"intact": 1}


def test_an_expired_result_no_longer_counts(cast, resident, accepting):
    record(cast["manager_a"], resident, assessed_on=date(2024, 1, 1), valid_until=date(2025, 12, 31))
    [row] = ability_levels_by_facility(user=cast["inspector"], on=TODAY)
    assert row.counts == {"": 1}


def test_the_manager_records_a_result_on_its_page_and_the_person_page_says_it_is_accepted(cast, resident, accepting,
                                                                                            login):
    client = login(cast["manager_a"])
    url = reverse("ltc_assessment_create", args=[resident.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"source": "医保局", "ltc_level": "2", "assessed_on": "2026-10-01",
                                "valid_until": "2026-09-01"})
    assert refused.status_code == 200 and "有效期须晚于评估日期" in refused.content.decode()
    done = client.post(url, {"source": "医保局", "ltc_level": "2", "assessed_on": "2026-10-01", "valid_until": "2028-09-30"})
    assert done.status_code == 302
    page = client.get(reverse("person_detail", args=[resident.pk])).content.decode()
    assert 'data-testid="ltc-assessments"' in page and "采信，代替本机构评估" in page and "中度失能" in page


def test_outside_the_scope_the_page_is_not_found_and_the_api_refuses(cast, resident, login):
    assert login(cast["manager_b"]).get(reverse("ltc_assessment_create", args=[resident.pk])).status_code == 404
    response = login(cast["admin"]).get(f"/api/people/{resident.pk}/ltc-assessments")
    assert response.status_code in (403, 404)


def test_the_api_records_and_lists_results(cast, resident, accepting, login):
    client = login(cast["manager_a"])
    url = f"/api/people/{resident.pk}/ltc-assessments"
    body = {"source": "医保局", "ltc_level": 4, "assessed_on": "2026-10-01", "valid_until": "2028-09-30"}
    created = client.post(url, json.dumps(body), content_type="application/json")
    assert created.status_code == 201 and created.json()["accepted"] is True and created.json()["level"] == "severe"
    bad = client.post(url, json.dumps({**body, "ltc_level": 9}), content_type="application/json")
    assert bad.status_code == 422
    listed = client.get(url).json()
    assert listed["count"] == 1 and listed["items"][0]["ltc_level"] == 4
