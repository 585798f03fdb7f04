"""The GB/T 42195 assessment in the API: a person's assessments and long-term-care results (read and record)
and the levels by facility.

Reads go through the residents selectors (out of scope: 404); writes through the service (403, 422)."""
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from common.pagination import LimitOffsetPagination

from ..health_reads import health_read_record
from ..selectors import person_ability_assessments, person_get_for_user, person_ltc_assessments
from .schemas import AbilityAssessmentIn, AbilityAssessmentOut, FacilityLevelsOut, LtcAssessmentIn, LtcAssessmentOut
from .selectors import ability_levels_by_facility
from .services import ability_assessment_record, ltc_assessment_record

router = Router(tags=["residents"])


@router.get("/people/{int:person_id}/ability-assessments", response=list[AbilityAssessmentOut],
            summary="老年人能力评估记录 / GB/T 42195 assessments")
@paginate(LimitOffsetPagination)
def list_ability_assessments(request, person_id: int):
    person = person_get_for_user(user=request.user, person_id=person_id)
    health_read_record(request, person=person)
    return person_ability_assessments(person)


@router.post("/people/{int:person_id}/ability-assessments", response={201: AbilityAssessmentOut},
             summary="录入老年人能力评估 / record a GB/T 42195 assessment")
def record_ability_assessment(request, person_id: int, payload: AbilityAssessmentIn):
    person = person_get_for_user(user=request.user, person_id=person_id)
    data = payload.dict()
    return Status(201, ability_assessment_record(by=request.user, person=person, **data))


@router.get("/people/{int:person_id}/ltc-assessments", response=list[LtcAssessmentOut],
            summary="长护险失能评估结果 / long-term-care insurance results")
@paginate(LimitOffsetPagination)
def list_ltc_assessments(request, person_id: int):
    person = person_get_for_user(user=request.user, person_id=person_id)
    health_read_record(request, person=person)
    return person_ltc_assessments(person)


@router.post("/people/{int:person_id}/ltc-assessments", response={201: LtcAssessmentOut},
             summary="录入长护险失能评估结果（区划采信时代替能力评估）/ record a long-term-care result")
def record_ltc_assessment(request, person_id: int, payload: LtcAssessmentIn):
    person = person_get_for_user(user=request.user, person_id=person_id)
    return Status(201, ltc_assessment_record(by=request.user, person=person, **payload.dict()))


@router.get("/ability-levels", response=list[FacilityLevelsOut],
            summary="在院老年人能力等级（按机构）/ residents by GB/T 42195 level and facility")
def ability_levels(request):
    return [
        {"facility_id": f.facility_id, "facility_name": f.facility_name, "counts": f.counts, "total": f.total}
        for f in ability_levels_by_facility(user=request.user, on=timezone.localdate())
    ]
