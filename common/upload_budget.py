"""Every uploaded spreadsheet is read within a budget, checked before any parser builds anything.

A small file can ask for a lot of work: an .xlsx is a zip of XML parts, so 150 KB can unpack to
100 MB of empty shared strings, 6 KB to 700,000 cell styles, and a sheet can declare a million
(blank) rows. openpyxl builds every shared string and style in memory when it opens a workbook,
and walks every declared row. So `check_xlsx` looks at the zip first (number of parts, unpacked
size of each and of all), then streams every XML part through expat with counters that stop at
the first number over budget: shared strings (`<si>`), styles (`<xf>`), elements per part, and in
each worksheet the declared dimension, the rows and the cells. `budgeted_rows` then counts every
row a reader yields, blank ones too, and stops at the row limit or the time limit. Both raise
`UploadRefused` with a sentence for the user (in their language); nothing is stored before.
A document type declaration (the way to entity bombs and external entities) is refused outright:
no spreadsheet program writes one.
"""
import io
import re
import time
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from django.utils.translation import gettext as _

MB = 1024 * 1024
CHUNK = 64 * 1024


@dataclass(frozen=True)
class SheetBudget:
    """What one upload may cost. `max_rows` counts the rows under the header, blank rows included."""

    max_bytes: int = 5 * MB
    max_rows: int = 5000
    max_columns: int = 100
    max_cells: int = 200_000
    max_parts: int = 1000
    max_part_bytes: int = 32 * MB
    max_unpacked_bytes: int = 100 * MB
    max_shared_strings: int = 200_000
    max_styles: int = 10_000
    max_elements: int = 1_000_000  # per XML part other than a worksheet
    max_seconds: float = 10.0  # reading the rows, after the checks

    @property
    def max_sheet_rows(self) -> int:
        return self.max_rows + 1  # and the header


class UploadRefused(Exception):
    """The file as a whole is not read; the message says why, in the user's language."""


def too_many_rows(budget: SheetBudget) -> UploadRefused:
    return UploadRefused(_("表中超过 %(limit)s 行（空行也计算在内），请删除多余的行或拆分后分批导入")
                         % {"limit": budget.max_rows})


def budgeted_rows(rows, budget: SheetBudget):
    """(number, cells) from `rows`, refused past the row limit (every row counts) or the time limit."""
    deadline = time.monotonic() + budget.max_seconds
    for count, (number, cells) in enumerate(rows, start=1):
        if max(count, number) > budget.max_sheet_rows:
            raise too_many_rows(budget)
        if time.monotonic() > deadline:
            raise UploadRefused(_("读取表格超时，请删除多余的行、列和格式后再导入"))
        yield number, cells


def check_xlsx(data: bytes, budget: SheetBudget) -> None:
    """Refuse an .xlsx whose parts would cost more than the budget to open; reads no cell."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if len(parts) > budget.max_parts:
                raise UploadRefused(_("表格文件内部的部件过多，请用 Excel 重新保存"))
            if sum(part.file_size for part in parts) > budget.max_unpacked_bytes or any(
                    part.file_size > budget.max_part_bytes for part in parts):
                raise UploadRefused(_("表格解压后过大，请拆分后分批导入"))
            for part in parts:
                if not part.is_dir():
                    _PartCounter(budget).scan(archive, part)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError, OSError) as exc:
        raise UploadRefused(_("不是有效的 .xlsx 文件，请用 Excel 重新保存")) from exc


_CELL = re.compile(r"[A-Z]{1,3}(\d+)")


class _PartCounter:
    """Counts what one XML part asks openpyxl to build, and stops at the first number over budget."""

    def __init__(self, budget: SheetBudget):
        self.budget = budget
        self.elements = self.strings = self.styles = self.rows = self.cells = 0
        self.worksheet = None  # unknown until the root element

    def scan(self, archive, part) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = self._start
        parser.StartDoctypeDeclHandler = self._doctype
        try:
            with archive.open(part) as stream:
                while chunk := stream.read(CHUNK):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except expat.ExpatError:
            return  # not XML (an image) or damaged: openpyxl says so if it needs the part

    def _doctype(self, *args):
        raise UploadRefused(_("表格文件中含有文档类型声明，不能导入；请用 Excel 重新保存"))

    def _start(self, name, attributes):
        tag = name.rpartition(" ")[2]
        if self.worksheet is None:
            self.worksheet = tag == "worksheet"
        if self.worksheet:
            self._sheet(tag, attributes)
            return
        self.elements += 1
        if self.elements > self.budget.max_elements:
            raise UploadRefused(_("表格文件内部结构过于复杂，请用 Excel 重新保存或另存为 CSV"))
        if tag == "si":
            self.strings += 1
            if self.strings > self.budget.max_shared_strings:
                raise UploadRefused(_("表格中的文字单元格超过 %(limit)s 个，请删除多余的行和列后再导入")
                                    % {"limit": self.budget.max_shared_strings})
        elif tag == "xf":
            self.styles += 1
            if self.styles > self.budget.max_styles:
                raise UploadRefused(_("表格中的单元格格式超过 %(limit)s 种，请清除格式或另存为 CSV 后再导入")
                                    % {"limit": self.budget.max_styles})

    def _sheet(self, tag, attributes):
        if tag == "dimension":
            last = attributes.get("ref", "").rpartition(":")[2]
            match = _CELL.fullmatch(last.replace("$", ""))
            if match and int(match.group(1)) > self.budget.max_sheet_rows:
                raise UploadRefused(_("工作表的使用范围超过 %(limit)s 行（可能有大量空行或整列格式），"
                                      "请删除多余的行后再导入") % {"limit": self.budget.max_rows})
        elif tag == "row":
            self.rows += 1
            number = attributes.get("r", "")
            if self.rows > self.budget.max_sheet_rows or (number.isdigit() and int(number) > self.budget.max_sheet_rows):
                raise too_many_rows(self.budget)
        elif tag == "c":
            self.cells += 1
            if self.cells > self.budget.max_cells:
                raise UploadRefused(_("表格中的单元格超过 %(limit)s 个，请删除多余的行和列后再导入")
                                    % {"limit": self.budget.max_cells})
