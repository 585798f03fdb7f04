"""Facility list export: exactly the filtered rows on screen, as CSV Excel opens (UTF-8 with BOM)."""
import pandas as pd
from django.http import HttpResponse

from common.csv_text import csv_response, frame_csv, spreadsheet_text

from .ratings.selectors import LEVEL_LABELS

COLUMNS = {
    "name": "机构名称",
    "kind": "机构类型",
    "operator": "运营方式",
    "region_code": "行政区划代码",
    "region_name": "行政区划",
    "star_level": "等级",
    "address": "地址",
    "bed_capacity": "床位数",
    "status": "状态",
    "licence_number": "许可证或备案号",
    "credit_code": "统一社会信用代码",
    "contact_person": "联系人",
    "contact_phone": "联系电话",
}


def facilities_csv(facilities, *, filename: str) -> HttpResponse:
    rows = [
        {
            "name": spreadsheet_text(f.name),
            "kind": f.get_kind_display(),
            "operator": f.get_operator_display(),
            "region_code": f.region_id,
            "region_name": f.region.full_name,
            "star_level": str(LEVEL_LABELS[f.star_level]),
            "address": spreadsheet_text(f.address),
            "bed_capacity": f.bed_capacity,
            "status": f.get_status_display(),
            "licence_number": spreadsheet_text(f.licence_number),
            "credit_code": f.credit_code,
            "contact_person": spreadsheet_text(f.contact_person),
            "contact_phone": spreadsheet_text(f.contact_phone),
        }
        for f in facilities
    ]
    frame = pd.DataFrame(rows, columns=list(COLUMNS)).rename(columns=COLUMNS)
    return csv_response(frame_csv(frame), filename=filename)
