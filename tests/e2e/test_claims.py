"""A clerk closes a month in a real browser: generate, open a batch, read why a line is that amount."""
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from subsidies.models import ClaimBatch, GenerationRun, RunStatus
from subsidies.services import batch_submit
from tests.e2e.conftest import SCREENSHOTS, wait_until_no_horizontal_scroll
from tests.factories import AssessmentFactory, PersonFactory, StayFactory, SupportStatusFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sample_standards")]

SIZES = ((1280, 800), (1024, 768))


def resident(name, facility, category, town="621002100"):
    person = PersonFactory(name=name, residence_region_id=town)
    SupportStatusFactory(person=person, confirmed_on=date(2025, 3, 10))
    assessed = timezone.localdate().replace(day=1) - timedelta(days=60)
    AssessmentFactory(person=person, assessed_on=assessed, computed_category=category)
    StayFactory(person=person, facility=facility, admitted_on=date(2025, 5, 1))
    return person


@pytest.fixture
def shots(page):
    """Screenshots at both widths; each must fit without scrolling sideways."""

    def _shots(name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            wait_until_no_horizontal_scroll(page)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 800})

    return _shots


def test_clerk_generates_a_month_and_reads_a_lines_basis(cast, facilities, sign_in, shots):
    resident("张桂兰", facilities["a"], "partial")
    resident("李福", facilities["a"], "full")
    resident("赵兰", facilities["b"], "self_care", town="621002101")
    month = timezone.localdate().replace(day=1)

    page = sign_in("clerk")
    page.get_by_role("link", name="补贴申报", exact=True).click()
    shots("clerk-claims-empty-list")
    page.get_by_role("link", name="生成本月申报").click()
    expect(page.get_by_label("申报月份")).to_have_value(f"{month:%Y-%m}")
    shots("clerk-generation-form")
    page.get_by_role("button", name="开始生成").click()
    expect(page.get_by_test_id("run-progress")).to_contain_text("已完成")
    expect(page.get_by_test_id("run-progress")).to_contain_text("生成 2 个批次草稿")
    shots("clerk-generation-done")

    page.get_by_role("link", name=f"查看 {month:%Y-%m} 的申报批次").click()
    expect(page.get_by_test_id("batch-count")).to_contain_text("共 2 个批次")
    shots("clerk-batch-list")
    page.get_by_test_id("batch-table").get_by_role("link", name=facilities["a"].name).click()
    expect(page.locator("h1")).to_contain_text(facilities["a"].name)

    line = page.locator("tbody.claim-line", has_text="张桂兰").filter(has_text="照料护理费")
    basis = line.get_by_test_id("basis")
    expect(basis.locator(".basis-body")).to_be_hidden()
    basis.locator("summary").click()
    expect(basis.locator(".basis-body")).to_be_visible()
    expect(basis).to_contain_text("全国示例标准 600.00 元/月")
    expect(basis.get_by_test_id("formula")).to_contain_text("600.00 元")
    shots("clerk-batch-detail")


def test_manager_submits_and_the_clerk_sees_it_waiting(cast, facilities, sign_in, shots, generate):
    resident("张桂兰", facilities["a"], "partial")
    month = timezone.localdate().replace(day=1)
    generate(month)

    page = sign_in("manager_a")
    expect(page.get_by_test_id("claim-status").first).to_contain_text("核对并提交")
    shots("manager-home-claims")
    page.get_by_role("link", name="核对并提交").click()
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_role("status").first).to_contain_text("已提交审核")
    page.get_by_role("button", name="退出").click()

    page = sign_in("clerk")
    expect(page.get_by_test_id("claims-status-line")).to_contain_text("1 个批次等待审核")
    shots("clerk-home-claims")
    page.get_by_test_id("waiting").get_by_role("link").first.click()
    page.get_by_label("退回原因").fill("张桂兰的评估已满一年，请复评后重新提交")
    shots("clerk-batch-review")
    page.get_by_role("button", name="退回").click()
    expect(page.get_by_test_id("return-reason")).to_contain_text("请复评后重新提交")


def test_overview_and_standards_pages(cast, facilities, sign_in, shots, generate):
    resident("张桂兰", facilities["a"], "partial")
    resident("李福", facilities["c"], "full", town="621021")
    month = timezone.localdate().replace(day=1)
    generate(month, region="621000")
    batch_submit(by=cast["manager_a"], batch=ClaimBatch.objects.get(facility=facilities["a"]))

    page = sign_in("inspector_city")
    page.get_by_role("link", name="补贴申报", exact=True).click()
    page.get_by_role("link", name="区划汇总").click()
    expect(page.get_by_test_id("overview-table")).to_contain_text("庆城县")
    page.wait_for_selector("canvas[data-drawn]")
    shots("inspector-claims-overview")
    page.get_by_role("link", name="补贴标准").click()
    expect(page.get_by_test_id("standard-table")).to_contain_text("示例")
    shots("inspector-standards")
    page.get_by_role("button", name="退出").click()

    page = sign_in("clerk")
    page.goto(page.base + "/subsidies/standards/new/")
    page.get_by_label("补贴项目").select_option("operating")
    expect(page.get_by_label("未评级（0星）")).to_be_visible()
    expect(page.get_by_label("户籍类型")).to_be_hidden()
    page.get_by_label("月标准（元）").fill("320")
    page.get_by_label("生活自理能力").select_option("full")
    shots("clerk-standard-form")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status").first).to_contain_text("已设定新标准")


def test_progress_page_polls_until_the_run_is_done(cast, regions, sign_in, shots):
    run = GenerationRun.objects.create(region_id="621002", month=timezone.localdate().replace(day=1),
                                       requested_by=cast["clerk"], status=RunStatus.RUNNING, units_total=4,
                                       units_done=1)
    page = sign_in("clerk")
    page.goto(page.base + reverse("subsidies:run_detail", args=[run.pk]))
    progress = page.get_by_test_id("run-progress")
    expect(progress).to_contain_text("正在生成：已处理 1 / 4 个批次")
    shots("clerk-generation-running")
    GenerationRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, units_done=4, lines_written=12,
                                                   finished_at=timezone.now())
    expect(progress).to_contain_text("已完成：生成 4 个批次草稿、12 条明细")


def test_approving_asks_first_and_declining_changes_nothing(cast, facilities, sign_in, shots, generate):
    resident("张桂兰", facilities["a"], "partial")
    month = timezone.localdate().replace(day=1)
    generate(month)
    batch = batch_submit(by=cast["manager_a"], batch=ClaimBatch.objects.get(facility=facilities["a"]))

    page = sign_in("clerk")
    page.goto(page.base + reverse("subsidies:batch_detail", args=[batch.pk]))
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_role("button", name="审核通过")).to_be_visible()
    assert asked and "不能再修改、退回或撤销" in asked[0]
    batch.refresh_from_db()
    assert batch.status == "submitted"
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_role("status").first).to_contain_text("审核通过")
    batch.refresh_from_db()
    assert batch.status == "approved"
