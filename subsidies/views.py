"""Claim pages: standards, batches with their checks and the basis of every line, generation progress,
and the region overview. Thin: selectors read (out-of-scope objects are 404), services write and refuse."""
from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from common.access import allowed_for
from common.forms import run_service
from common.money import amount_in_words
from common.replica import reads_from_replica
from facilities.rules import region_scope_prefix
from facilities.scoping import (
    can_export_full_id_numbers,
    can_generate_claims,
    can_manage_standards,
    can_review_claim_batch,
    is_regional_clerk,
)

from . import services
from .checks import batch_checks
from .explain import explain, explain_summary
from .forms import BatchFilterForm, GenerationForm, OverviewForm, ReturnForm, StandardFilterForm, StandardForm
from .generation import run_failure
from .models import BatchStatus, LineFlag, RunStatus, SubsidyItem
from .page_selectors import basis_names, month_status_grid, standard_region_names, standards_for_page
from .rules import month_start, next_month
from .selectors import (
    BatchFilters,
    batch_get_for_user,
    batch_lines,
    batch_people_count,
    batch_totals_by_item,
    batches_visible_to,
    counties_in,
    region_full_names,
    region_month_summary,
    run_get_for_user,
    runs_visible_to,
    with_basis,
)
from .selectors import (
    batch_list as select_batches,
)
from .submission import batch_submitters, review_refusal
from .tables import BatchTable, StandardTable

LINES_PER_PAGE = 100
STRIP_MONTHS = 6

#: Check name → (label, badge class); the same words and colours in the panel and on the lines.
CHECKS = {
    "in_two_batches": (gettext_lazy("同月重复申报"), "badge-status-bad"),
    "gone_before_month": (gettext_lazy("当月前已死亡或离开"), "badge-status-bad"),
    "no_valid_assessment": (gettext_lazy("无有效评估"), "badge-status-warn"),
    "new": (gettext_lazy("新增"), "text-bg-info"),
    "category_changed": (gettext_lazy("类别变化"), "text-bg-info"),
    "amount_changed": (gettext_lazy("金额变化"), "text-bg-info"),
    "left": (gettext_lazy("本月减少"), "text-bg-info"),
    "no_dispersed_decision": (gettext_lazy("离院但无分散供养决定"), "badge-status-warn"),
}
#: The same check on a township's batch: people who never lived in a facility.
NOT_IN_CARE = gettext_lazy("未入住机构且无分散供养决定")
#: Checks that list people rather than lines of the batch.
PEOPLE_CHECKS = ("left", "no_dispersed_decision")
LINE_FLAGS = {LineFlag.NO_STANDARD: (LineFlag.NO_STANDARD.label, "badge-status-bad")}


# --- standards -------------------------------------------------------------------------------------


@login_required
def standard_list(request):
    form = StandardFilterForm(request.GET or None)
    item, history = "", False
    if form.is_valid():
        item, history = form.cleaned_data["item"], form.cleaned_data["history"]
    today = timezone.localdate()
    table = StandardTable(standards_for_page(user=request.user, item=item, today=today, history=history), today=today)
    RequestConfig(request, paginate=False).configure(table)
    template = "subsidies/_standard_table.html" if request.htmx else "subsidies/standard_list.html"
    return render(request, template, {
        "table": table, "form": form, "history": history,
        "can_manage": can_manage_standards(request.user, request.user.region_code),
    })


@allowed_for(is_regional_clerk)  # the standards of the clerk's own region (and below)
def standard_create(request):
    initial = {"region": request.user.region_code, "effective_from": next_month(timezone.localdate())}
    form = StandardForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        call = lambda: services.standard_set(by=request.user, **form.service_kwargs())
        standard = run_service(form, call)
        if standard is not None:
            messages.success(request, _("已设定新标准：%(item)s %(amount)s 元/月，自 %(month)s 起执行") % {
                "item": standard.get_item_display(), "amount": standard.amount,
                "month": standard.effective_from.strftime("%Y-%m"),
            })
            return redirect("subsidies:standard_list")
    return render(request, "subsidies/standard_form.html", {
        "form": form, "item_keys": {item: list(keys) for item, keys in services.ITEM_KEYS.items()},
    })


# --- batches ---------------------------------------------------------------------------------------


def _batch_filters(form) -> BatchFilters:
    if not form.is_valid():
        return BatchFilters()
    data = form.cleaned_data
    return BatchFilters(
        month=data["month"], status=data["status"], kind=data["kind"], q=data["q"].strip(),
        region=region_scope_prefix(data["region"]) if data["region"] else "",
    )


#: The list's filters that its export carries over (subsidies.schemas.BatchFilterIn).
EXPORT_FILTERS = ("month", "status", "region", "kind", "q")


@login_required
def batch_list(request):
    form = BatchFilterForm(request.GET or None, user=request.user)
    filters = _batch_filters(form)
    grid = month_status_grid(
        batches=select_batches(user=request.user, filters=BatchFilters(region=filters.region, kind=filters.kind,
                                                                       q=filters.q)),
        latest=STRIP_MONTHS,
    )
    table = BatchTable(select_batches(user=request.user, filters=filters))
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    template = "subsidies/_batch_table.html" if request.htmx else "subsidies/batch_list.html"
    return render(request, template, {
        "table": table, "form": form, "grid": grid,
        "can_generate": can_generate_claims(request.user, request.user.region_code or ""),
        "can_export_full_ids": can_export_full_id_numbers(request.user),
        "export_filters": [(key, request.GET[key]) for key in EXPORT_FILTERS if request.GET.get(key)],
    })


def _line_flags(checks) -> dict[int, list[str]]:
    flags = defaultdict(list)
    for name in CHECKS:
        if name not in PEOPLE_CHECKS:
            for line in getattr(checks, name):
                flags[line.pk].append(name)
    return flags


def _row(line, *, flags, regions) -> dict:
    badges = [CHECKS[name] for name in flags.get(line.pk, [])]
    badges += [LINE_FLAGS[name] for name in line.flags if name in LINE_FLAGS]
    previous = line.previous_amount
    return {
        "line": line,
        "summary": explain_summary(line, regions=regions),
        "badges": badges,
        "difference": None if previous is None or line.is_adjustment else line.amount - previous,
    }


def _check_panel(checks, batch) -> list[dict]:
    return [
        {"name": name, "label": NOT_IN_CARE if name == "no_dispersed_decision" and not batch.facility_id else label,
         "badge": badge, "lines": getattr(checks, name)}
        for name, (label, badge) in CHECKS.items()
    ]


@login_required
def batch_detail(request, batch_id):
    batch = batch_get_for_user(user=request.user, batch_id=batch_id)
    lines = list(batch_lines(batch=batch).defer("basis"))  # every line for the checks; the bases of one page only
    checks = batch_checks(batch, lines)
    page = Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("page"))
    with_basis(page.object_list)
    regions = standard_region_names(page.object_list)
    flags = _line_flags(checks)
    can_review = can_review_claim_batch(request.user, batch)
    submitters = batch_submitters(batch=batch, user=request.user) if batch.status == BatchStatus.DRAFT else None
    deciding = batch.status == BatchStatus.SUBMITTED and can_review
    decide_refusal = review_refusal(batch=batch, user=request.user) if deciding else None
    return render(request, "subsidies/batch_detail.html", {
        "batch": batch,
        "checks": _check_panel(checks, batch),
        "blocking": checks.blocking,
        "totals": batch_totals_by_item(batch=batch),
        "page": page,
        "rows": [_row(line, flags=flags, regions=regions) for line in page.object_list],
        "can_submit": submitters is not None and submitters.may_submit(request.user, batch),
        "submitters": submitters,
        "user_recused": submitters is not None and submitters.is_recused(request.user),
        "can_decide": deciding,
        "can_approve": deciding and decide_refusal is None,
        "decide_refusal": decide_refusal,
        "can_mark_paid": batch.status == BatchStatus.APPROVED and can_review,
        "can_regenerate": not batch.is_settled and batch.status != BatchStatus.SUBMITTED
        and can_generate_claims(request.user, batch.region_id),
        "can_export_full_ids": can_export_full_id_numbers(request.user),
        "return_form": ReturnForm(),
    })


@login_required
@require_GET
@reads_from_replica()
def overview_print(request):
    """A region's month on one A4 sheet (补贴发放汇总表): counties × items, the total in capital figures, the
    batches by status, and the lines for the bureau's signatures and seal."""
    _form, month, region, summary, statuses = _overview_month(request)
    return render(request, "subsidies/overview_print.html", {
        "month": month, "region": region, "summary": summary, "statuses": statuses,
        "region_name": region_full_names(codes=[region]).get(region, "") if region else "",
        "total_in_words": amount_in_words(summary["total"]), "printed_on": timezone.localdate(),
    })


@login_required
@require_GET
def batch_print(request, batch_id):
    """The batch's summary on one A4 sheet (申报汇总表): totals by item, the total in capital figures,
    and the lines for signatures and seals; what the facility signs and the bureau files."""
    batch = batch_get_for_user(user=request.user, batch_id=batch_id)
    return render(request, "subsidies/batch_print.html", {
        "batch": batch,
        "totals": batch_totals_by_item(batch=batch),
        "people": batch_people_count(batch=batch),
        "total_in_words": amount_in_words(batch.total),
        "printed_on": timezone.localdate(),
    })


@login_required
@require_GET
def line_basis(request, batch_id, line_id):
    """How one line's amount was computed, in words: opened from the batch's table (htmx, when its
    "计算依据" is unfolded, so the table does not explain every line up front) or as a page of its own."""
    batch = batch_get_for_user(user=request.user, batch_id=batch_id)
    line = get_object_or_404(batch_lines(batch=batch), pk=line_id)
    facilities, regions = basis_names([line])
    template = "subsidies/_basis.html" if request.htmx else "subsidies/line_basis.html"
    return render(request, template, {
        "batch": batch, "line": line, "basis": explain(line, facilities=facilities, regions=regions),
    })


def _act(request, batch_id, action, done: str):
    """Run one batch action; a refusal (stale state, own submission, blocking checks) is shown as an error."""
    batch = batch_get_for_user(user=request.user, batch_id=batch_id)
    try:
        action(batch)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("subsidies:batch_detail", batch_id=batch.pk)


@login_required
@require_POST
def batch_submit_view(request, batch_id):
    return _act(request, batch_id, lambda batch: services.batch_submit(by=request.user, batch=batch),
                _("已提交审核，等待救助经办人员审核"))


@login_required
@require_POST
def batch_approve_view(request, batch_id):
    return _act(request, batch_id, lambda batch: services.batch_approve(by=request.user, batch=batch),
                _("已审核通过，该批次不再变动"))


@login_required
@require_POST
def batch_return_view(request, batch_id):
    reason = request.POST.get("reason", "")
    return _act(request, batch_id, lambda batch: services.batch_return(by=request.user, batch=batch, reason=reason),
                _("已退回，申报单位修正后可重新生成并提交"))


@login_required
@require_POST
def batch_mark_paid_view(request, batch_id):
    return _act(request, batch_id, lambda batch: services.batch_mark_paid(by=request.user, batch=batch),
                _("已登记发放"))


# --- generation ------------------------------------------------------------------------------------


@allowed_for(is_regional_clerk)  # the claims of the clerk's own region
def generation_create(request):
    initial = {
        "month": request.GET.get("month") or month_start(timezone.localdate()),
        "region": request.GET.get("region") or request.user.region_code,
    }
    form = GenerationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        call = lambda: services.generation_request(by=request.user, **form.cleaned_data)
        run = run_service(form, call)
        if run is not None:
            return redirect("subsidies:run_detail", run_id=run.pk)
    return render(request, "subsidies/generation_form.html", {
        "form": form, "runs": runs_visible_to(request.user)[:5],
    })


@login_required
def run_detail(request, run_id):
    """Progress of a generation; the partial polls itself every second while the run is queued or running."""
    run = run_get_for_user(user=request.user, run_id=run_id)
    processed = run.units_done + run.units_skipped
    template = "subsidies/_run_progress.html" if request.htmx else "subsidies/run_detail.html"
    return render(request, template, {
        "run": run,
        "processed": processed,
        "percent": 100 if run.status == RunStatus.DONE else run.percent,
        "active": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        "failure": run_failure(run),
    })


# --- overview --------------------------------------------------------------------------------------


def _county_table(rows: list[dict]) -> dict:
    """Totals by county (the first six digits of the batch's region) × item, with row and column totals."""
    cells: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    lines: dict[str, int] = defaultdict(int)
    for row in rows:
        county = row["batch__region_id"][:6]
        cells[county][row["item"]] += row["total"]
        lines[county] += row["lines"]
    names = counties_in(codes=cells)
    items = SubsidyItem.values
    table = [
        {
            "code": county, "name": names.get(county, county), "lines": lines[county],
            "amounts": [cells[county][item] for item in items], "total": sum(cells[county].values(), Decimal(0)),
        }
        for county in sorted(cells)
    ]
    return {
        "items": SubsidyItem.choices,
        "rows": table,
        "totals": [sum((row["amounts"][i] for row in table), Decimal(0)) for i in range(len(items))],
        "total": sum((row["total"] for row in table), Decimal(0)),
        "lines": sum(row["lines"] for row in table),
    }


def _overview_month(request) -> tuple:
    """The overview's form, month, region code, county × item table and batch statuses, as the page asked."""
    today = timezone.localdate()
    month, region = month_start(today), request.user.region_code or ""
    form = OverviewForm(request.GET or None, user=request.user, initial={"month": month, "region": region})
    if form.is_valid():
        month = form.cleaned_data["month"] or month
        if "region" in request.GET:
            region = form.cleaned_data["region"]
    prefix = region_scope_prefix(region) if region else ""
    summary = _county_table(region_month_summary(user=request.user, month=month, region_prefix=prefix))
    statuses = month_status_grid(
        batches=batches_visible_to(request.user).filter(region__code__startswith=prefix), months=[month]
    )[0]
    return form, month, region, summary, statuses


@login_required
@reads_from_replica()  # a region's month summed by county and item: a report, read from the replica
def overview(request):
    form, month, region, summary, statuses = _overview_month(request)
    return render(request, "subsidies/overview.html", {
        "form": form, "month": month, "region": region, "summary": summary,
        "statuses": statuses,
        "chart": {
            "labels": [row["name"] for row in summary["rows"]],
            "datasets": [
                {"label": str(label), "data": [float(row["amounts"][i]) for row in summary["rows"]]}
                for i, (_value, label) in enumerate(summary["items"])
            ],
        },
    })
