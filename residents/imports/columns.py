"""The columns an import reads, and how a sheet's own headers are matched to them.

A bureau's sheet rarely uses the template's words: "身份证号" or "公民身份号码" for the ID number,
"户口性质" for the household type, "入院日期" for the admission date. `mapping_suggested` matches
each header, exactly first (the template's header or the English key, marks such as "*" and
"（必填）" ignored), then by the words such headers contain; the user confirms or corrects the
result on the import page's mapping step, so a guess never imports silently.
"""
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the template's header, in Chinese whatever the reader's language
    required: bool
    hint: str  # shown on the upload page
    label: str = ""  # the field's name in the reader's language (the mapping step)


COLUMNS = (
    Column("name", "姓名", True, gettext_lazy("与身份证一致"), gettext_lazy("姓名")),
    Column("id_number", "身份证号码", True, gettext_lazy("18 位；在 Excel 中请把该列设为文本格式"), gettext_lazy("身份证号码")),
    Column("hukou_region_code", "户籍地代码", True, gettext_lazy("6 位（县区）或 9 位（乡镇）行政区划代码"), gettext_lazy("户籍地代码")),
    Column("hukou_type", "户籍类型", True, gettext_lazy("城镇 / 农村"), gettext_lazy("户籍类型")),
    Column("residence_region_code", "现居住乡镇代码", False, gettext_lazy("9 位乡镇（街道）代码"), gettext_lazy("现居住乡镇代码")),
    Column("phone", "联系电话", False, "", gettext_lazy("联系电话")),
    Column("disability_category", "残疾类别", False, gettext_lazy("视力 / 听力 / 言语 / 肢体 / 智力 / 精神 / 多重"), gettext_lazy("残疾类别")),
    Column("disability_grade", "残疾等级", False, gettext_lazy("1–4 级，一级最重"), gettext_lazy("残疾等级")),
    Column("facility", "入住机构", False, gettext_lazy("机构名称或机构编号"), gettext_lazy("入住机构")),
    Column("admitted_on", "入住日期", False, gettext_lazy("YYYY-MM-DD；填写入住机构时必填"), gettext_lazy("入住日期")),
)
BY_KEY = {column.key: column for column in COLUMNS}
_ALIASES = {"身份证号": "id_number", "公民身份号码": "id_number"}
EXACT = {
    **{column.header: column.key for column in COLUMNS},
    **{column.key: column.key for column in COLUMNS},
    **_ALIASES,
}
#: Words a bureau's own header for each column contains, tried in this order after the exact names.
_WORDS = (
    ("id_number", ("身份证", "公民身份", "证件号")),
    ("hukou_region_code", ("户籍地代码", "户籍代码", "户籍区划", "户籍地区划")),
    ("hukou_type", ("户籍类型", "户籍性质", "户口性质", "户口类型", "城乡")),
    ("residence_region_code", ("居住乡镇", "居住地代码", "现住址代码", "居住地区划")),
    ("disability_category", ("残疾类别", "残疾类型", "残疾种类")),
    ("disability_grade", ("残疾等级", "残疾级别")),
    ("admitted_on", ("入住日期", "入住时间", "入院日期", "入院时间", "入住年月日")),
    ("facility", ("入住机构", "机构", "敬老院", "福利院", "供养服务", "养老院")),
    ("phone", ("电话", "手机", "联系方式")),
    ("name", ("姓名", "名字", "供养对象", "特困人员")),
)


def header_normalised(value) -> str:
    text = "" if value is None else str(value)
    text = re.sub(r"\s+", "", text.replace("\ufeff", "")).strip("*＊")
    return re.sub(r"[（(][^（）()]*[)）]$", "", text)  # 姓名（必填） → 姓名


def header_key(value) -> str | None:
    """The column a header names exactly, or None."""
    text = header_normalised(value)
    return EXACT.get(text) or EXACT.get(text.lower())


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def mapping_suggested(headers: list[str]) -> dict[str, int]:
    """Column key → index of the sheet's column that most likely holds it; each index used once."""
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = header_key(header)
        if key is not None and key not in mapping:
            mapping[key] = index
    taken = set(mapping.values())
    for key, words in _WORDS:
        if key in mapping:
            continue
        for index, header in enumerate(headers):
            text = header_normalised(header)
            if index not in taken and any(word in text for word in words):
                mapping[key] = index
                taken.add(index)
                break
    return mapping


def mapping_is_exact(headers: list[str]) -> bool:
    """Every non-blank header names a column exactly, once, and every required column is there:
    the template's sheet, which needs no mapping step."""
    keys = [header_key(header) for header in headers if header_normalised(header)]
    return (None not in keys and len(keys) == len(set(keys))
            and all(column.key in keys for column in COLUMNS if column.required))
