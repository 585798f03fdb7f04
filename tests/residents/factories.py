"""Factories for people and their records. ID numbers are always valid GB 11643 numbers.

These write straight through the ORM: use them for the situation a test starts from (including
data that predates the services' checks), and the services for the action under test.
"""
from datetime import date

import factory

from residents.models import HukouType, Person, SelfCareAssessment, Stay, SupportForm, SupportKind, SupportStatus
from residents.rules import assessment_due_on, id_check_character, parse_id_number
from tests.factories import FacilityFactory, RegionFactory, UserFactory


def make_id_number(*, born: date, male: bool = True, serial: int = 0, region: str = "621002") -> str:
    """A valid 18-character ID number: region, birth date, a sequence whose last digit gives the sex, check.

    A birth date and sex leave 500 sequences per region; past that the region's county digits move
    on, never the birth date (tests rely on the date they ask for)."""
    sequence = f"{(serial % 500) * 2 + (1 if male else 0):03d}"
    county = (int(region[4:6]) + serial // 500) % 100
    body = f"{region[:4]}{county:02d}{born:%Y%m%d}{sequence}"
    return body + id_check_character(body)


def with_wrong_check(number: str) -> str:
    """The same number with a check character that does not match."""
    right = number[17]
    return number[:17] + ("0" if right != "0" else "1")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    class Params:
        born = date(1950, 5, 17)
        male = True

    name = factory.Sequence(lambda n: f"测试人员{n:03d}")
    id_number = factory.LazyAttributeSequence(lambda o, n: make_id_number(born=o.born, male=o.male, serial=n))
    birth_date = factory.LazyAttribute(lambda o: parse_id_number(o.id_number).birth_date)
    sex = factory.LazyAttribute(lambda o: parse_id_number(o.id_number).sex)
    hukou_region = factory.SubFactory(RegionFactory, code="621002")
    hukou_type = HukouType.RURAL


class SupportStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportStatus

    person = factory.SubFactory(PersonFactory)
    kind = SupportKind.HARDSHIP
    support_form = SupportForm.CENTRALISED
    confirmed_on = date(2025, 1, 6)


class StayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stay

    person = factory.SubFactory(PersonFactory)
    facility = factory.SubFactory(FacilityFactory)
    admitted_on = date(2025, 2, 3)


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A self-care assessment with every indicator achievable (具备生活自理能力)."""

    class Meta:
        model = SelfCareAssessment

    person = factory.SubFactory(PersonFactory)
    assessed_on = date(2025, 2, 3)
    due_on = factory.LazyAttribute(lambda o: assessment_due_on(assessed_on=o.assessed_on, interval_months=12))
    computed_category = "self_care"
    category = factory.LazyAttribute(lambda o: o.override_category or o.computed_category)
    override_category = ""
    assessors = "张三、李四"
    reason = "initial"
    recorded_by = factory.SubFactory(UserFactory)
