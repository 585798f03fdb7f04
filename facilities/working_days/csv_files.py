"""The working-day calendar as a CSV file: a year's days to download, and a file to upload with a
preview that checks every row and writes nothing until the whole file is right.

One row per day: 日期, 类型 (放假 / 调休上班), 节日, 通知 (the notice's title, which names its year),
文号, 发布日期. English keys (day, kind, name, notice, number, published_on) work as headers too.
Uploading makes each notice in the file and its days exactly what the file says
(`calendar_services.working_days_replace`): a downloaded year, corrected in Excel and uploaded
again, is the new calendar of that year.
"""
import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.csv_text import BOM, UnreadableCsv, csv_rows, spreadsheet_text
from common.upload_budget import SheetBudget, UploadRefused, budgeted_rows

from ..models import HolidayNotice, WorkingDayCalendar, WorkingDayKind
from .services import CalendarDay, NoticeDays

BUDGET = SheetBudget(max_bytes=256 * 1024, max_rows=2000, max_columns=20)  # every row counts, blank ones too
MAX_BYTES = BUDGET.max_bytes
MAX_ROWS = BUDGET.max_rows
COLUMNS = {"day": "日期", "kind": "类型", "name": "节日", "notice": "通知", "number": "文号", "published_on": "发布日期"}
REQUIRED = ("day", "kind", "name", "notice")
_HEADERS = {**{header: key for key, header in COLUMNS.items()}, **{key: key for key in COLUMNS}}
KINDS = {
    "放假": WorkingDayKind.HOLIDAY, "休": WorkingDayKind.HOLIDAY, "holiday": WorkingDayKind.HOLIDAY,
    "调休上班": WorkingDayKind.WORKDAY, "上班": WorkingDayKind.WORKDAY, "班": WorkingDayKind.WORKDAY,
    "workday": WorkingDayKind.WORKDAY,
}
_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_NOTICE_YEAR = re.compile(r"(\d{4})\s*年")
WEEKDAYS = (
    gettext_lazy("周一"), gettext_lazy("周二"), gettext_lazy("周三"), gettext_lazy("周四"), gettext_lazy("周五"),
    gettext_lazy("周六"), gettext_lazy("周日"),
)


def calendar_csv(*, year: int) -> str:
    """The days of `year` with their notices, as the upload reads them (UTF-8 with BOM for Excel)."""
    rows = WorkingDayCalendar.objects.filter(day__year=year).select_related("notice").order_by("day")
    lines = [",".join(COLUMNS.values())]
    for row in rows:
        cells = [
            f"{row.day:%Y-%m-%d}", row.get_kind_display(), row.name, row.notice.title, row.notice.number,
            f"{row.notice.published_on:%Y-%m-%d}" if row.notice.published_on else "",
        ]
        lines.append(",".join(_csv_cell(spreadsheet_text(cell)) for cell in cells))
    return BOM + "\r\n".join(lines) + "\r\n"


def _csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\r\n') else text


@dataclass(frozen=True)
class Problem:
    """Why a row (or, with no row, the whole file) cannot be loaded, in the user's language."""

    row: int | None
    column: str
    reason: str


@dataclass(frozen=True)
class PreviewRow:
    row: int
    day: date
    kind: str
    name: str
    notice_year: int
    change: str  # "added", "changed" or "same"

    @property
    def kind_label(self) -> str:
        return WorkingDayKind(self.kind).label

    @property
    def weekday(self) -> str:
        return str(WEEKDAYS[self.day.weekday()])


@dataclass
class CalendarUpload:
    problems: list[Problem] = field(default_factory=list)
    rows: list[PreviewRow] = field(default_factory=list)
    removed: list[WorkingDayCalendar] = field(default_factory=list)
    notices: list[NoticeDays] = field(default_factory=list)
    new_years: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def added(self) -> int:
        return sum(row.change == "added" for row in self.rows)

    @property
    def changed(self) -> int:
        return sum(row.change == "changed" for row in self.rows)

    @property
    def same(self) -> int:
        return sum(row.change == "same" for row in self.rows)


class _Bad(Exception):
    """This cell cannot be read; the message says why."""


def _date(text: str) -> date:
    match = _DATE.fullmatch(text)
    try:
        if match is None:
            raise ValueError
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise _Bad(_("日期应为 YYYY-MM-DD 格式，如 2027-02-06")) from None


def _text(text: str, limit: int) -> str:
    if spreadsheet_text(text) != text:
        raise _Bad(_("内容以 = + - @ 开头，会被表格软件当作公式，已拒绝"))
    if len(text) > limit:
        raise _Bad(_("内容过长（不超过 %(limit)s 个字）") % {"limit": limit})
    return text


def _read(data: bytes) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    if len(data) > MAX_BYTES:
        raise UnreadableCsv(_("文件超过 256 KB，请只上传工作日历"))
    if not data.strip():
        raise UnreadableCsv(_("文件是空的"))
    header, rows = None, []
    try:
        for number, cells in budgeted_rows(csv_rows(data, max_columns=BUDGET.max_columns), BUDGET):
            cells = [cell.strip() for cell in cells]
            if not any(cells):
                continue
            if header is None:
                header = {}
                for index, cell in enumerate(cells):
                    key = _HEADERS.get(cell.replace("\ufeff", "").strip("*＊ ")) or _HEADERS.get(cell.lower())
                    if key and key not in header:
                        header[key] = index
                continue
            rows.append((number, cells))
    except UploadRefused as exc:
        raise UnreadableCsv(str(exc)) from exc
    missing = [COLUMNS[key] for key in REQUIRED if header is None or key not in header]
    if missing:
        raise UnreadableCsv(_("缺少列：%(columns)s（第 1 行应为表头：日期,类型,节日,通知,文号,发布日期）") % {
            "columns": "、".join(missing)})
    if not rows:
        raise UnreadableCsv(_("表中没有数据行"))
    return header, rows


def calendar_upload_read(data: bytes) -> CalendarUpload:
    """Check every row of an uploaded file and compare it with the calendar; writes nothing."""
    upload = CalendarUpload()
    try:
        header, rows = _read(data)
    except UnreadableCsv as exc:
        upload.problems.append(Problem(None, "", str(exc)))
        return upload
    parsed, seen_days, notices = [], {}, {}
    for number, cells in rows:
        values, bad = {}, False
        for key, index in header.items():
            text = cells[index] if index < len(cells) else ""
            try:
                values[key] = _cell(key, text)
            except _Bad as exc:
                upload.problems.append(Problem(number, COLUMNS[key], str(exc)))
                bad = True
        if bad:
            continue
        problem = _check_row(number, values, seen_days, notices)
        if problem is not None:
            upload.problems.append(problem)
            continue
        parsed.append((number, values))
    if upload.problems:
        return upload
    _plan(upload, parsed, notices)
    return upload


def _cell(key: str, text: str):
    if key in REQUIRED and not text:
        raise _Bad(_("不能为空"))
    if key == "day":
        return _date(text)
    if key == "published_on":
        return _date(text) if text else None
    if key == "kind":
        kind = KINDS.get(text.lower())
        if kind is None:
            raise _Bad(_("类型应为“放假”或“调休上班”"))
        return kind
    if key == "notice":
        title = _text(text, HolidayNotice._meta.get_field("title").max_length)
        match = _NOTICE_YEAR.search(title)
        if match is None or not 2000 <= int(match.group(1)) <= 2100:
            raise _Bad(_("通知标题应写明年份，如“国务院办公厅关于2027年部分节假日安排的通知”"))
        return title
    limits = {"name": WorkingDayCalendar._meta.get_field("name").max_length,
              "number": HolidayNotice._meta.get_field("number").max_length}
    return _text(text, limits[key])


def _check_row(number: int, values: dict, seen_days: dict, notices: dict) -> Problem | None:
    day, title = values["day"], values["notice"]
    notice_year = int(_NOTICE_YEAR.search(title).group(1))
    values["notice_year"] = notice_year
    if day in seen_days:
        return Problem(number, COLUMNS["day"], _("日期与第 %(row)s 行重复") % {"row": seen_days[day]})
    if day.year not in (notice_year, notice_year - 1):
        return Problem(number, COLUMNS["day"], _("日期不在该通知安排的年份内（%(year)s 年）") % {"year": notice_year})
    if values["kind"] == WorkingDayKind.WORKDAY and day.weekday() < 5:
        return Problem(number, COLUMNS["kind"], _("调休上班日应为周六或周日（%(day)s 是%(weekday)s）") % {
            "day": f"{day:%Y-%m-%d}", "weekday": WEEKDAYS[day.weekday()]})
    stated = (title, values.get("number", ""), values.get("published_on"))
    first = notices.setdefault(notice_year, (number, stated))
    if first[1][0] != title:
        return Problem(number, COLUMNS["notice"], _("同一年份只能有一份通知，与第 %(row)s 行的通知标题不同") % {"row": first[0]})
    if first[1] != stated:
        return Problem(number, COLUMNS["number"], _("同一通知的文号或发布日期与第 %(row)s 行不同") % {"row": first[0]})
    seen_days[day] = number
    return None


def _plan(upload: CalendarUpload, parsed: list, notices: dict) -> None:
    """What loading would change: three queries whatever the number of rows."""
    present = {n.year: n for n in HolidayNotice.objects.filter(year__in=list(notices))}
    existing = {
        entry.day: entry
        for entry in WorkingDayCalendar.objects.filter(day__in=[values["day"] for _n, values in parsed]).select_related("notice")
    }
    days: dict[int, list[CalendarDay]] = {year: [] for year in notices}
    for number, values in parsed:
        entry = existing.get(values["day"])
        if entry is None:
            change = "added"
        elif (entry.kind, entry.name, entry.notice.year) == (values["kind"], values["name"], values["notice_year"]):
            change = "same"
        else:
            change = "changed"
        upload.rows.append(PreviewRow(number, values["day"], values["kind"], values["name"], values["notice_year"], change))
        days[values["notice_year"]].append(CalendarDay(values["day"], values["kind"], values["name"]))
    listed = {row.day for row in upload.rows}
    upload.removed = list(
        WorkingDayCalendar.objects.filter(notice__in=list(present.values())).exclude(day__in=listed).order_by("day")
    )
    upload.new_years = sorted(set(notices) - set(present))
    upload.notices = [
        NoticeDays(year=year, title=stated[0], number=stated[1], published_on=stated[2], days=tuple(days[year]))
        for year, (_row, stated) in sorted(notices.items())
    ]
