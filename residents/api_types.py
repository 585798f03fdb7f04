"""Types shared by the custody (款物代管) and public-notice (公示) API schemas.

Money leaves as a string with exactly two decimals ("120.00"), never a float; months travel as
"YYYY-MM". Free text must be encodable text: a NUL character or a lone surrogate is refused with a
field error rather than reaching the database.
"""
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, PlainSerializer, WithJsonSchema

from common.money import round_fen
from config.api_fields import MONTH_PATTERN, Month  # noqa: F401 (one month type for the whole API)

MAX_ID = 2**63 - 1
REGION_CODE = r"^\d{6}(\d{3})?$"


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
