"""An inspector finds the understaffed facility, reads why, and acknowledges the alert."""
from datetime import date, timedelta

import pytest
from django.utils import timezone

from staffing.compliance import compliance_compute
from tests.factories import AssessmentFactory, EmploymentFactory, StayFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_inspector_reads_the_explanation_and_acknowledges(cast, facilities, sign_in, screenshot):
    for category, n in (("full", 7), ("partial", 12), ("self_care", 20)):
        for _ in range(n):
            stay = StayFactory(facility=facilities["a"], admitted_on=date(2025, 1, 1))
            # Assessed two months ago: valid on any day the suite runs (a lapsed one counts as fully disabled).
            assessed = timezone.localdate() - timedelta(days=60)
            AssessmentFactory(person=stay.person, assessed_on=assessed, computed_category=category)
    for _ in range(5):
        EmploymentFactory(facility=facilities["a"])
    compliance_compute(day=timezone.localdate())

    page = sign_in("inspector_city")
    page.get_by_role("link", name="护理人员配备").click()
    assert "1 个机构护理人员不达标，合计缺 2 名" in page.get_by_test_id("staffing-summary").inner_text()
    page.wait_for_selector("canvas[data-drawn]")
    screenshot("inspector-staffing-dashboard")
    page.get_by_test_id("staffing-table").get_by_role("link", name=facilities["a"].name).click()
    explanation = page.get_by_test_id("staffing-explanation")
    explanation.wait_for()
    assert "失能 7 ÷ 3 + 半失能 12 ÷ 6 + 自理 20 ÷ 10 = 6.33，向上取整为 7" in explanation.inner_text()
    page.wait_for_selector("#staffing-panel canvas[data-drawn]")
    screenshot("inspector-facility-staffing")
    page.get_by_role("link", name="预警").click()
    page.get_by_label("类型").select_option("staffing_below")
    page.wait_for_url("**kind=staffing_below**")
    page.get_by_role("link", name="确认").first.click()
    page.get_by_label("确认说明").fill("已约谈机构负责人，要求一周内补足2名护理员")
    page.get_by_role("button", name="确认").click()
    assert "预警已确认" in page.content()
    screenshot("inspector-alerts-after-ack")
