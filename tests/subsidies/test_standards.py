"""Setting standards: keys per item, whole months, periods that never overlap, history kept."""
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from subsidies.models import SubsidyStandard
from subsidies.services import standard_set

AUGUST, SEPTEMBER = date(2026, 8, 1), date(2026, 9, 1)


def care_full(cast, regions, amount="1250.00", month=AUGUST, by=None):
    return standard_set(by=by or cast["clerk"], region=regions["621002"], item="care", support_form="centralised",
                        category="full", amount=Decimal(amount), effective_from=month)


def test_a_new_period_ends_the_previous_one_the_day_before(cast, regions):
    first = care_full(cast, regions)
    second = care_full(cast, regions, amount="1300.00", month=SEPTEMBER)
    first.refresh_from_db()
    assert first.effective_to == date(2026, 8, 31) and second.effective_to is None
    assert first.history.first().history_change_reason == "新标准执行，本期截止"
    assert first.history.count() == 2


def test_a_period_cannot_start_before_or_on_an_existing_one(cast, regions):
    care_full(cast, regions, month=SEPTEMBER)
    with pytest.raises(ValidationError) as error:
        care_full(cast, regions, month=AUGUST)
    assert "2026-09" in str(error.value)
    with pytest.raises(ValidationError):
        care_full(cast, regions, month=SEPTEMBER)
    assert SubsidyStandard.objects.count() == 1


def test_other_keys_and_regions_do_not_interfere(cast, regions):
    care_full(cast, regions)
    standard_set(by=cast["clerk"], region=regions["621002"], item="care", support_form="centralised",
                 category="partial", amount=Decimal(650), effective_from=AUGUST)
    standard_set(by=cast["clerk"], region=regions["621002100"], item="care", support_form="centralised",
                 category="full", amount=Decimal(1400), effective_from=AUGUST)
    assert SubsidyStandard.objects.filter(effective_to__isnull=True).count() == 3


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"item": "care", "support_form": "centralised"}, "category"),
        ({"item": "basic_living"}, "hukou_type"),
        ({"item": "basic_living", "hukou_type": "rural", "category": "full"}, "category"),
        ({"item": "orphan", "support_form": "dispersed", "effective_from": date(2026, 8, 2)}, "effective_from"),
        ({"item": "orphan", "support_form": "dispersed", "amount": Decimal(-1)}, "amount"),
        ({"item": "orphan", "support_form": "dispersed", "amount": Decimal("1.005")}, "amount"),
        ({"item": "orphan", "support_form": "dispersed", "amount": Decimal(100000)}, "amount"),
        ({"item": "operating", "category": "full", "star_multipliers": {"0": "1"}}, "star_multipliers"),
        ({"item": "operating", "category": "full",
          "star_multipliers": {str(n): "abc" for n in range(6)}}, "star_multipliers"),
        ({"item": "care", "support_form": "centralised", "category": "full",
          "star_multipliers": {"0": "1"}}, "star_multipliers"),
    ],
)
def test_bad_standards_are_refused_by_field(cast, regions, kwargs, field):
    values = {"amount": Decimal("100.00"), "effective_from": AUGUST, **kwargs}
    with pytest.raises(ValidationError) as error:
        standard_set(by=cast["clerk"], region=regions["621002"], **values)
    assert field in error.value.message_dict
    assert not SubsidyStandard.objects.exists()


def test_operating_standard_keeps_every_multiplier(cast, regions):
    standard = standard_set(by=cast["clerk"], region=regions["621002"], item="operating", category="full",
                            amount=Decimal(300), effective_from=AUGUST,
                            star_multipliers={n: Decimal(1) + Decimal(n) / 10 for n in range(6)})
    assert standard.star_multipliers == {"0": "1", "1": "1.1", "2": "1.2", "3": "1.3", "4": "1.4", "5": "1.5"}


@pytest.mark.parametrize("who", ["manager_a", "inspector", "admin", "inspector_other"])
def test_only_clerks_set_standards(cast, regions, who):
    with pytest.raises(PermissionDenied):
        care_full(cast, regions, by=cast[who])


def test_a_county_clerk_cannot_set_the_city_standard(cast, regions):
    with pytest.raises(PermissionDenied):
        standard_set(by=cast["clerk"], region=regions["621000"], item="orphan", support_form="dispersed",
                     amount=Decimal(1400), effective_from=AUGUST)


def test_sample_standards_load_once_and_say_they_are_samples(db):
    call_command("load_sample_standards", stdout=StringIO())
    call_command("load_sample_standards", stdout=StringIO())
    assert SubsidyStandard.objects.count() == 13
    assert all(s.is_sample and s.region_id is None and "示例" in s.basis for s in SubsidyStandard.objects.all())
