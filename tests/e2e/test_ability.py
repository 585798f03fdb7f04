"""A manager records a GB/T 42195 ability assessment in a real browser, keyboard and mouse, and prints it."""
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.factories import PersonFactory, StayFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_scores_the_26_items_and_reads_the_report(cast, facilities, sign_in, screenshot):
    person = StayFactory(facility=facilities["a"], person=PersonFactory(name="刘桂芳"), admitted_on=date(2025, 3, 1)).person
    page = sign_in("manager_a")
    page.goto(f"{page.base}/people/{person.pk}/")
    expect(page.get_by_test_id("ability-card")).to_contain_text("尚未评估")
    page.get_by_role("link", name="录入能力评估").click()
    expect(page.get_by_test_id("scale-version")).to_contain_text("GB/T 42195-2022")
    page.locator("#id_assessor").fill("李评估")
    page.locator("#id_second_assessor").fill("赵评估")
    page.get_by_role("button", name="保存评估").click()
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    for group in page.locator("fieldset.col-lg-6").all():  # each item: the option worth 1 point, else 0
        options = group.locator("input[type=radio]")
        options.nth(options.count() - 2).check()
    screenshot("manager-ability-form")
    page.get_by_role("button", name="保存评估").click()
    expect(page.get_by_test_id("ability-result")).to_contain_text("完全失能")
    expect(page.get_by_test_id("ability-result")).to_contain_text("26 / 90")
    screenshot("manager-ability-report")
    page.get_by_role("link", name="返回人员").click()
    expect(page.get_by_test_id("ability-level")).to_have_text("完全失能")


def test_manager_records_a_long_term_care_result_the_region_accepts(cast, facilities, regions, sign_in, screenshot):
    from facilities.models import RegionPolicy

    RegionPolicy.objects.create(region=regions["621000"], effective_from=date(2020, 1, 1), accept_ltc_assessment=True)
    person = StayFactory(facility=facilities["a"], person=PersonFactory(name="张玉兰"), admitted_on=date(2025, 3, 1)).person
    page = sign_in("manager_a")
    page.goto(f"{page.base}/people/{person.pk}/")
    page.get_by_role("link", name="录入长护险评估结果").click()
    page.locator("#id_source").fill("庆阳市医疗保障局 庆医保长护评〔2026〕15号")
    page.locator("#id_ltc_level").select_option("2")
    page.locator("#id_assessed_on").fill("2025-06-01")
    page.locator("#id_valid_until").fill("2025-05-01")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("有效期须晚于评估日期")
    page.locator("#id_valid_until").fill("2035-05-31")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("ltc-assessments")).to_contain_text("采信，代替本机构评估")
    expect(page.get_by_test_id("ltc-assessments")).to_contain_text("中度失能")
    expect(page.get_by_test_id("ltc-in-place")).to_contain_text("中度失能")
    screenshot("manager-ltc-accepted")
