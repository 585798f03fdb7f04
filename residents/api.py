"""The residents API: people, their stays, self-care assessments and visits.

Reads go through residents.selectors, so whatever is out of the user's scope is a 404; every write
goes through residents.services, which refuse what the user may not do (403) and what the rules
forbid (422). Facilities named by id are fetched with facility_get_for_user: one the user cannot see
is a 404 as well.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from common.api_fields import fields_as
from common.pagination import LimitOffsetPagination
from facilities.models import Region
from facilities.selectors import facility_get_for_user

from . import services
from .health_reads import health_list_read_record, health_read_record
from .id_lookups import id_lookup_guard
from .models import Person, SelfCareAssessment, Stay
from .schemas import (
    AssessmentIn,
    AssessmentOut,
    DischargeIn,
    PersonDetailOut,
    PersonFilterIn,
    PersonIn,
    PersonOut,
    StayIn,
    StayOut,
    TransferIn,
    VisitIn,
    VisitOut,
)
from .selectors import (
    PersonFilters,
    person_assessments,
    person_get_for_user,
    person_list,
    person_stays,
    person_visits,
    stay_get_for_user,
)

router = Router(tags=["residents"])
stays_router = Router(tags=["residents"])


def _region(code: str | None, *, field: str) -> Region | None:
    if code is None:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError({field: "行政区划代码不存在 / unknown region code"})
    return region


def _admit(*, by, person: Person, payload: StayIn, prefix: str = "") -> Stay:
    facility = facility_get_for_user(user=by, facility_id=payload.facility_id)
    with fields_as(facility=f"{prefix}facility_id", admitted_on=f"{prefix}admitted_on"):
        return services.stay_admit(
            by=by, facility=facility, person=person, admitted_on=payload.admitted_on, note=payload.note
        )


# --- people ------------------------------------------------------------------------------


@router.get("", response=list[PersonOut], summary="人员列表 / people in scope")
@paginate(LimitOffsetPagination)
def list_people(request, filters: Query[PersonFilterIn]):
    health_list_read_record(request, what="people", filters=request.GET.urlencode())
    return person_list(
        user=request.user,
        filters=PersonFilters(
            q=filters.q,
            facility_id=filters.facility_id,
            category=filters.category or "",
            support_form=filters.support_form or "",
            assessment_overdue=filters.assessment_overdue,
            in_care=filters.in_care,
        ),
        today=timezone.localdate(),
    )


@router.get("/{int:person_id}", response=PersonDetailOut, summary="人员详情 / one person")
def get_person(request, person_id: int):
    person = person_get_for_user(user=request.user, person_id=person_id)
    health_read_record(request, person=person)
    return person


@router.post("", response={201: PersonDetailOut}, summary="登记人员 / register a person")
def register_person(request, payload: PersonIn):
    data = payload.dict(exclude={"hukou_region_code", "residence_region_code", "admission"})
    id_lookup_guard(user=request.user, id_number=payload.id_number, request=request)  # outside the transaction: logged
    with transaction.atomic():
        person = services.person_register(
            by=request.user,
            hukou_region=_region(payload.hukou_region_code, field="hukou_region_code"),
            residence_region=_region(payload.residence_region_code, field="residence_region_code"),
            **data,
        )
        if payload.admission is not None:
            _admit(by=request.user, person=person, payload=payload.admission, prefix="admission.")
    return Status(201, person)


# --- stays -------------------------------------------------------------------------------


@router.get("/{int:person_id}/stays", response=list[StayOut], summary="入住记录 / stays of a person")
@paginate(LimitOffsetPagination)
def list_stays(request, person_id: int):
    person = person_get_for_user(user=request.user, person_id=person_id)
    return person_stays(person)


@router.post("/{int:person_id}/stays", response={201: StayOut}, summary="办理入住 / admit to a facility")
def admit(request, person_id: int, payload: StayIn):
    person = person_get_for_user(user=request.user, person_id=person_id)
    return Status(201, _admit(by=request.user, person=person, payload=payload))


@stays_router.post("/{int:stay_id}/discharge", response=StayOut, summary="办理离开 / discharge")
def discharge(request, stay_id: int, payload: DischargeIn):
    stay = stay_get_for_user(user=request.user, stay_id=stay_id)
    with fields_as(end_reason="reason"):
        return services.stay_discharge(
            by=request.user, stay=stay, ended_on=payload.ended_on, reason=payload.reason, note=payload.note
        )


@stays_router.post("/{int:stay_id}/transfer", response={201: StayOut}, summary="转院 / transfer to another facility")
def transfer(request, stay_id: int, payload: TransferIn):
    stay = stay_get_for_user(user=request.user, stay_id=stay_id)
    to_facility = facility_get_for_user(user=request.user, facility_id=payload.to_facility_id)
    with fields_as(to_facility="to_facility_id", facility="to_facility_id"):
        new_stay = services.stay_transfer(
            by=request.user, stay=stay, to_facility=to_facility, transferred_on=payload.transferred_on
        )
    return Status(201, new_stay)


# --- assessments -------------------------------------------------------------------------


@router.get("/{int:person_id}/assessments", response=list[AssessmentOut], summary="评估记录 / self-care assessments")
@paginate(LimitOffsetPagination)
def list_assessments(request, person_id: int):
    person = person_get_for_user(user=request.user, person_id=person_id)
    health_read_record(request, person=person)
    return person_assessments(person)


@router.post("/{int:person_id}/assessments", response={201: AssessmentOut}, summary="录入评估 / record an assessment")
def record_assessment(request, person_id: int, payload: AssessmentIn):
    person = person_get_for_user(user=request.user, person_id=person_id)
    assessment = services.assessment_record(
        by=request.user,
        person=person,
        assessed_on=payload.assessed_on,
        unable={name: getattr(payload, name) for name in SelfCareAssessment.INDICATOR_FIELDS},
        assessors=payload.assessors,
        reason=payload.reason,
        override_category=payload.override_category or "",
        override_reason=payload.override_reason,
    )
    return Status(201, assessment)


# --- visits ------------------------------------------------------------------------------


@router.get("/{int:person_id}/visits", response=list[VisitOut], summary="探访记录 / visits")
@paginate(LimitOffsetPagination)
def list_visits(request, person_id: int):
    person = person_get_for_user(user=request.user, person_id=person_id)
    return person_visits(person)


@router.post("/{int:person_id}/visits", response={201: VisitOut}, summary="录入探访 / record a visit")
def record_visit(request, person_id: int, payload: VisitIn):
    person = person_get_for_user(user=request.user, person_id=person_id)
    visit = services.visit_record(
        by=request.user, person=person, visited_on=payload.visited_on, visitor=payload.visitor, mode=payload.mode,
        findings=payload.findings,
    )
    return Status(201, visit)
