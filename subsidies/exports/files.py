"""Claim spreadsheets: `.xlsx` (汇总 by payer unit and item, 明细 line by line) and `.csv` (明细).

Rows come from subsidies.exports.selectors (the lines as a stream of tuples, shaped with pandas a
chunk at a time and written row by row, so a province's month needs neither minutes nor gigabytes);
bytes go out. Every value lands in a cell as what it
is: text as a text cell (an ID number never becomes 1.23E+17, a name such as "=1+2" never becomes
a formula), money as a number shown with two decimals. Sums are taken in whole fen, so the summary
adds up to the cent. The CSV is UTF-8 with a BOM so Excel opens it, and its text is neutralised the
way facilities.exports does, since a CSV cell has no type.
"""
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import islice

import pandas as pd
from django.utils import translation
from django.utils.html import escape

from common.csv_text import BOM, spreadsheet_text
from common.field_crypto import UnreadableSecret, secret_decrypt
from residents.models import SelfCareCategory, SupportForm
from residents.rules import mask_id_number

from ..models import BatchStatus, LineFlag, SubsidyItem
from .selectors import LINE_FIELDS

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


SUMMARY_SHEET, DETAIL_SHEET = "汇总", "明细"
DETAIL_COLUMNS = [
    "月份", "行政区划", "申报单位", "姓名", "身份证号码", "项目", "供养方式", "生活自理能力", "计发天数", "金额",
    "上月金额", "补差月份", "提示",
]
MONEY_COLUMNS = {"金额", "上月金额", "合计"}
TOTAL = "合计"
WIDTHS = {
    "月份": 9, "行政区划": 30, "行政区划代码": 13, "县（市、区）": 16, "申报单位": 30, "状态": 8, "人数": 8,
    "明细数": 8, "姓名": 12, "身份证号码": 21, "项目": 15, "供养方式": 10, "生活自理能力": 22, "计发天数": 9,
    "金额": 12, "上月金额": 12, "补差月份": 10, "提示": 36, TOTAL: 14,
}
ITEM_WIDTH = 15

#: Lines are read and shaped this many at a time, so a province's month never sits in memory twice.
CHUNK_ROWS = 20_000

CSV_TEXT = ["行政区划", "申报单位", "姓名", "身份证号码", "开户银行", "银行账号", "提示"]
#: The payment roster of a region that records accounts carries them after the ID number.
ACCOUNT_COLUMNS = ["开户银行", "银行账号"]
UNREADABLE_ACCOUNT = "（无法解密，请重新登记）"


def _columns(accounts: bool) -> list[str]:
    if not accounts:
        return DETAIL_COLUMNS
    at = DETAIL_COLUMNS.index("身份证号码") + 1
    return [*DETAIL_COLUMNS[:at], *ACCOUNT_COLUMNS, *DETAIL_COLUMNS[at:]]


def _account(token: str) -> str:
    try:
        return secret_decrypt(token)
    except UnreadableSecret:
        return UNREADABLE_ACCOUNT


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    lines: int


def _items() -> list[tuple[str, str]]:
    return [(item.value, str(item.label)) for item in SubsidyItem]


def _month(value: date | None) -> str:
    return f"{value:%Y-%m}" if value else ""


def _fen(amount: Decimal) -> int:
    return int(amount * 100)


def _chunks(rows: Iterable[tuple], size: int = CHUNK_ROWS) -> Iterator[list[tuple]]:
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


class _Labels:
    """The display words of a line's codes, looked up once per export (in the current language)."""

    def __init__(self):
        self.forms = {value: str(label) for value, label in SupportForm.choices}
        self.categories = {value: str(label) for value, label in SelfCareCategory.choices}
        self.flags = {flag.value: str(flag.label) for flag in LineFlag}
        self.items = dict(_items())
        self.months: dict = {}

    def month(self, value) -> str:
        if value not in self.months:
            self.months[value] = _month(value)
        return self.months[value]

    def flag_text(self, flags_json: str | None) -> str:
        flags = json.loads(flags_json) if flags_json and flags_json != "[]" else ()
        return "；".join(self.flags.get(flag, flag) for flag in flags) if flags else ""


def _detail(rows: list[tuple], *, full_ids: bool, labels: _Labels, accounts: bool = False) -> pd.DataFrame:
    """One row per line, with the hidden keys the summary groups by (batch_id, person_id, item, fen)."""
    raw = pd.DataFrame.from_records(rows, columns=LINE_FIELDS)
    facility, township = raw["batch__facility__name"], raw["batch__township__name"]
    ids = raw["person__id_number"]
    amounts = raw["amount"]
    return pd.DataFrame({
        "batch_id": raw["batch_id"], "person_id": raw["person_id"], "item": raw["item"],
        "fen": [_fen(amount) for amount in amounts],
        "月份": [labels.month(value) for value in raw["batch__month"]],
        "行政区划": raw["batch__region__full_name"],
        "申报单位": facility.where(facility.notna() & (facility != ""), township),
        "姓名": raw["person__name"],
        "身份证号码": ids if full_ids else ids.map(mask_id_number),
        "项目": raw["item"].map(labels.items),
        "供养方式": raw["support_form"].map(labels.forms).fillna(""),
        "生活自理能力": raw["category"].map(labels.categories).fillna(""),
        "计发天数": raw["days"],
        "金额": amounts,
        "上月金额": raw["previous_amount"],
        "补差月份": [labels.month(value) for value in raw["adjusts_month"]],
        "提示": [labels.flag_text(flags) for flags in raw["flags_text"]],
        **({"开户银行": raw["person__bank_name"], "银行账号": raw["person__bank_account_encrypted"].map(_account)}
           if accounts else {}),
    }, columns=["batch_id", "person_id", "item", "fen", *_columns(accounts)])


class _Totals:
    """What the summary needs from the detail, gathered chunk by chunk: fen by batch and item, the
    distinct people of each batch and of the whole export, lines per batch."""

    def __init__(self):
        self.fen: list[pd.Series] = []
        self.pairs: list[pd.DataFrame] = []
        self.counts: list[pd.Series] = []
        self.lines = 0

    def add(self, detail: pd.DataFrame) -> None:
        self.fen.append(detail.groupby(["batch_id", "item"])["fen"].sum())
        self.pairs.append(detail[["batch_id", "person_id"]].drop_duplicates())
        self.counts.append(detail.groupby("batch_id").size())
        self.lines += len(detail)

    def frames(self):
        if not self.lines:
            empty = pd.Series(dtype="int64")
            return empty, pd.DataFrame(columns=["batch_id", "person_id"]), empty
        fen = pd.concat(self.fen).groupby(level=[0, 1]).sum()
        pairs = pd.concat(self.pairs).drop_duplicates()
        counts = pd.concat(self.counts).groupby(level=0).sum()
        return fen, pairs, counts


def _summary(batches: list[dict], totals: _Totals) -> pd.DataFrame:
    """One row per batch (payer unit and month) with its item totals, and a grand total row."""
    items = _items()
    ids = [batch["id"] for batch in batches]
    fen_by_item, pairs, counts = totals.frames()
    by_item = (
        fen_by_item.unstack(fill_value=0) if len(fen_by_item) else pd.DataFrame()
    ).reindex(index=ids, columns=[value for value, _label in items], fill_value=0)
    people = pairs.groupby("batch_id")["person_id"].nunique()
    statuses = dict(BatchStatus.choices)
    rows = []
    for batch in batches:
        fen = by_item.loc[batch["id"]]
        rows.append({
            "月份": _month(batch["month"]),
            "行政区划": batch["region__full_name"],
            "申报单位": batch["facility__name"] or batch["township__name"],
            "状态": str(statuses[batch["status"]]),
            "人数": int(people.get(batch["id"], 0)),
            "明细数": int(counts.get(batch["id"], 0)),
            **{label: int(fen[value]) / 100 for value, label in items},
            TOTAL: int(fen.sum()) / 100,
        })
    rows.append({
        "月份": TOTAL, "人数": int(pairs["person_id"].nunique()), "明细数": totals.lines,
        **{label: int(by_item[value].sum()) / 100 for value, label in items},
        TOTAL: int(by_item.to_numpy().sum()) / 100,
    })
    columns = ["月份", "行政区划", "申报单位", "状态", "人数", "明细数", *(label for _value, label in items), TOTAL]
    return pd.DataFrame(rows, columns=columns)


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: Text in a cell: the three XML specials escaped, control characters as Excel's _xHHHH_ escapes.
_CELL_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;",
                            **{chr(c): f"_x{c:04X}_" for c in range(32) if chr(c) not in "\t\n\r"}})
#: Style 1 of styles.xml: the built-in number format 2, "0.00".
_MONEY_STYLE = ' s="1"'
_COLUMN_MONEY_STYLE = ' style="1"'
_STYLES = (
    f'{_XML_HEAD}<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/>'
    '<family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
    '<patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/>'
    '<bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0"'
    ' borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"'
    ' xfId="0"/><xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)


def _letters(count: int) -> list[str]:
    names = []
    for index in range(count):
        name, number = "", index + 1
        while number:
            number, rest = divmod(number - 1, 26)
            name = chr(65 + rest) + name
        names.append(name)
    return names


def _text_cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{value.translate(_CELL_TEXT)}</t></is></c>'


class _Sheet:
    """One worksheet's XML, written row by row into the package (nothing of it is kept in memory).

    Every value is written as what it is: text as an inline string (never read as a formula, a
    number or a link), numbers as numbers (money with the "0.00" format); empty values leave the
    cell empty. The header row is frozen and carries the autofilter.
    """

    def __init__(self, book: "_Book", name: str, columns: list[str], *, money: set[str]):
        self.book, self.name, self.columns = book, name, columns
        self.letters = _letters(len(columns))
        self.styles = [_MONEY_STYLE if column in money else "" for column in columns]
        self.row = 1
        self.index = len(book.sheets) + 1
        widths = "".join(
            f'<col min="{i}" max="{i}" width="{WIDTHS.get(column, ITEM_WIDTH) + 0.7109375}" customWidth="1"'
            f'{_COLUMN_MONEY_STYLE if style else ""}/>'
            for i, (column, style) in enumerate(zip(columns, self.styles), start=1)
        )
        header = "".join(_text_cell(f"{letter}1", column) for letter, column in zip(self.letters, columns))
        self.stream = book.zip.open(f"xl/worksheets/sheet{self.index}.xml", "w", force_zip64=True)
        self._write(
            f'{_XML_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"'
            ' activeCell="A2" sqref="A2"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            f'<cols>{widths}</cols><sheetData><row r="1">{header}</row>'
        )

    def _write(self, text: str) -> None:
        self.stream.write(text.encode("utf-8"))

    def write(self, frame: pd.DataFrame) -> None:
        first = self.row + 1
        numbers = [str(row) for row in range(first, first + len(frame))]
        cells_by_column = []
        for letter, style, column in zip(self.letters, self.styles, self.columns):
            cells = []
            for number, value in zip(numbers, frame[column].tolist()):
                if value is None or value == "" or pd.isna(value):  # None, empty or NaN: no cell
                    cells.append("")
                elif isinstance(value, str):
                    cells.append(_text_cell(letter + number, value))
                else:
                    cells.append(f'<c r="{letter}{number}"{style}><v>{value}</v></c>')
            cells_by_column.append(cells)
        self._write("".join(
            f'<row r="{number}">{"".join(cells)}</row>' for number, cells in zip(numbers, zip(*cells_by_column))
        ))
        self.row += len(frame)

    def close(self) -> None:
        last = f"{self.letters[-1]}{max(self.row, 2)}"
        marking = escape(self.book.marking.replace("&", "&&"))  # "&" starts a header code in SpreadsheetML
        header_footer = f"<headerFooter><oddHeader>&amp;C{marking}</oddHeader><oddFooter>&amp;C{marking}</oddFooter></headerFooter>"
        self._write(f'</sheetData><autoFilter ref="A1:{last}"/><pageMargins left="0.7" right="0.7" top="0.75"'
                    f' bottom="0.75" header="0.3" footer="0.3"/>{header_footer if marking else ""}</worksheet>')
        self.stream.close()
        self.book.sheets.append((self.index, self.name, f"A1:{last}", len(self.columns)))


class _Book:
    """A minimal SpreadsheetML package written as a stream: sheets in the order they are added to the
    book (which need not be the order their rows are written), one "0.00" money style."""

    def __init__(self, buffer, *, marking: str = ""):
        self.marking = marking  # printed at the top and bottom of every page (a roster with whole ID numbers)
        self.zip = zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self.sheets: list[tuple[int, str, str, int]] = []
        self.order: list[str] = []

    def add(self, name: str, columns: list[str], *, money: set[str]) -> _Sheet:
        return _Sheet(self, name, columns, money=money)

    def close(self, order: list[str]) -> None:
        sheets = sorted(self.sheets, key=lambda sheet: order.index(sheet[1]))
        entries = "".join(
            f'<sheet name="{escape(name)}" sheetId="{index}" r:id="rId{index}"/>' for index, name, _ref, _n in sheets
        )
        filters = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{position}" hidden="1">'
            f"'{escape(name)}'!{_absolute(ref)}</definedName>"
            for position, (_index, name, ref, _n) in enumerate(sheets)
        )
        self.zip.writestr("xl/workbook.xml", (
            f'{_XML_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><bookViews><workbookView/></bookViews>'
            f"<sheets>{entries}</sheets><definedNames>{filters}</definedNames></workbook>"
        ))
        relations = "".join(
            f'<Relationship Id="rId{index}" Type="{_RELS}/worksheet" Target="worksheets/sheet{index}.xml"/>'
            for index, _name, _ref, _n in sheets
        )
        self.zip.writestr("xl/_rels/workbook.xml.rels", (
            f'{_XML_HEAD}<Relationships xmlns="{_PACKAGE_RELS}">{relations}'
            f'<Relationship Id="rIdStyles" Type="{_RELS}/styles" Target="styles.xml"/></Relationships>'
        ))
        self.zip.writestr("xl/styles.xml", _STYLES)
        self.zip.writestr("_rels/.rels", (
            f'{_XML_HEAD}<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1"'
            f' Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ))
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{index}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for index, _name, _ref, _n in sheets
        )
        self.zip.writestr("[Content_Types].xml", (
            f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>'
        ))
        self.zip.close()


def _absolute(ref: str) -> str:
    first, last = ref.split(":")
    split = lambda cell: (cell.rstrip("0123456789"), cell[len(cell.rstrip("0123456789")):])
    (c1, r1), (c2, r2) = split(first), split(last)
    return f"${c1}${r1}:${c2}${r2}"


def _xlsx(sheets: dict[str, pd.DataFrame], *, money: set[str]) -> bytes:
    buffer = io.BytesIO()
    book = _Book(buffer)
    for name, frame in sheets.items():
        sheet = book.add(name, list(frame.columns), money=money)
        sheet.write(frame)
        sheet.close()
    book.close(list(sheets))
    return buffer.getvalue()


def _csv(frame: pd.DataFrame, *, text: list[str], header: bool = True) -> str:
    frame = frame.copy()
    for column in text:
        if column in frame:
            frame[column] = frame[column].map(spreadsheet_text, na_action="ignore")
    return frame.to_csv(index=False, header=header, lineterminator="\r\n", float_format="%.2f")


def claims_xlsx(*, batches: list[dict], lines: Iterable[tuple], full_ids: bool, marking: str = "",
                accounts: bool = False) -> ExportFile:
    """The 汇总 sheet (payer unit × item, people, lines, totals) and the 明细 sheet (every line).

    `lines` are the rows of export_selectors.line_rows (LINE_FIELDS), read a chunk at a time; the
    summary sheet comes first in the book and is written once the detail has been.
    """
    money = MONEY_COLUMNS | {label for _value, label in _items()}
    buffer = io.BytesIO()
    book = _Book(buffer, marking=marking)
    with translation.override("zh-hans"):
        labels = _Labels()
        columns = _columns(accounts)
        detail_sheet = book.add(DETAIL_SHEET, columns, money=money)
        totals = _Totals()
        for chunk in _chunks(lines):
            detail = _detail(chunk, full_ids=full_ids, labels=labels, accounts=accounts)
            totals.add(detail)
            detail_sheet.write(detail[columns])
        detail_sheet.close()
        summary = _summary(batches, totals)
        summary_sheet = book.add(SUMMARY_SHEET, list(summary.columns), money=money)
        summary_sheet.write(summary)
        summary_sheet.close()
    book.close([SUMMARY_SHEET, DETAIL_SHEET])
    return ExportFile(buffer.getvalue(), totals.lines)


def claims_csv(*, lines: Iterable[tuple], full_ids: bool, accounts: bool = False) -> ExportFile:
    """The 明细 rows; amounts as plain numbers ("800.00")."""
    parts, count = [BOM], 0
    with translation.override("zh-hans"):
        labels = _Labels()
        for chunk in _chunks(lines):
            detail = _detail(chunk, full_ids=full_ids, labels=labels, accounts=accounts)[_columns(accounts)]
            parts.append(_csv(detail, text=CSV_TEXT, header=count == 0))
            count += len(detail)
        if count == 0:
            parts.append(_csv(pd.DataFrame(columns=_columns(accounts)), text=[]))
    return ExportFile("".join(parts).encode("utf-8"), count)


def _overview(month: date, counties: dict) -> pd.DataFrame:
    """One row per county with its item totals, people counted once per county, and a total row."""
    items = _items()
    frame = pd.DataFrame(counties["items"], columns=["county", "item", "total", "lines"])
    frame["fen"] = [_fen(total) for total in frame["total"]]
    codes = sorted(counties["people"])
    by_item = (
        frame.groupby(["county", "item"])["fen"].sum().unstack(fill_value=0)
        .reindex(index=codes, columns=[value for value, _label in items], fill_value=0)
    )
    lines = frame.groupby("county")["lines"].sum()
    rows = [
        {
            "月份": _month(month), "行政区划代码": code, "县（市、区）": counties["names"].get(code, code),
            "人数": counties["people"][code], "明细数": int(lines.get(code, 0)),
            **{label: int(by_item.loc[code, value]) / 100 for value, label in items},
            TOTAL: int(by_item.loc[code].sum()) / 100,
        }
        for code in codes
    ]
    rows.append({
        "月份": TOTAL, "人数": counties["everyone"], "明细数": int(frame["lines"].sum()),
        **{label: int(by_item[value].sum()) / 100 for value, label in items},
        TOTAL: int(by_item.to_numpy().sum()) / 100,
    })
    columns = ["月份", "行政区划代码", "县（市、区）", "人数", "明细数", *(label for _value, label in items), TOTAL]
    return pd.DataFrame(rows, columns=columns)


def overview_xlsx(*, month: date, counties: dict) -> bytes:
    with translation.override("zh-hans"):
        frame = _overview(month, counties)
    return _xlsx({SUMMARY_SHEET: frame}, money={TOTAL} | {label for _value, label in _items()})


def overview_csv(*, month: date, counties: dict) -> bytes:
    with translation.override("zh-hans"):
        frame = _overview(month, counties)
    return (BOM + _csv(frame, text=["县（市、区）"])).encode("utf-8")
