"""Factories for test data: regions, facilities and users of each role; people and their records;
staff and employments. ID numbers are always valid GB 11643 numbers.

These write straight through the ORM: use them for the situation a test starts from (including
data that predates the services' checks), and the services for the action under test.
"""
from datetime import date
from decimal import Decimal

import factory

from accounts.models import Role, User
from common.pinyin import name_initials
from facilities.models import Facility, FacilityAssignment, FacilityKind, Operator, Region
from facilities.rules import region_level
from residents.models import HukouType, Person, SelfCareAssessment, Stay, SupportForm, SupportKind, SupportStatus
from residents.rules import assessment_due_on, id_check_character, parse_id_number
from staffing.models import Employment, Leave, StaffMember

PASSWORD = "Test-pass-2026"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "621002"
    name = factory.LazyAttribute(lambda o: f"区划{o.code}")
    full_name = factory.LazyAttribute(lambda o: o.name)
    level = factory.LazyAttribute(lambda o: region_level(o.code))


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    name = factory.Sequence(lambda n: f"测试敬老院{n:03d}")
    kind = FacilityKind.CARE_HOME
    operator = Operator.PUBLIC
    region = factory.SubFactory(RegionFactory)
    address = "甘肃省庆阳市西峰区测试路1号"
    bed_capacity = 50


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.MANAGER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def facilities(self, create, extracted, **kwargs):
        self.save()
        for facility in extracted or ():
            FacilityAssignment.objects.create(user=self, facility=facility)


# --- people and their records ------------------------------------------------------------


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
    name_initials = factory.LazyAttribute(lambda o: name_initials(o.name))
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


# --- staff and employments ----------------------------------------------------------------


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    name = factory.Sequence(lambda n: f"护理员{n:03d}")
    id_number = factory.Sequence(lambda n: make_id_number(born=date(1980, 3, 9), male=False, serial=n, region="621021"))


class EmploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employment

    staff = factory.SubFactory(StaffFactory)
    role = "carer"
    fte = Decimal("1.00")
    started_on = date(2024, 1, 2)


class LeaveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Leave

    employment = factory.SubFactory(EmploymentFactory)
    kind = "sick"
    starts_on = date(2026, 11, 20)
    ends_on = date(2026, 11, 30)
