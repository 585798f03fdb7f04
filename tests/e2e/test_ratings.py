"""Star ratings in a real browser: an inspector records an evaluation, the list and the facility
page follow, and the "next level" box says what is missing."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from facilities.models import StarRating
from facilities.ratings.services import rating_record
from tests.e2e.conftest import wait_until_no_horizontal_scroll

pytestmark = pytest.mark.django_db(transaction=True)

# 环境, 设施设备 and 运营管理 reach 80 %; 服务 450 of 600 lacks 30 for 四级 → 三级.
SCORES = {"环境（满分120）": "100", "设施设备（满分130）": "110", "运营管理（满分150）": "125", "服务（满分600）": "450"}


def _fill_scores(page, scores):
    for label, value in scores.items():
        page.get_by_label(label).fill(value)


def test_inspector_records_an_evaluation_and_the_level_follows(cast, facilities, sign_in, screenshot):
    page = sign_in("inspector")
    page.goto(page.base + f"/facilities/{facilities['a'].pk}/")
    panel = page.locator("#rating-panel")
    assert "尚未评定" in panel.get_by_test_id("rating-status").inner_text()
    assert "首次评定最高可评为三级" in panel.get_by_test_id("next-level").inner_text()
    panel.get_by_role("link", name="录入评定").click()

    page.wait_for_url("**/ratings/new/")
    _fill_scores(page, {"环境（满分120）": "100", "设施设备（满分130）": "110"})
    preview = page.get_by_test_id("level-preview")
    assert "填写四项得分后" in preview.inner_text()
    _fill_scores(page, SCORES)
    expect(page.get_by_test_id("level-preview")).to_contain_text("三级")
    assert "总分 785 分" in page.get_by_test_id("level-preview").inner_text()
    page.get_by_label("评定人员").fill("张明、李华")
    page.get_by_label("证书编号").fill("GS-QY-2026-017")
    screenshot("rating-form-live-level")
    page.get_by_role("button", name="保存评定").click()

    page.wait_for_url(page.base + f"/facilities/{facilities['a'].pk}/")
    assert "评定为三级" in page.content()
    status = page.locator("#rating-panel").get_by_test_id("rating-status")
    assert "★★★☆☆" in status.inner_text() and "三级" in status.inner_text()
    box = page.get_by_test_id("next-level").inner_text()
    assert "升到四级还差多少" in box and "还差 30 分" in box
    assert "最少还需提高 30 分：服务至少 30 分" in box
    history = page.get_by_test_id("rating-history").inner_text()
    assert "785" in history and "GS-QY-2026-017" in history
    screenshot("rating-facility-detail")
    page.set_viewport_size({"width": 1024, "height": 768})
    wait_until_no_horizontal_scroll(page)  # charts have resized
    screenshot("rating-facility-detail-1024")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="机构", exact=True).click()
    row = page.locator("tr", has_text=facilities["a"].name)
    assert "★★★☆☆" in row.inner_text() and "三级" in row.inner_text()
    assert "未评级" in page.locator("tr", has_text=facilities["b"].name).inner_text()
    page.get_by_label("等级").select_option("3")
    page.wait_for_url("**level=3**")
    expect(page.get_by_test_id("facility-count")).to_contain_text("共 1 个机构")
    assert page.get_by_text(facilities["b"].name).count() == 0
    screenshot("rating-facility-list-filtered")
    page.set_viewport_size({"width": 1024, "height": 768})
    wait_until_no_horizontal_scroll(page)
    screenshot("rating-facility-list-filtered-1024")


def test_a_refused_evaluation_shows_the_rule_and_saves_nothing(cast, facilities, sign_in, screenshot):
    page = sign_in("inspector")
    page.goto(page.base + f"/facilities/{facilities['b'].pk}/ratings/new/")
    page.get_by_label("评定人员").fill("张明")
    _fill_scores(page, {"环境（满分120）": "115", "设施设备（满分130）": "125", "运营管理（满分150）": "145", "服务（满分600）": "580"})
    expect(page.get_by_test_id("level-preview")).to_contain_text("五级")
    assert "首次评定最高为三级" in page.get_by_test_id("level-preview-refusal").inner_text()
    page.get_by_role("button", name="保存评定").click()
    assert "首次评定最高为三级，本次评分达到五级，不能直接评定" in page.get_by_test_id("form-errors").inner_text()
    screenshot("rating-form-refused")
    assert not StarRating.objects.exists()


def test_manager_reads_the_panel_without_a_record_button(cast, facilities, sign_in, screenshot):
    rating_record(
        by=cast["inspector"], facility=facilities["a"], rated_on=timezone.localdate() - timedelta(days=3 * 365 - 40),
        environment=Decimal(80), equipment=Decimal(90), management=Decimal(100), service=Decimal(400),
        evaluators="王强",
    )
    page = sign_in("manager_a")
    page.goto(page.base + f"/facilities/{facilities['a'].pk}/")
    status = page.locator("#rating-panel").get_by_test_id("rating-status")
    assert "天后到期" in status.inner_text()
    assert page.locator("#rating-panel").get_by_role("link", name="录入评定").count() == 0
    screenshot("rating-manager-expiring")
    assert page.locator("#rating-panel").get_by_role("link", name="撤销").count() == 0


def test_inspector_withdraws_an_evaluation_after_the_question(cast, facilities, sign_in, screenshot):
    rating_record(
        by=cast["inspector"], facility=facilities["a"], rated_on=timezone.localdate() - timedelta(days=200),
        environment=Decimal(80), equipment=Decimal(90), management=Decimal(100), service=Decimal(400),
        evaluators="王强",
    )
    page = sign_in("inspector")
    page.goto(page.base + f"/facilities/{facilities['a'].pk}/")
    page.locator("#rating-panel").get_by_role("link", name="撤销").click()
    page.get_by_label("撤销原因").fill("评定材料弄虚作假")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="撤销评定").click()
    expect(page.get_by_role("status").first).to_contain_text("已撤销")
    assert asked and "撤销不能恢复" in asked[0]
    withdrawn = page.locator("#rating-panel").get_by_test_id("rating-withdrawn")
    expect(withdrawn).to_contain_text("评定材料弄虚作假")
    expect(page.locator("#rating-panel").get_by_test_id("rating-status")).to_contain_text("尚未评定")
    screenshot("rating-withdrawn")
