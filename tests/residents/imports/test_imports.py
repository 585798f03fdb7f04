"""Importing people and stays from a spreadsheet: preview, apply, re-import, every kind of bad row, the page, the command."""
import csv
import io
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from accounts.models import BackgroundJob
from facilities.models import FacilityKind
from residents.imports.services import MAX_BYTES, TEMPLATE_CSV, ImportPreview, import_apply, import_preview
from residents.models import Person, Stay
from residents.rules import id_check_character
from tests.factories import FacilityFactory

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号码", "户籍地代码", "户籍类型", "现居住乡镇代码", "联系电话", "残疾类别", "残疾等级", "入住机构",
          "入住日期"]
KEYS = ["name", "id_number", "hukou_region_code", "hukou_type", "residence_region_code", "phone",
        "disability_category", "disability_grade", "facility", "admitted_on"]


def make_id(sequence: int = 1, *, birth: str = "19450315", region: str = "621002") -> str:
    body = f"{region}{birth}{sequence:03d}"
    return body + id_check_character(body)


def person_row(sequence: int = 1, **cells) -> dict:
    row = {
        "name": f"测试人{sequence}", "id_number": make_id(sequence), "hukou_region_code": "621002", "hukou_type": "农村",
        "residence_region_code": "", "phone": "", "disability_category": "", "disability_grade": "", "facility": "",
        "admitted_on": "",
    }
    row.update(cells)
    return row


def csv_upload(rows, *, header=HEADER, encoding="utf-8-sig", name="people.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(key, "") for key in KEYS] if isinstance(row, dict) else row)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def xlsx_upload(rows, *, header=HEADER, name="people.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(key) if row.get(key) != "" else None for key in KEYS] if isinstance(row, dict) else row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def where(preview) -> list[tuple[int | None, str]]:
    return [(problem.row, problem.column) for problem in preview.problems]


# --- good sheets -------------------------------------------------------------------------


def test_good_csv_previews_then_imports_people_and_stays(cast, facilities):
    sheet = csv_upload([
        person_row(1, name="张德福", facility=facilities["a"].name, admitted_on="2024-03-05",
                   residence_region_code="621002100", phone="0934-8211301"),
        person_row(2, name="李桂兰", disability_category="肢体", disability_grade="2"),
        person_row(3, name="王有才", facility=str(facilities["a"].pk), admitted_on="2024/3/6", hukou_type="城镇"),
    ])
    preview = import_preview(user=cast["manager_a"], file=sheet)
    assert preview.problems == []
    assert (preview.new_people, preview.existing_people, preview.new_stays, preview.ok) == (3, 0, 2, True)
    assert Person.objects.count() == 0, "the preview writes nothing"

    result = import_apply(user=cast["manager_a"], file=sheet)

    assert (result.applied, result.created_people, result.skipped_people, result.created_stays) == (True, 3, 0, 2)
    zhang = Person.objects.get(id_number=make_id(1))
    assert (zhang.name, zhang.birth_date, zhang.sex, zhang.hukou_region_id, zhang.hukou_type) == (
        "张德福", date(1945, 3, 15), "M", "621002", "rural")
    assert (zhang.residence_region_id, zhang.phone) == ("621002100", "0934-8211301")
    li = Person.objects.get(name="李桂兰")
    assert (li.disability_category, li.disability_grade) == ("physical", 2)
    assert Person.objects.get(name="王有才").hukou_type == "urban"
    stays = Stay.objects.filter(facility=facilities["a"], ended_on__isnull=True).order_by("admitted_on")
    assert [(s.person.name, s.admitted_on) for s in stays] == [("张德福", date(2024, 3, 5)), ("王有才", date(2024, 3, 6))]
    assert zhang.history.first().history_user == cast["manager_a"]


def test_good_xlsx_with_english_headers_date_cells_and_numbers_imports(cast, facilities):
    sheet = xlsx_upload(
        [
            person_row(1, name="赵秀英", hukou_type="urban", disability_category="mental", disability_grade=1,
                       facility=facilities["a"].name, admitted_on=datetime(2023, 11, 20)),
            person_row(2, name="孙长青", hukou_region_code=621002, residence_region_code=621002101),
        ],
        header=KEYS,
    )
    preview = import_preview(user=cast["manager_a"], file=sheet)
    assert preview.problems == []
    assert (preview.new_people, preview.new_stays) == (2, 1)

    result = import_apply(user=cast["manager_a"], file=sheet)

    assert result.applied
    zhao = Person.objects.get(id_number=make_id(1))
    assert (zhao.name, zhao.hukou_type, zhao.disability_category, zhao.disability_grade) == ("赵秀英", "urban", "mental", 1)
    assert zhao.stays.get().admitted_on == date(2023, 11, 20)
    assert Person.objects.get(name="孙长青").residence_region_id == "621002101"


def test_reimporting_the_same_sheet_changes_nothing(cast, facilities):
    sheet = csv_upload([
        person_row(1, facility=facilities["a"].name, admitted_on="2024-03-05"),
        person_row(2, facility=facilities["a"].name, admitted_on="2024-03-05"),
    ])
    assert import_apply(user=cast["manager_a"], file=sheet).applied
    counts = (Person.objects.count(), Stay.objects.count(), Person.history.count(), Stay.history.count())

    preview = import_preview(user=cast["manager_a"], file=sheet)
    result = import_apply(user=cast["manager_a"], file=sheet)

    assert (preview.problems, preview.new_people, preview.existing_people, preview.new_stays) == ([], 0, 2, 0)
    assert (result.applied, result.created_people, result.skipped_people, result.created_stays) == (True, 0, 2, 0)
    assert (Person.objects.count(), Stay.objects.count(), Person.history.count(), Stay.history.count()) == counts


def test_reimporting_people_who_never_lived_in_the_managers_facilities_gets_the_one_answer(cast, facilities):
    """A manager sees people of their facilities only: someone registered without a stay is outside
    their scope afterwards, so the second import answers as for anyone outside it (and changes nothing)."""
    sheet = csv_upload([person_row(1, facility=facilities["a"].name, admitted_on="2024-03-05"), person_row(2)])
    assert import_apply(user=cast["manager_a"], file=sheet).applied
    counts = (Person.objects.count(), Stay.objects.count(), Person.history.count(), Stay.history.count())

    preview = import_preview(user=cast["manager_a"], file=sheet)
    result = import_apply(user=cast["manager_a"], file=sheet)

    assert [(p.row, p.reason) for p in preview.problems] == [(3, "不在您的辖区，请联系民政部门")]
    assert not result.applied
    assert (Person.objects.count(), Stay.objects.count(), Person.history.count(), Stay.history.count()) == counts


def test_gbk_encoded_csv_as_excel_in_china_saves_it(cast, facilities):
    sheet = csv_upload([person_row(1, name="欧阳德华", facility=facilities["a"].name, admitted_on="2024-01-02")],
                       encoding="gbk")
    preview = import_preview(user=cast["manager_a"], file=sheet)
    assert preview.problems == [] and preview.new_stays == 1
    assert import_apply(user=cast["manager_a"], file=sheet).applied
    assert Person.objects.get().name == "欧阳德华"


def test_csv_without_bom_and_headers_with_required_marks_are_read(cast):
    header = [f"{h}*" if h in ("姓名", "身份证号码") else h for h in HEADER] + ["备注"]
    sheet = csv_upload([[*person_row(1).values(), "老党员"]], header=header, encoding="utf-8")
    preview = import_preview(user=cast["inspector"], file=sheet)
    assert preview.problems == [] and preview.new_people == 1
    assert preview.ignored_columns == ["备注"]


def test_the_downloadable_templates_import_cleanly(cast, facilities):
    from residents.imports.services import template_xlsx

    csv_sheet = SimpleUploadedFile("template.csv", TEMPLATE_CSV.read_bytes())
    xlsx_sheet = SimpleUploadedFile("template.xlsx", template_xlsx())
    for sheet in (csv_sheet, xlsx_sheet):
        preview = import_preview(user=cast["manager_a"], file=sheet)
        assert preview.problems == []
        assert (preview.new_people, preview.new_stays) == (2, 1)


def test_full_width_digits_typed_with_a_chinese_ime_are_read(cast, facilities):
    full_width = str.maketrans("0123456789X-", "０１２３４５６７８９Ｘ－")
    sheet = csv_upload([person_row(1, id_number=make_id(1).translate(full_width), hukou_region_code="６２１００２",
                                   facility=facilities["a"].name, admitted_on="２０２４年３月５日")])
    preview = import_preview(user=cast["manager_a"], file=sheet)
    assert preview.problems == [] and preview.new_stays == 1
    assert import_apply(user=cast["manager_a"], file=sheet).applied
    assert Person.objects.get().id_number == make_id(1)


def test_apply_checks_again_and_writes_nothing_if_the_data_changed(cast, facilities):
    sheet = csv_upload([person_row(1), person_row(2, name="张德福")])
    assert import_preview(user=cast["inspector"], file=sheet).ok
    import_apply(user=cast["inspector"], file=csv_upload([person_row(2, name="张得福")]))  # someone else, meanwhile

    result = import_apply(user=cast["inspector"], file=sheet)

    assert (result.applied, where(result)) == (False, [(3, "姓名")])
    assert Person.objects.count() == 1


# --- bad rows: each is reported at its spreadsheet row and column ------------------------


BAD_ROWS = {
    "bad check character": ({"id_number": make_id(2)[:17] + ("0" if make_id(2)[17] != "0" else "1")}, "身份证号码"),
    "impossible birth date in the ID number": ({"id_number": make_id(2, birth="19450230")}, "身份证号码"),
    "ID number in scientific notation": ({"id_number": "6.21002E+17"}, "身份证号码"),
    "impossible admission date": ({"facility": "A", "admitted_on": "2024-02-30"}, "入住日期"),
    "admission date in the future": ({"facility": "A", "admitted_on": "2999-01-01"}, "入住日期"),
    "unknown household region": ({"hukou_region_code": "629999"}, "户籍地代码"),
    "unknown residence township": ({"residence_region_code": "621002999"}, "现居住乡镇代码"),
    "residence that is not a township": ({"residence_region_code": "621002"}, "现居住乡镇代码"),
    "unknown facility": ({"facility": "不存在的敬老院", "admitted_on": "2024-03-05"}, "入住机构"),
    "facility out of scope": ({"facility": "B", "admitted_on": "2024-03-05"}, "入住机构"),
    "facility id out of scope": ({"facility": "B-id", "admitted_on": "2024-03-05"}, "入住机构"),
    "formula in the name": ({"name": "=HYPERLINK(\"http://x\",\"点我\")"}, "姓名"),
    "formula in the phone": ({"phone": "+1+cmd|' /C calc'!A0"}, "联系电话"),
    "formula after spaces": ({"facility": "  @SUM(A1)", "admitted_on": "2024-03-05"}, "入住机构"),
    "formula as a minus": ({"disability_grade": "-2+3", "disability_category": "肢体"}, "残疾等级"),
    "missing admission date": ({"facility": "A"}, "入住日期"),
    "admission date without a facility": ({"admitted_on": "2024-03-05"}, "入住机构"),
    "bad hukou type": ({"hukou_type": "城市"}, "户籍类型"),
    "missing hukou type": ({"hukou_type": ""}, "户籍类型"),
    "missing name": ({"name": ""}, "姓名"),
    "unknown disability category": ({"disability_category": "聋哑"}, "残疾类别"),
    "disability grade out of range": ({"disability_category": "视力", "disability_grade": "5"}, "残疾等级"),
    "grade without a category": ({"disability_grade": "2"}, "残疾类别"),
    "minor in a care home": ({"id_number": make_id(2, birth="20150601"), "facility": "A", "admitted_on": "2024-03-05"},
                             "入住机构"),
}


@pytest.mark.parametrize("cells, column", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_bad_row_is_reported_at_its_row_and_column_and_nothing_is_imported(cast, facilities, cells, column):
    names = {"A": facilities["a"].name, "B": facilities["b"].name, "B-id": str(facilities["b"].pk)}
    cells = {key: names.get(value, value) for key, value in cells.items()}
    sheet = csv_upload([person_row(1), person_row(2, **cells), person_row(3)])

    preview = import_preview(user=cast["manager_a"], file=sheet)
    result = import_apply(user=cast["manager_a"], file=sheet)

    assert where(preview) == [(3, column)]
    assert all(p.reason for p in preview.problems)
    if any(str(value).strip()[:1] in ("=", "+", "-", "@") for value in cells.values() if value):
        assert "公式" in preview.problems[0].reason
    assert not preview.ok
    assert (result.applied, where(result)) == (False, [(3, column)])
    assert Person.objects.count() == 0 and Stay.objects.count() == 0


def test_formula_injection_reason_says_why(cast):
    preview = import_preview(user=cast["inspector"], file=csv_upload([person_row(1, name="=1+1")]))
    assert "公式" in preview.problems[0].reason and preview.problems[0].letter == "A"


def test_duplicate_id_number_in_the_sheet_points_at_the_first_row(cast):
    sheet = csv_upload([person_row(1), person_row(2), person_row(3, id_number=make_id(1).lower())])
    preview = import_preview(user=cast["inspector"], file=sheet)
    assert where(preview) == [(4, "身份证号码")]
    assert "第 2 行" in preview.problems[0].reason


def test_name_mismatch_with_a_registered_person_is_a_problem(cast):
    assert import_apply(user=cast["inspector"], file=csv_upload([person_row(1, name="张德福")])).applied
    preview = import_preview(user=cast["inspector"], file=csv_upload([person_row(2), person_row(1, name="张得福")]))
    assert where(preview) == [(3, "姓名")]
    assert "张德福" not in preview.problems[0].reason, "the registered name is not disclosed"


def test_every_row_is_checked_and_problems_come_in_sheet_order(cast):
    sheet = csv_upload([
        person_row(1, hukou_type="x", phone="=cmd"),
        person_row(2),
        person_row(3, id_number="123", hukou_region_code="abc"),
    ])
    preview = import_preview(user=cast["inspector"], file=sheet)
    assert where(preview) == [(2, "户籍类型"), (2, "联系电话"), (4, "身份证号码"), (4, "户籍地代码")]


def test_blank_lines_keep_the_row_numbers_the_user_sees(cast):
    text = ",".join(HEADER) + "\r\n" + ",".join(person_row(1).values()) + "\r\n\r\n,,,\r\n" + ",".join(
        person_row(2, hukou_type="城市").values()) + "\r\n"
    preview = import_preview(user=cast["inspector"], file=SimpleUploadedFile("p.csv", text.encode()))
    assert where(preview) == [(5, "户籍类型")]


def test_id_number_typed_as_a_number_in_excel_is_refused(cast):
    sheet = xlsx_upload([person_row(1, id_number=621002194503151319)])
    preview = import_preview(user=cast["inspector"], file=sheet)
    assert where(preview) == [(2, "身份证号码")]
    assert "文本" in preview.problems[0].reason


def test_a_real_excel_formula_cell_is_refused(cast):
    sheet = xlsx_upload([person_row(1, phone='=HYPERLINK("http://x","y")')])
    assert where(import_preview(user=cast["inspector"], file=sheet)) == [(2, "联系电话")]


def test_beds_run_out_within_the_sheet(cast, facilities):
    small = FacilityFactory(name="小敬老院", region=facilities["a"].region, bed_capacity=1)
    cast["manager_a"].facility_assignments.create(facility=small)
    sheet = csv_upload([person_row(i, facility="小敬老院", admitted_on="2024-03-05") for i in (1, 2)])
    assert where(import_preview(user=cast["manager_a"], file=sheet)) == [(3, "入住机构")]


def test_a_child_may_enter_a_child_welfare_institution(cast, facilities):
    home = FacilityFactory(name="儿童福利院", region=facilities["a"].region, kind=FacilityKind.CHILD_WELFARE)
    cast["manager_a"].facility_assignments.create(facility=home)
    sheet = csv_upload([person_row(1, id_number=make_id(1, birth="20150601"), facility="儿童福利院",
                                   admitted_on="2024-03-05")])
    assert import_apply(user=cast["manager_a"], file=sheet).applied


def test_registered_person_already_living_elsewhere_is_a_problem(cast, facilities):
    assert import_apply(user=cast["manager_a"], file=csv_upload(
        [person_row(1, facility=facilities["a"].name, admitted_on="2024-03-05")])).applied
    moved = csv_upload([person_row(1, facility=facilities["b"].name, admitted_on="2024-04-01")])
    assert where(import_preview(user=cast["manager_b"], file=moved)) == [(2, "身份证号码")]  # outside B's scope
    redated = csv_upload([person_row(1, facility=facilities["a"].name, admitted_on="2024-04-01")])
    assert where(import_preview(user=cast["manager_a"], file=redated)) == [(2, "入住日期")]


def test_missing_required_column_is_reported_on_the_header_row(cast):
    sheet = csv_upload([["张三", make_id(1)]], header=["姓名", "身份证号码"])
    preview = import_preview(user=cast["inspector"], file=sheet)
    assert where(preview) == [(1, "户籍地代码"), (1, "户籍类型")]


# --- whole files that cannot be imported ------------------------------------------------


def test_oversized_file_is_refused_without_reading_rows(cast):
    sheet = SimpleUploadedFile("big.csv", b"x" * (MAX_BYTES + 1))
    preview = import_preview(user=cast["inspector"], file=sheet)
    assert where(preview) == [(None, "")] and "5 MB" in preview.problems[0].reason


def test_more_than_5000_rows_is_refused(cast):
    sheet = csv_upload([person_row(1)] * 5001)
    preview = import_preview(user=cast["inspector"], file=sheet)
    assert where(preview) == [(None, "")] and "5000" in preview.problems[0].reason
    assert import_preview(user=cast["inspector"], file=csv_upload([person_row(1)] * 5000)).problems[0].row == 3


@pytest.mark.parametrize("name, content, says", [
    ("people.xls", b"\xd0\xcf\x11\xe0", ".xlsx"),
    ("people.txt", b"a,b", ".csv"),
    ("people.pdf", b"%PDF-1.4", ".csv"),
    ("people", b"a,b", ".csv"),
    ("people.xlsx", "姓名,身份证号码\n".encode(), ".xlsx"),
    ("people.csv", b"", "空"),
    ("people.csv", "\ufeff姓名,身份证号码\n".encode("utf-16"), "UTF-16"),
])
def test_wrong_file_type_is_refused_with_a_clear_message(cast, name, content, says):
    preview = import_preview(user=cast["inspector"], file=SimpleUploadedFile(name, content))
    assert where(preview) == [(None, "")]
    assert says in preview.problems[0].reason


def test_header_only_sheet_has_nothing_to_import(cast):
    preview = import_preview(user=cast["inspector"], file=csv_upload([]))
    assert where(preview) == [(None, "")] and not preview.ok


# --- who may import ---------------------------------------------------------------------


def test_manager_a_cannot_admit_into_facility_b_by_import(cast, facilities):
    for ref in (facilities["b"].name, str(facilities["b"].pk)):
        sheet = csv_upload([person_row(1, facility=ref, admitted_on="2024-03-05")])
        preview = import_preview(user=cast["manager_a"], file=sheet)
        assert where(preview) == [(2, "入住机构")]
        assert not import_apply(user=cast["manager_a"], file=sheet).applied
    assert not Stay.objects.exists() and not Person.objects.exists()


def test_inspector_registers_people_but_cannot_admit(cast, facilities):
    sheet = csv_upload([person_row(1, facility=facilities["a"].name, admitted_on="2024-03-05")])
    preview = import_preview(user=cast["inspector"], file=sheet)
    assert where(preview) == [(2, "入住机构")] and "负责人" in preview.problems[0].reason
    assert import_apply(user=cast["inspector"], file=csv_upload([person_row(1)])).created_people == 1


@pytest.mark.parametrize("role", ["clerk", "admin"])
def test_clerks_and_administrators_cannot_import(cast, role):
    with pytest.raises(PermissionDenied):
        import_preview(user=cast[role], file=csv_upload([person_row(1)]))
    with pytest.raises(PermissionDenied):
        import_apply(user=cast[role], file=csv_upload([person_row(1)]))
    assert not Person.objects.exists()


# --- garbage never escapes as an exception ----------------------------------------------

garbage_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=25)
plausible = st.sampled_from([
    "", " ", "=1+1", "-", "@", "+", "农村", "城镇", "621002", "621002100", "肢体", "2", "5", "2024-02-30", "2024-03-05",
    "2999-01-01", "西峰区中心敬老院", "1", "99999999999999999999999", make_id(1), make_id(2).lower(), "6.21002E+17",
    "\t=cmd", "无", "nan", "None", "NULL", "1e309",
])
cell = st.one_of(garbage_text, plausible)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cell, max_size=12), min_size=0, max_size=6))
def test_random_garbage_cells_become_problems_never_exceptions(cast, facilities, rows):
    preview = import_preview(user=cast["manager_a"], file=csv_upload(rows))
    assert isinstance(preview, ImportPreview)
    assert preview.ok or preview.problems
    assert all(p.reason and (p.row is None or 1 <= p.row <= len(rows) + 1) for p in preview.problems)


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.lists(st.one_of(garbage_text, st.sampled_from(HEADER + KEYS)), max_size=12),
       rows=st.lists(st.lists(cell, max_size=12), max_size=4))
def test_random_headers_and_xlsx_cells_never_raise(cast, facilities, header, rows):
    for upload in (csv_upload(rows, header=header), _xlsx_or_none(header, rows)):
        if upload is not None:
            preview = import_preview(user=cast["manager_a"], file=upload)
            assert preview.ok or preview.problems


def mostly(valid: list, invalid: list):
    """Valid values about nineteen times in twenty, so that many generated sheets are clean."""
    return st.sampled_from(valid * (19 * len(invalid)) + invalid * len(valid))


COLUMN_VALUES = {
    "name": mostly(["张三", "李四"], ["", "王" * 51]),
    "id_number": mostly([make_id(n) for n in range(1, 40)], [make_id(3, birth="20150601"), make_id(4)[:17] + "Y", ""]),
    "hukou_region_code": mostly(["621002", "621002100", "530102"], ["629999"]),
    "hukou_type": mostly(["农村", "城镇", "urban"], ["城市"]),
    "residence_region_code": mostly(["", "621002100"], ["621002"]),
    "phone": mostly(["", "13800000000"], ["+8613800000000"]),
    "disability_category": mostly(["", "肢体", "智力残疾"], ["x"]),
    "disability_grade": mostly([""], ["1", "四级", "5"]),
    "stay": mostly([("", ""), ("A", "2024-03-05"), ("C-id", "2024/3/6")],
                   [("A", ""), ("", "2024-03-05"), ("B", "2024-03-05"), ("A", "2024-02-30"), ("A", "2999-01-01"),
                    ("A", "1940-01-01"), ("不存在", "2024-03-05")]),
}


@hypothesis_settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries(COLUMN_VALUES), min_size=1, max_size=4))
def test_a_clean_preview_always_applies_exactly_as_previewed(cast, facilities, rows):
    from django.db import transaction

    names = {"A": facilities["a"].name, "B": facilities["b"].name, "C-id": str(facilities["c"].pk)}
    sheet = csv_upload([
        {**row, "facility": names.get(row["stay"][0], row["stay"][0]), "admitted_on": row["stay"][1]} for row in rows
    ])
    with transaction.atomic():
        cast["manager_a"].facility_assignments.create(facility=facilities["c"])
        preview = import_preview(user=cast["manager_a"], file=sheet)
        result = import_apply(user=cast["manager_a"], file=sheet)
        event(f"applied={preview.ok}")
        assert result.applied == preview.ok
        assert result.problems == preview.problems
        if result.applied:
            assert (result.created_people, result.created_stays) == (preview.new_people, preview.new_stays)
            assert (Person.objects.count(), Stay.objects.count()) == (preview.new_people, preview.new_stays)
        else:
            assert not Person.objects.exists()
        transaction.set_rollback(True)


def _xlsx_or_none(header, rows):
    try:
        return xlsx_upload(rows, header=header)
    except IllegalCharacterError:  # openpyxl refuses control characters: no real .xlsx holds them
        return None


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=3000), name=st.sampled_from(["a.csv", "a.xlsx", "a.CSV"]))
def test_random_bytes_never_raise(cast, content, name):
    preview = import_preview(user=cast["inspector"], file=SimpleUploadedFile(name, content))
    assert preview.ok or preview.problems


# --- the page ---------------------------------------------------------------------------


def test_manager_uploads_sees_the_preview_confirms_and_the_people_exist(cast, facilities, login, import_page, tmp_path,
                                                                       django_capture_on_commit_callbacks):
    client = login(cast["manager_a"])
    assert "下载模板" in client.get(import_page).content.decode()
    sheet = csv_upload([person_row(1, facility=facilities["a"].name, admitted_on="2024-03-05"), person_row(2)])

    page = client.post(import_page, {"file": sheet}).content.decode()

    assert "可以导入：新增 2 人，已登记 0 人（跳过），入住 1 条" in page
    assert not Person.objects.exists()
    assert len(list((tmp_path / "imports").iterdir())) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(import_page, {"confirm": "1"})
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert "已导入：新增 2 人，已登记 0 人（跳过），入住 1 条" in client.get(response["Location"]).content.decode()
    assert set(Person.objects.values_list("id_number", flat=True)) == {make_id(1), make_id(2)}
    assert Stay.objects.get().facility == facilities["a"]
    assert list((tmp_path / "imports").iterdir()) == [], "the uploaded file is deleted"
    assert list((tmp_path / "media" / "jobs" / "in").iterdir()) == [], "the job's copy too, once imported"
    again = client.post(import_page, {"confirm": "1"}, follow=True).content.decode()
    assert "没有待导入的文件" in again and Person.objects.count() == 2


def test_page_lists_problems_and_keeps_no_file(cast, facilities, login, import_page, tmp_path):
    client = login(cast["manager_a"])
    sheet = csv_upload([person_row(1), person_row(2, facility=facilities["b"].name, admitted_on="2024-03-05")])
    page = client.post(import_page, {"file": sheet}).content.decode()
    assert "import-problems" in page and "找不到该机构" in page and "入住机构" in page
    assert "确认导入" not in page
    assert not (tmp_path / "imports").exists() or not list((tmp_path / "imports").iterdir())
    client.post(import_page, {"confirm": "1"})
    assert not Person.objects.exists()


def test_cancel_deletes_the_waiting_file(cast, login, import_page, tmp_path):
    client = login(cast["inspector"])
    client.post(import_page, {"file": csv_upload([person_row(1)])})
    client.post(import_page, {"cancel": "1"})
    assert list((tmp_path / "imports").iterdir()) == []
    client.post(import_page, {"confirm": "1"})
    assert not Person.objects.exists()


def test_templates_download(cast, login, import_page):
    client = login(cast["manager_a"])
    csv_response = client.get(import_page, {"template": "csv"})
    assert b"".join(csv_response.streaming_content).decode("utf-8-sig").startswith("姓名,身份证号码")
    xlsx_response = client.get(import_page, {"template": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx_response.streaming_content)))
    assert workbook.active["A1"].value == "姓名" and workbook.active["B2"].number_format == "@"


@pytest.mark.parametrize("role", ["clerk", "admin"])
def test_clerk_gets_403(cast, login, import_page, role):
    client = login(cast[role])
    assert client.get(import_page).status_code == 403
    assert client.post(import_page, {"file": csv_upload([person_row(1)])}).status_code == 403
    assert not Person.objects.exists()


def test_anonymous_user_is_sent_to_login(client, import_page):
    response = client.get(import_page)
    assert response.status_code == 302 and "login" in response["Location"]


# --- the command ------------------------------------------------------------------------


def test_command_previews_then_applies(cast, facilities, tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_upload([person_row(1, facility=facilities["a"].name, admitted_on="2024-03-05")]).read())

    call_command("import_people", str(path), user="manager_a")
    assert "新增 1 人" in capsys.readouterr().out and not Person.objects.exists()

    call_command("import_people", str(path), "--apply", user="manager_a")
    assert "已导入" in capsys.readouterr().out and Stay.objects.count() == 1


def test_command_prints_problems_and_fails(cast, tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_upload([person_row(1, hukou_type="城市")]).read())
    with pytest.raises(CommandError):
        call_command("import_people", str(path), "--apply", user="inspector")
    assert "第 2 行" in capsys.readouterr().out and not Person.objects.exists()
    with pytest.raises(CommandError):
        call_command("import_people", str(path), user="nobody")
    with pytest.raises(CommandError):
        call_command("import_people", str(path), user="clerk")


def test_admission_today_is_accepted(cast, facilities):
    today = timezone.localdate()
    sheet = csv_upload([person_row(1, facility=facilities["a"].name, admitted_on=today.isoformat())])
    assert import_apply(user=cast["manager_a"], file=sheet).applied
    tomorrow = (today + timedelta(days=1)).isoformat()
    sheet = csv_upload([person_row(2, facility=facilities["a"].name, admitted_on=tomorrow)])
    assert where(import_preview(user=cast["manager_a"], file=sheet)) == [(2, "入住日期")]
