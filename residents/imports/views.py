"""The people import page: upload a sheet, match its columns (when its headers are not the template's),
see the preview, confirm; the import then runs as a background job whose page shows its progress.

Between the upload and the confirmation the uploaded file waits in IMPORT_DIR (private, never served) with a
random name that only this session knows; it is deleted when the import is applied, cancelled,
replaced by another upload, or found with problems. Files left behind by abandoned sessions are
removed on the next upload once the idle session timeout has passed.
"""
import io
import os
import re
import secrets
import time
from pathlib import Path, PurePath

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files import File
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.access import allowed_for
from facilities.scoping import can_register_people

from .background import people_import_start
from .columns import COLUMNS, column_letter
from .services import TEMPLATE_CSV, import_preview, sheet_columns, template_xlsx

PENDING = "people_import_pending"
SHOWN_PROBLEMS = 200
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ColumnMappingForm(forms.Form):
    """Which of the sheet's columns holds each field: one select per field, a column used once."""

    def __init__(self, *args, headers: list[str], suggested: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        blank = _("（无表头）")
        sheet = [(str(index), f"{column_letter(index)} · {header or blank}") for index, header in enumerate(headers)]
        for column in COLUMNS:
            self.fields[column.key] = forms.TypedChoiceField(
                label=column.label, required=column.required, coerce=int, empty_value=None,
                help_text=column.hint,
                choices=[("", _("请选择") if column.required else _("（不导入）")), *sheet],
                initial=(suggested or {}).get(column.key),
                error_messages={"required": _("请选择“%(field)s”在表格中的哪一列") % {"field": column.label}},
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def clean(self):
        cleaned = super().clean()
        used: dict[int, str] = {}
        for column in COLUMNS:
            index = cleaned.get(column.key)
            if index is None:
                continue
            if index in used:
                self.add_error(column.key, _("这一列已对应“%(field)s”，一列只能对应一个字段") % {"field": used[index]})
            else:
                used[index] = column.label
        return cleaned

    @property
    def mapping(self) -> dict[str, int]:
        return {key: index for key, index in self.cleaned_data.items() if index is not None}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("表格文件"),
        help_text=gettext_lazy(".xlsx 或 .csv，不超过 5 MB、5000 行"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv", "class": "form-control"}),
    )


def _imports_dir() -> Path:
    return Path(settings.IMPORT_DIR)


def _pending_path(pending) -> Path | None:
    token = pending.get("token", "") if isinstance(pending, dict) else ""
    suffix = pending.get("suffix", "") if isinstance(pending, dict) else ""
    if not re.fullmatch(r"[0-9a-f]{32}", token) or suffix not in (".csv", ".xlsx"):
        return None
    return _imports_dir() / f"{token}{suffix}"


def _discard_pending(request) -> None:
    path = _pending_path(request.session.pop(PENDING, None))
    if path is not None:
        path.unlink(missing_ok=True)


def _prune_abandoned() -> None:
    """Pending files older than the idle session timeout belong to sessions that are gone."""
    cutoff = time.time() - settings.SESSION_COOKIE_AGE
    for path in _imports_dir().glob("*.*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def _keep_pending(request, upload) -> None:
    folder = _imports_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    _prune_abandoned()
    token, suffix = secrets.token_hex(16), PurePath(upload.name).suffix.lower()
    upload.seek(0)
    descriptor = os.open(folder / f"{token}{suffix}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    request.session[PENDING] = {
        "token": token, "suffix": suffix, "name": upload.name[:200], "user": request.user.pk, "mapping": None,
    }


def _template_download(kind: str) -> FileResponse:
    if kind == "xlsx":
        return FileResponse(io.BytesIO(template_xlsx()), as_attachment=True, filename="人员导入模板.xlsx",
                            content_type=XLSX_TYPE)
    return FileResponse(TEMPLATE_CSV.open("rb"), as_attachment=True, filename="人员导入模板.csv",
                        content_type="text/csv; charset=utf-8")


def _page(request, form, *, problems=(), **context):
    problems = list(problems)
    return render(request, "residents/import.html", {
        "form": form,
        "columns": COLUMNS,
        "problems": problems[:SHOWN_PROBLEMS],
        "problem_count": len(problems),
        "hidden_problems": max(0, len(problems) - SHOWN_PROBLEMS),
        **context,
    })


def _pending_file(request) -> tuple[dict, Path] | None:
    """The sheet this user uploaded and has not yet imported or cancelled."""
    pending = request.session.get(PENDING)
    path = _pending_path(pending)
    if path is None or pending.get("user") != request.user.pk or not path.exists():
        _discard_pending(request)
        return None
    return pending, path


def _no_pending(request):
    messages.error(request, _("没有待导入的文件（可能已导入或已超时），请重新上传"))
    return redirect("people_import")


def _columns_page(request, pending, path, form=None):
    with path.open("rb") as handle:
        sheet = sheet_columns(user=request.user, file=File(handle, name=pending["name"]))
    if sheet.problems:
        _discard_pending(request)
        return _page(request, ImportUploadForm(), problems=sheet.problems)
    suggested = pending.get("mapping") or sheet.suggested
    form = form or ColumnMappingForm(headers=sheet.headers, suggested=suggested)
    return _page(request, ImportUploadForm(), mapping_form=form, sheet=sheet, filename=pending["name"],
                 sheet_columns=[(column_letter(index), header, " · ".join(value for value in samples if value))
                                for index, (header, samples) in enumerate(zip(sheet.headers, sheet.samples))])


def _preview_page(request, pending, path, mapping):
    with path.open("rb") as handle:
        preview = import_preview(user=request.user, file=File(handle, name=pending["name"]), mapping=mapping,
                                 request=request)
    if mapping is None and not preview.ok:
        _discard_pending(request)  # the template's columns: nothing to re-match, the sheet must be mended
    else:
        request.session[PENDING] = {**pending, "mapping": mapping}
    return _page(request, ImportUploadForm(), problems=preview.problems, preview=preview, filename=pending["name"],
                 mapped=mapping is not None)


def _map(request):
    found = _pending_file(request)
    if found is None:
        return _no_pending(request)
    pending, path = found
    with path.open("rb") as handle:
        sheet = sheet_columns(user=request.user, file=File(handle, name=pending["name"]))
    form = ColumnMappingForm(request.POST, headers=sheet.headers)
    if sheet.problems or not form.is_valid():
        return _columns_page(request, pending, path, form=form)
    return _preview_page(request, pending, path, form.mapping)


def _confirm(request):
    found = _pending_file(request)
    if found is None:
        return _no_pending(request)
    pending, path = found
    try:
        with path.open("rb") as handle:
            job = people_import_start(user=request.user, file=handle, name=pending["name"],
                                      mapping=pending.get("mapping"))
    finally:
        _discard_pending(request)
    return redirect(reverse("job_detail", args=[job.pk]))


@allowed_for(can_register_people)
def people_import(request):
    if request.method == "GET" and request.GET.get("template") in ("csv", "xlsx"):
        return _template_download(request.GET["template"])
    if request.method == "GET" and request.GET.get("step") == "columns":
        found = _pending_file(request)
        return _columns_page(request, *found) if found else _no_pending(request)
    if request.method == "POST" and request.POST.get("confirm") == "1":
        return _confirm(request)
    if request.method == "POST" and request.POST.get("map") == "1":
        return _map(request)
    if request.method == "POST" and request.POST.get("cancel") == "1":
        _discard_pending(request)
        messages.info(request, _("已取消导入"))
        return redirect("people_import")
    if request.method != "POST":
        return _page(request, ImportUploadForm())
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form)
    _discard_pending(request)
    upload = form.cleaned_data["file"]
    sheet = sheet_columns(user=request.user, file=upload)
    if sheet.problems:
        return _page(request, ImportUploadForm(), problems=sheet.problems)
    _keep_pending(request, upload)
    pending, path = _pending_file(request)
    if sheet.exact:
        return _preview_page(request, pending, path, None)
    return _columns_page(request, pending, path)
