"""What the search box was given: the pure reading of a query, so every path searches the same way."""
import enum
import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY = 50

_ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
_ID_SUFFIX = re.compile(r"^\d{3,5}[\dX]$")
_DIGITS = re.compile(r"^[\dX]+$")
_INITIALS = re.compile(r"^[a-z]{2,10}$")
_CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


class QueryKind(enum.StrEnum):
    ID_NUMBER = "id_number"  # a whole ID number: that person
    ID_SUFFIX = "id_suffix"  # the last 4–6 characters of an ID number
    INITIALS = "initials"  # pinyin initials of a name ("zs" for 张三)
    CREDIT_CODE = "credit_code"  # a facility's 统一社会信用代码
    TEXT = "text"  # part of a name (a person's or a facility's)


@dataclass(frozen=True)
class SearchQuery:
    kind: QueryKind
    text: str


def read_query(raw: str) -> SearchQuery:
    """The query's kind and its normal form; ValueError (in words for the user) when it cannot be searched.

    Full-width characters are read as their ASCII twins (a Chinese keyboard types "１２３４"). Digits
    are searched only as a whole ID number or its last 4–6 characters: the first digits or a middle
    run would let a reader rebuild the masked part of a number one digit at a time. Letters alone are
    pinyin initials.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        raise ValueError("请输入要搜索的内容 / type something to search for")
    if len(text) > MAX_QUERY:
        raise ValueError(f"搜索内容不能超过 {MAX_QUERY} 个字 / at most {MAX_QUERY} characters")
    upper = text.upper().replace(" ", "")
    if _ID_NUMBER.match(upper):
        return SearchQuery(QueryKind.ID_NUMBER, upper)
    if _CREDIT_CODE.match(upper) and not _DIGITS.match(upper):
        return SearchQuery(QueryKind.CREDIT_CODE, upper)
    if _ID_SUFFIX.match(upper):
        return SearchQuery(QueryKind.ID_SUFFIX, upper)
    if _DIGITS.match(upper):
        raise ValueError("按身份证号码搜索请输入完整号码或后 4–6 位 / an ID number is searched whole or by its last 4–6 characters")
    if _INITIALS.match(text.lower()):
        return SearchQuery(QueryKind.INITIALS, text.lower())
    return SearchQuery(QueryKind.TEXT, text)
