"""Resident safety (GB 38600-2019) in the API: a person's risk assessments, a facility's risk register, and
incidents (list by month, record, read, follow up).

Reads go through residents.safety.selectors (out of scope: 404); writes through its services (no right: 403;
a broken rule: 422 with the field)."""
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from common.api_fields import fields_as
from common.months import month_start
from common.pagination import LimitOffsetPagination
from facilities.selectors import facility_get_for_user

from ..health_reads import health_read_record
from ..selectors import person_get_for_user, person_safety_assessments
from .schemas import (
    IncidentFilterIn,
    RegisterRowOut,
    RoundsFilterIn,
    SafetyAssessmentIn,
    SafetyAssessmentOut,
    SafetyIncidentFollowUpIn,
    SafetyIncidentIn,
    SafetyIncidentOut,
    SafetyIncidentRowOut,
    SafetyRoundIn,
    SafetyRoundOut,
    UnitDayOut,
)
from .selectors import incident_get_for_user, incidents_in_month, risk_register, rounds_of_day
from .services import (
    safety_assessment_record,
    safety_incident_follow_up,
    safety_incident_record,
    safety_round_record,
)

router = Router(tags=["safety"])


@router.get("/people/{int:person_id}/safety-assessments", response=list[SafetyAssessmentOut],
            summary="服务安全风险评估记录 / GB 38600 risk assessments")
@paginate(LimitOffsetPagination)
def list_safety_assessments(request, person_id: int):
    person = person_get_for_user(user=request.user, person_id=person_id)
    health_read_record(request, person=person)
    return person_safety_assessments(person)


@router.post("/people/{int:person_id}/safety-assessments", response={201: SafetyAssessmentOut},
             summary="录入服务安全风险评估 / record a GB 38600 risk assessment")
def record_safety_assessment(request, person_id: int, payload: SafetyAssessmentIn):
    person = person_get_for_user(user=request.user, person_id=person_id)
    data = payload.dict()
    return Status(201, safety_assessment_record(by=request.user, person=person, **data))


@router.get("/facilities/{int:facility_id}/risk-register", response=list[RegisterRowOut],
            summary="安全风险台账 / a facility's risk register, most urgent first")
def facility_risk_register(request, facility_id: int):
    facility = facility_get_for_user(user=request.user, facility_id=facility_id)
    return [{
        "person_id": row.stay.person_id, "name": row.stay.person.name, "state": row.review.state,
        "reasons": list(row.review.reasons), "assessment_id": row.stay.risk_id,
        "assessed_on": row.stay.risk_assessed_on, "due_on": row.stay.risk_due_on, "highest": row.stay.risk_highest,
    } for row in risk_register(user=request.user, facility=facility, on=timezone.localdate())]


@router.get("/safety-incidents", response=list[SafetyIncidentRowOut], summary="安全事件 / incidents of a month")
@paginate(LimitOffsetPagination)
def list_safety_incidents(request, filters: Query[IncidentFilterIn]):
    return incidents_in_month(user=request.user, month=filters.month or month_start(timezone.localdate()),
                              facility_id=filters.facility_id, kind=filters.kind)


@router.post("/safety-incidents", response={201: SafetyIncidentOut}, summary="登记安全事件 / record an incident")
def record_safety_incident(request, payload: SafetyIncidentIn):
    data = payload.dict()
    facility = facility_get_for_user(user=request.user, facility_id=data.pop("facility_id"))
    person_id = data.pop("person_id")
    person = person_get_for_user(user=request.user, person_id=person_id) if person_id else None
    with fields_as(person="person_id"):
        incident = safety_incident_record(by=request.user, facility=facility, person=person, **data)
    return Status(201, incident)


@router.get("/safety-incidents/{int:incident_id}", response=SafetyIncidentOut, summary="安全事件 / an incident")
def get_safety_incident(request, incident_id: int):
    incident = incident_get_for_user(user=request.user, incident_id=incident_id)
    if incident.person_id:
        health_read_record(request, person=incident.person)
    return incident


@router.post("/safety-incidents/{int:incident_id}/follow-up", response=SafetyIncidentOut,
             summary="补充告知家属与复盘 / record the family told and the review")
def follow_up_safety_incident(request, incident_id: int, payload: SafetyIncidentFollowUpIn):
    incident = incident_get_for_user(user=request.user, incident_id=incident_id)
    return safety_incident_follow_up(by=request.user, incident=incident, **payload.dict())


@router.get("/facilities/{int:facility_id}/rounds", response=list[UnitDayOut],
            summary="昼夜巡查与交接班（按区域，含缺漏）/ a day's rounds and handovers by unit, with gaps")
def list_rounds(request, facility_id: int, filters: Query[RoundsFilterIn]):
    facility = facility_get_for_user(user=request.user, facility_id=facility_id)
    now = timezone.localtime()
    units = rounds_of_day(user=request.user, facility=facility, day=filters.day or now.date(), now=now)
    return [{"unit": entry.unit, "records": entry.records,
             "round_gaps": [{"start": start, "end": end} for start, end in entry.round_gaps],
             "handover_gaps": [{"start": start, "end": end} for start, end in entry.handover_gaps]} for entry in units]


@router.post("/facilities/{int:facility_id}/rounds", response={201: SafetyRoundOut},
             summary="登记巡查或交接班 / record a round or a handover")
def record_round(request, facility_id: int, payload: SafetyRoundIn):
    facility = facility_get_for_user(user=request.user, facility_id=facility_id)
    return Status(201, safety_round_record(by=request.user, facility=facility, **payload.dict()))
