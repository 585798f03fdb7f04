"""The staffing budget (政府购买服务经费) as `.xlsx` (按机构 and 按县区 sheets) or `.csv` (按机构), for
the budget request. Chinese headers; money as numbers with two decimals; text neutralised the way
facilities.exports does, so a facility named "=…" never becomes a formula.
"""
import io

import pandas as pd

from common.csv_text import frame_csv, spreadsheet_text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}

FACILITY_SHEET, COUNTY_SHEET = "按机构", "按县区"
MONEY = ("每岗年度经费（元）", "所需经费（元）", "已安排经费（元）", "经费缺口（元）")
FACILITY_COLUMNS = [
    "县（区）", "机构", "行政区划", "失能", "半失能", "自理", "孤儿", "其中无有效评估", "应配备岗位", MONEY[0], MONEY[1],
    "已安排岗位", MONEY[2], "岗位缺口", MONEY[3],
]
COUNTY_COLUMNS = ["县（区）", "机构数", "应配备岗位", MONEY[1], "已安排岗位", MONEY[2], "岗位缺口", MONEY[3]]
TOTAL = "合计"


def _line(line) -> list:
    return [line.required_posts, float(line.required_amount), line.funded_posts, float(line.funded_amount),
            line.gap_posts, float(line.gap_amount)]


def _frames(budget) -> tuple[pd.DataFrame, pd.DataFrame]:
    facilities = []
    for county in budget.counties:
        for row in county.facilities:
            c, line = row.census, row.line
            facilities.append([
                county.name, spreadsheet_text(row.facility.name), row.facility.region.full_name, c.full, c.partial,
                c.self_care, c.orphans, c.unassessed, line.required_posts, float(row.cost_per_post),
                float(line.required_amount), line.funded_posts, float(line.funded_amount), line.gap_posts,
                float(line.gap_amount),
            ])
    counties = [[county.name, len(county.facilities), *_line(county.line)] for county in budget.counties]
    counties.append([TOTAL, sum(len(county.facilities) for county in budget.counties), *_line(budget.total)])
    return pd.DataFrame(facilities, columns=FACILITY_COLUMNS), pd.DataFrame(counties, columns=COUNTY_COLUMNS)


def budget_xlsx(budget) -> bytes:
    by_facility, by_county = _frames(budget)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONS}) as writer:
        money = writer.book.add_format({"num_format": "#,##0.00"})
        for name, frame in ((COUNTY_SHEET, by_county), (FACILITY_SHEET, by_facility)):
            frame.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            for index, column in enumerate(frame.columns):
                width = 32 if column in ("机构", "行政区划") else 16
                sheet.set_column(index, index, width, money if column in MONEY else None)
            sheet.freeze_panes(1, 0)
    return buffer.getvalue()


def budget_csv(budget) -> bytes:
    by_facility, _by_county = _frames(budget)
    return frame_csv(by_facility, float_format="%.2f")
