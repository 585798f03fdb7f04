"""The inspections API: `/api/inspections` (with their checklists), `/api/findings` and `/api/major-hazards`.

Reads go through facilities.inspections.selectors (an inspection or finding out of scope is a 404,
absent from lists); writes through facilities.inspections.services, which refuse what the user may
not do (403) and what the rules forbid (422). Rectification is a multipart form so the evidence
file (PDF, JPEG or PNG, at most 10 MB) can travel with it.
"""
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from common.api_fields import fields_as
from common.pagination import LimitOffsetPagination

from ..checklist_rules import Answer
from ..selectors import facility_get_for_user
from . import services
from .schemas import (
    ChecklistIn,
    ChecklistOut,
    CloseIn,
    FindingIn,
    FindingOut,
    FindingReturnIn,
    FollowUpIn,
    FollowUpOut,
    InspectionDetailOut,
    InspectionFilterIn,
    InspectionIn,
    InspectionOut,
    MajorHazardOut,
    RectifyIn,
    VerifyIn,
)
from .selectors import (
    InspectionFilters,
    finding_get_for_user,
    inspection_checklist,
    inspection_get_for_user,
    inspection_list,
    open_major_hazards,
)

router = Router(tags=["inspections"])


def _detail(inspection_id: int, user):
    return inspection_get_for_user(user=user, inspection_id=inspection_id)


@router.get("/inspections", response=list[InspectionOut], summary="督导检查列表 / inspections in scope")
@paginate(LimitOffsetPagination)
def list_inspections(request, filters: Query[InspectionFilterIn]):
    return inspection_list(
        user=request.user, today=timezone.localdate(),
        filters=InspectionFilters(
            facility_id=filters.facility_id, kind=filters.kind or "",
            state="" if filters.state == "all" else filters.state, year=filters.year,
        ),
    )


@router.post("/inspections", response={201: InspectionDetailOut}, summary="登记督导检查 / record an inspection")
def record_inspection(request, payload: InspectionIn):
    facility = facility_get_for_user(user=request.user, facility_id=payload.facility_id)
    with fields_as(facility="facility_id"):
        inspection = services.inspection_record(by=request.user, facility=facility, **payload.dict(exclude={"facility_id"}))
    return Status(201, _detail(inspection.pk, request.user))


@router.get("/inspections/{int:inspection_id}", response=InspectionDetailOut, summary="检查详情（含问题）/ one inspection with its findings")
def get_inspection(request, inspection_id: int):
    return _detail(inspection_id, request.user)


@router.post(
    "/inspections/{int:inspection_id}/findings", response={201: FindingOut},
    summary="登记检查发现的问题 / add a finding",
)
def add_finding(request, inspection_id: int, payload: FindingIn):
    inspection = _detail(inspection_id, request.user)
    return Status(201, services.finding_add(by=request.user, inspection=inspection, **payload.dict()))


@router.post(
    "/inspections/{int:inspection_id}/follow-ups", response={201: FollowUpOut},
    summary="登记回访 / record a follow-up visit",
)
def add_follow_up(request, inspection_id: int, payload: FollowUpIn):
    inspection = _detail(inspection_id, request.user)
    return Status(201, services.follow_up_record(by=request.user, inspection=inspection, **payload.dict()))


@router.post("/inspections/{int:inspection_id}/close", response=InspectionDetailOut, summary="结案 / close an inspection")
def close_inspection(request, inspection_id: int, payload: CloseIn):
    inspection = _detail(inspection_id, request.user)
    services.inspection_close(by=request.user, inspection=inspection, closed_on=payload.closed_on)
    return _detail(inspection_id, request.user)


@router.post(
    "/findings/{int:finding_id}/rectify", response=FindingOut,
    summary="填报整改情况（multipart，可附整改材料）/ report a finding rectified (multipart, optional evidence)",
)
def rectify_finding(request, finding_id: int, payload: Form[RectifyIn], evidence: File[UploadedFile] = None):
    finding = finding_get_for_user(user=request.user, finding_id=finding_id)
    return services.finding_rectify(
        by=request.user, finding=finding, rectification=payload.rectification, rectified_on=payload.rectified_on,
        evidence=evidence,
    )


@router.post("/findings/{int:finding_id}/verify", response=FindingOut, summary="复核销号 / verify a rectification")
def verify_finding(request, finding_id: int, payload: VerifyIn):
    finding = finding_get_for_user(user=request.user, finding_id=finding_id)
    return services.finding_verify(by=request.user, finding=finding, verified_on=payload.verified_on)


@router.post("/findings/{int:finding_id}/return", response=FindingOut, summary="退回整改 / send a rectification back")
def return_finding(request, finding_id: int, payload: FindingReturnIn):
    finding = finding_get_for_user(user=request.user, finding_id=finding_id)
    return services.finding_return(by=request.user, finding=finding, reason=payload.reason)


def _checklist(inspection) -> dict:
    checklist, rows = inspection_checklist(inspection=inspection)
    if checklist is None:
        raise Http404("checklist")
    return {
        "checklist_id": checklist.pk, "code": checklist.code, "name": checklist.name, "source": checklist.source,
        "effective_from": checklist.effective_from, "region": checklist.region_id,
        "items": [{
            "code": row.item.code, "group": row.item.group, "text": row.item.text, "basis": row.item.basis,
            "major": row.item.major, "result": row.answer.result if row.answer else None,
            "evidence": row.answer.evidence if row.answer else "",
            "finding_id": row.answer.finding_id if row.answer else None,
        } for row in rows],
    }


@router.get("/inspections/{int:inspection_id}/checklist", response=ChecklistOut,
            summary="检查表（含各项结果）/ the inspection's checklist with its answers")
def get_checklist(request, inspection_id: int):
    return _checklist(_detail(inspection_id, request.user))


@router.post(
    "/inspections/{int:inspection_id}/checklist", response={201: ChecklistOut},
    summary="填写检查表（不符合项列入问题，重大事故隐患挂牌督办）/ fill in the checklist; a not-met major hazard is supervised",
)
def record_checklist(request, inspection_id: int, payload: ChecklistIn):
    inspection = _detail(inspection_id, request.user)
    codes = [row.code for row in payload.answers]
    if len(set(codes)) != len(codes):
        raise ValidationError({"answers": "同一检查项只能填写一次 / an item is answered twice"})
    services.checklist_record(
        by=request.user, inspection=inspection, deadline=payload.deadline,
        answers={row.code: Answer(result=row.result, evidence=row.evidence) for row in payload.answers},
    )
    return Status(201, _checklist(_detail(inspection_id, request.user)))


@router.get("/major-hazards", response=list[MajorHazardOut],
            summary="未销号的重大事故隐患（发现最早的在前）/ open major hazards in scope, the oldest first")
@paginate(LimitOffsetPagination)
def list_major_hazards(request):
    return open_major_hazards(user=request.user, today=timezone.localdate())
