"""Field types and constants of the API, one home for every router.

Service errors under the request's names; times and days the database can store; months as "YYYY-MM";
money leaves as a string with exactly two decimals ("120.00"), never a float; free text must be
encodable text (a NUL character or a lone surrogate is a field error, never a database failure).
"""
import re
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, PlainSerializer, WithJsonSchema

from common.money import round_fen
from common.params import MAX_ID, REGION_CODE, BadParameter, date_param, month_param  # noqa: F401 (the API's bounds too)


@contextmanager
def fields_as(**names):
    """Report a service's field errors under the names the API request used (facility → facility_id)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({names.get(field, field): errors for field, errors in exc.error_dict.items()}) from exc


def _local_time(value: datetime) -> datetime:
    """A time in the site's zone (one without a zone is read as local time). ISO 8601 allows offsets
    up to ±23:59 and PostgreSQL stores ±15:59 at most, and a time at the calendar's ends overflows
    when converted: such values are refused as invalid (422) instead of failing in the database."""
    try:
        local = timezone.localtime(timezone.make_aware(value) if timezone.is_naive(value) else value)
        local.astimezone(UTC)  # the databases store UTC: a local time at the calendar's ends overflows there
        return local
    except (OverflowError, ValueError) as exc:
        raise ValueError("时间超出范围 / the time is out of range") from exc


LocalDateTime = Annotated[datetime, AfterValidator(_local_time)]



_WRITTEN = {"month": re.compile(r"[0-9]{4}-[0-9]{2}"), "date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")}


def _parsed(parse, value, *, what: str):
    """A query or body value through common.params' parser: the same bounds as the web pages, as a 422."""
    if isinstance(value, date) and not isinstance(value, datetime):
        value = value.strftime("%Y-%m" if what == "month" else "%Y-%m-%d")
    if not isinstance(value, str) or not _WRITTEN[what].fullmatch(value):  # the API takes the documented form only
        raise ValueError(f"格式应为 {'YYYY-MM' if what == 'month' else 'YYYY-MM-DD'} / written "
                         f"{'YYYY-MM' if what == 'month' else 'YYYY-MM-DD'}")
    try:
        return parse(value, name=what)
    except BadParameter as exc:
        raise ValueError(f"{exc.message} / {exc.message_en}") from None


# A month 'YYYY-MM' (ASCII digits), 1900-01 … 2100-12, as the date of its 1st day; leaves as 'YYYY-MM'.
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
Month = Annotated[
    date,
    BeforeValidator(lambda value: _parsed(month_param, value, what="month")),
    PlainSerializer(lambda value: value.strftime("%Y-%m"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": MONTH_PATTERN, "examples": ["2026-07"]}),
]
# A day 'YYYY-MM-DD' (ASCII digits), 1900-01-01 … 2100-12-31: 9999-12-31, 0 (read as a Unix time) or
# 2026-07-01T00:00:00 are a 422, not arithmetic past the calendar's end.
Day = Annotated[
    date,
    BeforeValidator(lambda value: _parsed(date_param, value, what="date")),
    WithJsonSchema({"type": "string", "format": "date", "examples": ["2026-07-01"]}),
]


def _text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("不能包含空字符 / must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("包含无效字符 / contains invalid characters") from None
    return value


Text = Annotated[str, AfterValidator(_text)]
Money = Annotated[
    Decimal,
    PlainSerializer(lambda value: format(round_fen(Decimal(value)), "f"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["120.00"]}),
]


def user_name(user) -> str | None:
    return (user.full_name or user.username) if user is not None else None


class FieldChangeOut(Schema):
    field: str
    old: str
    new: str


class HistoryOut(Schema):
    when: datetime
    who: str
    kind: str
    reason: str
    changes: list[FieldChangeOut]
