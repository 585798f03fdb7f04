"""Query parameters naming a month, a date, a year, a page or an id, parsed one way for every page.

A value that is not one (`?month=2026-13`, `?page=abc`, `?facility=-1`, full-width digits `１２`) or
is out of range (`?month=9999-12`, whose next month does not exist; an id past 64 bits) raises
`BadParameter`. It is a SuspiciousOperation, so Django answers 400 with the site's error page
(config.errors.bad_request; under /api/ the API's error shape) instead of a 500 from arithmetic on an
impossible date. Years run 1900–2100, which holds every birth, admission and claim month the system
records and keeps month arithmetic in range.

Where it applies:
- Every web page: config.middleware.QueryParamsMiddleware checks the names of QUERY_PARAMS in the
  query string of every request outside /api/ before any view runs, so a list page, a filter form, a
  statement or an export never sees such a value out of range. Views that read one call the same
  parsers (month_param, …) for the value itself.
- The API: ninja's typed parameters (common.api_fields: Month, BoundedDate, Year, Id, Page) carry the
  same bounds and answer 422 in the API's error shape.
- Path parameters are `<int:…>` routes: anything but ASCII digits matches no route (404); an id past
  64 bits finds nothing (404).

Pagination, one rule everywhere: a page number must be an ASCII integer 1 … 1,000,000 (`page=0`,
`-1`, `abc`, `1e9`, `99999999999999999999` are a 400); a valid page past the last shows the last page
(Paginator.get_page, django-tables2's silent paginate). `per_page` (django-tables2) is 1 … 500.
"""
import re
from datetime import date

from django.core.exceptions import SuspiciousOperation

MIN_DAY = date(1900, 1, 1)
MAX_DAY = date(2100, 12, 31)
MIN_YEAR, MAX_YEAR = MIN_DAY.year, MAX_DAY.year
MAX_ID = 2**63 - 1
# A region: a county's 6-digit or a township's 9-digit GB/T 2260 code (models, forms and the API).
REGION_CODE = r"^\d{6}(\d{3})?$"
MAX_PAGE = 1_000_000
MAX_PER_PAGE = 500
# One-digit months and days are what people type where a browser has no month or date picker
# (the forms' strptime formats accept them too), so they are not a reason for a 400.
_MONTH = re.compile(r"(\d{4})-(\d{1,2})", re.ASCII)
_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)

BAD_REQUEST = "请求参数有误：月份、日期、页码或编号不在有效范围内"  # translated where shown (config.errors, config.api)


class BadParameter(SuspiciousOperation):
    """A query parameter out of range: a 400, never a 500. `name` is the parameter; `message` and
    `message_en` say what it should be (constant text: the value itself is never echoed)."""

    def __init__(self, name: str, message: str, message_en: str):
        super().__init__(f"{name}: {message_en}")
        self.name, self.message, self.message_en = name, message, message_en


def in_range(day: date) -> bool:
    return MIN_DAY <= day <= MAX_DAY


def _blank(value) -> bool:
    return value is None or value == ""


def month_param(value, *, name: str = "month") -> date | None:
    """'YYYY-MM' → the 1st of that month; blank → None."""
    if _blank(value):
        return None
    match = _MONTH.fullmatch(str(value).strip())
    try:
        month = date(int(match.group(1)), int(match.group(2)), 1) if match else None
    except ValueError:
        month = None
    if month is None or not in_range(month):
        raise BadParameter(name, "应为 1900-01 至 2100-12 之间的月份（YYYY-MM）",
                           "not a month (YYYY-MM) between 1900-01 and 2100-12")
    return month


def date_param(value, *, name: str = "date") -> date | None:
    """'YYYY-MM-DD' → that day; blank → None."""
    if _blank(value):
        return None
    match = _DAY.fullmatch(str(value).strip())
    try:
        day = date(*(int(part) for part in match.groups())) if match else None
    except ValueError:
        day = None
    if day is None or not in_range(day):
        raise BadParameter(name, "应为 1900-01-01 至 2100-12-31 之间的日期（YYYY-MM-DD）",
                           "not a date (YYYY-MM-DD) between 1900-01-01 and 2100-12-31")
    return day


def int_param(value, *, name: str, maximum: int, minimum: int = 1) -> int | None:
    """An ASCII integer minimum … maximum; blank → None."""
    if _blank(value):
        return None
    text = str(value)
    if not text.isascii() or not text.isdigit() or len(text) > 19 or not minimum <= int(text) <= maximum:
        raise BadParameter(name, f"应为 {minimum} 至 {maximum} 之间的整数", f"not a whole number between {minimum} and {maximum}")
    return int(text)


def id_param(value, *, name: str = "id") -> int | None:
    """A database id (1 … 2^63−1); blank → None."""
    return int_param(value, name=name, maximum=MAX_ID)


def year_param(value, *, name: str = "year") -> int | None:
    """A year 1900 … 2100; blank → None. Pages narrow it further themselves (the calendar's years)."""
    return int_param(value, name=name, minimum=MIN_YEAR, maximum=MAX_YEAR)


def page_param(value, *, name: str = "page") -> int:
    """A page number (1 … 1,000,000); blank → 1. A page past the last shows the last (Paginator.get_page)."""
    return int_param(value, name=name, maximum=MAX_PAGE) or 1


def per_page_param(value, *, name: str = "per_page") -> int | None:
    return int_param(value, name=name, maximum=MAX_PER_PAGE)


# The query parameters every web page is checked for (config.middleware.QueryParamsMiddleware),
# whether or not the page reads them: name → parser. A page that reads such a value under another
# name parses it with the same functions.
QUERY_PARAMS = {
    "page": page_param,
    "per_page": per_page_param,
    "month": month_param,
    "year": year_param,
    "date": date_param,
    "day": date_param,
    "date_from": date_param,
    "date_to": date_param,
    "id": id_param,
    "facility": id_param,
    "facility_id": id_param,
    "person": id_param,
    "person_id": id_param,
}


def check_query(query) -> None:
    """Raise BadParameter for the first parameter holding a NUL character (whatever its name: no
    database stores one, PostgreSQL refuses the query) or of QUERY_PARAMS out of range (every value
    of a repeated one)."""
    for name, values in query.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            raise BadParameter(name if "\x00" not in name else "?", "不能包含空字符（U+0000）",
                               "must not contain a NUL character (U+0000)")
        parse = QUERY_PARAMS.get(name)
        for value in values if parse else ():
            parse(value, name=name)
