"""A claims spreadsheet built and its taking recorded, the same for a download in the request (one
batch, the API) and for a background job (a filtered list, up to a province's month).

Whole ID numbers are released only to the roles facilities.scoping allows; the payment roster has its
own file name and is marked on every printed page with who took it and when. Every export writes an
access record when the file is handed over (subsidies.exports.views, accounts.jobs' download).
"""
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.audit import access_record
from accounts.models import AccessAction
from facilities.scoping import can_export_full_id_numbers, can_read_personal_data
from facilities.selectors import region_policy

from ..models import ClaimBatch
from .files import ExportFile, claims_csv, claims_xlsx
from .selectors import batch_rows, line_rows

#: How often a background export reports the lines written so far.
PROGRESS_EVERY = 5000


@dataclass(frozen=True)
class ClaimsFileName:
    name: str  # Chinese, for browsers that read filename*
    ascii_name: str


def file_part(text: str) -> str:
    """A payer name made safe for a file name on any system."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text)


def claims_file_name(*, name: str, ascii_name: str, full_ids: bool) -> ClaimsFileName:
    if full_ids:  # the payment roster: its own name, never mistaken for the masked file
        return ClaimsFileName(f"{name}_发放名册_含完整身份证号", f"{ascii_name}-payment-roster-full-ids")
    return ClaimsFileName(name, ascii_name)


def check_may_export_claims(user, *, full_ids: bool) -> None:
    if full_ids and not can_export_full_id_numbers(user):
        raise PermissionDenied
    if not can_read_personal_data(user):
        raise PermissionDenied  # administrators: claim lines name people (facilities.scoping)


def roster_carries_accounts(user) -> bool:
    """The payment roster has the bank-account columns where the user's region records accounts."""
    return bool(user.region_code) and region_policy(
        region_code=user.region_code, on=timezone.localdate()).records_bank_accounts


def _counted(rows: Iterable[tuple], report: Callable[[int], None]) -> Iterator[tuple]:
    count = 0
    for count, row in enumerate(rows, start=1):
        yield row
        if count % PROGRESS_EVERY == 0:
            report(count)
    report(count)


def claims_file(*, user, batches: QuerySet[ClaimBatch], fmt: str, full_ids: bool,
                report: Callable[[int], None] | None = None) -> ExportFile:
    """The spreadsheet of every line of these batches (already scoped) that the user may see."""
    check_may_export_claims(user, full_ids=full_ids)
    accounts = full_ids and roster_carries_accounts(user)
    lines = line_rows(user=user, batches=batches)
    if report is not None:
        lines = _counted(lines, report)
    if fmt == "xlsx":
        marking = (
            f"发放名册 含完整身份证号码 仅限发放使用 不得外传 · 导出：{user.full_name or user.username}"
            f" {timezone.localtime():%Y-%m-%d %H:%M}"
        ) if full_ids else ""
        return claims_xlsx(batches=batch_rows(batches=batches), lines=lines, full_ids=full_ids, marking=marking,
                           accounts=accounts)
    return claims_csv(lines=lines, full_ids=full_ids, accounts=accounts)


def claims_export_recorded(request, *, fmt: str, full_ids: bool, target: str, what, lines: int) -> None:
    """The access record of a claims file handed to the requesting user."""
    access_record(
        request=request, action=AccessAction.EXPORT_PERSONAL if full_ids else AccessAction.EXPORT, target=target,
        detail=gettext_lazy("补贴申报 %(format)s（%(ids)s），%(what)s，%(lines)s 行"),
        params={
            "format": fmt.upper(), "ids": gettext_lazy("完整身份证号码") if full_ids else gettext_lazy("身份证号码已脱敏"),
            "what": what, "lines": lines,
        },
    )
