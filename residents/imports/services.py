"""Import people and their stays from a spreadsheet (.xlsx or .csv): preview first, then apply.

How bureaus move off spreadsheets. `import_preview` reads the sheet and checks every row without
writing anything; `import_apply` checks again and, only when no row has a problem, registers the
people and admits them through the services (`person_register`, `stay_admit`) in one transaction.
A row whose ID number is already registered under the same name is skipped, so importing the same
sheet twice changes nothing.

Problems name the row as the user sees it in the spreadsheet (the header is row 1), the column and
the reason, in Chinese. A file that cannot be read at all gives one problem without a row.

Why not `pandas.read_excel`: it opens workbooks with `data_only=True`, which replaces a formula by
its cached value (so a formula could not be refused) and hides whether an ID number was typed as a
number (so its lost last digits would go unnoticed). openpyxl in read-only mode shows both; CSV is
read as text by the `csv` module, so no cell ever becomes a float.
"""
import csv
import io
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePath

import openpyxl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from accounts.models import JobStage
from common.bilingual import rule_message
from common.csv_text import UnreadableCsv, csv_rows, spreadsheet_text
from common.masking import mask_personal_numbers
from common.text_safety import validate_one_line
from common.upload_budget import SheetBudget, UploadRefused, budgeted_rows, check_xlsx
from facilities.models import (
    Facility,
    FacilityKind,
    FacilityStatus,
    Region,
    RegionLevel,
)
from facilities.scoping import can_act_for_facility, can_register_people, facilities_visible_to

from ..id_lookups import OUTSIDE_SCOPE, TOO_MANY, IdLookupsExhausted, id_lookup_screen
from ..models import (
    DisabilityCategory,
    HukouType,
    Person,
    Stay,
    SupportForm,
    SupportStatus,
)
from ..rules import ADULT_AGE, age_on, parse_id_number
from ..selectors import people_visible_to
from ..services import person_register, scans_deferred, stay_admit
from .columns import BY_KEY, COLUMNS, column_letter, header_key, header_normalised, mapping_is_exact, mapping_suggested

BUDGET = SheetBudget()  # 5 MB, 5000 rows under the header (blank ones too), 100 columns: common.upload_budget
MAX_BYTES = BUDGET.max_bytes
MAX_ROWS = BUDGET.max_rows
MAX_COLUMNS = BUDGET.max_columns
PERSON_NAME_MAX = Person._meta.get_field("name").max_length
PHONE_MAX = Person._meta.get_field("phone").max_length


@dataclass(frozen=True)
class Problem:
    """One reason a sheet cannot be imported. `row` is None when it concerns the whole file."""

    row: int | None
    column: str
    reason: str
    letter: str = ""


@dataclass
class ImportPreview:
    problems: list[Problem]
    new_people: int = 0
    existing_people: int = 0
    new_stays: int = 0
    rows: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.rows > 0


@dataclass
class ImportResult:
    applied: bool
    problems: list[Problem]
    created_people: int = 0
    skipped_people: int = 0
    created_stays: int = 0


def check_may_import(user) -> None:
    if not can_register_people(user):
        raise PermissionDenied(_("您无权导入人员"))


# --- reading the file --------------------------------------------------------------------


class _Unreadable(Exception):
    """The file as a whole cannot be imported; the message says why."""


def _read_bytes(file) -> tuple[str, bytes]:
    name = str(getattr(file, "name", "") or "")
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xls":
        raise _Unreadable(_("不支持旧版 .xls 文件，请在 Excel 中“另存为” .xlsx 或 CSV 后再导入"))
    if suffix not in (".csv", ".xlsx"):
        raise _Unreadable(_("只能导入 .xlsx 或 .csv 文件"))
    size = getattr(file, "size", None)
    if isinstance(size, int) and size > MAX_BYTES:
        raise _Unreadable(_("文件超过 5 MB，请拆分后分批导入"))
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_BYTES + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise _Unreadable(_("文件超过 5 MB，请拆分后分批导入"))
    if not data:
        raise _Unreadable(_("文件是空的"))
    return suffix, data


def _csv_rows(data: bytes):
    try:
        yield from csv_rows(data, max_columns=MAX_COLUMNS)
    except UnreadableCsv as exc:
        raise _Unreadable(str(exc)) from exc


def _xlsx_rows(data: bytes):
    try:
        check_xlsx(data, BUDGET)
    except UploadRefused as exc:
        raise _Unreadable(str(exc)) from exc
    # openpyxl raises many kinds of exception on a damaged file (KeyError, ValueError, XML errors …);
    # any of them means the same thing to the user.
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:
        raise _Unreadable(_("不是有效的 .xlsx 文件，请用 Excel 重新保存")) from exc
    try:
        if not workbook.worksheets:
            raise _Unreadable(_("工作簿中没有工作表"))
        sheet = workbook.worksheets[0]
        try:
            for number, cells in enumerate(sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True), start=1):
                yield number, list(cells)
        except _Unreadable:
            raise
        except Exception as exc:
            raise _Unreadable(_("读取工作表时出错，请用 Excel 重新保存")) from exc
    finally:
        workbook.close()


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class _Sheet:
    header: dict[str, int]  # column key → index
    rows: list[tuple[int, list]]  # (spreadsheet row number, cells)
    ignored: list[str]


def _cells_read(file) -> tuple[list, list[tuple[int, list]]]:
    """The header's cells and the data rows (numbered as the spreadsheet shows them), blank rows skipped."""
    suffix, data = _read_bytes(file)
    source = _csv_rows(data) if suffix == ".csv" else _xlsx_rows(data)
    header_cells = None
    rows = []
    try:
        for number, cells in budgeted_rows(source, BUDGET):
            if all(_is_blank(cell) for cell in cells):
                continue
            if header_cells is None:
                header_cells = cells
                continue
            rows.append((number, cells))
    except UploadRefused as exc:
        raise _Unreadable(str(exc)) from exc
    if header_cells is None:
        raise _Unreadable(_("表中没有内容"))
    return header_cells, rows


def _header_by_names(header_cells) -> dict[str, int]:
    header: dict[str, int] = {}
    repeated = []
    for index, cell in enumerate(header_cells):
        key = header_key(cell)
        if key is None:
            continue
        if key in header:
            repeated.append(BY_KEY[key].header)
            continue
        header[key] = index
    if repeated:
        raise _Unreadable(_("表头中有重复的列：%(columns)s") % {"columns": "、".join(repeated)})
    return header


def _header_by_mapping(header_cells, mapping: dict[str, int]) -> dict[str, int]:
    """The user's own choice of which sheet column holds which field (the mapping step)."""
    header: dict[str, int] = {}
    for key, index in mapping.items():
        if key not in BY_KEY or not isinstance(index, int) or not 0 <= index < len(header_cells):
            raise _Unreadable(_("列的对应关系无效，请重新选择"))
        header[key] = index
    twice = [column_letter(index) for index in sorted(set(header.values())) if list(header.values()).count(index) > 1]
    if twice:
        raise _Unreadable(_("同一列不能对应两个字段：%(columns)s 列") % {"columns": "、".join(twice)})
    return header


def _read_sheet(file, mapping: dict[str, int] | None = None) -> _Sheet:
    header_cells, rows = _cells_read(file)
    header = _header_by_names(header_cells) if mapping is None else _header_by_mapping(header_cells, mapping)
    used = set(header.values())
    ignored = [header_normalised(cell)[:50] for index, cell in enumerate(header_cells)
               if index not in used and header_normalised(cell)]
    missing = [column.header for column in COLUMNS if column.required and column.key not in header]
    if missing:
        raise _MissingColumns(missing)
    if not rows:
        raise _Unreadable(_("表中没有数据行"))
    return _Sheet(header=header, rows=rows, ignored=ignored)


@dataclass
class SheetColumns:
    """A sheet's header and first rows, for the mapping step: which of its columns holds which field."""

    problems: list[Problem]
    headers: list[str] = field(default_factory=list)
    samples: list[list[str]] = field(default_factory=list)  # per column, the first SAMPLE_ROWS values
    suggested: dict[str, int] = field(default_factory=dict)
    exact: bool = False
    rows: int = 0


SAMPLE_ROWS = 3


def _sample(value) -> str:
    """A cell as the mapping step shows it: short, one line, ID numbers masked (the screen may be seen by others)."""
    text = "" if value is None else str(value)
    return mask_personal_numbers(" ".join(text.split()))[:30]


def sheet_columns(*, user, file) -> SheetColumns:
    """The header and first rows of an uploaded sheet, with the suggested mapping. Writes nothing."""
    check_may_import(user)
    try:
        header_cells, rows = _cells_read(file)
    except _Unreadable as exc:
        return SheetColumns(problems=[Problem(row=None, column="", reason=str(exc))])
    headers = [" ".join(str(cell).split())[:50] if not _is_blank(cell) else "" for cell in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    samples = [[_sample(cells[index]) if index < len(cells) else "" for _, cells in rows[:SAMPLE_ROWS]]
               for index in range(len(headers))]
    return SheetColumns(problems=[], headers=headers, samples=samples, suggested=mapping_suggested(headers),
                        exact=mapping_is_exact(headers), rows=len(rows))


class _MissingColumns(Exception):
    def __init__(self, headers: list[str]):
        super().__init__(headers)
        self.headers = headers


# --- reading one cell --------------------------------------------------------------------


class _Bad(Exception):
    """This cell has a problem; the message is the reason."""


def _one_line(text: str) -> str:
    """The model's rule for names and one-line text (common.text_safety), as a problem of this cell."""
    try:
        validate_one_line(text)
    except ValidationError as exc:
        raise _Bad(exc.messages[0]) from None
    return text


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise _Bad(_("内容无效"))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _Bad(_("内容无效"))
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _code(value) -> str:
    """Text of a code-like cell, with full-width digits and punctuation (typed with a Chinese IME) made ASCII."""
    return unicodedata.normalize("NFKC", _text(value)).strip()


_SCIENTIFIC = re.compile(r"\d+(\.\d+)?[eE]\+?\d+", re.ASCII)


def _id_number(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise _Bad(_("身份证号码被存成了数字，末几位已丢失；请把该列设为文本格式后重新填写"))
    text = _code(value).removeprefix("'")
    if _SCIENTIFIC.fullmatch(text):
        raise _Bad(_("身份证号码被转成了科学计数法；请把该列设为文本格式后重新填写"))
    try:
        parsed = parse_id_number(text)
    except ValueError as exc:
        raise _Bad(str(rule_message(str(exc)))) from None
    if parsed.birth_date > timezone.localdate():
        raise _Bad(_("身份证号码中的出生日期晚于今天"))
    return parsed


def _name(value) -> str:
    text = _text(value)
    if not text:
        raise _Bad(_("请填写姓名"))
    if len(text) > PERSON_NAME_MAX:
        raise _Bad(_("姓名不能超过 %(n)s 个字") % {"n": PERSON_NAME_MAX})
    return _one_line(text)


def _region_code(value) -> str:
    text = _code(value)
    # 12-digit statistical codes and 9-digit codes padded with 000 name the same region (as load_regions reads them).
    if len(text) == 12 and text.endswith("000"):
        text = text[:9]
    if len(text) == 9 and text.endswith("000"):
        text = text[:6]
    if not re.fullmatch(r"\d{6}(\d{3})?", text, re.ASCII):
        raise _Bad(_("行政区划代码应为 6 位或 9 位数字"))
    return text


_HUKOU = {"城镇": HukouType.URBAN, "农村": HukouType.RURAL, "urban": HukouType.URBAN, "rural": HukouType.RURAL}


def _hukou_type(value) -> str:
    text = _text(value).lower().removesuffix("户口").removesuffix("户籍")
    if not text:
        raise _Bad(_("请填写户籍类型（城镇或农村）"))
    if text not in _HUKOU:
        raise _Bad(_("户籍类型应为“城镇”或“农村”"))
    return _HUKOU[text].value


_DISABILITY = {
    **{str(choice.label): choice.value for choice in DisabilityCategory},
    **{str(choice.label).removesuffix("残疾"): choice.value for choice in DisabilityCategory},
    **{choice.value: choice.value for choice in DisabilityCategory},
}
_NONE_WORDS = {"", "无", "否", "none"}


def _disability_category(value) -> str:
    text = _text(value).lower()
    if text in _NONE_WORDS:
        return ""
    if text not in _DISABILITY:
        raise _Bad(_("残疾类别应为 视力、听力、言语、肢体、智力、精神 或 多重"))
    return _DISABILITY[text]


_GRADES = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}


def _disability_grade(value) -> int | None:
    text = _code(value).lower()
    if text in _NONE_WORDS:
        return None
    grade = _GRADES.get(text.removesuffix("级"))
    if grade is None:
        raise _Bad(_("残疾等级应为 1 到 4"))
    return grade


def _phone(value) -> str:
    text = _text(value)
    if len(text) > PHONE_MAX:
        raise _Bad(_("联系电话不能超过 %(n)s 个字符") % {"n": PHONE_MAX})
    return _one_line(text)


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(\d{4})(\d{2})(\d{2})", re.ASCII)


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _code(value)
    if not text:
        return None
    match = _DATE.fullmatch(text)
    if not match:
        raise _Bad(_("日期格式应为 YYYY-MM-DD，例如 2024-03-05"))
    year, month, day = (int(part) for part in (match.groups()[:3] if match.group(1) else match.groups()[3:]))
    try:
        return date(year, month, day)
    except ValueError:
        raise _Bad(_("日期不存在")) from None


_PARSERS = {
    "name": _name,
    "id_number": _id_number,
    "hukou_region_code": _region_code,
    "hukou_type": _hukou_type,
    "residence_region_code": lambda value: _region_code(value) if not _is_blank(value) else None,
    "phone": _phone,
    "disability_category": _disability_category,
    "disability_grade": _disability_grade,
    "facility": lambda value: _text(value),
    "admitted_on": _date,
}


def _is_formula(value) -> bool:
    """Text a spreadsheet program would run as a formula (= + - @), leading spaces ignored."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return spreadsheet_text(text) != text


# --- checking the rows -------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    values: dict = field(default_factory=dict)
    bad: set = field(default_factory=set)
    person: Person | None = None
    facility: Facility | None = None
    admit: bool = False


@dataclass
class _Plan:
    problems: list[Problem]
    rows: list[_Row] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def new_people(self) -> int:
        return sum(row.person is None for row in self.rows)

    @property
    def existing_people(self) -> int:
        return sum(row.person is not None for row in self.rows)

    @property
    def new_stays(self) -> int:
        return sum(row.admit for row in self.rows)


class _Checker:
    """Collects problems for a sheet, with the spreadsheet's row numbers and column letters."""

    def __init__(self, header: dict[str, int]):
        self.header = header
        self.problems: list[Problem] = []

    def add(self, row: _Row, key: str, reason: str) -> None:
        row.bad.add(key)
        index = self.header.get(key)
        self.problems.append(
            Problem(row=row.number, column=BY_KEY[key].header, reason=reason,
                    letter=column_letter(index) if index is not None else "")
        )


Progress = Callable[[str, int, int], None]  # (JobStage, rows done, rows in all): a background import's page


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


#: A background import reports its checking this many rows at a time.
PROGRESS_EVERY = 250


def _parse_rows(sheet: _Sheet, checker: _Checker, progress: Progress) -> list[_Row]:
    rows = []
    for position, (number, cells) in enumerate(sheet.rows):
        if position % PROGRESS_EVERY == 0:
            progress(JobStage.CHECKING, position, len(sheet.rows))
        row = _Row(number=number)
        for key, parse in _PARSERS.items():
            index = sheet.header.get(key)
            value = cells[index] if index is not None and index < len(cells) else None
            if _is_formula(value):
                checker.add(row, key, _("以 = + - @ 开头的内容会被表格软件当作公式，已拒绝；请删去开头的符号"))
                continue
            try:
                row.values[key] = parse(value)
            except _Bad as exc:
                checker.add(row, key, str(exc))
        rows.append(row)
    return rows


def _check_disability(rows: list[_Row], checker: _Checker) -> None:
    for row in rows:
        if {"disability_grade", "disability_category"} & row.bad:
            continue
        if row.values["disability_grade"] and not row.values["disability_category"]:
            checker.add(row, "disability_category", _("填写残疾等级时须填写残疾类别"))


def _check_people(user, rows: list[_Row], checker: _Checker, request=None) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        if "id_number" in row.bad:
            continue
        number = row.values["id_number"].value
        if number in seen:
            checker.add(row, "id_number", _("与第 %(row)s 行的身份证号码重复") % {"row": seen[number]})
        else:
            seen[number] = row.number
    # One answer for a number registered outside the user's scope, whatever that person's state;
    # logged and rate-limited (residents.id_lookups). Only people the user may see are matched.
    outside = id_lookup_screen(user=user, numbers=list(seen), request=request)
    existing = people_visible_to(user).in_bulk(list(set(seen) - outside), field_name="id_number")
    for row in rows:
        if "id_number" in row.bad:
            continue
        if row.values["id_number"].value in outside:
            checker.add(row, "id_number", str(OUTSIDE_SCOPE))
            continue
        person = existing.get(row.values["id_number"].value)
        if person is None:
            continue
        row.person = person
        if "name" not in row.bad and person.name != row.values["name"]:
            checker.add(row, "name", _("该身份证号码已登记，但姓名与登记的不一致，请核对"))


def _check_regions(rows: list[_Row], checker: _Checker) -> None:
    keys = ("hukou_region_code", "residence_region_code")
    codes = {row.values[key] for row in rows for key in keys if key not in row.bad and row.values.get(key)}
    regions = Region.objects.in_bulk(list(codes))
    for row in rows:
        for key in keys:
            code = row.values.get(key)
            if key in row.bad or not code:
                continue
            region = regions.get(code)
            if region is None:
                checker.add(row, key, _("行政区划代码不存在"))
            elif key == "residence_region_code" and region.level != RegionLevel.TOWNSHIP:
                checker.add(row, key, _("现居住地须为 9 位乡镇（街道）代码"))
            else:
                row.values[key] = region


def _find_facilities(user, rows: list[_Row]) -> dict[str, list[Facility]]:
    refs = {row.values["facility"] for row in rows if row.values.get("facility")}
    ids = [int(ref) for ref in refs if ref.isascii() and ref.isdigit() and len(ref) < 18]
    names = [ref for ref in refs if ref not in {str(i) for i in ids}]
    found: dict[str, list[Facility]] = {}
    if refs:
        for facility in facilities_visible_to(user).filter(Q(pk__in=ids) | Q(name__in=names)):
            if facility.name in names:
                found.setdefault(facility.name, []).append(facility)
            if str(facility.pk) in refs:
                found.setdefault(str(facility.pk), []).append(facility)
    return found


def _check_stays(user, rows: list[_Row], checker: _Checker) -> None:
    today = timezone.localdate()
    found = _find_facilities(user, rows)
    facility_ids = {f.pk for candidates in found.values() for f in candidates}
    may_act = {f.pk: can_act_for_facility(user, f) for candidates in found.values() for f in candidates}
    occupied = dict(
        Stay.objects.filter(facility_id__in=facility_ids, ended_on__isnull=True)
        .values_list("facility_id").annotate(n=Count("id")).order_by()
    )
    people = [row.person.pk for row in rows if row.person is not None and row.values.get("facility")]
    active = {s.person_id: s for s in Stay.objects.filter(person_id__in=people, ended_on__isnull=True)}
    last_left = dict(
        Stay.objects.filter(person_id__in=people, ended_on__isnull=False)
        .values_list("person_id").annotate(last=Max("ended_on")).order_by()
    )
    dispersed = set(
        SupportStatus.objects.filter(
            person_id__in=people, terminated_on__isnull=True, support_form=SupportForm.DISPERSED
        ).values_list("person_id", flat=True)
    )
    planned: dict[int, int] = {}
    for row in rows:
        ref, admitted_on = row.values.get("facility"), row.values.get("admitted_on")
        if "facility" in row.bad or "admitted_on" in row.bad:
            continue
        if not ref:
            if admitted_on:
                checker.add(row, "facility", _("填写了入住日期，但没有填写入住机构"))
            continue
        candidates = found.get(ref, [])
        if not candidates:
            checker.add(row, "facility", _("找不到该机构，或该机构不在您的管辖范围内"))
            continue
        if len(candidates) > 1:
            checker.add(row, "facility", _("有多个同名机构，请改填机构编号"))
            continue
        facility = candidates[0]
        if not may_act[facility.pk]:
            checker.add(row, "facility", _("您无权为该机构办理入住（入住由该机构的负责人办理）"))
            continue
        if facility.status != FacilityStatus.OPERATING:
            checker.add(row, "facility", _("该机构不在运营中，不能入住"))
            continue
        if admitted_on is None:
            checker.add(row, "admitted_on", _("填写入住机构时须填写入住日期"))
            continue
        if admitted_on > today:
            checker.add(row, "admitted_on", _("入住日期不能晚于今天"))
            continue
        if "id_number" in row.bad:
            continue
        birth_date = row.values["id_number"].birth_date
        if admitted_on < birth_date:
            checker.add(row, "admitted_on", _("入住日期不能早于出生日期"))
            continue
        if age_on(birth_date, admitted_on) < ADULT_AGE and facility.kind != FacilityKind.CHILD_WELFARE:
            checker.add(row, "facility", _("未成年人须安置在儿童福利机构"))
            continue
        person = row.person
        if person is not None:
            stay = active.get(person.pk)
            if stay is not None and stay.facility_id == facility.pk and stay.admitted_on == admitted_on:
                continue  # imported before: nothing to do
            if stay is not None and stay.facility_id == facility.pk:
                checker.add(row, "admitted_on", _("该人员已在该机构入住，入住日期为 %(day)s，与表中不一致")
                            % {"day": stay.admitted_on.isoformat()})
                continue
            if stay is not None:
                checker.add(row, "facility", _("该人员已在其他机构入住，请先办理离开或转院"))
                continue
            if person.pk in dispersed:
                checker.add(row, "facility", _("该人员为分散供养，不能同时入住机构；请先将供养方式变更为集中供养"))
                continue
            if last_left.get(person.pk) and last_left[person.pk] > admitted_on:
                checker.add(row, "admitted_on", _("入住日期早于该人员上一次离开的日期"))
                continue
        planned[facility.pk] = planned.get(facility.pk, 0) + 1
        if occupied.get(facility.pk, 0) + planned[facility.pk] > facility.bed_capacity:
            checker.add(row, "facility", _("%(name)s 床位已满（%(beds)s 张床位，已入住 %(occupied)s 人）")
                        % {"name": facility.name, "beds": facility.bed_capacity, "occupied": occupied.get(facility.pk, 0)})
            continue
        row.facility, row.admit = facility, True


def _plan(*, user, file, mapping=None, request=None, progress: Progress = _no_progress) -> _Plan:
    try:
        sheet = _read_sheet(file, mapping)
    except _MissingColumns as exc:
        return _Plan(problems=[Problem(row=1, column=header, reason=_("缺少必填列“%(column)s”") % {"column": header})
                               for header in exc.headers])
    except _Unreadable as exc:
        return _Plan(problems=[Problem(row=None, column="", reason=str(exc))])
    checker = _Checker(sheet.header)
    rows = _parse_rows(sheet, checker, progress)
    _check_disability(rows, checker)
    try:
        _check_people(user, rows, checker, request=request)
    except IdLookupsExhausted:
        return _Plan(problems=[Problem(row=None, column="", reason=str(TOO_MANY))])
    _check_regions(rows, checker)
    _check_stays(user, rows, checker)
    order = {column.key: position for position, column in enumerate(COLUMNS)}
    positions = {column.header: order[column.key] for column in COLUMNS}
    problems = sorted(checker.problems, key=lambda p: (p.row or 0, positions.get(p.column, 0)))
    return _Plan(problems=problems, rows=rows, ignored=sheet.ignored)


# --- the two entry points ----------------------------------------------------------------


def import_preview(*, user, file, mapping: dict[str, int] | None = None, request=None) -> ImportPreview:
    """Read and check every row; write nothing (but the access records of numbers outside the scope).
    `mapping` (column key → the sheet's column index) replaces reading the header by its names."""
    check_may_import(user)
    plan = _plan(user=user, file=file, mapping=mapping, request=request)
    return ImportPreview(
        problems=plan.problems, new_people=plan.new_people, existing_people=plan.existing_people,
        new_stays=plan.new_stays, rows=len(plan.rows), ignored_columns=plan.ignored,
    )


class _RowFailed(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.reason)
        self.problem = problem


_FIELD_COLUMNS = {
    "name": "name", "id_number": "id_number", "hukou_region": "hukou_region_code", "hukou_type": "hukou_type",
    "residence_region": "residence_region_code", "phone": "phone", "disability_category": "disability_category",
    "disability_grade": "disability_grade", "facility": "facility", "person": "facility", "admitted_on": "admitted_on",
}


def _failure(row: _Row, exc: Exception) -> Problem:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        name, errors = next(iter(exc.message_dict.items()))
        key = _FIELD_COLUMNS.get(name)
        return Problem(row=row.number, column=BY_KEY[key].header if key else "", reason="；".join(errors))
    if isinstance(exc, ValidationError):
        return Problem(row=row.number, column="", reason="；".join(exc.messages))
    if isinstance(exc, PermissionDenied):
        return Problem(row=row.number, column="", reason=str(exc) or _("无权办理"))
    return Problem(row=row.number, column="", reason=_("数据刚被他人修改，请重新预览后再导入"))


def import_apply(*, user, file, mapping: dict[str, int] | None = None, request=None,
                 progress: Progress = _no_progress) -> ImportResult:
    """Check again and, only when no row has a problem, write every row in one transaction."""
    check_may_import(user)
    plan = _plan(user=user, file=file, mapping=mapping, request=request, progress=progress)
    if plan.problems or not plan.rows:
        return ImportResult(applied=False, problems=plan.problems)
    progress(JobStage.WRITING, len(plan.rows), len(plan.rows))
    try:
        with transaction.atomic(), scans_deferred():
            for row in plan.rows:
                try:
                    _apply_row(user, row)
                except (ValidationError, PermissionDenied, IntegrityError) as exc:
                    raise _RowFailed(_failure(row, exc)) from exc
    except _RowFailed as failed:
        return ImportResult(applied=False, problems=[failed.problem])
    return ImportResult(
        applied=True, problems=[], created_people=plan.new_people, skipped_people=plan.existing_people,
        created_stays=plan.new_stays,
    )


def _apply_row(user, row: _Row) -> None:
    values = row.values
    person = row.person
    if person is None:
        person = person_register(
            by=user, name=values["name"], id_number=values["id_number"].value,
            hukou_region=values["hukou_region_code"], hukou_type=values["hukou_type"],
            residence_region=values.get("residence_region_code"), phone=values.get("phone", ""),
            disability_category=values.get("disability_category", ""), disability_grade=values.get("disability_grade"),
        )
    if row.admit:
        stay_admit(by=user, facility=row.facility, person=person, admitted_on=values["admitted_on"])


# --- the template ------------------------------------------------------------------------

TEMPLATE_CSV = Path(__file__).resolve().parent.parent / "data" / "import_template.csv"  # residents/data


def template_xlsx() -> bytes:
    """The sample sheet as .xlsx with every column formatted as text, so Excel keeps ID numbers whole."""
    with TEMPLATE_CSV.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "人员"
    for index, title in enumerate(header):
        letter = column_letter(index)
        sheet.column_dimensions[letter].number_format = "@"
        sheet.column_dimensions[letter].width = 22 if title in ("身份证号码", "入住机构") else 14
        sheet.cell(row=1, column=index + 1, value=title).font = Font(bold=True)
    for number, values in enumerate(rows, start=2):
        for index, value in enumerate(values):
            sheet.cell(row=number, column=index + 1, value=value).number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
