"""Complaints, relatives' registration and the staffing budget in Chromium: an inspector registers and
takes a complaint, the register and the review queue read clearly, the budget page adds up; every
page at 1280×800 and 1024×768 without horizontal scrolling (screenshots in var/screenshots/)."""
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from facilities.complaints import services as complaint_services
from residents.models import Relation
from staffing.budget.selectors import funded_posts_set
from staffing.relatives import services as relatives
from tests.e2e.conftest import wait_until_no_horizontal_scroll
from tests.factories import (
    AssessmentFactory,
    EmploymentFactory,
    PersonFactory,
    StaffFactory,
    StayFactory,
    SupportStatusFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = ((1280, 800), (1024, 768))


def shoot(page, screenshot, name):
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        wait_until_no_horizontal_scroll(page)
        screenshot(f"{name}-{width}")
    page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})  # the navigation collapses below 1200 px


@pytest.fixture
def world(cast, facilities, sample_standards):
    today = timezone.localdate()
    people = {}
    for name, category in (("周桂英", "full"), ("吴德福", "partial"), ("郑秀兰", "self_care")):
        people[name] = PersonFactory(name=name, residence_region_id="621002100", address="西峰区肖金镇米堡村2组8号")
        StayFactory(facility=facilities["a"], admitted_on=date(2025, 2, 3), person=people[name])
        SupportStatusFactory(person=people[name], confirmed_on=date(2025, 1, 6))
        AssessmentFactory(person=people[name], assessed_on=today - timedelta(days=30), computed_category=category)
    for _ in range(2):
        StayFactory(facility=facilities["b"], admitted_on=date(2025, 2, 3))
    staff = StaffFactory(name="许红梅", address="西峰区肖金镇米堡村2组8号")
    employment = EmploymentFactory(staff=staff, facility=facilities["a"])
    EmploymentFactory(facility=facilities["a"])
    relatives.relative_declare(by=cast["clerk"], relation=Relation.PARENT, relative_name="周桂英",
                               relative_id_number=people["周桂英"].id_number,
                               declared_on=today)
    relatives.relative_declare(by=cast["inspector"], relation=Relation.GRANDPARENT, relative_name="孙奶奶",
                               relative_id_number="621002194003050028", declared_on=today, employment=employment)
    relatives.relative_review_scan(today=today)
    funded_posts_set(by=cast["clerk"], facility=facilities["a"], year=today.year + 1, posts=1)
    received = timezone.make_aware(datetime.combine(today - timedelta(days=20), time(9, 30)))
    late = complaint_services.complaint_register(
        by=cast["inspector"], facility=facilities["b"], channel="letter", received_at=received,
        content="来信反映夜班无人值守。", complainant_name="匿名", complainant_contact="",
    )
    complaint_services.complaint_take(by=cast["inspector_city"], complaint=late)
    return facilities


def test_an_inspector_registers_and_takes_a_complaint(cast, world, sign_in, screenshot):
    page = sign_in("inspector")
    page.get_by_role("link", name="投诉举报").click()
    page.get_by_role("link", name="登记投诉举报").first.click()
    page.get_by_label("被投诉机构").select_option(label=f"{world['a'].name} · {world['a'].region.name}")
    page.get_by_label("来源渠道").select_option("hotline_12345")
    page.get_by_label("投诉人", exact=True).fill("刘某")
    page.get_by_label("投诉人联系方式").fill("13909341256")
    page.get_by_label("投诉举报内容").fill("母亲洗澡时无人看护，两次滑倒。")
    shoot(page, screenshot, "complaint-form")
    page.get_by_role("button", name="登记").click()
    assert "受理期限" in page.get_by_test_id("complaint-summary").inner_text()
    assert page.get_by_test_id("contact").inner_text().startswith("139****1256")
    page.get_by_test_id("take").click()
    assert page.get_by_test_id("contact").inner_text() == "13909341256"
    shoot(page, screenshot, "complaint-detail-owner")
    page.get_by_role("link", name="投诉举报").first.click()
    shoot(page, screenshot, "complaint-list")
    page.get_by_role("link", name="辖区投诉概况").click()
    assert "未办结的投诉举报 2 件" in page.get_by_test_id("region-summary").inner_text()
    shoot(page, screenshot, "complaint-region")


def test_the_register_the_reviews_and_the_budget(cast, world, sign_in, screenshot):
    page = sign_in("inspector")
    page.get_by_role("link", name="护理人员配备").click()
    page.get_by_role("link", name="近亲属备案").click()
    assert "共 2 条备案" in page.get_by_test_id("register-summary").inner_text()
    table = page.get_by_test_id("relative-register").inner_text()
    assert "周桂英" in table and "孙奶奶" in table and "辖区内未登记" in table
    shoot(page, screenshot, "relative-register")
    page.get_by_role("link", name="近亲属关系核查").click()
    assert "许红梅" in page.get_by_test_id("relative-reviews").inner_text()
    shoot(page, screenshot, "relative-reviews")
    page.get_by_role("link", name="护理人员配备").click()
    page.get_by_role("link", name="购买服务经费测算").click()
    summary = page.get_by_test_id("budget-summary").inner_text()
    assert "需护理岗位" in summary and "已安排 1 个" in summary
    shoot(page, screenshot, "staffing-budget")
