"""The complaint list as CSV (UTF-8 with BOM so Excel opens it): exactly the filtered rows on screen.

Contact details go through complaint_selectors.contact_for like everywhere else: whole only on the
rows the exporting inspector owns, masked on the others.
"""
import pandas as pd
from django.utils import timezone

from common.csv_text import frame_csv, spreadsheet_text

from .selectors import STATE_LABELS, complaint_due_state, contact_for

COLUMNS = [
    "收到时间", "被投诉机构", "行政区划", "来源渠道", "投诉人", "联系方式", "投诉举报内容", "受理期限", "办结期限",
    "期限暂定", "首问负责人", "受理时间", "办结日期", "办理结果及答复", "状态",
]


def complaints_csv(complaints, *, user, today) -> bytes:
    rows = [
        [
            f"{timezone.localtime(c.received_at):%Y-%m-%d %H:%M}", spreadsheet_text(c.facility.name),
            c.facility.region.full_name, c.get_channel_display(), spreadsheet_text(c.complainant_name),
            spreadsheet_text(contact_for(user, c)), spreadsheet_text(c.content), f"{c.acknowledge_due_on:%Y-%m-%d}",
            f"{c.conclude_due_on:%Y-%m-%d}", "是" if c.due_provisional else "",
            spreadsheet_text((c.assigned_to.full_name or c.assigned_to.username) if c.assigned_to_id else ""),
            f"{timezone.localtime(c.assigned_at):%Y-%m-%d %H:%M}" if c.assigned_at else "",
            f"{c.concluded_on:%Y-%m-%d}" if c.concluded_on else "", spreadsheet_text(c.reply),
            str(STATE_LABELS[complaint_due_state(c, today=today)]),
        ]
        for c in complaints
    ]
    return frame_csv(pd.DataFrame(rows, columns=COLUMNS))
