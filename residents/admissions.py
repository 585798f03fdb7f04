"""Admission at the door: find the person by ID number or register them, then admit, in one transaction."""
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from facilities.models import Facility

from .models import Person, Stay
from .services import person_register, stay_admit


@transaction.atomic
def admission_register(*, by, facility: Facility, admitted_on: date, id_number: str, name: str, **person_fields) -> Stay:
    person = Person.objects.filter(id_number=id_number.strip().upper()).first()
    if person is None:
        person = person_register(by=by, id_number=id_number, name=name, **person_fields)
    elif person.name != name.strip():
        raise ValidationError({"name": _("姓名与该身份证号码的登记信息不一致，请核对")})
    return stay_admit(by=by, facility=facility, person=person, admitted_on=admitted_on)
