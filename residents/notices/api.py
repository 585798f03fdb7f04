"""The public-notice API (公示): list, make, read a notice; its objections, their handling and history.

Notices are read by the inspectors and clerks whose region covers the township (residents.access);
everyone else gets 404. Making a notice and recording objections go through residents.notices.services.
"""
from django.core.exceptions import ValidationError
from ninja import Query, Router, Status
from ninja.pagination import paginate

from common.api_fields import HistoryOut
from common.history import change_history
from common.pagination import LimitOffsetPagination
from facilities.models import Region

from ..models import NoticeEntry
from . import services
from .schemas import (
    NoticeDetailOut,
    NoticeFilterIn,
    NoticeIn,
    NoticeListOut,
    ObjectionIn,
    ObjectionOut,
    ObjectionResultIn,
)
from .selectors import (
    NoticeFilters,
    notice_get_for_user,
    notice_list,
    notice_objection_get_for_user,
    notice_objections_of,
)

router = Router(tags=["notices"])


@router.get("", response=list[NoticeListOut], summary="公示列表 / notices in scope, newest first")
@paginate(LimitOffsetPagination)
def list_notices(request, filters: Query[NoticeFilterIn]):
    return notice_list(user=request.user, filters=NoticeFilters(township=filters.township or "", year=filters.year))


@router.post("", response={201: NoticeDetailOut}, summary="制作公示 / make and freeze a notice")
def create_notice(request, payload: NoticeIn):
    township = Region.objects.filter(code=payload.township_code).first()
    if township is None:
        raise ValidationError({"township_code": "行政区划代码不存在 / unknown region code"})
    notice = services.notice_create(
        by=request.user, township=township, period_start=payload.period_start, period_end=payload.period_end,
        posted_on=payload.posted_on, contact=payload.contact,
    )
    return Status(201, notice_get_for_user(user=request.user, notice_id=notice.pk))


@router.get("/{int:notice_id}", response=NoticeDetailOut, summary="公示详情及名单 / a notice with its rows")
def get_notice(request, notice_id: int):
    return notice_get_for_user(user=request.user, notice_id=notice_id)


@router.get("/{int:notice_id}/objections", response=list[ObjectionOut], summary="异议 / objections to a notice")
@paginate(LimitOffsetPagination)
def list_objections(request, notice_id: int):
    return notice_objections_of(notice_get_for_user(user=request.user, notice_id=notice_id))


@router.post("/{int:notice_id}/objections", response={201: ObjectionOut},
             summary="登记异议（仅公示期内）/ record an objection (only during the notice period)")
def record_objection(request, notice_id: int, payload: ObjectionIn):
    notice = notice_get_for_user(user=request.user, notice_id=notice_id)
    entry = None
    if payload.entry_id is not None:
        entry = NoticeEntry.objects.filter(notice=notice, pk=payload.entry_id).first()
        if entry is None:
            raise ValidationError({"entry_id": "该人员不在本次公示名单中 / not on this notice"})
    objection = services.notice_objection_record(
        by=request.user, notice=notice, objector=payload.objector, objector_contact=payload.objector_contact,
        received_on=payload.received_on, content=payload.content, entry=entry,
    )
    return Status(201, notice_objection_get_for_user(user=request.user, notice=notice, objection_id=objection.pk))


@router.post("/{int:notice_id}/objections/{int:objection_id}/result", response=ObjectionOut,
             summary="登记处理结果 / record how an objection was handled")
def handle_objection(request, notice_id: int, objection_id: int, payload: ObjectionResultIn):
    notice = notice_get_for_user(user=request.user, notice_id=notice_id)
    objection = notice_objection_get_for_user(user=request.user, notice=notice, objection_id=objection_id)
    services.notice_objection_handle(by=request.user, objection=objection, result=payload.result,
                                     handled_on=payload.handled_on)
    return notice_objection_get_for_user(user=request.user, notice=notice, objection_id=objection_id)


@router.get("/{int:notice_id}/objections/{int:objection_id}/history", response=list[HistoryOut],
            summary="异议变更记录 / who changed an objection, when and what")
def objection_history(request, notice_id: int, objection_id: int):
    notice = notice_get_for_user(user=request.user, notice_id=notice_id)
    return change_history(notice_objection_get_for_user(user=request.user, notice=notice, objection_id=objection_id))
