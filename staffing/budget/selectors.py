"""The staffing budget (政府购买服务经费): what a bureau needs for next year's care posts, per facility
and county, against what is funded.

Required posts are computed exactly as the daily compliance does (staffing.compliance.evaluate
over the census of today, staffing.census), with the region's rule parameters in force on
1 January of the budget year — ratios, rounding and the annual cost per post — so a region that
has already entered next year's parameters is budgeted with them. Funded posts (FundedPosts) are
recorded per facility and year by the region's inspectors and clerks. Closed facilities are left
out. A fixed number of queries whatever the number of facilities.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from common.history import save_with_history
from facilities.models import Facility, FacilityStatus, Region
from facilities.scoping import can_plan_staffing_budget, facilities_visible_to
from facilities.selectors import region_policies

from ..census import Census, census_on
from ..compliance import evaluate
from ..models import FundedPosts
from ..rules import EMPTY_BUDGET, BudgetLine, budget_line

YEAR_RANGE = (2000, 2100)


@dataclass
class FacilityBudget:
    facility: Facility
    census: Census
    cost_per_post: Decimal
    funded: FundedPosts | None
    line: BudgetLine


@dataclass
class CountyBudget:
    code: str
    name: str
    facilities: list[FacilityBudget] = field(default_factory=list)
    line: BudgetLine = EMPTY_BUDGET


@dataclass
class StaffingBudget:
    year: int
    census_day: date
    counties: list[CountyBudget]
    total: BudgetLine

    @property
    def facilities(self) -> list[FacilityBudget]:
        return [row for county in self.counties for row in county.facilities]


def may_see_budget(user) -> bool:
    """The budget page: inspectors and clerks (of their own region)."""
    return can_plan_staffing_budget(user, getattr(user, "region_code", "") or "")


def staffing_budget(*, user, year: int, today: date) -> StaffingBudget:
    """Five queries: facilities, census, policies, funded posts, county names."""
    facilities = list(
        facilities_visible_to(user).exclude(status=FacilityStatus.CLOSED).select_related("region").order_by("region_id", "name")
    )
    ids = [facility.pk for facility in facilities]
    census = census_on(today, facility_ids=ids) if ids else {}
    policies = region_policies(region_codes={f.region_id for f in facilities}, on=date(year, 1, 1)) if ids else {}
    snapshots, _alerts = evaluate(
        day=today, facilities=[{"id": f.pk, "name": f.name, "region_id": f.region_id} for f in facilities],
        census=census, staffing={}, policies=policies,
    )
    funded = {row.facility_id: row for row in FundedPosts.objects.filter(facility_id__in=ids, year=year)} if ids else {}
    counties: dict[str, CountyBudget] = {}
    for facility, snapshot in zip(facilities, snapshots):
        cost = policies[facility.region_id].annual_cost_per_post
        row = funded.get(facility.pk)
        line = budget_line(
            required=snapshot.required, cost_per_post=cost, funded_posts=row.posts if row else 0,
            funded_amount=row.amount if row else None,
        )
        county = counties.setdefault(facility.region_id[:6], CountyBudget(code=facility.region_id[:6], name=""))
        county.facilities.append(FacilityBudget(
            facility=facility, census=census.get(facility.pk) or Census(), cost_per_post=cost, funded=row, line=line,
        ))
        county.line += line
    names = dict(Region.objects.filter(code__in=list(counties)).values_list("code", "name")) if counties else {}
    for code, county in counties.items():
        county.name = names.get(code, code)
    ordered = [counties[code] for code in sorted(counties)]
    total = sum((county.line for county in ordered), EMPTY_BUDGET)
    return StaffingBudget(year=year, census_day=today, counties=ordered, total=total)


@transaction.atomic
def funded_posts_set(
    *, by, facility: Facility, year: int, posts: int, amount: Decimal | None = None, note: str = "",
) -> FundedPosts:
    """Record (or correct) the posts and amount funded for a facility in a budget year."""
    if not can_plan_staffing_budget(by, facility.region_id):
        raise PermissionDenied(_("已安排岗位由该机构所在区划的民政督查或救助经办填报"))
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise ValidationError({"year": _("请填写正确的预算年度")})
    if posts < 0:
        raise ValidationError({"posts": _("岗位数不能为负数")})
    if amount is not None and amount < 0:
        raise ValidationError({"amount": _("经费不能为负数")})
    row = FundedPosts.objects.select_for_update().filter(facility=facility, year=year).first()
    if row is None:
        row = FundedPosts(facility=facility, year=year, posts=posts, amount=amount, note=note.strip())
        save_with_history(row, by=by, reason=_("填报已安排岗位"))
        return row
    row.posts, row.amount, row.note = posts, amount, note.strip()
    save_with_history(row, by=by, reason=_("修改已安排岗位"), update_fields=["posts", "amount", "note"])
    return row
