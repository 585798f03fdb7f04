"""In a real browser: a manager keeps a resident's money in custody and prints the statement; an
inspector makes a public notice (preview, publish) and records an objection."""
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from residents.rules import add_months
from tests.e2e.conftest import wait_until_no_horizontal_scroll
from tests.factories import PersonFactory, StayFactory, SupportStatusFactory
from tests.helpers import empty_ledger

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _ledger_emptied_after():
    yield
    empty_ledger()  # the append-only triggers would refuse SQLite's row-by-row flush


def test_manager_records_money_in_custody_and_opens_the_statement(cast, facilities, sign_in, screenshot):
    person = StayFactory(facility=facilities["a"], admitted_on=date(2025, 1, 6), person=PersonFactory(name="张桂兰")).person
    today = timezone.localdate().isoformat()
    page = sign_in("manager_a")
    page.goto(f"{page.base}/people/{person.pk}/")
    page.get_by_test_id("custody-link").click()
    page.get_by_label("收支").select_option("deposit")
    page.get_by_label("款物类别").select_option("pension")
    page.get_by_label("金额（元）").fill("1350.00")
    page.get_by_label("发生日期").fill(today)
    page.get_by_label("确认人身份").select_option("self")
    page.get_by_label("确认人姓名").fill("张桂兰")
    page.get_by_label("确认日期").fill(today)
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_test_id("balance-pension")).to_have_text("1350.00")
    page.locator("details.entry-form > summary").click()
    page.get_by_label("收支").select_option("withdrawal")
    page.get_by_label("款物类别").select_option("pension")
    page.get_by_label("金额（元）").fill("2000.00")
    page.get_by_label("发生日期").fill(today)
    page.get_by_label("支取用途").fill("缴纳护理费")
    page.get_by_label("票据（收据）号").fill("SJ-001")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator(".invalid-feedback")).to_contain_text("养老金余额不足：现有 1350.00 元，不能支取 2000.00 元")
    screenshot("custody-ledger-refused")
    page.get_by_label("金额（元）").fill("350.00")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_test_id("balance-pension")).to_have_text("1000.00")
    wait_until_no_horizontal_scroll(page)
    screenshot("custody-ledger")
    page.get_by_role("link", name="本月对账单").click()
    expect(page.get_by_test_id("custody-statement")).to_contain_text("代管款物月度对账单")
    screenshot("custody-statement")


def test_inspector_makes_a_notice_and_records_an_objection(cast, regions, sign_in, screenshot, pick_region):
    start = add_months(timezone.localdate().replace(day=1), -1)
    adult = PersonFactory(name="赵德明", residence_region=regions["621002100"], born=date(1948, 3, 1))
    SupportStatusFactory(person=adult, confirmed_on=start.replace(day=10), support_form="dispersed")
    child = PersonFactory(name="孙小宝", residence_region=regions["621002100"], born=date(2015, 4, 4))
    SupportStatusFactory(person=child, confirmed_on=start.replace(day=12), support_form="dispersed")
    page = sign_in("inspector")
    page.goto(f"{page.base}/people/notices/")
    page.get_by_role("link", name="制作公示").click()
    pick_region("township", ["620000", "621000", "621002", "621002100"])
    page.get_by_label("异议受理联系人及电话").fill("肖金镇民政办 0934-8888888")
    page.get_by_role("button", name="预览名单").click()
    expect(page.get_by_test_id("notice-preview")).to_contain_text("赵德明")
    expect(page.get_by_test_id("notice-preview")).not_to_contain_text("孙小宝")
    screenshot("notice-preview")
    page.once("dialog", lambda dialog: dialog.accept())  # a notice once made cannot be withdrawn: the page asks
    page.get_by_role("button", name="确认制作公示").click()
    expect(page.get_by_test_id("notice-status")).to_contain_text("公示中")
    page.locator("#id_objector").fill("村民王某")
    page.get_by_label("异议内容").fill("其子女有赡养能力，请核实")
    page.get_by_role("button", name="登记异议").last.click()
    expect(page.get_by_test_id("objections")).to_contain_text("其子女有赡养能力")
    wait_until_no_horizontal_scroll(page)
    screenshot("notice-detail")
    page.get_by_role("link", name="打印公示").click()
    expect(page.get_by_test_id("notice-sheet")).to_contain_text("特困人员认定及终止情况公示")
    screenshot("notice-print")


def test_the_notice_list_names_a_confirmation_no_notice_lists(cast, regions, sign_in, screenshot, pick_region):
    """A person registered only to the county is in no township's notice: the list page says so, and
    the county's notice takes them."""
    start = add_months(timezone.localdate().replace(day=1), -1)
    person = PersonFactory(name="马县级", hukou_region=regions["621002"], residence_region=None, born=date(1945, 2, 2))
    SupportStatusFactory(person=person, confirmed_on=start.replace(day=5))
    page = sign_in("inspector")
    page.goto(f"{page.base}/people/notices/")
    expect(page.get_by_test_id("unposted")).to_contain_text("1 项特困人员认定未列入任何公示")
    expect(page.get_by_test_id("unposted")).to_contain_text("县（区）公示")
    screenshot("notice-list-unposted")
    page.get_by_role("link", name="制作公示").click()
    pick_region("township", ["620000", "621000", "621002"])
    page.get_by_label("异议受理联系人及电话").fill("西峰区民政局 0934-8888888")
    page.get_by_role("button", name="预览名单").click()
    expect(page.get_by_test_id("notice-preview")).to_contain_text("马县级")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认制作公示").click()
    page.goto(f"{page.base}/people/notices/")
    expect(page.get_by_test_id("unposted")).to_contain_text("均已列入公示")
