"""Claim spreadsheets: `.xlsx` (汇总 by payer unit and item, 明细 line by line) and `.csv` (明细).

Rows come from subsidies.export_selectors; bytes go out. Every value lands in a cell as what it
is: text as a text cell (an ID number never becomes 1.23E+17, a name such as "=1+2" never becomes
a formula), money as a number shown with two decimals. Sums are taken in whole fen, so the summary
adds up to the cent. The CSV is UTF-8 with a BOM so Excel opens it, and its text is neutralised the
way facilities.exports does, since a CSV cell has no type.
"""
import io
from datetime import date
from decimal import Decimal

import pandas as pd
from django.utils import translation

from facilities.exports import spreadsheet_text
from residents.models import SelfCareCategory, SupportForm
from residents.rules import mask_id_number

from .models import BatchStatus, LineFlag, SubsidyItem

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

#: Data is written as typed cells: no string is ever read as a formula, a number or a link.
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}

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

def _items() -> list[tuple[str, str]]:
    return [(item.value, str(item.label)) for item in SubsidyItem]


def _month(value: date | None) -> str:
    return f"{value:%Y-%m}" if value else ""


def _fen(amount: Decimal) -> int:
    return int(amount * 100)


def _detail(lines: list[dict], *, full_ids: bool) -> pd.DataFrame:
    """One row per line, with the hidden keys the summary groups by (batch_id, person_id, item, fen)."""
    forms = {value: str(label) for value, label in SupportForm.choices}
    categories = {value: str(label) for value, label in SelfCareCategory.choices}
    flags = {flag.value: str(flag.label) for flag in LineFlag}
    items = dict(_items())
    rows = [
        {
            "batch_id": line["batch_id"], "person_id": line["person_id"], "item": line["item"],
            "fen": _fen(line["amount"]),
            "月份": _month(line["batch__month"]),
            "行政区划": line["batch__region__full_name"],
            "申报单位": line["batch__facility__name"] or line["batch__township__name"],
            "姓名": line["person__name"],
            "身份证号码": line["person__id_number"] if full_ids else mask_id_number(line["person__id_number"]),
            "项目": items[line["item"]],
            "供养方式": forms.get(line["support_form"], ""),
            "生活自理能力": categories.get(line["category"], ""),
            "计发天数": line["days"],
            "金额": line["amount"],
            "上月金额": line["previous_amount"],
            "补差月份": _month(line["adjusts_month"]),
            "提示": "；".join(flags.get(flag, flag) for flag in line["flags"]),
        }
        for line in lines
    ]
    return pd.DataFrame(rows, columns=["batch_id", "person_id", "item", "fen", *DETAIL_COLUMNS])


def _summary(batches: list[dict], detail: pd.DataFrame) -> pd.DataFrame:
    """One row per batch (payer unit and month) with its item totals, and a grand total row."""
    items = _items()
    ids = [batch["id"] for batch in batches]
    by_item = (
        detail.groupby(["batch_id", "item"])["fen"].sum().unstack(fill_value=0)
        .reindex(index=ids, columns=[value for value, _label in items], fill_value=0)
    )
    people = detail.groupby("batch_id")["person_id"].nunique()
    counts = detail.groupby("batch_id").size()
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
        "月份": TOTAL, "人数": int(detail["person_id"].nunique()), "明细数": len(detail),
        **{label: int(by_item[value].sum()) / 100 for value, label in items},
        TOTAL: int(by_item.to_numpy().sum()) / 100,
    })
    columns = ["月份", "行政区划", "申报单位", "状态", "人数", "明细数", *(label for _value, label in items), TOTAL]
    return pd.DataFrame(rows, columns=columns)


def _xlsx(sheets: dict[str, pd.DataFrame], *, money: set[str]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONS}) as writer:
        money_format = writer.book.add_format({"num_format": "0.00"})
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            for index, column in enumerate(frame.columns):
                width = WIDTHS.get(column, ITEM_WIDTH)
                sheet.set_column(index, index, width, money_format if column in money else None)
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
    return buffer.getvalue()


def _csv(frame: pd.DataFrame, *, text: list[str]) -> bytes:
    frame = frame.copy()
    for column in text:
        frame[column] = frame[column].map(spreadsheet_text, na_action="ignore")
    return ("\ufeff" + frame.to_csv(index=False, lineterminator="\r\n", float_format="%.2f")).encode("utf-8")


def claims_xlsx(*, batches: list[dict], lines: list[dict], full_ids: bool) -> bytes:
    """The 汇总 sheet (payer unit × item, people, lines, totals) and the 明细 sheet (every line)."""
    with translation.override("zh-hans"):
        detail = _detail(lines, full_ids=full_ids)
        summary = _summary(batches, detail)
    item_labels = {label for _value, label in _items()}
    detail = detail[DETAIL_COLUMNS].astype({"金额": float, "上月金额": float})
    return _xlsx({SUMMARY_SHEET: summary, DETAIL_SHEET: detail}, money=MONEY_COLUMNS | item_labels)


def claims_csv(*, lines: list[dict], full_ids: bool) -> bytes:
    """The 明细 rows; amounts as plain numbers ("800.00")."""
    with translation.override("zh-hans"):
        detail = _detail(lines, full_ids=full_ids)[DETAIL_COLUMNS]
    return _csv(detail, text=["行政区划", "申报单位", "姓名", "身份证号码", "提示"])


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
    return _csv(frame, text=["县（市、区）"])
