"""Factories for staff and employments; ID numbers are valid GB 11643 numbers."""
from datetime import date
from decimal import Decimal

import factory

from staffing.models import Employment, Leave, StaffMember
from tests.residents.factories import make_id_number


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
