"""An inspector registers a facility in 华亭市 with the cascading picker in a real browser: each choice
lists the next level (htmx), only units in force within the inspector's scope are offered."""
from datetime import date

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from facilities.models import Facility
from tests.factories import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pingliang(regions):
    city = RegionFactory(code="620800", name="平凉市", full_name="甘肃省平凉市", parent=regions["620000"])
    old = RegionFactory(code="620824", name="华亭县", full_name="甘肃省平凉市华亭县", parent=city, valid_to=date(2025, 12, 31))
    new = RegionFactory(code="620881", name="华亭市", full_name="甘肃省平凉市华亭市", parent=city)
    old.successors.add(new)
    RegionFactory(code="620881100", name="东华镇", full_name="甘肃省平凉市华亭市东华镇", parent=new)
    return UserFactory(username="inspector_gs", role=Role.INSPECTOR, region_code="620000")


def test_the_picker_cascades_level_by_level_in_the_browser(page, sign_in, pingliang, screenshot, pick_region):
    sign_in("inspector_gs")
    page.goto(page.base + "/facilities/new/")
    page.get_by_label("名称").fill("华亭市东华敬老院")
    page.get_by_label("机构类型").select_option("care_home")
    page.get_by_label("运营方式").select_option("public")
    page.get_by_label("地址").fill("华亭市东华镇1号")
    page.get_by_label("床位数").fill("40")
    picker = page.get_by_test_id("region-picker-region")
    expect(picker.locator("select")).to_have_count(1)
    expect(picker.locator("option", has_text="云南省")).to_have_count(0)
    pick_region("region", ["620000", "620800"])
    third = page.get_by_test_id("region-picker-region").locator("select[name=region_3]")
    expect(third.locator("option", has_text="华亭市")).to_have_count(1)
    expect(third.locator("option", has_text="华亭县")).to_have_count(0)
    pick_region("region", ["620000", "620800", "620881", "620881100"])
    screenshot("region_picker")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/facilities/*/")
    page.wait_for_load_state("networkidle")  # the facility page loads its panels after the page itself
    assert Facility.objects.get(name="华亭市东华敬老院").region_id == "620881100"
