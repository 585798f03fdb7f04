"""Types shared by the custody (款物代管) and public-notice (公示) API schemas.

Money leaves as a string with exactly two decimals ("120.00"), never a float; months travel as
"YYYY-MM". Free text must be encodable text: a NUL character or a lone surrogate is refused with a
field error rather than reaching the database.
"""
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, PlainSerializer, WithJsonSchema

from common.money import round_fen
from common.params import in_range

MAX_ID = 2**63 - 1
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
REGION_CODE = r"^\d{6}(\d{3})?$"


def _text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("不能包含空字符 / must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("包含无效字符 / contains invalid characters") from None
    return value


def _month(value):
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(MONTH_PATTERN, value):
        raise ValueError("月份格式应为 YYYY-MM / a month is written YYYY-MM")
    month = date(int(value[:4]), int(value[5:]), 1)
    if not in_range(month):
        raise ValueError("月份应在 1900-01 至 2100-12 之间 / a month lies between 1900-01 and 2100-12")
    return month


Text = Annotated[str, AfterValidator(_text)]
Money = Annotated[
    Decimal,
    PlainSerializer(lambda value: format(round_fen(Decimal(value)), "f"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["120.00"]}),
]
Month = Annotated[
    date,
    BeforeValidator(_month),
    PlainSerializer(lambda value: value.strftime("%Y-%m"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": MONTH_PATTERN, "examples": ["2026-07"]}),
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
