"""Admission at the door: find the person by ID number or register them, then admit, in one transaction.

The number is screened first (residents.id_lookups): a person outside the manager's scope gets the
one answer, logged and rate-limited, before anything about them is checked.
"""
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from common.bilingual import rule_message
from facilities.models import Facility
from facilities.scoping import facilities_visible_to

from .id_lookups import OUTSIDE_SCOPE, id_lookup_guard, person_in_scope_by_id_number
from .models import Person, Sex, Stay
from .rules import parse_id_number
from .services import person_register, stay_admit


def admission_register(
    *, by, facility: Facility, admitted_on: date, id_number: str, name: str, request=None, **person_fields,
) -> Stay:
    id_lookup_guard(user=by, id_number=id_number, request=request)
    with transaction.atomic():
        person = person_in_scope_by_id_number(user=by, id_number=id_number)
        if person is None:
            if Person.objects.filter(id_number=id_number.strip().upper()).exists():
                raise ValidationError({"id_number": OUTSIDE_SCOPE})  # registered meanwhile, elsewhere
            person = person_register(by=by, id_number=id_number, name=name, **person_fields)
        elif person.name != name.strip():
            raise ValidationError({"name": _("姓名与该身份证号码的登记信息不一致，请核对")})
        return stay_admit(by=by, facility=facility, person=person, admitted_on=admitted_on)


@dataclass(frozen=True)
class AdmissionCheck:
    """What the admission form can say before it is sent: the facility's beds, and who the number belongs to."""

    facility: Facility | None = None
    occupied: int = 0
    id_problem: str = ""
    birth_date: date | None = None
    sex: str = ""
    registered: Person | None = None
    living_in: str = ""

    @property
    def sex_label(self) -> str:
        return Sex(self.sex).label if self.sex else ""

    @property
    def free_beds(self) -> int:
        return max(self.facility.bed_capacity - self.occupied, 0) if self.facility else 0


def admission_check(*, user, facility_id: int | None, id_number: str, today: date, request=None) -> AdmissionCheck:
    """The checks of `admission_register` that need no more than the facility and the number, run early.

    The number goes through the same screen as the admission (residents.id_lookups): a person outside the
    user's scope gets the one answer, logged and counted against the hour's limit, so asking early reveals
    nothing the admission would not.
    """
    facility = facilities_visible_to(user).filter(pk=facility_id).first() if facility_id else None
    occupied = Stay.objects.filter(facility=facility, ended_on__isnull=True).count() if facility else 0
    number = (id_number or "").strip().upper()
    if len(number) != 18:
        return AdmissionCheck(facility=facility, occupied=occupied)
    try:
        parsed = parse_id_number(number)
    except ValueError as exc:
        return AdmissionCheck(facility=facility, occupied=occupied, id_problem=str(rule_message(str(exc))))
    if parsed.birth_date > today:
        return AdmissionCheck(facility=facility, occupied=occupied, id_problem=str(_("身份证号码中的出生日期晚于今天")))
    try:
        id_lookup_guard(user=user, id_number=number, request=request)
    except ValidationError as exc:
        return AdmissionCheck(facility=facility, occupied=occupied, id_problem=" ".join(exc.messages))
    person = person_in_scope_by_id_number(user=user, id_number=number)
    stay = person.stays.filter(ended_on__isnull=True).select_related("facility").first() if person else None
    return AdmissionCheck(
        facility=facility, occupied=occupied, birth_date=parsed.birth_date, sex=parsed.sex, registered=person,
        living_in=stay.facility.name if stay else "",
    )
