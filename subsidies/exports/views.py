"""Spreadsheet downloads of claims: one batch, the filtered batch list, the region-month overview.

The web pages and the API (subsidies.api) both answer through the `*_download` functions here, so
a download is scoped, permission-checked and logged the same way from either: every export writes
an access record, and whole ID numbers are released only to the roles facilities.scoping allows,
recorded as a personal-data export.

The pages' downloads read from the replica when one is configured (common.replica): a province's
month is the heaviest read there is; the access record is a write and goes to the primary. The API's
stay on the primary: another system sends no cookie that would keep its reads there after its writes.
"""
from dataclasses import asdict
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from pydantic import ValidationError as SchemaError

from accounts.audit import access_record
from accounts.models import AccessAction
from common.replica import reads_from_replica
from facilities.rules import region_scope_prefix

from ..models import ClaimBatch
from ..schemas import BatchExportIn, BatchListExportIn, OverviewExportIn
from ..selectors import BatchFilters, batch_get_for_user, batch_list
from .background import claims_export_start
from .claims import claims_export_recorded, claims_file, claims_file_name, file_part
from .files import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, overview_csv, overview_xlsx
from .selectors import county_rows

FORMATS = ("xlsx", "csv")


def _attachment(content: bytes, *, fmt: str, name: str, ascii_name: str) -> HttpResponse:
    """A download named in Chinese for browsers that read filename*, in ASCII for the rest; never cached."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE if fmt == "xlsx" else CSV_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}.{fmt}\"; filename*=UTF-8''{quote(f'{name}.{fmt}')}"
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def _claims_download(request, *, batches, fmt: str, full_ids: bool, target: str, what: str, name: str,
                     ascii_name: str) -> HttpResponse:
    export = claims_file(user=request.user, batches=batches, fmt=fmt, full_ids=full_ids)
    claims_export_recorded(request, fmt=fmt, full_ids=full_ids, target=target, what=what, lines=export.lines)
    named = claims_file_name(name=name, ascii_name=ascii_name, full_ids=full_ids)
    return _attachment(export.content, fmt=fmt, name=named.name, ascii_name=named.ascii_name)


def batch_download(request, *, batch: ClaimBatch, fmt: str, full_ids: bool) -> HttpResponse:
    """One batch (already fetched for this user) as a spreadsheet."""
    month = f"{batch.month:%Y-%m}"
    return _claims_download(
        request, batches=ClaimBatch.objects.filter(pk=batch.pk), fmt=fmt, full_ids=full_ids,
        target=f"claim_batch:{batch.pk}", what=f"{month} {batch.payer_name}",
        name=f"补贴申报_{month}_{file_part(batch.payer_name)}", ascii_name=f"subsidy-claims-{month}-batch-{batch.pk}",
    )


def batch_list_download(request, *, filters: BatchFilters, fmt: str, full_ids: bool) -> HttpResponse:
    """Every line of the batches the user sees under these filters."""
    month = f"{filters.month:%Y-%m}" if filters.month else ""
    shown = ", ".join(f"{key}={value}" for key, value in asdict(filters).items() if value)
    return _claims_download(
        request, batches=batch_list(user=request.user, filters=filters), fmt=fmt, full_ids=full_ids,
        target="claim_batch_list", what=format_lazy("{}{}", gettext_lazy("筛选："), shown or gettext_lazy("无")),
        name=f"补贴申报_{month or '全部'}", ascii_name=f"subsidy-claims-{month or 'all'}",
    )


def overview_download(request, *, params: OverviewExportIn) -> HttpResponse:
    """A month's totals by county and item across the batches the user sees."""
    month = params.month or timezone.localdate().replace(day=1)
    prefix = region_scope_prefix(params.region) if params.region else ""
    counties = county_rows(user=request.user, month=month, region_prefix=prefix)
    build = overview_xlsx if params.format == "xlsx" else overview_csv
    content = build(month=month, counties=counties)
    access_record(
        request=request, action=AccessAction.EXPORT, target="claim_overview",
        detail=gettext_lazy("补贴汇总 %(format)s，%(month)s，区划：%(region)s"),
        params={"format": params.format.upper(), "month": f"{month:%Y-%m}", "region": params.region or gettext_lazy("全部")},
    )
    return _attachment(content, fmt=params.format, name=f"补贴汇总_{month:%Y-%m}",
                       ascii_name=f"subsidy-overview-{month:%Y-%m}")


def _query(request, schema, **path):
    """The query string read with the API's schema; blank form fields count as not given."""
    given = {key: value for key, value in request.GET.items() if value != ""}
    try:
        return schema.model_validate({**given, **path})
    except SchemaError as error:
        raise BadRequest(error) from error


def _form(request, schema):
    """A form's fields read with the API's schema; blank fields count as not given."""
    given = {key: value for key, value in request.POST.items() if value != "" and key != "csrfmiddlewaretoken"}
    try:
        return schema.model_validate(given)
    except SchemaError as error:
        raise BadRequest(error) from error


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404("format")
    return fmt


@login_required
@reads_from_replica()
def batch_export(request, batch_id, fmt):
    params = _query(request, BatchExportIn, format=_format(fmt))
    batch = batch_get_for_user(user=request.user, batch_id=batch_id)
    return batch_download(request, batch=batch, fmt=params.format, full_ids=params.full_ids)


@login_required
@reads_from_replica()
def batch_list_export(request, fmt):
    params = _query(request, BatchListExportIn, format=_format(fmt))
    return batch_list_download(request, filters=params.as_filters(), fmt=params.format, full_ids=params.full_ids)


@login_required
@reads_from_replica()
def overview_export(request, fmt):
    return overview_download(request, params=_query(request, OverviewExportIn, format=_format(fmt)))


@login_required
@require_POST
def batch_list_export_start(request):
    """The page's export of a filtered list: built in the background, taken from the job's page."""
    params = _form(request, BatchListExportIn)
    job = claims_export_start(user=request.user, filters=params.as_filters(), fmt=params.format,
                              full_ids=params.full_ids)
    return redirect("job_detail", job.pk)
