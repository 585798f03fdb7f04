"""The star-ratings API: evaluations of the facilities in the user's scope, and recording one.

Reads go through facilities.ratings.selectors (scoped by facilities.scoping; a facility or rating
out of scope is a 404); recording, correcting and withdrawing go through facilities.ratings.services, which lets
only the region's inspectors and administrators act (403) and applies the region's rules (422).
"""
from ninja import Query, Router, Status
from ninja.pagination import paginate

from common.api_fields import fields_as
from common.pagination import LimitOffsetPagination

from ..selectors import facility_get_for_user
from .schemas import RatingCorrectionIn, RatingFilterIn, RatingIn, RatingOut, RatingWithdrawalIn
from .selectors import rating_get_for_user, rating_list
from .services import rating_correct, rating_record, rating_withdraw

router = Router(tags=["ratings"])


@router.get("", response=list[RatingOut], summary="等级评定列表 / star-rating evaluations in scope")
@paginate(LimitOffsetPagination)
def list_ratings(request, filters: Query[RatingFilterIn]):
    return rating_list(user=request.user, facility_id=filters.facility_id)


@router.get("/{int:rating_id}", response=RatingOut, summary="一次等级评定 / one evaluation")
def get_rating(request, rating_id: int):
    return rating_get_for_user(user=request.user, rating_id=rating_id)


@router.post("", response={201: RatingOut}, summary="录入等级评定 / record an evaluation (inspectors)")
def record_rating(request, payload: RatingIn):
    facility = facility_get_for_user(user=request.user, facility_id=payload.facility_id)
    with fields_as(facility="facility_id"):
        rating = rating_record(by=request.user, facility=facility, **payload.dict(exclude={"facility_id"}))
    return Status(201, rating)


@router.post("/{int:rating_id}/correct", response=RatingOut,
             summary="更正等级评定 / correct an evaluation's scores, evaluators or certificate (inspectors)")
def correct_rating(request, rating_id: int, payload: RatingCorrectionIn):
    rating = rating_get_for_user(user=request.user, rating_id=rating_id)
    return rating_correct(by=request.user, rating=rating, **payload.dict())


@router.post("/{int:rating_id}/withdraw", response=RatingOut, summary="撤销等级评定 / withdraw an evaluation (inspectors)")
def withdraw_rating(request, rating_id: int, payload: RatingWithdrawalIn):
    rating = rating_get_for_user(user=request.user, rating_id=rating_id)
    return rating_withdraw(by=request.user, rating=rating, reason=payload.reason)
