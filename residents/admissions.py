"""Admission at the door: find the person by ID number or register them, then admit, in one transaction.

The number is screened first (residents.id_lookups): a person outside the manager's scope gets the
one answer, logged and rate-limited, before anything about them is checked.
"""
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from facilities.models import Facility

from .id_lookups import OUTSIDE_SCOPE, id_lookup_guard, person_in_scope_by_id_number
from .models import Person, Stay
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
