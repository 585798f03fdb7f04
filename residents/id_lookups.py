"""Look-ups by ID number: no answer depends on the state of a person outside the caller's scope.

Every path that takes an ID number and looks for a registered person (the admission form, the
registration form and API, the import's preview and confirmation) asks `id_lookup_screen` first.
A number registered to someone the caller may not see (residents.selectors.people_visible_to) gets
one answer, OUTSIDE_SCOPE, whatever that person's name, stays, support or death; each such look-up
writes an access record with the number masked (`lookup_outside_scope`), and those records are the
counter of the rate limit: past ID_LOOKUP_LIMIT in the last hour, the user's look-ups by ID number
are refused before anything is looked up (the API answers 429), so no path answers more than the
limit per hour. Call it outside any transaction the refusal would roll back, or the record goes too.
"""
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.audit import access_record
from accounts.models import AccessAction, AccessRecord

from .models import Person
from .rules import mask_id_number
from .selectors import people_visible_to

OUTSIDE_SCOPE = _("不在您的辖区，请联系民政部门")
TOO_MANY = _("一小时内查询辖区外身份证号码的次数过多，已暂停按身份证号码查询，请一小时后再试或联系民政部门")
WINDOW = timedelta(hours=1)


class IdLookupsExhausted(ValidationError):
    """The user used up their look-ups of people outside their scope for the hour (the API answers 429)."""


def _limit() -> int:
    return getattr(settings, "ID_LOOKUP_LIMIT", 10)


def outside_lookups_used(user, *, now=None) -> int:
    """How many look-ups of people outside their scope the user made in the last hour."""
    since = (now or timezone.now()) - WINDOW
    return AccessRecord.objects.filter(user=user, action=AccessAction.LOOKUP_OUTSIDE_SCOPE, at__gte=since).count()


def _normal(number: str) -> str:
    return str(number or "").strip().upper()


def id_lookup_screen(*, user, numbers: Iterable[str], request=None, field: str = "id_number") -> set[str]:
    """Which of `numbers` are registered to people outside the user's scope, each recorded (masked).

    Refuses with IdLookupsExhausted before looking when the hour's look-ups are used up, and after
    recording when this batch uses them up (a sheet of many such numbers answers nothing per row).
    """
    used = outside_lookups_used(user)
    if used >= _limit():
        raise IdLookupsExhausted({field: TOO_MANY})
    wanted = {_normal(number) for number in numbers} - {""}
    if not wanted:
        return set()
    registered = set(Person.objects.filter(id_number__in=wanted).values_list("id_number", flat=True))
    visible = set(people_visible_to(user).filter(id_number__in=registered).values_list("id_number", flat=True)) \
        if registered else set()
    outside = registered - visible
    for number in sorted(outside):
        access_record(
            request=request, user=user, action=AccessAction.LOOKUP_OUTSIDE_SCOPE, target="id_number",
            detail=_("按身份证号码查询辖区外人员（已拒绝）：%(number)s"), params={"number": mask_id_number(number)},
        )
    if outside and used + len(outside) > _limit():
        raise IdLookupsExhausted({field: TOO_MANY})
    return outside


def id_lookup_guard(*, user, id_number: str, request=None, field: str = "id_number") -> None:
    """One number (a form or an API call): the one answer for a person outside the user's scope."""
    if id_lookup_screen(user=user, numbers=[id_number], request=request, field=field):
        raise ValidationError({field: OUTSIDE_SCOPE})


def person_in_scope_by_id_number(*, user, id_number: str) -> Person | None:
    """The registered person the user may see with this number; None when none is registered or
    the one registered is outside the user's scope (the services answer OUTSIDE_SCOPE for those)."""
    return people_visible_to(user).filter(id_number=_normal(id_number)).first()
