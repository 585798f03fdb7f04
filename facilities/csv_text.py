"""Reading a CSV file people saved from Excel: UTF-8 (with or without BOM) or GB18030 (a superset
of the GBK that Excel in China saves), never UTF-16, as text only, so no cell becomes a number."""
import csv
import io

from django.utils.translation import gettext as _


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

