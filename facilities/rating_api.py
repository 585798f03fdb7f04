"""The star-ratings API: evaluations of the facilities in the user's scope, and recording one.

Reads go through facilities.rating_selectors (scoped by facilities.scoping; a facility or rating
out of scope is a 404); recording goes through rating_services.rating_record, which lets only the
region's inspectors and administrators record (403) and applies the region's rules (422).
"""
from ninja import Query, Router, Status
from ninja.pagination import paginate

from config.api_fields import fields_as
from config.pagination import LimitOffsetPagination

from .rating_schemas import RatingFilterIn, RatingIn, RatingOut
from .rating_selectors import rating_get_for_user, rating_list
from .rating_services import rating_record
from .selectors import facility_get_for_user

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
