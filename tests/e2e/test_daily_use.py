"""A bureau's everyday handling in a real browser: the header's search, several alerts acknowledged at once,
and the printable claim summary."""
from datetime import date

import openpyxl
import pytest
from django.db.models import Q
from playwright.sync_api import expect

from facilities.alerts.services import AlertSpec, alerts_sync
from facilities.models import Alert, AlertKind
from residents.models import Person
from tests.factories import PersonFactory, StayFactory, make_id_number
from tests.helpers import claim_resident

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_finds_a_resident_by_pinyin_initials_and_by_the_last_digits(cast, facilities, sign_in, screenshot):
    person = PersonFactory(name="张秀英")
    StayFactory(person=person, facility=facilities["a"], admitted_on=date(2025, 3, 1))
    page = sign_in("manager_a")
    box = page.get_by_role("searchbox", name="搜索人员和机构")
    box.fill("zxy")
    box.press("Enter")
    expect(page.get_by_test_id("search-people")).to_contain_text("张秀英")
    expect(page.get_by_test_id("search-people")).to_contain_text(f"6210**********{person.id_number[-4:]}")
    screenshot("search-by-initials")
    page.get_by_role("searchbox", name="搜索人员和机构").fill(person.id_number[-6:])
    page.get_by_role("searchbox", name="搜索人员和机构").press("Enter")
    page.get_by_role("link", name="张秀英").click()
    expect(page.locator("h1")).to_contain_text("张秀英")


def test_an_inspector_acknowledges_two_alerts_with_one_note_and_is_told_what_is_missing(cast, facilities, sign_in, screenshot):
    kind = AlertKind.ASSESSMENT_MISSING
    alerts_sync(kinds=[kind], scope=Q(pk__in=[]), wanted=[
        AlertSpec(kind=kind, region_id=facilities["a"].region_id, facility_id=facilities["a"].pk, subject=f"person:{i}",
                  subject_label=f"人员{i}", message=f"人员{i} 尚未评估")
        for i in range(3)
    ])
    page = sign_in("inspector")
    page.get_by_role("link", name="预警", exact=True).click()
    page.get_by_role("button", name="确认所选预警").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("请至少选择一条预警")
    page.get_by_label("选择：未做生活自理能力评估 · 人员0").check()
    page.get_by_label("选择：未做生活自理能力评估 · 人员1").check()
    page.get_by_label("确认说明").fill("已电话督促，两周内完成评估")
    screenshot("alerts-bulk-acknowledge")
    page.get_by_role("button", name="确认所选预警").click()
    expect(page.locator("main")).to_contain_text("已确认 2 条预警")
    assert Alert.objects.filter(acknowledgement_note="已电话督促，两周内完成评估").count() == 2
    page.get_by_role("button", name="全选本页").click()
    assert page.locator("input[name=alerts]:checked").count() == 1  # the one still open and unacknowledged


def test_a_filtered_list_is_announced_and_a_chart_has_its_numbers_as_a_table(cast, facilities, sign_in):
    kind = AlertKind.ASSESSMENT_MISSING
    alerts_sync(kinds=[kind], scope=Q(pk__in=[]), wanted=[
        AlertSpec(kind=kind, region_id=facilities["a"].region_id, facility_id=facilities["a"].pk, subject="person:1",
                  subject_label="人员1", message="人员1 尚未评估"),
    ])
    page = sign_in("inspector")
    page.get_by_role("link", name="预警", exact=True).click()
    page.get_by_label("类型").select_option("assessment_missing")
    expect(page.get_by_test_id("announcer")).to_have_text("共 1 条")
    page.get_by_label("类型").select_option("staffing_below")
    expect(page.get_by_test_id("announcer")).to_have_text("共 0 条")
    page.get_by_role("link", name="护理人员配备").click()
    twin = page.get_by_test_id("counties-twin")
    twin.get_by_text("以表格查看").click()
    expect(twin.locator("table")).to_be_visible()


def test_on_a_phone_a_list_is_cards_of_labelled_lines(cast, facilities, sign_in, screenshot):
    for name in ("王秀英", "李桂兰"):
        StayFactory(person=PersonFactory(name=name), facility=facilities["a"], admitted_on=date(2025, 3, 1))
    page = sign_in("manager_a")
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("button", name="展开导航").click()
    page.get_by_role("link", name="人员", exact=True).click()
    row = page.get_by_test_id("person-count").locator("xpath=following::table[1]").locator("tbody tr").first
    expect(row.locator("td[data-label='姓名']")).to_be_visible()
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    assert page.get_by_role("table").first.get_attribute("role") == "table"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot("phone-person-cards")


def test_a_first_time_user_imports_the_bureaus_own_sheet_by_choosing_its_columns(
        cast, facilities, sign_in, screenshot, settings, tmp_path):
    """The ledger's own headers, one of them a guess the user corrects; then the import's page with its result."""
    settings.IMPORT_DIR, settings.MEDIA_ROOT = tmp_path / "imports", tmp_path / "media"
    workbook = openpyxl.Workbook()
    workbook.active.append(["序号", "供养对象姓名", "公民身份号码", "户籍地区划代码", "户口性质", "手机", "备用电话", "入院日期"])
    workbook.active.append(["1", "台账人甲", make_id_number(born=date(1941, 2, 3), male=True, serial=7), "621002", "农村",
                            "", "13800000000", ""])
    path = tmp_path / "台账.xlsx"
    workbook.save(path)
    page = sign_in("inspector")
    page.goto(page.base + "/people/import/")
    page.get_by_label("表格文件").set_input_files(path)
    page.get_by_role("button", name="上传并预览").click()
    mapping = page.get_by_test_id("import-mapping")
    expect(mapping).to_contain_text("第 2 步")
    expect(page.get_by_label("身份证号码")).to_have_value("2")
    expect(page.get_by_label("联系电话")).to_have_value("5")  # 手机: a guess, and the wrong column here
    page.get_by_label("联系电话").select_option("6")
    screenshot("import-mapping")
    page.get_by_role("button", name="按此对应预览").click()
    expect(page.get_by_test_id("import-ready")).to_contain_text("可以导入：新增 1 人")
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_test_id("job-status")).to_contain_text("已导入：新增 1 人")
    screenshot("import-job-done")
    assert Person.objects.get(name="台账人甲").phone == "13800000000"


@pytest.mark.usefixtures("sample_standards")
def test_a_clerk_exports_the_month_in_the_background_and_downloads_it(cast, facilities, sign_in, generate, settings,
                                                                     tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    claim_resident(facilities["a"], "甲")
    generate(date(2026, 7, 1))
    page = sign_in("clerk")
    page.goto(page.base + "/subsidies/claims/?month=2026-07")
    page.get_by_test_id("list-export").get_by_role("button", name="导出 Excel").click()
    expect(page.get_by_test_id("job-status")).to_contain_text("文件已生成")
    with page.expect_download() as download:
        page.get_by_test_id("job-download").click()
    assert download.value.suggested_filename == "补贴申报_2026-07.xlsx"
    page.goto(page.base + "/jobs/")
    expect(page.get_by_test_id("job-list")).to_contain_text("补贴申报_2026-07.xlsx")
