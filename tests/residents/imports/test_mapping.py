"""A bureau's own sheet: its headers matched to the import's columns, confirmed on the page, then imported
in the background with its progress shown."""
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.jobs.services import jobs_prune
from accounts.models import BackgroundJob, JobStage, JobStatus
from residents.imports.columns import mapping_is_exact, mapping_suggested
from residents.imports.services import import_apply, import_preview
from residents.models import Person, Stay
from tests.factories import PersonFactory

from .test_imports import csv_upload, make_id, xlsx_upload

pytestmark = pytest.mark.django_db

#: A county's own ledger: a number column, its own words, an extra remark.
LEDGER = ["序号", "供养对象姓名", "公民身份号码", "户籍地区划代码", "户口性质", "联系电话", "入住敬老院", "入院日期", "备注"]


def ledger_row(sequence, facility="", admitted=""):
    return [str(sequence), f"台账人{sequence}", make_id(sequence), "621002", "农村户口", "13800000000", facility, admitted,
            "无"]


@pytest.mark.parametrize(("headers", "expected"), [
    (["姓名", "身份证号码", "户籍地代码", "户籍类型"],
     {"name": 0, "id_number": 1, "hukou_region_code": 2, "hukou_type": 3}),
    (LEDGER, {"name": 1, "id_number": 2, "hukou_region_code": 3, "hukou_type": 4, "phone": 5, "facility": 6,
              "admitted_on": 7}),
    (["name", "ID", "身份证号（必填）", "户籍代码", "城乡类别", "手机", "入住机构名称", "入住时间"],
     {"name": 0, "id_number": 2, "hukou_region_code": 3, "hukou_type": 4, "phone": 5, "facility": 6,
      "admitted_on": 7}),
    (["残疾类型", "残疾级别", "现居住乡镇代码", "名字"],
     {"disability_category": 0, "disability_grade": 1, "residence_region_code": 2, "name": 3}),
    (["备注", "序号", ""], {}),
])
def test_headers_are_matched_exactly_first_then_by_their_words(headers, expected):
    assert mapping_suggested(headers) == expected


def test_each_column_is_suggested_for_one_field_at_most():
    mapping = mapping_suggested(["身份证号码", "身份证号", "姓名"])
    assert mapping == {"id_number": 0, "name": 2}


@pytest.mark.parametrize(("headers", "exact"), [
    (["姓名", "身份证号码", "户籍地代码", "户籍类型"], True),
    (["*姓名", "身份证号码（必填）", "hukou_region_code", "户籍类型", ""], True),
    (["姓名", "身份证号码", "户籍地代码"], False),  # a required column missing
    (["姓名", "身份证号码", "户籍地代码", "户籍类型", "备注"], False),  # a column the import does not know
    (["姓名", "身份证号码", "身份证号", "户籍地代码", "户籍类型"], False),  # the same field twice
])
def test_only_the_templates_own_headers_skip_the_mapping_step(headers, exact):
    assert mapping_is_exact(headers) is exact


def test_a_mapping_reads_the_sheet_by_position(cast, facilities):
    sheet = xlsx_upload([ledger_row(1, facilities["a"].name, "2024-03-05"), ledger_row(2)], header=LEDGER)
    mapping = mapping_suggested(LEDGER)
    preview = import_preview(user=cast["manager_a"], file=sheet, mapping=mapping)
    assert preview.problems == [] and (preview.new_people, preview.new_stays) == (2, 1)
    assert preview.ignored_columns == ["序号", "备注"]
    sheet.seek(0)
    stages = []
    result = import_apply(user=cast["manager_a"], file=sheet, mapping=mapping,
                          progress=lambda stage, done, total: stages.append((stage, done, total)))
    assert result.applied and Person.objects.get(id_number=make_id(1)).name == "台账人1"
    assert stages == [(JobStage.CHECKING, 0, 2), (JobStage.WRITING, 2, 2)]


def test_a_mapping_with_a_column_twice_or_out_of_the_sheet_is_refused(cast):
    sheet = csv_upload([ledger_row(1)], header=LEDGER)
    twice = {**mapping_suggested(LEDGER), "phone": 1}
    assert "同一列不能对应两个字段" in import_preview(user=cast["manager_a"], file=sheet, mapping=twice).problems[0].reason
    sheet.seek(0)
    outside = {**mapping_suggested(LEDGER), "phone": 40}
    assert "列的对应关系无效" in import_preview(user=cast["manager_a"], file=sheet, mapping=outside).problems[0].reason


def test_a_bureaus_own_sheet_goes_through_the_mapping_step_and_imports(
        cast, facilities, login, import_page, tmp_path, django_capture_on_commit_callbacks):
    client = login(cast["manager_a"])
    sheet = xlsx_upload([ledger_row(1, facilities["a"].name, "2024-03-05"), ledger_row(2)], header=LEDGER)

    page = client.post(import_page, {"file": sheet}).content.decode()

    assert 'data-testid="import-mapping"' in page and "import-ready" not in page
    assert '<option value="2" selected>C · 公民身份号码</option>' in page
    assert '<option value="6" selected>G · 入住敬老院</option>' in page
    assert make_id(1) not in page and make_id(1)[-4:] in page, "the samples show ID numbers masked"

    mapping = {key: str(index) for key, index in mapping_suggested(LEDGER).items()}
    page = client.post(import_page, {"map": "1", **mapping}).content.decode()
    assert "可以导入：新增 2 人，已登记 0 人（跳过），入住 1 条" in page
    assert "重新选择各列的含义" in page and "序号、备注" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(import_page, {"confirm": "1"})
    job = BackgroundJob.objects.get()
    assert job.status == JobStatus.DONE and job.params["mapping"] == mapping_suggested(LEDGER)
    assert "已导入：新增 2 人" in client.get(response["Location"]).content.decode()
    assert Stay.objects.get().person.name == "台账人1"


def test_the_mapping_step_says_what_is_wrong_and_keeps_the_file(cast, login, import_page):
    client = login(cast["inspector"])
    client.post(import_page, {"file": csv_upload([ledger_row(1)], header=LEDGER)})
    mapping = {key: str(index) for key, index in mapping_suggested(LEDGER).items()}
    mapping.pop("name")
    mapping["phone"] = mapping["id_number"]

    page = client.post(import_page, {"map": "1", **mapping}).content.decode()

    assert "请选择“姓名”在表格中的哪一列" in page
    assert "这一列已对应“身份证号码”，一列只能对应一个字段" in page
    mapping["name"], mapping["phone"] = "1", ""
    page = client.post(import_page, {"map": "1", **mapping}).content.decode()
    assert "可以导入：新增 1 人" in page


def test_a_wrong_choice_is_mended_by_going_back_to_the_mapping_step(cast, login, import_page):
    client = login(cast["inspector"])
    client.post(import_page, {"file": csv_upload([ledger_row(1)], header=LEDGER)})
    wrong = {key: str(index) for key, index in mapping_suggested(LEDGER).items()}
    wrong["hukou_type"], wrong["phone"] = "5", ""  # the phone column taken for the household type
    page = client.post(import_page, {"map": "1", **wrong}).content.decode()
    assert "户籍类型应为“城镇”或“农村”" in page and "问题来自列选错了" in page

    page = client.get(import_page, {"step": "columns"}).content.decode()
    assert '<option value="5" selected>F · 联系电话</option>' in page.split('name="hukou_type"')[1].split("</select>")[0]
    right = {**wrong, "hukou_type": "4", "phone": "5"}
    assert "可以导入：新增 1 人" in client.post(import_page, {"map": "1", **right}).content.decode()


def test_the_templates_sheet_skips_the_mapping_step(cast, login, import_page):
    page = login(cast["inspector"]).post(import_page, {"file": csv_upload([])}).content.decode()
    assert "import-mapping" not in page


def test_mapping_without_an_upload_says_so(cast, login, import_page):
    client = login(cast["inspector"])
    response = client.post(import_page, {"map": "1", "name": "0"}, follow=True)
    assert "没有待导入的文件" in response.content.decode()
    response = client.get(import_page, {"step": "columns"}, follow=True)
    assert "没有待导入的文件" in response.content.decode()


def test_someone_elses_import_job_is_not_found(cast, facilities, login, import_page, django_capture_on_commit_callbacks):
    client = login(cast["manager_a"])
    client.post(import_page, {"file": csv_upload([[ "测试", make_id(9), "621002", "农村"]],
                                                 header=["姓名", "身份证号码", "户籍地代码", "户籍类型"])})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(import_page, {"confirm": "1"})
    job = BackgroundJob.objects.get()
    assert login(cast["manager_b"]).get(reverse("job_detail", args=[job.pk])).status_code == 404
    assert login(cast["manager_b"]).get(reverse("job_download", args=[job.pk])).status_code == 404


def test_data_changed_after_the_preview_fails_the_job_with_its_problems(
        cast, facilities, login, import_page, django_capture_on_commit_callbacks):
    client = login(cast["manager_a"])
    client.post(import_page, {"file": csv_upload([[ "测试", make_id(9), "621002", "农村"]],
                                                 header=["姓名", "身份证号码", "户籍地代码", "户籍类型"])})
    PersonFactory(name="另一个名字", id_number=make_id(9))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(import_page, {"confirm": "1"})
    job = BackgroundJob.objects.get()
    assert job.status == JobStatus.FAILED and job.outcome["problem_count"] >= 1
    page = client.get(response["Location"]).content.decode()
    assert "没有导入任何内容" in page and 'data-testid="job-problems"' in page and "改正后重新上传" in page


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_the_sheet_the_page_received(cast, facilities, login, settings, tmp_path, celery_worker):
    """The uploaded sheet reaches a separate worker process through the job's stored file."""
    settings.IMPORT_DIR = tmp_path / "imports"
    client = login(cast["manager_a"])
    page = reverse("people_import")
    client.post(page, {"file": xlsx_upload([ledger_row(1, facilities["a"].name, "2024-03-05")], header=LEDGER)})
    client.post(page, {"map": "1", **{key: str(index) for key, index in mapping_suggested(LEDGER).items()}})
    response = client.post(page, {"confirm": "1"})
    job = BackgroundJob.objects.get()
    try:
        deadline = time.monotonic() + 60
        while not BackgroundJob.objects.get().finished and time.monotonic() < deadline:
            time.sleep(0.2)
        job.refresh_from_db()
        assert job.status == JobStatus.DONE, job.outcome
        assert not job.source, "the sheet is deleted once imported"
        assert "已导入：新增 1 人" in client.get(response["Location"]).content.decode()
        assert Stay.objects.get().person.name == "台账人1"
    finally:
        jobs_prune(now=timezone.now() + timedelta(days=366))
