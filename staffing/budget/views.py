"""The staffing budget page (政府购买服务经费) for inspectors and clerks, its spreadsheet export for
the budget request, and the form where they record the posts already funded."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.audit import access_record
from accounts.models import AccessAction
from common.access import allowed_for
from common.forms import run_service
from facilities.scoping import can_plan_staffing_budget
from facilities.selectors import facility_get_for_user

from ..forms import FundedPostsForm
from ..models import FundedPosts
from .exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, budget_csv, budget_xlsx
from .selectors import YEAR_RANGE, funded_posts_set, may_see_budget, staffing_budget


def _year(request, today) -> int:
    """The budget year asked for; next year by default."""
    try:
        year = int(request.GET.get("year") or today.year + 1)
    except ValueError:
        return today.year + 1
    return year if YEAR_RANGE[0] <= year <= YEAR_RANGE[1] else today.year + 1


@login_required
@require_GET
@allowed_for(may_see_budget)
def budget_view(request):
    today = timezone.localdate()
    year = _year(request, today)
    budget = staffing_budget(user=request.user, year=year, today=today)
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        content = budget_xlsx(budget) if fmt == "xlsx" else budget_csv(budget)
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE if fmt == "xlsx" else CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="staffing-budget-{year}.{fmt}"'
        patch_cache_control(response, private=True, no_store=True)
        access_record(
            request=request, action=AccessAction.EXPORT, target="staffing_budget",
            detail=gettext_lazy("政府购买服务经费测算 %(format)s，%(year)s 年度，%(rows)s 个机构"),
            params={"format": fmt.upper(), "year": year, "rows": len(budget.facilities)},
        )
        return response
    return render(request, "staffing/budget.html", {
        "budget": budget, "year": year, "years": [today.year, today.year + 1, today.year + 2],
        "today": today,
    })


@login_required
def funded_posts_edit(request, facility_id):
    facility = facility_get_for_user(user=request.user, facility_id=facility_id)
    if not can_plan_staffing_budget(request.user, facility.region_id):
        raise PermissionDenied
    today = timezone.localdate()
    year = _year(request, today)
    current = FundedPosts.objects.filter(facility=facility, year=year).first()
    initial = {"posts": current.posts, "amount": current.amount, "note": current.note} if current else {}
    form = FundedPostsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        call = lambda: funded_posts_set(by=request.user, facility=facility, year=year, **form.cleaned_data)
        if run_service(form, call) is not None:
            messages.success(request, _("已保存 %(name)s %(year)s 年度已安排岗位") % {"name": facility.name, "year": year})
            return redirect(f"{reverse('staffing_budget')}?year={year}")
    return render(request, "staffing/budget_form.html", {
        "form": form, "facility": facility, "year": year,
        "title": _("%(year)s 年度已安排岗位：%(name)s") % {"year": year, "name": facility.name},
    })
