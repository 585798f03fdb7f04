"""An inspector fills in the safety checklist in a real browser and finds a major hazard; the manager
rectifies it with a photo; the finder may not close it, a second inspector re-checks and closes it."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from facilities.inspections import services
from facilities.models import InspectionKind

pytestmark = pytest.mark.django_db(transaction=True)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        yield


def test_a_major_hazard_from_the_checklist_is_rectified_with_evidence_and_rechecked_by_another(
        cast, facilities, sign_in, screenshot, page):
    inspection = services.inspection_record(by=cast["inspector"], facility=facilities["a"],
                                            inspected_on=date(2026, 12, 3), kind=InspectionKind.ROUTINE,
                                            inspectors="李秀兰、王建国")
    page = sign_in("inspector")
    page.goto(f"{page.base}/facilities/inspections/{inspection.pk}/")
    page.get_by_role("link", name="填写检查表").click()
    expect(page.get_by_test_id("checklist-version")).to_contain_text("重大事故隐患")
    for radio in page.locator('input[type="radio"][value="met"]').all():
        radio.check()
    item = page.locator('[data-item="H6-2"]')
    item.get_by_label("不符合").check()
    page.get_by_role("button", name="保存检查表").click()
    expect(item).to_contain_text("须写明情况")  # a not-met item says why, the answers stay
    expect(page.locator('[data-item="H4-1"]').get_by_label("符合", exact=True)).to_be_checked()
    item.get_by_label("情况说明 H6-2").fill("北侧安全出口上锁，夜间无法开启")
    page.locator("#id_deadline").fill("2026-12-17")
    screenshot("inspector-checklist")
    page.get_by_role("button", name="保存检查表").click()
    expect(page.get_by_test_id("checklist-summary")).to_contain_text("不符合 1 项")
    expect(page.get_by_test_id("hazard-badge")).to_contain_text("H6-2")
    screenshot("inspector-hazard")
    page.get_by_role("button", name="退出").click()

    page = sign_in("manager_a")
    page.goto(f"{page.base}/facilities/inspections/{inspection.pk}/")
    page.get_by_role("link", name="填报整改").click()
    page.locator("#id_rectification").fill("已拆除门锁，改为推闩式安全门")
    page.locator("#id_rectified_on").fill("2026-12-06")
    page.get_by_role("button", name="提交整改情况").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("重大事故隐患整改须上传整改材料")
    page.locator("#id_rectification").fill("已拆除门锁，改为推闩式安全门")
    page.locator("#id_evidence").set_input_files({"name": "door.png", "mimeType": "image/png", "buffer": PNG})
    page.get_by_role("button", name="提交整改情况").click()
    expect(page.get_by_test_id("finding-status")).to_contain_text("已整改待复核")
    page.get_by_role("button", name="退出").click()

    page = sign_in("inspector")
    page.goto(f"{page.base}/facilities/inspections/{inspection.pk}/")
    expect(page.get_by_test_id("recheck-by-other")).to_be_visible()
    expect(page.get_by_test_id("finding-verify")).to_have_count(0)
    page.get_by_role("button", name="退出").click()

    page = sign_in("inspector_city")
    page.goto(f"{page.base}/facilities/inspections/region/")
    expect(page.get_by_test_id("major-hazards")).to_contain_text(facilities["a"].name)
    screenshot("city-major-hazards")
    page.goto(f"{page.base}/facilities/inspections/{inspection.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("finding-verify").get_by_role("button", name="复核销号").click()
    expect(page.get_by_test_id("finding-status")).to_contain_text("已复核销号")
