"""Each role logs in through a real browser and sees what it should."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_sees_only_own_facility_and_edits_its_contact(cast, facilities, sign_in, screenshot):
    page = sign_in("manager_a")
    assert "我的机构" in page.locator("h1").inner_text()
    assert page.get_by_text(facilities["a"].name).count() >= 1
    assert page.get_by_text(facilities["b"].name).count() == 0
    screenshot("manager-home")
    page.get_by_text(facilities["a"].name).first.click()
    page.get_by_role("link", name="修改联系方式").click()
    page.get_by_label("联系电话").fill("0934-5550001")
    page.get_by_role("button", name="保存").click()
    assert "已保存修改" in page.content()
    assert "0934-5550001" in page.locator("[data-testid=history]").inner_text()
    screenshot("manager-facility-detail")


def test_inspector_filters_the_register_and_registers_a_facility(cast, facilities, sign_in, screenshot, pick_region):
    page = sign_in("inspector_city")
    assert "辖区概况" in page.locator("h1").inner_text()
    screenshot("inspector-home")
    page.get_by_role("link", name="机构", exact=True).click()
    assert "共 3 个机构" in page.get_by_test_id("facility-count").inner_text()
    page.get_by_label("行政区划").select_option("621021")
    page.wait_for_url("**region=621021**")
    expect(page.get_by_test_id("facility-count")).to_contain_text("共 1 个机构")
    assert page.get_by_text(facilities["c"].name).count() == 1
    screenshot("inspector-facility-list")
    page.get_by_role("link", name="登记机构").click()
    page.get_by_label("名称").fill("庆城颐养院")
    page.get_by_label("机构类型").select_option("elderly_care")
    page.get_by_label("运营方式").select_option("private")
    pick_region("region", ["620000", "621000", "621021"])
    page.get_by_label("地址").fill("庆阳市庆城县庆城镇1号")
    page.get_by_label("床位数").fill("40")
    page.get_by_label("统一社会信用代码").fill("91350100M000100Y44")
    page.get_by_role("button", name="保存").click()
    assert "统一社会信用代码无效" in page.content()
    screenshot("inspector-facility-form-error")
    page.get_by_label("统一社会信用代码").fill("91350100M000100Y43")
    page.get_by_role("button", name="保存").click()
    assert "机构已登记" in page.content()
    assert cast["inspector_city"].full_name in page.get_by_test_id("history").inner_text()


def test_clerk_sees_the_region_but_cannot_edit(cast, facilities, sign_in):
    page = sign_in("clerk")
    assert "救助经办" in page.get_by_test_id("current-user").inner_text()
    page.goto(page.base + f"/facilities/{facilities['a'].pk}/")
    assert page.get_by_role("link", name="修改").count() == 0


def test_inspector_of_another_province_sees_nothing_here(cast, facilities, sign_in):
    page = sign_in("inspector_other")
    response = page.goto(page.base + f"/facilities/{facilities['a'].pk}/")
    assert response.status == 404
    assert "页面不存在" in page.content()


def test_admin_reaches_user_management(cast, facilities, sign_in, screenshot):
    page = sign_in("admin")
    assert "系统管理" in page.locator("h1").inner_text()
    screenshot("admin-home")
    page.get_by_role("link", name="用户与角色").click()
    page.wait_for_url("**/admin/accounts/user/")
    assert page.get_by_role("link", name="manager_a").count() == 1


def test_language_switch_and_logout(cast, facilities, sign_in, screenshot):
    page = sign_in("inspector")
    page.get_by_role("button", name="English").click()
    assert "Region overview" in page.locator("h1").inner_text()
    screenshot("inspector-home-en")
    page.get_by_role("button", name="中文").click()
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/accounts/login/")
    page.goto(page.base + "/facilities/")
    assert "/accounts/login/" in page.url
