"""Who enters the demo's people and staff.

Separation of duties keeps the administrator away from personal data (facilities.scoping), so the
demo seeds write through the services the way a bureau's data migration would: work inside a
facility (admissions, assessments, staff) as a facility-manager account, `demo_loader`, and region
work (support status, dispersed support) as the demo city's inspector. The loader is assigned to
the facilities only while a seed runs; afterwards its assignments go and it is disabled. It never
signs in (no usable password) and it is the name the change history shows for that work.
"""
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.management.base import CommandError

from accounts.models import Role, User

from .models import Facility, FacilityAssignment

LOADER = "demo_loader"


@contextmanager
def demo_facility_manager(facilities: Iterable[Facility]) -> Iterator[User]:
    user = User.objects.filter(username=LOADER).first()
    if user is None:
        user = User(username=LOADER, full_name="演示数据录入", role=Role.MANAGER)
        user.set_unusable_password()
    user.is_active = True
    user.save()
    for facility in facilities:
        FacilityAssignment.objects.get_or_create(user=user, facility=facility)
    try:
        yield user
    finally:
        FacilityAssignment.objects.filter(user=user).delete()
        user.is_active = False
        user.save(update_fields=["is_active"])


def demo_inspector() -> User:
    """The demo city's inspector (seed_demo creates them), who confirms support and visits."""
    user = User.objects.filter(username="inspector", role=Role.INSPECTOR, is_active=True).first()
    if user is None:
        raise CommandError("请先运行 seed_demo / run seed_demo first")
    return user
