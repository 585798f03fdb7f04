"""Scoped reads of standards, batches, lines and summaries: every page, endpoint and export uses these."""
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.http import Http404

from facilities.models import Region
from facilities.rules import region_ancestors
from facilities.scoping import claim_batch_scope_q, regions_visible_to, user_region_prefix
from facilities.selectors import region_prefix_q

from .models import ClaimBatch, ClaimLine, GenerationRun, SubsidyStandard


def batches_visible_to(user) -> QuerySet[ClaimBatch]:
    q = claim_batch_scope_q(user)
    return ClaimBatch.objects.none() if q is None else ClaimBatch.objects.filter(q)


@dataclass(frozen=True)
class BatchFilters:
    month: date | None = None
    status: str = ""
    region: str = ""
    kind: str = ""  # "facility" or "township"
    q: str = ""


def batch_list(*, user, filters: BatchFilters = BatchFilters()) -> QuerySet[ClaimBatch]:
    """Batches the user may see, filtered, with payer names preloaded. One query."""
    batches = batches_visible_to(user).select_related("facility", "township", "region")
    if filters.month:
        batches = batches.filter(month=filters.month)
    if filters.status:
        batches = batches.filter(status=filters.status)
    if filters.region:
        batches = batches.filter(region_prefix_q(filters.region))  # an abolished county's code finds what moved
    if filters.kind == "facility":
        batches = batches.filter(facility__isnull=False)
    elif filters.kind == "township":
        batches = batches.filter(township__isnull=False)
    if filters.q:
        batches = batches.filter(Q(facility__name__icontains=filters.q) | Q(township__name__icontains=filters.q))
    return batches.order_by("-month", "region_id", "id")


def batch_get_for_user(*, user, batch_id: int) -> ClaimBatch:
    batch = batches_visible_to(user).select_related(
        "facility", "township", "region", "generated_by", "submitted_by", "reviewed_by"
    ).filter(pk=batch_id).first()
    if batch is None:
        raise Http404("batch")
    return batch


def batch_lines(*, batch: ClaimBatch) -> QuerySet[ClaimLine]:
    """A batch's lines with the person preloaded (the corrected line's batch month for adjustments)."""
    return batch.lines.select_related("person", "corrects__batch").order_by("person__name", "person_id", "item",
                                                                           "adjusts_month")


def with_basis(lines: list[ClaimLine]) -> None:
    """Load the basis of lines read without it (a page of a batch). One query."""
    bases = dict(ClaimLine.objects.filter(pk__in=[line.pk for line in lines]).values_list("pk", "basis"))
    for line in lines:
        line.basis = bases[line.pk]


def batch_totals_by_item(*, batch: ClaimBatch) -> list[dict]:
    return list(batch.lines.values("item").annotate(
        total=Sum("amount"), lines=Count("id"), people=Count("person_id", distinct=True),
    ).order_by("item"))


def batch_people_count(*, batch: ClaimBatch) -> int:
    return batch.lines.values("person_id").distinct().count()


def lines_for_export(*, user, batches: QuerySet[ClaimBatch]) -> QuerySet[ClaimLine]:
    """Lines of the given (already scoped) batches, flat, for the spreadsheet exports."""
    return ClaimLine.objects.filter(batch__in=batches.filter(pk__in=batches_visible_to(user).values("pk"))).order_by(
        "batch__region_id", "batch_id", "person__name", "person_id", "item", "adjusts_month"
    )


def region_month_summary(*, user, month: date, region_prefix: str = "") -> list[dict]:
    """Totals by county and item for a month across every visible batch. One query."""
    rows = (
        ClaimLine.objects.filter(batch__in=batches_visible_to(user).filter(month=month,
                                                                           region__code__startswith=region_prefix))
        .values("batch__region_id", "item")
        .annotate(total=Sum("amount"), lines=Count("id"), people=Count("person_id", distinct=True))
        .order_by("batch__region_id", "item")
    )
    return list(rows)


def status_counts(*, user, month: date) -> dict[str, int]:
    rows = batches_visible_to(user).filter(month=month).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def standards_visible_to(user) -> QuerySet[SubsidyStandard]:
    """National defaults and the standards of the regions above and within the user's scope."""
    prefix = user_region_prefix(user)
    if prefix is None:
        regions = regions_visible_to(user).values_list("code", flat=True)
        above = {code for region in regions for code in region_ancestors(region)}
        return SubsidyStandard.objects.filter(Q(region__isnull=True) | Q(region_id__in=above))
    if not prefix:
        return SubsidyStandard.objects.all()
    user_code = user.region_code
    return SubsidyStandard.objects.filter(
        Q(region__isnull=True) | Q(region__code__startswith=prefix) | Q(region_id__in=region_ancestors(user_code))
    )


def standard_list(*, user, item: str = "", on: date | None = None) -> QuerySet[SubsidyStandard]:
    standards = standards_visible_to(user).select_related("region")
    if item:
        standards = standards.filter(item=item)
    if on:
        standards = standards.filter(effective_from__lte=on).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
    return standards


def runs_visible_to(user) -> QuerySet[GenerationRun]:
    q = claim_batch_scope_q(user)
    if q is None or user_region_prefix(user) is None:
        return GenerationRun.objects.none()
    prefix = user_region_prefix(user)
    return GenerationRun.objects.filter(region__code__startswith=prefix).select_related("region", "requested_by")


def run_get_for_user(*, user, run_id: int) -> GenerationRun:
    run = runs_visible_to(user).filter(pk=run_id).first()
    if run is None:
        raise Http404("run")
    return run


def counties_in(*, codes) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=set(codes)).values_list("code", "name"))


def region_full_names(*, codes) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=set(codes)).values_list("code", "full_name"))


def claim_totals_by_person(person_ids) -> dict[int, dict]:
    """Claim lines, amount and first and last month per person (common.reactions.person_claims): the
    relatives register shows them for people the reader may already see, so no scope applies here."""
    return {
        row["person_id"]: {"lines": row["lines"], "total": row["total"], "first_month": row["first"], "last_month": row["last"]}
        for row in ClaimLine.objects.filter(person_id__in=list(person_ids))
        .values("person_id").annotate(lines=Count("id"), total=Sum("amount"), first=Min("batch__month"), last=Max("batch__month"))
        .order_by()
    }
