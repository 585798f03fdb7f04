"""The Chinese working-day calendar: official holidays and make-up working days (调休).

`chinese-calendar` publishes each year's State Council holiday schedule; for a year it does not
know yet, Monday to Friday are working days until the package is updated. Complaint deadlines
(facilities) and re-assessment deadlines (residents) both count on it.
"""
from datetime import date

import chinese_calendar

from .rules import add_working_days


def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def working_days_after(start: date, days: int) -> date:
    return add_working_days(start, days, is_workday=is_workday)
