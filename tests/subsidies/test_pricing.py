"""The pure pricing rules, without a database: tables of situations and properties over generated ones."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from residents.rules import add_months
from subsidies.pricing import (
    AssessmentFact,
    Payer,
    PersonFacts,
    PricingPolicy,
    RatingFact,
    StandardBook,
    StandardFact,
    StatusFact,
    StayFact,
    price_person_month,
    star_level_on,
)
from subsidies.rules import apply_multiplier, days_in_month, prorate, prorate_parts

START = date(2020, 1, 1)
MULTIPLIERS = {0: Decimal("1.00"), 1: Decimal("1.00"), 2: Decimal("1.05"), 3: Decimal("1.10"), 4: Decimal("1.20"),
               5: Decimal("1.30")}


def standard(n, item, amount, region="", **key):
    return StandardFact(id=n, region_code=region, item=item, amount=Decimal(amount), effective_from=START,
                        effective_to=None, hukou_type=key.get("hukou_type", ""),
                        support_form=key.get("support_form", ""), category=key.get("category", ""),
                        star_multipliers=MULTIPLIERS if item == "operating" else {})


BOOK = StandardBook([
    standard(1, "basic_living", "800.00", hukou_type="rural"),
    standard(2, "basic_living", "1100.00", hukou_type="urban"),
    *(standard(10 + i, "care", amount, support_form="centralised", category=c)
      for i, (c, amount) in enumerate([("full", "1200.00"), ("partial", "600.00"), ("self_care", "200.00")])),
    *(standard(20 + i, "care", amount, support_form="dispersed", category=c)
      for i, (c, amount) in enumerate([("full", "800.00"), ("partial", "400.00"), ("self_care", "100.00")])),
    *(standard(30 + i, "operating", amount, category=c)
      for i, (c, amount) in enumerate([("full", "300.00"), ("partial", "200.00"), ("self_care", "100.00")])),
    standard(40, "orphan", "1800.00", support_form="centralised"),
    standard(41, "orphan", "1400.00", support_form="dispersed"),
    standard(50, "care", "1300.00", region="621002", support_form="centralised", category="full"),
])
JULY = date(2026, 7, 1)
HOME = "621002100"
OTHER_COUNTY = "621021100"


def assessed(on, category, months=12):
    return AssessmentFact(1, on, category, add_months(on, months))


def person(*, statuses=None, stays=(), assessments=(), hukou="rural", home=HOME):
    """特困 since 2025: centralised when in a facility, dispersed at home, unless `statuses` says otherwise."""
    form = "centralised" if stays else "dispersed"
    return PersonFacts(
        id=1, hukou_type=hukou, home_region=home,
        statuses=statuses if statuses is not None else (StatusFact(1, "hardship", date(2025, 1, 5), support_form=form),),
        stays=tuple(stays), assessments=tuple(assessments),
    )


def price(p, month=JULY, proration="month", ratings=None):
    policy = PricingPolicy(proration=proration)
    lines = price_person_month(p, month, book=BOOK, ratings=ratings or {}, policy_for=lambda code: policy)
    return {(line.payer, line.item): line.amount for line in lines}


FACILITY = Payer(facility_id=7)
TOWN = Payer(township=HOME)


@pytest.mark.parametrize(
    ("situation", "expected"),
    [
        ("dispersed, partial", {(TOWN, "basic_living"): "800.00", (TOWN, "care"): "400.00"}),
        ("in a facility, full, county standard", {(FACILITY, "basic_living"): "800.00", (FACILITY, "care"): "1300.00",
                                                  (FACILITY, "operating"): "300.00"}),
        ("urban hukou", {(TOWN, "basic_living"): "1100.00", (TOWN, "care"): "400.00"}),
        ("no assessment", {(TOWN, "basic_living"): "800.00", (TOWN, "care"): "100.00"}),
        ("terminated in June", {}),
        ("confirmed in July", {}),
        ("orphan at home", {(TOWN, "orphan"): "1400.00"}),
        ("orphan in an institution", {(FACILITY, "orphan"): "1800.00"}),
        ("dibao only", {}),
    ],
)
def test_price_by_situation(situation, expected):
    partial = (assessed(date(2026, 3, 1), "partial"),)
    full = (assessed(date(2026, 3, 1), "full"),)
    in_facility = (StayFact(1, 7, "621002100", date(2025, 1, 1)),)
    people = {
        "dispersed, partial": person(assessments=partial),
        "in a facility, full, county standard": person(assessments=full, stays=in_facility),
        "urban hukou": person(assessments=partial, hukou="urban"),
        "no assessment": person(),
        "terminated in June": person(statuses=(StatusFact(1, "hardship", date(2025, 1, 5), date(2026, 6, 30)),)),
        "confirmed in July": person(statuses=(StatusFact(1, "hardship", date(2026, 7, 1)),)),
        "orphan at home": person(statuses=(StatusFact(1, "orphan", date(2020, 1, 5)),)),
        "orphan in an institution": person(statuses=(StatusFact(1, "orphan", date(2020, 1, 5)),), stays=in_facility),
        "dibao only": person(statuses=(StatusFact(1, "dibao", date(2020, 1, 5)),)),
    }
    assert price(people[situation]) == {key: Decimal(value) for key, value in expected.items()}


def test_a_county_standard_does_not_reach_another_county():
    p = person(assessments=(assessed(date(2026, 3, 1), "full"),),
               stays=(StayFact(1, 7, OTHER_COUNTY, date(2025, 1, 1)),))
    assert price(p)[(FACILITY, "care")] == Decimal("1200.00")


def test_a_missing_standard_is_flagged_with_zero():
    book = StandardBook([])
    lines = price_person_month(person(), JULY, book=book, ratings={}, policy_for=lambda code: PricingPolicy())
    assert {line.item: (line.amount, line.flags) for line in lines} == {
        "basic_living": (Decimal("0.00"), ("no_standard",)),
        "care": (Decimal("0.00"), ("no_valid_assessment", "no_standard")),
    }


@pytest.mark.parametrize(
    ("ratings", "day", "level"),
    [
        ([], JULY, 0),
        ([RatingFact(date(2026, 1, 1), date(2029, 1, 1), 3)], JULY, 3),
        ([RatingFact(date(2023, 7, 1), date(2026, 7, 1), 3)], JULY, 0),  # expired that morning
        ([RatingFact(date(2026, 7, 2), date(2029, 7, 2), 3)], JULY, 0),  # not yet
        ([RatingFact(date(2024, 1, 1), date(2027, 1, 1), 2), RatingFact(date(2026, 1, 1), date(2029, 1, 1), 4)], JULY, 4),
        ([RatingFact(date(2024, 1, 1), date(2027, 1, 1), 2), RatingFact(date(2026, 1, 1), date(2029, 1, 1), 0)], JULY, 2),
    ],
)
def test_star_level_on(ratings, day, level):
    assert star_level_on(ratings, day) == level


def test_operating_multiplier_by_star_level():
    p = person(assessments=(assessed(date(2026, 3, 1), "partial"),),
               stays=(StayFact(1, 7, "621002100", date(2025, 1, 1)),))
    for level, amount in [(0, "200.00"), (2, "210.00"), (3, "220.00"), (5, "260.00")]:
        ratings = {7: [RatingFact(date(2026, 1, 1), date(2029, 1, 1), level)]} if level else {}
        assert price(p, ratings=ratings)[(FACILITY, "operating")] == Decimal(amount)


months = st.dates(min_value=date(2025, 2, 1), max_value=date(2027, 12, 1)).map(lambda d: d.replace(day=1))


@settings(max_examples=200, deadline=None)
@given(month=months, admitted_offset=st.integers(0, 30), category=st.sampled_from(["full", "partial", "self_care"]))
def test_by_day_the_parts_add_up_to_the_month_within_a_fen_per_line(month, admitted_offset, category):
    dim = days_in_month(month)
    admitted = month + timedelta(days=min(admitted_offset, dim - 1))
    moved_in = (StatusFact(1, "hardship", date(2025, 1, 5), admitted, support_form="dispersed"),
                StatusFact(2, "hardship", admitted, support_form="centralised"))
    p = person(assessments=(assessed(month - timedelta(days=40), category),), statuses=moved_in,
               stays=(StayFact(1, 7, "621002100", admitted),))
    lines = price_person_month(p, month, book=BOOK, ratings={}, policy_for=lambda code: PricingPolicy(proration="day"))
    basic = [line for line in lines if line.item == "basic_living"]
    assert sum(line.days for line in basic) == dim
    assert abs(sum(line.amount for line in basic) - Decimal("800.00")) <= Decimal("0.01")
    by_month = price(p, month=month)
    payer = FACILITY if admitted == month else TOWN
    assert by_month[(payer, "basic_living")] == Decimal("800.00")


@settings(max_examples=300, deadline=None)
@given(
    monthly=st.decimals(min_value=0, max_value=99999, places=2),
    split=st.lists(st.integers(0, 31), min_size=1, max_size=5),
    dim=st.integers(28, 31),
)
def test_prorate_parts_of_one_amount_equal_one_prorate(monthly, split, dim):
    days = min(sum(split), dim)
    parts, left = [], days
    for chunk in split:
        take = min(chunk, left)
        parts.append((monthly, take))
        left -= take
    assert prorate_parts(parts, days_in_month=dim) == prorate(monthly, days=days, days_in_month=dim)


@pytest.mark.parametrize(
    ("parts", "dim", "expected"),
    [
        ([(Decimal(600), 9), (Decimal(1200), 22)], 31, "1025.81"),
        ([(Decimal(200), 9), (Decimal(300), 22)], 31, "270.97"),
        ([(Decimal("0.01"), 1)], 2 * 14, "0.00"),
        ([(Decimal("0.14"), 1)], 28, "0.01"),  # 0.005 exactly rounds up
        ([(Decimal(100), 15), (Decimal(100), 14)], 29, "100.00"),
        ([], 30, "0.00"),
    ],
)
def test_prorate_parts_table(parts, dim, expected):
    assert prorate_parts(parts, days_in_month=dim) == Decimal(expected)


@pytest.mark.parametrize(
    ("parts", "dim", "error"),
    [
        ([(Decimal(1), 20), (Decimal(1), 12)], 31, ValueError),
        ([(Decimal(1), -1)], 31, ValueError),
        ([(1.5, 3)], 31, TypeError),
        ([(Decimal(1), 3)], 27, ValueError),
        ([(Decimal("NaN"), 3)], 30, ValueError),
    ],
)
def test_prorate_parts_refuses(parts, dim, error):
    with pytest.raises(error):
        prorate_parts(parts, days_in_month=dim)


@pytest.mark.parametrize(
    ("monthly", "multiplier", "expected"),
    [("300", "1.20", "360.00"), ("199.99", "1.05", "209.9895"), ("0", "1.3", "0"), ("123.45", "0", "0")],
)
def test_apply_multiplier_is_exact(monthly, multiplier, expected):
    assert apply_multiplier(Decimal(monthly), Decimal(multiplier)) == Decimal(expected)


def test_apply_multiplier_refuses_negative_and_floats():
    with pytest.raises(ValueError):
        apply_multiplier(Decimal(1), Decimal(-1))
    with pytest.raises(TypeError):
        apply_multiplier(Decimal(1), 1.2)
