"""The administrator enters next year's holidays in a real browser: reminded on the home page, the
year shown as not entered, a CSV with mistakes refused row by row, the corrected file previewed and
loaded, the year then entered. Deadlines that reach into the year not entered carry the provisional
badge on the complaint and resident pages. The clock stands at 2026-12-06: 2027 is not known yet."""
import re
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import expect

from facilities.complaints import services as complaint_services
from residents.services import assessment_change_report
from tests.e2e.conftest import wait_until_no_horizontal_scroll
from tests.factories import AssessmentFactory, PersonFactory, StayFactory

pytestmark = pytest.mark.django_db(transaction=True)

NOTICE = "国务院办公厅关于2027年部分节假日安排的通知"
HEADER = "日期,类型,节日,通知,文号,发布日期\n"
GOOD = HEADER + "".join(
    f"{day},{kind},{name},{NOTICE},测试〔2026〕1号,2026-11-05\n"
    for day, kind, name in [("2027-01-01", "放假", "元旦"), ("2027-01-02", "放假", "元旦"), ("2027-01-03", "放假", "元旦"),
                            ("2027-02-05", "放假", "春节"), ("2027-02-06", "放假", "春节"), ("2027-02-13", "调休上班", "春节")]
)
BAD = GOOD.replace("2027-02-13,调休上班", "2027-02-08,调休上班").replace("2027-01-03,放假", "2027-01-32,放假")


@pytest.fixture(autouse=True)
def december_2026():
    with time_machine.travel(datetime(2026, 12, 6, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        call_command("load_working_days", stdout=StringIO())
        yield


def csv_upload(page, text):
    page.get_by_label("CSV 文件").set_input_files(
        files=[{"name": "2027.csv", "mimeType": "text/csv", "buffer": ("\ufeff" + text).encode("utf-8")}])
    page.get_by_role("button", name="上传并预览").click()


def test_the_administrator_enters_next_years_holidays_from_a_csv(cast, sign_in, screenshot):
    page = sign_in("admin")
    expect(page.get_by_test_id("calendar-reminder")).to_contain_text("请录入 2027 年的放假安排")
    screenshot("admin-home-calendar-reminder")
    page.get_by_role("link", name="去录入").click()
    expect(page.get_by_test_id("calendar-status")).to_contain_text("2027 年的放假安排尚未录入")
    screenshot("calendar-2027-not-entered")

    page.get_by_role("link", name="上传 CSV").click()
    csv_upload(page, BAD)
    problems = page.get_by_test_id("upload-problems")
    expect(problems).to_contain_text("共 2 个问题")
    expect(problems).to_contain_text("日期应为 YYYY-MM-DD 格式")
    expect(problems).to_contain_text("调休上班日应为周六或周日（2027-02-08 是周一）")
    screenshot("calendar-upload-problems")

    csv_upload(page, GOOD)
    expect(page.get_by_test_id("upload-ready")).to_contain_text("新增 6 天")
    screenshot("calendar-upload-preview")
    page.get_by_role("button", name="确认载入").click()

    expect(page.get_by_test_id("calendar-status")).to_contain_text("已录入")
    expect(page.get_by_test_id("notice")).to_have_text(NOTICE)
    expect(page.get_by_test_id("calendar-days").locator("tbody tr")).to_have_count(6)
    screenshot("calendar-2027-entered")
    page.goto(page.base + "/")
    expect(page.get_by_test_id("calendar-reminder")).to_have_count(0)


def test_the_calendar_page_fits_a_small_screen(cast, sign_in, page):
    sign_in("admin")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(page.base + "/facilities/calendar/?year=2026")
    expect(page.get_by_test_id("calendar-days").locator("tbody tr")).to_have_count(39)
    wait_until_no_horizontal_scroll(page)


def test_deadlines_into_a_year_not_entered_carry_the_provisional_badge(cast, facilities, sign_in, screenshot):
    person = PersonFactory(name="赵桂兰")
    StayFactory(person=person, facility=facilities["a"], admitted_on=date(2025, 2, 3))
    AssessmentFactory(person=person, facility=facilities["a"], assessed_on=date(2026, 3, 2))
    with time_machine.travel(datetime(2026, 12, 21, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        complaint = complaint_services.complaint_register(
            by=cast["inspector"], facility=facilities["a"], channel="hotline_12345",
            received_at=datetime(2026, 12, 21, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai")), content="夜班无人值守。",
        )
        assessment_change_report(by=cast["manager_a"], person=person, reported_on=date(2026, 12, 21))

        page = sign_in("inspector")
        page.goto(page.base + "/facilities/complaints/")
        expect(page.get_by_test_id("complaint-table").get_by_test_id("provisional")).to_have_count(1)
        page.goto(page.base + f"/facilities/complaints/{complaint.pk}/")
        expect(page.get_by_test_id("provisional-note")).to_be_visible()
        screenshot("complaint-provisional")

        page.context.clear_cookies()
        page = sign_in("manager_a")
        page.goto(page.base + f"/people/{person.pk}/")
        expect(page.get_by_test_id("provisional")).to_have_attribute("title", re.compile("暂按周一至周五计算"))
        screenshot("person-provisional")
