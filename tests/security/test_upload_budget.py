"""Uploads are read within a budget: hostile spreadsheets, built here, are refused fast and leave nothing.

Each file is small on the wire and expensive to open: a 150 KB sharedStrings.xml that unpacks to
75 MB of empty strings (and one of 30 MB, within the size of a part but not the count of strings), 700,000 cell styles, a sheet that declares a million rows, blank rows past
the row limit (which used to be skipped before counting). Each is posted to the people import page
as a facility manager and must be refused within 2 s with a sentence in Chinese (and in English
when the user switched), with no person written and no file kept for confirmation.
"""
import csv
import io
import time
import zipfile
import zlib
from unittest import mock

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common.upload_budget import SheetBudget, UploadRefused, budgeted_rows, check_xlsx
from residents.models import Person

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号码", "户籍地代码", "户籍类型"]
ROW = ["张三", "62100219450315001X", "621002", "农村"]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook_bytes(rows=(ROW,)) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def replace_parts(data: bytes, parts: dict) -> bytes:
    """The workbook with some parts replaced (or added): name → bytes, or name → writer(stream)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            if name not in parts:
                target.writestr(name, source.read(name))
        for name, content in parts.items():
            if callable(content):
                with target.open(name, "w") as stream:
                    content(stream)
            else:
                target.writestr(name, content)
    return out.getvalue()


class _Repeating:
    """A deflate compressor for a stream of one repeated chunk: compressed once, then repeated."""

    def __init__(self):
        self.engine = zlib.compressobj(9, zlib.DEFLATED, -15)
        self.cache = {}

    def compress(self, data):
        if data not in self.cache:
            self.cache[data] = self.engine.compress(data) + self.engine.flush(zlib.Z_FULL_FLUSH)
        return self.cache[data]

    def flush(self):
        return self.engine.flush()


def shared_strings_bomb(megabytes: int = 75) -> bytes:
    """About 150 KB on the wire; sharedStrings.xml unpacks to 75 MB (6 million empty strings)."""
    chunk = b"<si><t/></si>" * 80_000

    def write(stream):
        stream.write(f'<sst xmlns="{MAIN}">'.encode())
        for _ in range(megabytes * 1024 * 1024 // len(chunk)):
            stream.write(chunk)
        stream.write(b"</sst>")

    with mock.patch("zipfile._get_compressor", lambda *args, **kwargs: _Repeating()):
        return replace_parts(workbook_bytes(), {"xl/sharedStrings.xml": write})


def shared_strings_within_part_size() -> bytes:
    """30 MB of empty strings: under the size of one part, far over the number of strings."""
    return shared_strings_bomb(30)


def styles_bomb() -> bytes:
    """700,000 <xf/> in styles.xml, a few KB on the wire."""
    xfs = b"<xf/>" * 700_000
    styles = (f'<styleSheet xmlns="{MAIN}"><cellXfs count="700000">'.encode() + xfs + b"</cellXfs></styleSheet>")
    return replace_parts(workbook_bytes(), {"xl/styles.xml": styles})


def million_rows_declared() -> bytes:
    data = workbook_bytes()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    return replace_parts(data, {"xl/worksheets/sheet1.xml": sheet.replace(b'ref="A1:D2"', b'ref="A1:D1000000"')})


def blank_rows_xlsx() -> bytes:
    """A person on row 2 and another on row 6003: 6,000 blank rows between them."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(ROW)
    sheet.cell(row=6003, column=1, value="李四")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def blank_rows_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerow(ROW)
    for _ in range(6000):
        writer.writerow([])
    writer.writerow(["李四", "62100219450315002X", "621002", "农村"])
    return buffer.getvalue().encode("utf-8-sig")


HOSTILE = {
    "shared strings bomb": ("bomb.xlsx", shared_strings_bomb, "解压后过大", "too large when unpacked"),
    "2.4 million shared strings": ("strings.xlsx", shared_strings_within_part_size, "文字单元格超过", "text cells"),
    "700,000 styles": ("styles.xlsx", styles_bomb, "单元格格式超过", "cell formats"),
    "a million rows declared": ("rows.xlsx", million_rows_declared, "使用范围超过 5000 行", "5000 rows"),
    "blank rows in xlsx": ("blank.xlsx", blank_rows_xlsx, "超过 5000 行", "5000 rows"),
    "blank rows in csv": ("blank.csv", blank_rows_csv, "超过 5000 行", "5000 rows"),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_upload_is_refused_within_two_seconds_and_nothing_is_kept(kind, cast, login, import_page, tmp_path):
    name, build, says, _english = HOSTILE[kind]
    content = build()
    assert len(content) < 300 * 1024, "the file is small on the wire"
    client = login(cast["manager_a"])

    started = time.monotonic()
    response = client.post(import_page, {"file": SimpleUploadedFile(name, content)})
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    page = response.content.decode()
    assert says in page and "import-problems" in page and "确认导入" not in page
    assert elapsed < 2, f"{kind}: refused after {elapsed:.1f} s"
    assert not Person.objects.exists()
    assert not (tmp_path / "imports").exists() or not list((tmp_path / "imports").iterdir())


@pytest.mark.parametrize("kind", HOSTILE)
def test_the_refusal_reads_in_english_too(kind, cast, login, import_page):
    name, build, _says, english = HOSTILE[kind]
    client = login(cast["manager_a"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.post(import_page, {"file": SimpleUploadedFile(name, build())}).content.decode()
    assert english in page


def test_a_document_type_declaration_is_refused():
    data = replace_parts(workbook_bytes(), {"xl/sharedStrings.xml": (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">]>'
        b'<sst xmlns="' + MAIN.encode() + b'"><si><t>&a;</t></si></sst>')})
    with pytest.raises(UploadRefused, match="文档类型声明"):
        check_xlsx(data, SheetBudget())


def test_a_sheet_of_5000_rows_passes_the_checks_quickly():
    data = workbook_bytes([ROW] * 5000)
    started = time.monotonic()
    check_xlsx(data, SheetBudget())
    assert time.monotonic() - started < 1


def test_every_row_counts_toward_the_limit_blank_ones_too():
    budget = SheetBudget(max_rows=3)
    rows = [(1, ["header"]), (2, []), (3, []), (4, ["x"])]
    assert list(budgeted_rows(rows, budget)) == rows
    with pytest.raises(UploadRefused):
        list(budgeted_rows([*rows, (5, [])], budget))
    with pytest.raises(UploadRefused):
        list(budgeted_rows([(1, ["header"]), (900, ["x"])], budget))


def test_blank_rows_past_the_calendar_limit_are_refused(cast, login):
    client = login(cast["admin"])
    text = "日期,类型,节日,通知\n2027-01-01,放假,元旦,国务院办公厅关于2027年部分节假日安排的通知\n" + "\n" * 2500
    page = client.post(reverse("calendar_upload"), {"file": SimpleUploadedFile("c.csv", text.encode())})
    assert "超过 2000 行" in page.content.decode()
