"""In a real browser: the check that lists who left care without a dispersed-support decision, each
part's amount of a day-prorated line, a failed generation's message, and an assessment that lapsed.

Dates are relative to last month (a month wholly in the past), so the pages read the same on any day.
"""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from facilities.models import Proration, RegionPolicy
from residents.models import StayEndReason, SupportForm
from subsidies.models import ClaimBatch, GenerationRun, RunStatus
from tests.e2e.conftest import SCREENSHOTS, wait_until_no_horizontal_scroll
from tests.factories import AssessmentFactory, PersonFactory, StayFactory, SupportStatusFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sample_standards")]


def last_month():
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


def shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 800), (1024, 768)):
        page.set_viewport_size({"width": width, "height": height})
        wait_until_no_horizontal_scroll(page)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def in_care(name, facility, *, assessed_on, category="partial"):
    person = PersonFactory(name=name, residence_region_id="621002100")
    SupportStatusFactory(person=person, confirmed_on=assessed_on - timedelta(days=400), support_form=SupportForm.CENTRALISED)
    AssessmentFactory(person=person, assessed_on=assessed_on, computed_category=category)
    stay = StayFactory(person=person, facility=facility, admitted_on=assessed_on - timedelta(days=300))
    return person, stay


def test_clerk_reads_who_left_care_and_each_parts_amount(cast, facilities, sign_in, generate):
    month = last_month()
    RegionPolicy.objects.create(region_id="621002", effective_from=month.replace(year=month.year - 5),
                                proration=Proration.DAY)
    changed, _stay = in_care("张桂兰", facilities["a"], assessed_on=month - timedelta(days=60))
    AssessmentFactory(person=changed, assessed_on=month + timedelta(days=9), computed_category="full")
    _leaver, stay = in_care("李福", facilities["a"], assessed_on=month - timedelta(days=60))
    stay.ended_on, stay.end_reason = month + timedelta(days=9), StayEndReason.MOVED_HOME
    stay.save()
    generate(month)
    batch = ClaimBatch.objects.get(month=month, facility=facilities["a"])

    page = sign_in("clerk")
    page.goto(page.base + reverse("subsidies:batch_detail", args=[batch.pk]))
    check = page.locator('[data-check="no_dispersed_decision"]')
    expect(check).to_contain_text("离院但无分散供养决定")
    expect(check.get_by_test_id("check-count")).to_have_text("1")
    check.locator("summary").click()
    expect(check).to_contain_text("李福")
    expect(check).to_contain_text(f"{month + timedelta(days=9):%Y-%m-%d} 离院")

    line = page.locator("tbody.claim-line", has_text="张桂兰").filter(has_text="照料护理费")
    basis = line.get_by_test_id("basis")
    basis.locator("summary").click()
    amounts = basis.get_by_test_id("part-amount")
    expect(amounts).to_have_count(2)
    expect(amounts.first).to_contain_text("600.00 × 9 ÷")
    expect(basis.get_by_test_id("formula")).to_contain_text(" + ")
    shoot(page, "clerk-batch-left-care-and-part-amounts")


def test_a_failed_generation_says_what_to_do_without_python_text(cast, regions, sign_in):
    run = GenerationRun.objects.create(region=regions["621002"], month=last_month(), requested_by=cast["clerk"],
                                       status=RunStatus.FAILED, finished_at=timezone.now())
    page = sign_in("clerk")
    page.goto(page.base + reverse("subsidies:run_detail", args=[run.pk]))
    failure = page.get_by_test_id("run-failure")
    expect(failure).to_contain_text("生成失败")
    expect(failure).to_contain_text(f"#{run.pk}")
    expect(page.get_by_role("link", name="重新生成")).to_be_visible()
    shoot(page, "clerk-generation-failed")


def test_a_lapsed_assessment_reads_overdue_on_the_residents_page(cast, facilities, sign_in):
    today = timezone.localdate()
    person, _stay = in_care("周秀兰", facilities["a"], assessed_on=today - timedelta(days=400))
    page = sign_in("manager_a")
    page.goto(page.base + reverse("person_detail", args=[person.pk]))
    expect(page.get_by_test_id("assessment-due")).to_contain_text("已逾期，评估不再有效")
    shoot(page, "manager-person-assessment-lapsed")
