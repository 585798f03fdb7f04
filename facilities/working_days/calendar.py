"""The Chinese working-day calendar as data: official holidays and make-up working days (调休).

Which calendar rules a day (DESIGN §3 "Working days"):

1. a day listed in `WorkingDayCalendar` is what its row says (放假 or 调休上班);
2. any other day of a year whose State Council notice is entered (`HolidayNotice`) is a working
   day from Monday to Friday;
3. a year not entered here follows `chinese-calendar`, the default, if the package knows it
   (`manage.py load_working_days` copies its years here, where the administrator sees and
   corrects them);
4. any other year is counted Monday to Friday, and a deadline counted over one of its days is
   **provisional** (`facilities.rules.working_day_deadline`) until the year is entered.

Complaint deadlines (facilities) and re-assessment deadlines after a reported change (residents)
count on it. When the calendar of some years changes, the apps count their open deadlines again:
each registers its recount here (`on_calendar_change`, called from its `AppConfig.ready`, since
this app cannot import the apps above it), and `deadlines_recount` runs them all.
"""
from collections.abc import Callable, Collection
from datetime import date
from importlib.metadata import version

from chinese_calendar import constants

from ..models import HolidayNotice, WorkingDayCalendar, WorkingDayKind
from ..rules import WorkingDayDeadline, working_day_deadline

LIBRARY = f"chinese-calendar {version('chinese-calendar')}"


def library_years() -> frozenset[int]:
    """The years `chinese-calendar` publishes (each has holidays)."""
    return frozenset(day.year for day in constants.holidays)


def _library_is_workday(day: date) -> bool:
    if day in constants.workdays:
        return True
    return day not in constants.holidays and day.weekday() < 5


class WorkingDays:
    """The calendar as it stands, read once per use (a request, a task, a recount).

    The entered years are read in one query when it is created; a year's listed days in one
    query the first time one of its days is asked about. Counting 15 working days therefore
    costs two or three queries, never one per day. It does not see changes made after it read a
    year, so keep it no longer than the work it was made for.
    """

    def __init__(self):
        self.entered_years = frozenset(HolidayNotice.objects.values_list("year", flat=True))
        self.known_years = self.entered_years | library_years()
        self._listed: dict[int, dict[date, bool]] = {}

    def _listed_in(self, year: int) -> dict[date, bool]:
        if year not in self._listed:
            rows = WorkingDayCalendar.objects.filter(day__gte=date(year, 1, 1), day__lte=date(year, 12, 31))
            self._listed[year] = {day: kind == WorkingDayKind.WORKDAY for day, kind in rows.values_list("day", "kind")}
        return self._listed[year]

    def is_workday(self, day: date) -> bool:
        listed = self._listed_in(day.year).get(day)
        if listed is not None:
            return listed
        if day.year in self.entered_years or day.year not in self.known_years:
            return day.weekday() < 5
        return _library_is_workday(day)

    def deadline(self, start: date, days: int) -> WorkingDayDeadline:
        """`days` working days after `start`; provisional if it counted over a year not entered."""
        return working_day_deadline(start, days, is_workday=self.is_workday, known_years=self.known_years)


Recount = Callable[..., int]
_recounts: list[Recount] = []


def on_calendar_change(recount: Recount) -> Recount:
    """Register `recount(*, calendar, years, by)`: it counts again the open deadlines that reach any
    of `years` and every provisional one, saves those that moved (with `by` in their history) and
    returns how many did."""
    if recount not in _recounts:
        _recounts.append(recount)
    return recount


def deadlines_recount(*, years: Collection[int] = (), by=None) -> int:
    """After `by` changed the calendar of `years` (or nightly, with none: the provisional deadlines)."""
    calendar = WorkingDays()
    return sum(recount(calendar=calendar, years=frozenset(years), by=by) for recount in _recounts)
