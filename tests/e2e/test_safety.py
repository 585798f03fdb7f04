"""A manager assesses a resident's GB 38600 risks and records an incident in a real browser; the register
asks for a review after it; the inspector reads the month by facility and kind."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from tests.factories import PersonFactory, StayFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        yield


def test_manager_assesses_risks_records_an_incident_and_the_register_asks_for_a_review(cast, facilities, sign_in,
                                                                                        screenshot):
    StayFactory(facility=facilities["a"], person=PersonFactory(name="马玉兰"), admitted_on=date(2025, 3, 1))
    page = sign_in("manager_a")
    page.goto(f"{page.base}/people/safety/")
    expect(page.get_by_test_id("risk-register")).to_contain_text("马玉兰")
    expect(page.get_by_test_id("risk-state")).to_have_text("未评估")
    page.get_by_role("link", name="评估").click()
    expect(page.get_by_test_id("catalogue-version")).to_contain_text("GB 38600-2019")
    page.locator("#id_assessed_on").fill("2026-11-20")
    page.locator("#id_assessor").fill("李护理")
    for code in ("choking", "food_drug_misuse", "pressure_injury", "scald", "bed_fall", "wandering", "harm",
                 "recreation_accident"):
        page.get_by_test_id(f"risk-{code}").get_by_label("低风险").check()
    page.get_by_test_id("risk-fall").get_by_label("高风险").check()
    page.get_by_role("button", name="保存评估").click()
    expect(page.get_by_test_id("form-errors")).to_be_visible()  # a high risk names its measures
    page.get_by_test_id("risk-fall").get_by_label("防范措施").fill("起身与如厕时陪护，穿防滑鞋")
    screenshot("manager-safety-form")
    page.get_by_role("button", name="保存评估").click()
    expect(page.get_by_test_id("safety-ratings")).to_contain_text("起身与如厕时陪护")
    screenshot("manager-safety-assessment")
    page.goto(f"{page.base}/people/safety/")
    expect(page.get_by_test_id("risk-state")).to_have_text("在有效期内")

    page.goto(f"{page.base}/people/safety/incidents/")
    page.get_by_role("link", name="登记安全事件：西峰区中心敬老院").click()
    page.locator("#id_occurred_at").fill("2026-12-01T06:30")
    page.locator("#id_kind").select_option(label="跌倒")
    page.locator("#id_person").select_option(label="马玉兰")
    page.locator("#id_place").fill("卫生间")
    page.locator("#id_harm").select_option(label="轻微伤害")
    page.locator("#id_description").fill("夜间如厕时滑倒，左膝擦伤")
    page.locator("#id_actions").fill("扶起检查，医务室处理伤口")
    screenshot("manager-incident-form")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_test_id("notice")).to_contain_text("逾期未告知")
    page.locator("#id_family_notified_at").fill("2026-12-01T09:00")
    page.locator("#id_family_notified").fill("马某（女儿）")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("notice")).to_contain_text("已按时告知")
    screenshot("manager-incident")

    page.goto(f"{page.base}/people/safety/")
    expect(page.get_by_test_id("risk-state")).to_have_text("须复评")
    expect(page.get_by_test_id("risk-register")).to_contain_text("评估后发生过安全事件")
    screenshot("manager-safety-register")

    page.goto(f"{page.base}/people/safety/rounds/")
    expect(page.get_by_test_id("gap-badge")).to_have_text("有缺漏")  # nothing recorded today yet
    page.locator("#id_unit").fill("一楼A区")
    page.get_by_label("交接班").check()
    page.locator("#id_staff").fill("夜班王某")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_test_id("form-errors")).to_be_visible()  # a handover names who took over
    page.locator("#id_received_by").fill("白班李某")
    page.locator("#id_findings").fill("302室老人夜间咳嗽，已告知医务室")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_test_id("unit-1")).to_contain_text("夜班王某 → 白班李某")
    screenshot("manager-rounds")
    page.get_by_role("button", name="退出").click()
    inspector = sign_in("inspector")
    inspector.goto(f"{inspector.base}/people/safety/incidents/?month=2026-12")
    expect(inspector.get_by_test_id("incident-summary")).to_contain_text("西峰区中心敬老院")
    expect(inspector.get_by_test_id("incident-list")).to_contain_text("马玉兰")
    expect(inspector.get_by_role("link", name="登记安全事件：西峰区中心敬老院")).to_have_count(0)
    screenshot("inspector-incidents")
