"""CSV as Excel in China writes and reads it.

Reading: UTF-8 (with or without BOM) or GB18030 (a superset of the GBK that Excel in China saves),
never UTF-16, as text only, so no cell becomes a number. Writing: UTF-8 with a BOM (without it Excel
shows mojibake), and a cell that a spreadsheet would run as a formula starts with an apostrophe.
"""
import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _

BOM = "\ufeff"


def spreadsheet_text(value: str) -> str:
    """Keep spreadsheet programs from reading data as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def frame_csv(frame, **options) -> bytes:
    """A pandas frame as the bytes of a CSV file Excel opens (UTF-8 with BOM, no index column)."""
    return (BOM + frame.to_csv(index=False, **options)).encode("utf-8")


def csv_response(content: bytes | str, *, filename: str) -> HttpResponse:
    """A CSV file as a download."""
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class UnreadableCsv(Exception):
    """The file as a whole cannot be read; the message says why, in the user's language."""


def csv_rows(data: bytes, *, max_columns: int):
    """(row number, cells) of each row, numbered as a spreadsheet shows them (the first is 1)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableCsv(_("不支持 UTF-16 编码的文件，请另存为“CSV UTF-8（逗号分隔）”"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableCsv(_("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV"))
    if "\x00" in text:
        raise UnreadableCsv(_("文件中有空字符，不是 CSV 文本文件"))
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            yield number, cells[:max_columns]
    except csv.Error as exc:
        raise UnreadableCsv(_("CSV 格式有误（%(detail)s），请用 Excel 重新另存为 CSV") % {"detail": exc}) from exc

