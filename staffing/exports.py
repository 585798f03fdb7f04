"""The region staffing table as CSV (UTF-8 with BOM so Excel opens it)."""
import pandas as pd
from django.http import HttpResponse

from common.csv_text import csv_response, frame_csv, spreadsheet_text

COLUMNS = ["机构", "行政区划", "失能", "半失能", "自理", "孤儿", "无有效评估", "应配备", "实有（折算全职）", "缺口", "状态", "本月不达标天数"]


def compliance_csv(rows, *, filename: str) -> HttpResponse:
    frame = pd.DataFrame(
        [
            [
                spreadsheet_text(row["snapshot"].facility.name), row["snapshot"].facility.region.full_name,
                row["snapshot"].full, row["snapshot"].partial, row["snapshot"].self_care, row["snapshot"].orphans,
                row["snapshot"].unassessed, row["snapshot"].required, row["actual"], row["gap"],
                row["snapshot"].get_status_display(), row["days_below"],
            ]
            for row in rows
        ],
        columns=COLUMNS,
    )
    return csv_response(frame_csv(frame), filename=filename)
