"""The staffing budget API: `/api/staffing-budget` (per facility and county, for a year) and the
posts already funded. Inspectors and clerks of the region only (403 for everyone else); a facility
out of scope is a 404."""
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Query, Router

from common.api_fields import fields_as
from facilities.selectors import facility_get_for_user

from .schemas import BudgetIn, BudgetOut, FundedPostsIn, FundedPostsOut
from .selectors import funded_posts_set, may_see_budget, staffing_budget

router = Router(tags=["staffing"])


@router.get("", response=BudgetOut, summary="政府购买服务经费测算 / the staffing budget for a year")
def budget(request, params: Query[BudgetIn]):
    if not may_see_budget(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    return staffing_budget(user=request.user, year=params.year or today.year + 1, today=today)


@router.post("/funded-posts", response=FundedPostsOut, summary="填报已安排岗位 / record the posts funded for a facility and year")
def set_funded_posts(request, payload: FundedPostsIn):
    facility = facility_get_for_user(user=request.user, facility_id=payload.facility_id)
    with fields_as(facility="facility_id"):
        return funded_posts_set(by=request.user, facility=facility, **payload.dict(exclude={"facility_id"}))
