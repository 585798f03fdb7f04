"""A manager admits a person and records a self-care assessment in a real browser."""
import pytest
from playwright.sync_api import expect

from residents.rules import id_check_character

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_admits_assesses_and_sees_fully_disabled(cast, facilities, sign_in, screenshot, pick_region):
    page = sign_in("manager_a")
    page.get_by_role("link", name="人员", exact=True).click()
    page.get_by_role("link", name="登记入住").click()
    body = "62100219440518122"
    page.get_by_label("入住机构").select_option(str(facilities["a"].pk))
    page.get_by_label("入住日期").fill("2026-11-02")
    page.get_by_label("身份证号码").fill(body + id_check_character(body))
    page.get_by_label("姓名").fill("马秀兰")
    pick_region("hukou_region", ["620000", "621000", "621002"])
    page.get_by_label("户籍类型").select_option("rural")
    screenshot("manager-admission-form")
    page.get_by_role("button", name="保存").click()
    assert "已办理入住" in page.content()
    assert "未评估" in page.get_by_test_id("current-category").inner_text()
    page.get_by_role("link", name="录入评估").click()
    for label in ["不能自主吃饭", "不能自主穿衣", "不能自主上下床", "不能自主如厕"]:
        page.get_by_label(label).check()
    expect(page.get_by_test_id("computed-category")).to_contain_text("完全丧失")
    page.locator("#id_assessors").fill("李医生、王护士长")
    screenshot("manager-assessment-form")
    page.get_by_role("button", name="保存评估").click()
    assert "完全丧失生活自理能力" in page.get_by_test_id("current-category").inner_text()
    screenshot("manager-person-detail")


def test_inspector_sees_alerts_and_the_resident_list(cast, facilities, sign_in, screenshot, django_capture_on_commit_callbacks):
    page = sign_in("inspector_city")
    page.get_by_role("link", name="人员", exact=True).click()
    screenshot("inspector-person-list")
    page.get_by_role("link", name="预警").click()
    assert "预警" in page.locator("h1").inner_text()
    screenshot("inspector-alerts")
