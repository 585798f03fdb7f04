"""Every write to the working-day calendar: the State Council notices (HolidayNotice) and their
days (WorkingDayCalendar), by hand, from a CSV file, or from `chinese-calendar`.

Administrators only. Each change is kept in the history with who and why; after it commits, the
open deadlines that reach the changed years are counted again in the background
(facilities.tasks.recount_working_day_deadlines).
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from chinese_calendar import constants
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from common.enqueue import enqueue_on_commit
from common.history import save_with_history

from ..models import HolidayNotice, WorkingDayCalendar, WorkingDayKind
from ..scoping import can_edit_working_day_calendar
from . import tasks
from .calendar import LIBRARY, library_years

# The notices behind the library's years, where we have checked them (the package names none).
NOTICES = {
    2025: ("国办发明电〔2024〕12号", date(2024, 11, 12), "https://www.gov.cn/zhengce/content/202411/content_6986382.htm"),
    2026: ("国办发明电〔2025〕7号", date(2025, 11, 4), "https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm"),
}
LIBRARY_NAMES = {  # chinese_calendar.Holiday values → the names the notices use
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def notice_title(year: int) -> str:
    return f"国务院办公厅关于{year}年部分节假日安排的通知"


def _require_admin(by) -> None:
    if not can_edit_working_day_calendar(by):
        raise PermissionDenied(_("只有系统管理员可以维护工作日历"))


def _recount_after_commit(by, years: Iterable[int]) -> None:
    enqueue_on_commit(tasks.recount_working_day_deadlines, years=sorted(set(years)), by_id=by.pk if by else None)


@transaction.atomic
def holiday_notice_save(
    *, by, year: int, title: str, number: str = "", published_on: date | None = None, url: str = "",
    notice: HolidayNotice | None = None,
) -> HolidayNotice:
    """Enter a year's notice (the year counts as entered from now on), or correct its details."""
    _require_admin(by)
    notice = _notice_write(by, year=year, title=title, number=number, published_on=published_on, url=url, notice=notice)
    _recount_after_commit(by, [year])
    return notice


def _notice_write(by, *, year, title, number, published_on, url, notice) -> HolidayNotice:
    if notice is None:
        if HolidayNotice.objects.filter(year=year).exists():
            raise ValidationError({"year": _("%(year)s 年的放假安排通知已录入") % {"year": year}})
        notice, reason = HolidayNotice(year=year), _("录入放假安排通知")
    else:
        notice, reason = HolidayNotice.objects.select_for_update().get(pk=notice.pk), _("修改放假安排通知")
        if year != notice.year:
            raise ValidationError({"year": _("通知的年份不能修改")})
    notice.title, notice.number, notice.url = title.strip(), number.strip(), url.strip()
    notice.published_on = published_on
    save_with_history(notice, by=by, reason=reason)
    return notice


@transaction.atomic
def holiday_notice_delete(*, by, notice: HolidayNotice) -> None:
    """Withdraw a notice entered by mistake; only one with no days left (its year is then not entered)."""
    _require_admin(by)
    notice = HolidayNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.days.exists():
        raise ValidationError(_("请先删除该通知的全部日期"))
    notice._history_user, notice._change_reason = by, _("撤销放假安排通知")
    notice.delete()
    _recount_after_commit(by, [notice.year])


@transaction.atomic
def working_day_save(
    *, by, day: date, kind: str, name: str, notice: HolidayNotice, entry: WorkingDayCalendar | None = None,
) -> WorkingDayCalendar:
    """Add a holiday or make-up working day, or correct one."""
    _require_admin(by)
    years = {day.year} | ({entry.day.year} if entry else set())
    entry = _day_write(by, day=day, kind=kind, name=name, notice=notice, entry=entry)
    _recount_after_commit(by, years)
    return entry


def _day_write(by, *, day, kind, name, notice, entry) -> WorkingDayCalendar:
    if entry is None:
        entry, reason = WorkingDayCalendar(), _("录入放假或调休日期")
    else:
        entry, reason = WorkingDayCalendar.objects.select_for_update().get(pk=entry.pk), _("修改放假或调休日期")
    if WorkingDayCalendar.objects.filter(day=day).exclude(pk=entry.pk).exists():
        raise ValidationError({"day": _("该日期已录入，请修改原有记录")})
    entry.day, entry.kind, entry.name, entry.notice = day, kind, name.strip(), notice
    save_with_history(entry, by=by, reason=reason)
    return entry


@transaction.atomic
def working_day_delete(*, by, entry: WorkingDayCalendar) -> None:
    _require_admin(by)
    _day_remove(by, entry)
    _recount_after_commit(by, [entry.day.year])


def _day_remove(by, entry: WorkingDayCalendar) -> None:
    entry = WorkingDayCalendar.objects.select_for_update().get(pk=entry.pk)
    entry._history_user, entry._change_reason = by, _("删除放假或调休日期")
    entry.delete()


@dataclass(frozen=True)
class CalendarDay:
    day: date
    kind: str
    name: str


@dataclass(frozen=True)
class NoticeDays:
    """A notice as a file states it, with every day it arranges."""

    year: int
    title: str
    number: str
    published_on: date | None
    days: tuple[CalendarDay, ...]


@transaction.atomic
def working_days_replace(*, by, notices: list[NoticeDays]) -> dict[str, int]:
    """Make each notice and its days exactly what the file says (a CSV upload, checked before):
    the notice is entered or its details updated, days added or changed, days it no longer lists
    removed; the deadlines are counted again once, after the commit. Days the file does not change
    are not written, so their history stays quiet."""
    _require_admin(by)
    counts = {"added": 0, "changed": 0, "removed": 0}
    years = set()
    for stated in notices:
        years.add(stated.year)
        notice = HolidayNotice.objects.select_for_update().filter(year=stated.year).first()
        if notice is None or (notice.title, notice.number, notice.published_on) != (
            stated.title, stated.number, stated.published_on,
        ):
            notice = _notice_write(by, year=stated.year, title=stated.title, number=stated.number,
                                   published_on=stated.published_on, url=notice.url if notice else "", notice=notice)
        wanted = {row.day: row for row in stated.days}
        for entry in WorkingDayCalendar.objects.filter(notice=notice).exclude(day__in=list(wanted)):
            years.add(entry.day.year)
            _day_remove(by, entry)
            counts["removed"] += 1
        existing = {entry.day: entry for entry in WorkingDayCalendar.objects.filter(day__in=list(wanted))}
        for day, row in sorted(wanted.items()):
            entry = existing.get(day)
            if entry is not None and (entry.kind, entry.name, entry.notice_id) == (row.kind, row.name, notice.pk):
                continue
            if entry is not None:
                years.add(entry.day.year)
            _day_write(by, day=day, kind=row.kind, name=row.name, notice=notice, entry=entry)
            counts["changed" if entry else "added"] += 1
            years.add(day.year)
    _recount_after_commit(by, years)
    return counts


@dataclass(frozen=True)
class LibraryLoad:
    years: list[int]
    days: int


@transaction.atomic
def working_days_load_library(*, by=None) -> LibraryLoad:
    """Copy the years `chinese-calendar` knows and the database does not into the database, each
    with its notice (title, and the number, date and address where NOTICES has them). A year
    already here is the administrator's and is left as it is, so running it again changes nothing;
    only a blank number or date of a notice the library loaded is filled in from NOTICES."""
    present = {notice.year: notice for notice in HolidayNotice.objects.select_for_update()}
    loaded, days = [], 0
    for year in sorted(library_years()):
        number, published_on, url = NOTICES.get(year, ("", None, ""))
        notice = present.get(year)
        if notice is not None:
            if notice.source.startswith("chinese-calendar"):
                _fill_in(notice, number=number, published_on=published_on, url=url, by=by)
            continue
        notice = HolidayNotice(year=year, title=notice_title(year), number=number, published_on=published_on,
                               url=url, source=LIBRARY)
        save_with_history(notice, by=by, reason=_("从 chinese-calendar 载入"))
        listed_here = set(WorkingDayCalendar.objects.filter(day__year=year).values_list("day", flat=True))  # by a neighbour's notice
        rows = [
            WorkingDayCalendar(day=day, kind=kind, name=LIBRARY_NAMES.get(name, name), notice=notice)
            for kind, listed in ((WorkingDayKind.HOLIDAY, constants.holidays), (WorkingDayKind.WORKDAY, constants.workdays))
            for day, name in listed.items() if day.year == year and day not in listed_here
        ]
        _create_with_history(rows, by=by)
        loaded.append(year)
        days += len(rows)
    if loaded:
        _recount_after_commit(by, loaded)
    return LibraryLoad(years=loaded, days=days)


def _fill_in(notice: HolidayNotice, *, by, **known) -> None:
    blank = {name: value for name, value in known.items() if value and not getattr(notice, name)}
    if blank:
        for name, value in blank.items():
            setattr(notice, name, value)
        save_with_history(notice, by=by, reason=_("补充通知文号和日期"), update_fields=list(blank))


def _create_with_history(rows: list[WorkingDayCalendar], *, by) -> None:
    """A year's thirty-odd days in one INSERT, with their history rows in another."""
    for row in rows:
        row.full_clean(validate_unique=False)
    WorkingDayCalendar.objects.bulk_create(rows)
    created = WorkingDayCalendar.objects.filter(day__in=[row.day for row in rows])
    WorkingDayCalendar.history.bulk_history_create(
        list(created), default_user=by, default_change_reason=str(_("从 chinese-calendar 载入")),
    )
