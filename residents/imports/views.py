"""The people import page: upload a sheet, see the preview, confirm.

Between the preview and the confirmation the uploaded file waits in IMPORT_DIR (private, never served) with a
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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.access import allowed_for
from facilities.scoping import can_register_people

from .services import (
    COLUMNS,
    TEMPLATE_CSV,
    import_apply,
    import_preview,
    template_xlsx,
)

PENDING = "people_import_pending"
SHOWN_PROBLEMS = 200
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    request.session[PENDING] = {"token": token, "suffix": suffix, "name": upload.name[:200], "user": request.user.pk}


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


def _confirm(request):
    pending = request.session.get(PENDING)
    path = _pending_path(pending)
    if path is None or pending.get("user") != request.user.pk or not path.exists():
        _discard_pending(request)
        messages.error(request, _("没有待导入的文件（可能已导入或已超时），请重新上传"))
        return redirect("people_import")
    try:
        with path.open("rb") as handle:
            result = import_apply(user=request.user, file=File(handle, name=pending["name"]), request=request)
    finally:
        _discard_pending(request)
    if not result.applied:
        return _page(request, ImportUploadForm(), problems=result.problems, stale=True)
    messages.success(request, _("已导入：新增 %(new)s 人，已登记 %(existing)s 人（跳过），入住 %(stays)s 条") % {
        "new": result.created_people, "existing": result.skipped_people, "stays": result.created_stays,
    })
    return redirect("people_import")


@allowed_for(can_register_people)
def people_import(request):
    if request.method == "GET" and request.GET.get("template") in ("csv", "xlsx"):
        return _template_download(request.GET["template"])
    if request.method == "POST" and request.POST.get("confirm") == "1":
        return _confirm(request)
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
    preview = import_preview(user=request.user, file=upload, request=request)
    if preview.ok:
        _keep_pending(request, upload)
    return _page(request, ImportUploadForm(), problems=preview.problems, preview=preview, filename=upload.name)
