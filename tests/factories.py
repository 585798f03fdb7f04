"""Factories for test data: regions, facilities and users of each role."""
import factory

from accounts.models import Role, User
from facilities.models import Facility, FacilityAssignment, FacilityKind, Operator, Region
from facilities.rules import region_level

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
