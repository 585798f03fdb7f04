"""Month arithmetic, pure: months are keyed by their first day; adding months clips to the month's end.

The one home of this arithmetic: the rules modules re-export what DESIGN §3 names from here.
"""
import calendar
from datetime import date
from functools import lru_cache


def month_start(d: date) -> date:
    """The 1st of the month `d` falls in; months are keyed by their first day."""
    return d.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clipped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_month(month: date) -> date:
    """The 1st of the month after the one `month` falls in."""
    return add_months(month_start(month), 1)


def previous_month(month: date) -> date:
    """The 1st of the month before the one `month` falls in."""
    return add_months(month_start(month), -1)


def months_back(month: date, count: int) -> date:
    """The 1st of the month `count` months before the one `month` falls in."""
    return add_months(month_start(month), -count)


@lru_cache(maxsize=512)
def days_in_month(month: date) -> int:
    """Calendar days in the month `month` falls in (leap years included)."""
    return calendar.monthrange(month.year, month.month)[1]


def month_end(month: date) -> date:
    """The last day of the month `month` falls in."""
    return month.replace(day=days_in_month(month))
