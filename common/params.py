"""Query parameters naming a month, a date, a page or an id, parsed one way for every page.

A value that is not one (`?month=2026-13`, `?page=abc`, `?facility=-1`) or is out of range
(`?month=9999-12`, whose next month does not exist; an id past 64 bits) raises `BadParameter`.
It is a SuspiciousOperation, so Django answers 400 with the site's error page (config.errors)
instead of a 500 from arithmetic on an impossible date. Years run 1900–2100, which holds every
birth, admission and claim month the system records and keeps month arithmetic in range.
"""
import re
from datetime import date

from django.core.exceptions import SuspiciousOperation

MIN_DAY = date(1900, 1, 1)
MAX_DAY = date(2100, 12, 31)
MAX_ID = 2**63 - 1
MAX_PAGE = 1_000_000
_MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


class BadParameter(SuspiciousOperation):
    """A query parameter out of range: a 400, never a 500."""


def in_range(day: date) -> bool:
    return MIN_DAY <= day <= MAX_DAY


def _blank(value) -> bool:
    return value is None or value == ""


def month_param(value, *, name: str = "month") -> date | None:
    """'YYYY-MM' → the 1st of that month; blank → None."""
    if _blank(value):
        return None
    match = _MONTH.fullmatch(str(value))
    try:
        month = date(int(match.group(1)), int(match.group(2)), 1) if match else None
    except ValueError:
        month = None
    if month is None or not in_range(month):
        raise BadParameter(f"{name}: not a month between 1900-01 and 2100-12")
    return month


def date_param(value, *, name: str = "date") -> date | None:
    """'YYYY-MM-DD' → that day; blank → None."""
    if _blank(value):
        return None
    match = _DAY.fullmatch(str(value))
    try:
        day = date(*(int(part) for part in match.groups())) if match else None
    except ValueError:
        day = None
    if day is None or not in_range(day):
        raise BadParameter(f"{name}: not a date between 1900-01-01 and 2100-12-31")
    return day


def int_param(value, *, name: str, maximum: int) -> int | None:
    if _blank(value):
        return None
    text = str(value)
    if not text.isascii() or not text.isdigit() or len(text) > 19 or not 1 <= int(text) <= maximum:
        raise BadParameter(f"{name}: not a number between 1 and {maximum}")
    return int(text)


def id_param(value, *, name: str = "id") -> int | None:
    """A database id (1 … 2^63−1); blank → None."""
    return int_param(value, name=name, maximum=MAX_ID)


def page_param(value, *, name: str = "page") -> int:
    """A page number (1 … 1,000,000); blank → 1. A page past the last shows the last (Paginator.get_page)."""
    return int_param(value, name=name, maximum=MAX_PAGE) or 1
