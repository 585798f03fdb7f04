"""Hand-computed claims, to the fen, for the situations a county clerk meets every month.

Standards are the national samples (rural basic living 800; care centralised 1200 / 600 / 200,
dispersed 800 / 400 / 100; orphans 1800 in an institution, 1400 at home; operating 300 / 200 /
100 × 1.00 unrated … 1.20 four stars). Facility A is in township 621002100, B in 621002101.
"""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from facilities.models import Proration, RegionPolicy, StarRating
from residents.models import StayEndReason, SupportForm, SupportKind
from subsidies.models import BatchStatus, ClaimBatch, ClaimLine, SubsidyItem
from subsidies.services import standard_set
from tests.factories import AssessmentFactory, PersonFactory, StayFactory, SupportStatusFactory
from tests.helpers import amounts

JULY, AUGUST = date(2026, 7, 1), date(2026, 8, 1)
TOWN_A, TOWN_B = "肖金镇", "董志镇"

pytestmark = pytest.mark.usefixtures("sample_standards")


def hardship(name, *, confirmed=date(2025, 3, 10), town="621002100", category="partial", assessed=date(2026, 4, 1),
             **status):
    person = PersonFactory(name=name, residence_region_id=town)
    SupportStatusFactory(person=person, confirmed_on=confirmed, **status)
    if category:
        AssessmentFactory(person=person, assessed_on=assessed, computed_category=category)
    return person


def admitted_from_home(person, facility, day):
    """Someone supported at home moves into a facility: the dispersed support ends and centralised
    support is confirmed that day (the services refuse an admission while dispersed support is open)."""
    status = person.statuses.get()
    status.terminated_on, status.termination_reason = day, "入住供养机构，改为集中供养"
    status.save()
    SupportStatusFactory(person=person, confirmed_on=day, support_form=SupportForm.CENTRALISED)
    StayFactory(person=person, facility=facility, admitted_on=day)


def day_proration():
    RegionPolicy.objects.create(region_id="621002", effective_from=date(2020, 1, 1), proration=Proration.DAY)


def test_admission_mid_month_month_policy(cast, facilities, generate):
    person = hardship("甲", support_form=SupportForm.DISPERSED)
    admitted_from_home(person, facilities["a"], date(2026, 7, 15))
    generate(JULY)
    generate(AUGUST)
    assert amounts(JULY) == {
        (TOWN_A, "甲", "basic_living"): Decimal("800.00"),
        (TOWN_A, "甲", "care"): Decimal("400.00"),
    }
    a = facilities["a"].name
    assert amounts(AUGUST) == {
        (a, "甲", "basic_living"): Decimal("800.00"),
        (a, "甲", "care"): Decimal("600.00"),
        (a, "甲", "operating"): Decimal("200.00"),
    }


def test_admission_mid_month_by_day(cast, facilities, generate):
    day_proration()
    person = hardship("甲", support_form=SupportForm.DISPERSED)
    admitted_from_home(person, facilities["a"], date(2026, 7, 15))
    generate(JULY)
    a = facilities["a"].name
    # 14 days at home, 17 in the facility, of 31.
    assert amounts(JULY) == {
        (TOWN_A, "甲", "basic_living"): Decimal("361.29"),  # 800 × 14 / 31 = 361.290…
        (TOWN_A, "甲", "care"): Decimal("180.65"),  # 400 × 14 / 31 = 180.645…
        (a, "甲", "basic_living"): Decimal("438.71"),  # 800 × 17 / 31 = 438.709…
        (a, "甲", "care"): Decimal("329.03"),  # 600 × 17 / 31 = 329.032…
        (a, "甲", "operating"): Decimal("109.68"),  # 200 × 17 / 31 = 109.677…
    }
    line = ClaimLine.objects.get(batch__facility=facilities["a"], item="care")
    assert line.days == 17
    assert line.basis["parts"][0]["from"] == "2026-07-15"
    assert line.basis["parts"][0]["stay"]["facility_id"] == facilities["a"].pk


def test_transfer_between_facilities(cast, facilities, generate):
    person = hardship("乙", category="self_care")
    StayFactory(person=person, facility=facilities["a"], admitted_on=date(2025, 5, 1), ended_on=date(2026, 7, 20),
                end_reason=StayEndReason.TRANSFERRED)
    StayFactory(person=person, facility=facilities["b"], admitted_on=date(2026, 7, 20))
    generate(JULY)
    generate(AUGUST)
    a, b = facilities["a"].name, facilities["b"].name
    assert amounts(JULY) == {(a, "乙", "basic_living"): Decimal("800.00"), (a, "乙", "care"): Decimal("200.00"),
                             (a, "乙", "operating"): Decimal("100.00")}
    assert amounts(AUGUST) == {(b, "乙", "basic_living"): Decimal("800.00"), (b, "乙", "care"): Decimal("200.00"),
                               (b, "乙", "operating"): Decimal("100.00")}


def test_transfer_by_day_splits_at_the_transfer_day(cast, facilities, generate):
    day_proration()
    person = hardship("乙", category="self_care")
    StayFactory(person=person, facility=facilities["a"], admitted_on=date(2025, 5, 1), ended_on=date(2026, 7, 20),
                end_reason=StayEndReason.TRANSFERRED)
    StayFactory(person=person, facility=facilities["b"], admitted_on=date(2026, 7, 20))
    generate(JULY)
    a, b = facilities["a"].name, facilities["b"].name
    july = amounts(JULY)
    assert july[(a, "乙", "care")] == Decimal("122.58")  # 200 × 19 / 31 = 122.580…
    assert july[(b, "乙", "care")] == Decimal("77.42")  # 200 × 12 / 31 = 77.419…
    assert july[(a, "乙", "basic_living")] + july[(b, "乙", "basic_living")] == Decimal("800.00")


def test_category_change_mid_month(cast, facilities, generate):
    person = hardship("丙", assessed=date(2026, 1, 10))
    AssessmentFactory(person=person, assessed_on=date(2026, 7, 10), computed_category="full")
    StayFactory(person=person, facility=facilities["a"], admitted_on=date(2025, 6, 1))
    generate(JULY)
    generate(AUGUST)
    a = facilities["a"].name
    assert amounts(JULY)[(a, "丙", "care")] == Decimal("600.00")  # the 1st prices the month: partial
    assert amounts(AUGUST)[(a, "丙", "care")] == Decimal("1200.00")
    assert amounts(AUGUST)[(a, "丙", "operating")] == Decimal("300.00")
    assert ClaimLine.objects.get(batch__month=AUGUST, item="care").previous_category == "partial"


def test_category_change_by_day_rounds_once(cast, facilities, generate):
    day_proration()
    person = hardship("丙", assessed=date(2026, 1, 10))
    AssessmentFactory(person=person, assessed_on=date(2026, 7, 10), computed_category="full")
    StayFactory(person=person, facility=facilities["a"], admitted_on=date(2025, 6, 1))
    generate(JULY)
    a = facilities["a"].name
    july = amounts(JULY)
    assert july[(a, "丙", "care")] == Decimal("1025.81")  # (600 × 9 + 1200 × 22) / 31 = 1025.806…
    assert july[(a, "丙", "operating")] == Decimal("270.97")  # (200 × 9 + 300 × 22) / 31 = 270.967…
    assert july[(a, "丙", "basic_living")] == Decimal("800.00")


def test_termination_month_is_paid_and_the_next_is_not(cast, facilities, generate):
    hardship("丁", terminated_on=date(2026, 7, 12), termination_reason="收入超过标准", town="621002101",
             support_form=SupportForm.DISPERSED)
    generate(JULY)
    generate(AUGUST)
    assert amounts(JULY) == {(TOWN_B, "丁", "basic_living"): Decimal("800.00"),
                             (TOWN_B, "丁", "care"): Decimal("400.00")}
    assert amounts(AUGUST) == {}


def test_confirmation_pays_from_the_next_month(cast, facilities, generate):
    hardship("戊", confirmed=date(2026, 7, 1), support_form=SupportForm.DISPERSED)
    generate(JULY)
    generate(AUGUST)
    assert amounts(JULY) == {}
    assert amounts(AUGUST)[(TOWN_A, "戊", "basic_living")] == Decimal("800.00")


def test_orphan_at_home_and_in_an_institution(cast, facilities, generate):
    at_home = PersonFactory(name="小明", born=date(2016, 3, 1), residence_region_id="621002101")
    SupportStatusFactory(person=at_home, kind=SupportKind.ORPHAN, support_form=SupportForm.DISPERSED,
                         confirmed_on=date(2026, 6, 20))
    in_care = PersonFactory(name="小红", born=date(2015, 3, 1), male=False)
    SupportStatusFactory(person=in_care, kind=SupportKind.ORPHAN, confirmed_on=date(2024, 1, 5))
    StayFactory(person=in_care, facility=facilities["b"], admitted_on=date(2024, 1, 5))
    generate(JULY)
    b = facilities["b"].name
    assert amounts(JULY) == {(TOWN_B, "小明", "orphan"): Decimal("1400.00"), (b, "小红", "orphan"): Decimal("1800.00")}


def test_star_multiplier_on_the_operating_subsidy(cast, facilities, generate):
    person = hardship("己", category="full")
    StayFactory(person=person, facility=facilities["b"], admitted_on=date(2025, 6, 1))
    StarRating.objects.create(facility=facilities["b"], rated_on=date(2026, 3, 1), expires_on=date(2029, 3, 1),
                              environment=100, equipment=110, management=130, service=480, level=4,
                              evaluators="评定组", recorded_by=cast["inspector"])
    generate(JULY)
    line = ClaimLine.objects.get(item="operating")
    assert line.amount == Decimal("360.00")  # 300 × 1.20
    assert line.basis["parts"][0]["star_level"] == 4
    assert line.basis["parts"][0]["multiplier"] == "1.20"


def test_a_county_standard_from_august_leaves_july_alone(cast, facilities, generate, regions):
    person = hardship("庚", category="full")
    StayFactory(person=person, facility=facilities["a"], admitted_on=date(2025, 6, 1))
    standard_set(by=cast["clerk"], region=regions["621002"], item=SubsidyItem.CARE, support_form="centralised",
                 category="full", amount=Decimal("1250.50"), effective_from=AUGUST)
    generate(JULY)
    generate(AUGUST)
    a = facilities["a"].name
    assert amounts(JULY)[(a, "庚", "care")] == Decimal("1200.00")
    assert amounts(AUGUST)[(a, "庚", "care")] == Decimal("1250.50")
    assert ClaimLine.objects.get(batch__month=AUGUST, item="care").basis["parts"][0]["standard"]["region"] == "621002"


def test_no_valid_assessment_is_priced_at_the_self_care_tier_and_flagged(cast, facilities, generate):
    person = hardship("辛", category="full", assessed=date(2025, 5, 1))  # older than 12 months by July 2026
    StayFactory(person=person, facility=facilities["a"], admitted_on=date(2025, 6, 1))
    generate(JULY)
    care = ClaimLine.objects.get(item="care")
    assert care.amount == Decimal("200.00")
    assert care.flags == ["no_valid_assessment"]
    assert ClaimBatch.objects.get().flagged_count == 2  # care and operating


def test_a_death_in_the_facility_stops_the_next_month(cast, facilities, generate):
    person = hardship("壬")
    StayFactory(person=person, facility=facilities["a"], admitted_on=date(2025, 6, 1), ended_on=date(2026, 7, 5),
                end_reason=StayEndReason.DIED)
    generate(JULY)
    generate(AUGUST)
    assert (facilities["a"].name, "壬", "care") in amounts(JULY)
    assert amounts(AUGUST) == {}


def test_regenerating_a_draft_gives_the_same_lines(cast, facilities, generate):
    for n in range(3):
        person = hardship(f"人{n}")
        StayFactory(person=person, facility=facilities["a"], admitted_on=date(2025, 6, 1))
    generate(JULY)
    first = sorted(ClaimLine.objects.values_list("person_id", "item", "amount", "basis"), key=str)
    generate(JULY)
    assert sorted(ClaimLine.objects.values_list("person_id", "item", "amount", "basis"), key=str) == first
    assert ClaimBatch.objects.get().status == BatchStatus.DRAFT


def test_by_day_each_part_shows_its_days_and_amount_and_the_parts_add_up_to_the_line(cast, facilities, generate, login):
    day_proration()
    person = hardship("丙", assessed=date(2026, 1, 10))
    AssessmentFactory(person=person, assessed_on=date(2026, 7, 10), computed_category="full")
    StayFactory(person=person, facility=facilities["a"], admitted_on=date(2025, 6, 1))
    generate(JULY)
    care = ClaimLine.objects.get(item="care")
    parts = [(p["from"], p["to"], p["days"], p["category"], p["amount"]) for p in care.basis["parts"]]
    assert parts == [("2026-07-01", "2026-07-09", 9, "partial", "174.19"),  # 600 × 9 / 31 = 174.193…
                     ("2026-07-10", "2026-07-31", 22, "full", "851.62")]  # 1200 × 22 / 31 = 851.612…, + the fen
    assert care.amount == Decimal("1025.81") == sum(Decimal(p[4]) for p in parts)

    client = login(cast["clerk"])
    api = client.get(f"/api/subsidies/batches/{care.batch_id}/lines").json()["items"]
    assert [p["amount"] for p in next(i for i in api if i["item"] == "care")["basis"]["parts"]] == ["174.19", "851.62"]
    url = reverse("subsidies:line_basis", args=[care.batch_id, care.pk])  # the line's basis, unfolded
    html = client.get(url).content.decode()
    assert "本段金额" in html and "174.19 元（600.00 × 9 ÷ 31）" in html and "851.62 元（1200.00 × 22 ÷ 31）" in html
    assert "按日计发：(600.00 × 9 + 1200.00 × 22) ÷ 31 = 174.19 + 851.62 = 1025.81 元" in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(url).content.decode()
    assert "Amount of this part" in english and "174.19 yuan (600.00 × 9 ÷ 31)" in english
    assert "Prorated by day: (600.00 × 9 + 1200.00 × 22) ÷ 31 = 174.19 + 851.62 = 1025.81 yuan" in english


def test_by_day_a_move_on_the_10th_shows_each_facilitys_days_and_amount(cast, facilities, generate):
    day_proration()
    person = hardship("乙", category="self_care")
    StayFactory(person=person, facility=facilities["a"], admitted_on=date(2025, 5, 1), ended_on=date(2026, 7, 10),
                end_reason=StayEndReason.TRANSFERRED)
    StayFactory(person=person, facility=facilities["b"], admitted_on=date(2026, 7, 10))
    generate(JULY)
    basic = {line.batch.facility_id: line for line in ClaimLine.objects.filter(item="basic_living").select_related("batch")}
    a, b = basic[facilities["a"].pk], basic[facilities["b"].pk]
    assert [(p["from"], p["to"], p["days"], p["amount"]) for p in a.basis["parts"]] == [
        ("2026-07-01", "2026-07-09", 9, "232.26")]  # 800 × 9 / 31
    assert [(p["from"], p["to"], p["days"], p["amount"]) for p in b.basis["parts"]] == [
        ("2026-07-10", "2026-07-31", 22, "567.74")]  # 800 × 22 / 31
    assert (a.amount, b.amount) == (Decimal("232.26"), Decimal("567.74"))
    assert a.amount + b.amount == Decimal("800.00")
