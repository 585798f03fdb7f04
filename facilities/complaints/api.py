"""The complaints API: `/api/complaints`.

Reads go through facilities.complaints.selectors (only the inspectors of the facility's region see a
complaint; anything else is a 404, absent from lists; the complainant's contact is masked for all
but the owner); writes through facilities.complaints.services, which refuse what the user may not
do (403) and what the rules forbid (422). Taking a complaint someone else took first is a 409.
"""
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from common.api_fields import fields_as
from common.pagination import LimitOffsetPagination

from ..inspections.schemas import InspectionDetailOut
from ..inspections.selectors import inspection_get_for_user
from ..selectors import facility_get_for_user
from . import services
from .schemas import (
    ComplaintConcludeIn,
    ComplaintFilterIn,
    ComplaintIn,
    ComplaintInspectionIn,
    ComplaintLinkIn,
    ComplaintOut,
    ComplaintRegionOut,
)
from .selectors import (
    AGE_BUCKETS,
    ComplaintFilters,
    complaint_get_for_user,
    complaint_list,
    open_complaints_by_age,
)

router = Router(tags=["complaints"])


def _get(request, complaint_id: int):
    return complaint_get_for_user(user=request.user, complaint_id=complaint_id)


@router.get("", response=list[ComplaintOut], summary="投诉举报列表 / complaints in scope")
@paginate(LimitOffsetPagination)
def list_complaints(request, filters: Query[ComplaintFilterIn]):
    return complaint_list(
        user=request.user, today=timezone.localdate(),
        filters=ComplaintFilters(
            state="" if filters.state == "all" else filters.state, facility_id=filters.facility_id,
            channel=filters.channel or "", mine=filters.mine,
        ),
    )


@router.get("/region", response=ComplaintRegionOut, summary="辖区未办结投诉（按天数、县区）/ open complaints by age and county")
def region_complaints(request):
    return {"buckets": list(AGE_BUCKETS), "counties": open_complaints_by_age(user=request.user, today=timezone.localdate())}


@router.post("", response={201: ComplaintOut}, summary="登记投诉举报 / register a complaint")
def register_complaint(request, payload: ComplaintIn):
    facility = facility_get_for_user(user=request.user, facility_id=payload.facility_id)
    with fields_as(facility="facility_id"):
        complaint = services.complaint_register(by=request.user, facility=facility, **payload.dict(exclude={"facility_id"}))
    return Status(201, _get(request, complaint.pk))


@router.get("/{int:complaint_id}", response=ComplaintOut, summary="投诉举报详情 / one complaint")
def get_complaint(request, complaint_id: int):
    return _get(request, complaint_id)


@router.post("/{int:complaint_id}/take", response=ComplaintOut, summary="受理（首问负责）/ take a complaint (first taker owns it)")
def take_complaint(request, complaint_id: int):
    services.complaint_take(by=request.user, complaint=_get(request, complaint_id))
    return _get(request, complaint_id)


@router.post(
    "/{int:complaint_id}/inspection", response={201: InspectionDetailOut},
    summary="登记投诉核查检查 / record the complaint inspection",
)
def start_inspection(request, complaint_id: int, payload: ComplaintInspectionIn):
    inspection = services.complaint_start_inspection(by=request.user, complaint=_get(request, complaint_id), **payload.dict())
    return Status(201, inspection_get_for_user(user=request.user, inspection_id=inspection.pk))


@router.post("/{int:complaint_id}/link", response=ComplaintOut, summary="关联已有检查 / link an existing inspection")
def link_inspection(request, complaint_id: int, payload: ComplaintLinkIn):
    complaint = _get(request, complaint_id)
    inspection = inspection_get_for_user(user=request.user, inspection_id=payload.inspection_id)
    with fields_as(inspection="inspection_id"):
        services.complaint_link_inspection(by=request.user, complaint=complaint, inspection=inspection)
    return _get(request, complaint_id)


@router.post("/{int:complaint_id}/conclude", response=ComplaintOut, summary="办结并答复 / conclude with the reply")
def conclude_complaint(request, complaint_id: int, payload: ComplaintConcludeIn):
    services.complaint_conclude(by=request.user, complaint=_get(request, complaint_id), **payload.dict())
    return _get(request, complaint_id)
