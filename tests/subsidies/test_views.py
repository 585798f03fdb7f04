"""The claim pages: standards, batches with checks and basis, the review flow, generation, overview, homes.

Data is generated the real way (sample standards, people with stays and assessments, `generate`),
so the pages show what a clerk would see. July 2026 is a closed month in the past.
"""
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from facilities.models import Proration, RegionPolicy
from residents.models import StayEndReason, SupportForm
from subsidies.models import BatchStatus, ClaimBatch, ClaimLine, GenerationRun, RunStatus, SubsidyStandard
from subsidies.services import batch_approve, batch_submit
from tests.factories import AssessmentFactory, PersonFactory, StayFactory, SupportStatusFactory
from tests.helpers import count_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sample_standards")]

JULY, AUGUST = date(2026, 7, 1), date(2026, 8, 1)


def resident(name, facility, *, category="partial", town="621002100"):
    """A 特困 person living in `facility` since 2025, assessed this spring."""
    person = PersonFactory(name=name, residence_region_id=town)
    SupportStatusFactory(person=person, confirmed_on=date(2025, 3, 10))
    AssessmentFactory(person=person, assessed_on=date(2026, 4, 1), computed_category=category)
    StayFactory(person=person, facility=facility, admitted_on=date(2025, 5, 1))
    return person


def at_home(name, town="621002101"):
    person = PersonFactory(name=name, residence_region_id=town)
    SupportStatusFactory(person=person, confirmed_on=date(2025, 3, 10), support_form=SupportForm.DISPERSED)
    AssessmentFactory(person=person, assessed_on=date(2026, 4, 1), computed_category="full")
    return person


@pytest.fixture
def july(cast, facilities, generate):
    """One resident in A, one in B, one at home in 董志镇; July generated."""
    people = {
        "a": resident("张桂兰", facilities["a"]),
        "b": resident("李福", facilities["b"], category="full", town="621002101"),
        "home": at_home("王秀英"),
    }
    generate(JULY)
    return people


def batch_of(facility=None, *, township=None, month=JULY):
    if facility is not None:
        return ClaimBatch.objects.get(month=month, facility=facility)
    return ClaimBatch.objects.get(month=month, township_id=township)


def page(client, name, *args, **params):
    response = client.get(reverse(f"subsidies:{name}", args=args), params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- batch list --------------------------------------------------------------------------------


def test_clerk_sees_every_batch_of_the_county_with_the_month_status_grid(cast, facilities, july, login):
    html = page(login(cast["clerk"]), "batch_list")
    assert facilities["a"].name in html and facilities["b"].name in html and "董志镇" in html
    assert "共 3 个批次" in html
    assert 'data-testid="status-grid"' in html and "2026-07" in html
    assert "生成本月申报" in html
    assert reverse("subsidies:batch_list_export_start") in html and 'value="xlsx"' in html


def test_manager_sees_only_their_facility_batch(cast, facilities, july, login):
    html = page(login(cast["manager_a"]), "batch_list")
    assert facilities["a"].name in html and facilities["b"].name not in html and "董志镇" not in html
    assert "生成本月申报" not in html


def test_inspector_of_another_province_sees_no_batches(cast, july, login):
    html = page(login(cast["inspector_other"]), "batch_list")
    assert "共 0 个批次" in html


def test_batch_list_filters_by_status_kind_and_name(cast, facilities, july, login):
    client = login(cast["clerk"])
    batch_submit(by=cast["manager_a"], batch=batch_of(facilities["a"]))
    html = page(client, "batch_list", status="submitted")
    assert facilities["a"].name in html and facilities["b"].name not in html
    html = page(client, "batch_list", kind="township")
    assert "董志镇" in html and facilities["a"].name not in html
    html = page(client, "batch_list", q="董志特困")
    assert facilities["b"].name in html and facilities["a"].name not in html
    html = page(client, "batch_list", month="2026-08")
    assert "共 0 个批次" in html


def test_batch_list_region_filter_covers_the_townships_below(cast, facilities, july, login):
    html = page(login(cast["clerk"]), "batch_list", region="621002101")
    assert facilities["b"].name in html and "董志镇" in html and facilities["a"].name not in html


@pytest.mark.parametrize("month", ["2026-13", "9999-12", "abc"])
def test_batch_list_bad_month_is_a_bad_request_not_a_crash(cast, july, login, month):
    """common.params: a month out of range is a 400 naming the parameter (issue 16)."""
    response = login(cast["clerk"]).get(reverse("subsidies:batch_list"), {"month": month})
    assert response.status_code == 400 and "<code>month</code>" in response.content.decode()


def test_batch_list_htmx_gets_only_the_table_and_pagination_keeps_filters(cast, facilities, login):
    for month in range(1, 13):
        for year in (2024, 2025, 2026):
            ClaimBatch.objects.create(month=date(year, month, 1), region=facilities["a"].region, facility=facilities["a"])
    client = login(cast["clerk"])
    response = client.get(reverse("subsidies:batch_list"), {"kind": "facility"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "navbar" not in body and 'data-testid="batch-table"' in body
    assert "kind=facility&amp;page=2" in body or "page=2&amp;kind=facility" in body


def test_batch_list_query_count_does_not_grow_with_batches(cast, facilities, login):
    client = login(cast["clerk"])
    url = reverse("subsidies:batch_list")

    def batches(n):
        ClaimBatch.objects.all().delete()
        for i in range(n):
            ClaimBatch.objects.create(month=date(2024 + i // 12, i % 12 + 1, 1), region=facilities["a"].region,
                                      facility=facilities["a"] if i % 2 else facilities["b"])

    batches(3)
    few = count_queries(client, url)
    batches(30)
    many = count_queries(client, url)
    # session, user, region filter choices, month × status grid, count, page of batches joined with
    # payer and region
    assert few == many == 6


# --- batch detail ------------------------------------------------------------------------------


def _basis(client, batch, item: str, *, htmx: bool = True) -> str:
    line = batch.lines.get(item=item)
    url = reverse("subsidies:line_basis", args=[batch.pk, line.pk])
    response = client.get(url, HTTP_HX_REQUEST="true") if htmx else client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_batch_detail_shows_lines_with_masked_ids_and_the_basis_in_words(cast, facilities, july, login):
    person = july["a"]
    client = login(cast["clerk"])
    batch = batch_of(facilities["a"])
    html = page(client, "batch_detail", batch.pk)
    assert person.name in html
    assert person.masked_id_number in html and person.id_number not in html
    assert "全国示例标准 600.00 元/月" in html  # care, centralised, partial: the summary of each line
    assert "<details" in html and reverse("subsidies:line_basis", args=[batch.pk, batch.lines.get(item="care").pk]) in html
    assert "2026-04-01 评估" not in html  # the whole basis is read when a line is unfolded
    care, operating = _basis(client, batch, "care"), _basis(client, batch, "operating")
    assert "星级系数 1.00（未评级）" in operating  # operating, unrated facility
    assert "2026-04-01 评估：部分丧失生活自理能力" in care
    assert f"{facilities['a'].name}，2025-05-01 入住" in care
    assert "按月计发" in care and "2026-07-01 至 2026-07-31，31 天" in care
    assert "<html" not in care
    whole = _basis(client, batch, "care", htmx=False)  # without JavaScript, a page of its own
    assert "<html" in whole and person.name in whole and "2026-04-01 评估：部分丧失生活自理能力" in whole


def test_a_lines_basis_is_out_of_reach_outside_the_batch_and_the_scope(cast, facilities, july, login):
    batch, other = batch_of(facilities["a"]), batch_of(facilities["b"])
    line = batch.lines.first()
    assert login(cast["clerk"]).get(reverse("subsidies:line_basis", args=[other.pk, line.pk])).status_code == 404
    assert login(cast["manager_b"]).get(reverse("subsidies:line_basis", args=[batch.pk, line.pk])).status_code == 404
    assert login(cast["manager_a"]).get(reverse("subsidies:line_basis", args=[batch.pk, line.pk])).status_code == 200


def test_batch_detail_totals_by_item_and_checks(cast, facilities, july, login):
    response = login(cast["clerk"]).get(reverse("subsidies:batch_detail", args=[batch_of(facilities["a"]).pk]))
    totals = {row["item"]: row["total"] for row in response.context["totals"]}
    assert totals == {"basic_living": Decimal("800.00"), "care": Decimal("600.00"), "operating": Decimal("200.00")}
    checks = {check["name"]: len(check["lines"]) for check in response.context["checks"]}
    assert checks["new"] == 3 and checks["in_two_batches"] == 0 and checks["gone_before_month"] == 0
    html = response.content.decode()
    for label in ("同月重复申报", "当月前已死亡或离开", "无有效评估", "新增", "类别变化", "金额变化", "本月减少"):
        assert label in html


def test_next_month_shows_last_month_and_the_difference(cast, facilities, july, generate, login):
    AssessmentFactory(person=july["a"], assessed_on=date(2026, 7, 20), computed_category="full")
    generate(AUGUST)
    response = login(cast["clerk"]).get(reverse("subsidies:batch_detail",
                                                args=[batch_of(facilities["a"], month=AUGUST).pk]))
    html = response.content.decode()
    assert "+600.00" in html  # care 600 → 1200
    checks = {check["name"]: len(check["lines"]) for check in response.context["checks"]}
    assert checks["category_changed"] == 2 and checks["amount_changed"] == 2  # care and operating


def test_people_gone_before_the_month_block_submission_with_a_message(cast, facilities, july, login):
    stay = july["a"].stays.get()
    stay.ended_on, stay.end_reason = date(2026, 6, 20), StayEndReason.DIED
    stay.save()
    batch = batch_of(facilities["a"])
    client = login(cast["manager_a"])
    html = page(client, "batch_detail", batch.pk)
    assert "存在须处理的问题" in html
    response = client.post(reverse("subsidies:batch_submit", args=[batch.pk]), follow=True)
    assert "批次存在须处理的问题" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRAFT


def test_adjustment_line_is_marked_and_links_to_the_corrected_batch(cast, facilities, july, generate, clerk2, login):
    july_batch = batch_of(facilities["a"])
    batch_submit(by=cast["manager_a"], batch=july_batch)
    batch_approve(by=clerk2, batch=july_batch)
    AssessmentFactory(person=july["a"], assessed_on=date(2026, 6, 15), computed_category="full")  # back-dated
    generate(AUGUST)
    adjustment = ClaimLine.objects.get(batch__month=AUGUST, item="care", adjusts_month=JULY)
    html = page(login(cast["clerk"]), "batch_detail", adjustment.batch_id)
    assert "补差 2026-07" in html
    assert reverse("subsidies:batch_detail", args=[july_batch.pk]) in html
    assert "应发 1200.00 元，已申报 600.00 元，差额 600.00 元" in html


def test_full_id_roster_button_only_for_clerks(cast, facilities, july, login):
    batch = batch_of(facilities["a"])
    full = reverse("subsidies:batch_export", args=[batch.pk, "xlsx"]) + "?full_ids=1"
    assert full in page(login(cast["clerk"]), "batch_detail", batch.pk)
    for who in ("inspector", "manager_a"):
        assert full not in page(login(cast[who]), "batch_detail", batch.pk)


def test_batch_detail_is_404_out_of_scope(cast, facilities, july, login):
    batch = batch_of(facilities["a"])
    for who in ("manager_b", "inspector_other"):
        response = login(cast[who]).get(reverse("subsidies:batch_detail", args=[batch.pk]))
        assert response.status_code == 404


def test_inspector_reads_without_buttons_and_every_action_is_refused(cast, facilities, july, login):
    batch = batch_of(facilities["a"])
    client = login(cast["inspector"])
    html = page(client, "batch_detail", batch.pk)
    for label in ("提交审核</button>", "审核通过", "退回</button>", "登记已发放"):
        assert label not in html
    for action in ("batch_submit", "batch_approve", "batch_return", "batch_mark_paid"):
        assert client.post(reverse(f"subsidies:{action}", args=[batch.pk]), {"reason": "x"}).status_code == 403
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRAFT


def test_actions_are_post_only(cast, facilities, july, login):
    batch = batch_of(facilities["a"])
    assert login(cast["manager_a"]).get(reverse("subsidies:batch_submit", args=[batch.pk])).status_code == 405


def test_out_of_scope_action_is_404(cast, facilities, july, login):
    batch = batch_of(facilities["a"])
    assert login(cast["manager_b"]).post(reverse("subsidies:batch_submit", args=[batch.pk])).status_code == 404


def test_manager_submits_and_another_clerk_approves_then_marks_paid(cast, facilities, july, clerk2, login, client):
    batch = batch_of(facilities["a"])
    manager = login(cast["manager_a"])
    assert "提交审核</button>" in page(manager, "batch_detail", batch.pk)
    response = manager.post(reverse("subsidies:batch_submit", args=[batch.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("subsidies:batch_detail", args=[batch.pk])
    assert messages_of(response) == ["已提交审核，等待救助经办人员审核"]
    reviewer = login(clerk2)
    html = page(reviewer, "batch_detail", batch.pk)
    assert "审核通过" in html and "提交审核</button>" not in html
    reviewer.post(reverse("subsidies:batch_approve", args=[batch.pk]))
    batch.refresh_from_db()
    assert (batch.status, batch.reviewed_by) == (BatchStatus.APPROVED, clerk2)
    assert "登记已发放" in page(reviewer, "batch_detail", batch.pk)
    reviewer.post(reverse("subsidies:batch_mark_paid", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PAID
    html = page(reviewer, "batch_detail", batch.pk)
    assert clerk2.full_name in html and cast["manager_a"].full_name in html


def test_clerk_returns_with_a_reason_and_the_manager_reads_it(cast, facilities, july, login):
    batch = batch_of(facilities["b"])
    batch_submit(by=cast["manager_b"], batch=batch)
    clerk = login(cast["clerk"])
    response = clerk.post(reverse("subsidies:batch_return", args=[batch.pk]), {"reason": "  "}, follow=True)
    assert "请填写退回原因" in response.content.decode()
    clerk.post(reverse("subsidies:batch_return", args=[batch.pk]), {"reason": "李福的评估结论与入住记录不符，请核实"})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RETURNED
    html = page(login(cast["manager_b"]), "batch_detail", batch.pk)
    assert "退回原因：" in html and "李福的评估结论与入住记录不符" in html


def test_submitter_cannot_approve_their_own_batch(cast, july, login):
    township = batch_of(township="621002101")
    clerk = login(cast["clerk"])
    clerk.post(reverse("subsidies:batch_submit", args=[township.pk]))
    response = clerk.post(reverse("subsidies:batch_approve", args=[township.pk]), follow=True)
    assert "提交人不能审核自己提交的批次" in response.content.decode()
    township.refresh_from_db()
    assert township.status == BatchStatus.SUBMITTED


def test_a_stale_action_says_someone_else_got_there_first(cast, facilities, july, clerk2, login):
    batch = batch_of(facilities["a"])
    batch_submit(by=cast["manager_a"], batch=batch)
    batch_approve(by=clerk2, batch=batch)
    response = login(cast["clerk"]).post(reverse("subsidies:batch_approve", args=[batch.pk]), follow=True)
    assert "可能已由他人处理" in response.content.decode()


def test_batch_detail_query_count_does_not_grow_with_lines(cast, facilities, generate, login):
    client = login(cast["clerk"])

    def lines(people):
        ClaimBatch.objects.all().delete()
        for n in range(people):
            resident(f"人员{people}-{n}", facilities["a"])
        generate(JULY)
        return batch_of(facilities["a"])

    few = lines(1)
    assert few.line_count == 3
    before = count_queries(client, reverse("subsidies:batch_detail", args=[few.pk]))
    many = lines(9)
    assert many.line_count == 30
    after = count_queries(client, reverse("subsidies:batch_detail", args=[many.pk]))
    # session, user, batch with payer and people, lines with persons and corrected batches (without
    # their bases), the bases of the page's lines, six checks
    # (other batches, entitlement, deaths, stays here, last month, who left care with no dispersed-support
    # decision), totals by item (a line's summary names only its standard's region, none here), who submits (the facility's managers,
    # which of them and the user declared a relative on the batch, whether a manager is left to
    # submit)
    assert before == after == 15


# --- standards ---------------------------------------------------------------------------------


def test_standard_list_shows_the_national_samples(cast, login):
    html = page(login(cast["inspector"]), "standard_list")
    assert "全国" in html and "示例" in html and "1200.00" in html
    assert "1.00 / 1.00 / 1.05 / 1.10 / 1.20 / 1.30" in html
    assert "设定新标准" not in html


def test_standard_list_filters_by_item_and_shows_history_on_request(cast, regions, login):
    client = login(cast["clerk"])
    client.post(reverse("subsidies:standard_create"), {
        "region": "621002", "item": "orphan", "support_form": "dispersed", "amount": "1500", "effective_from": "2026-01",
    })
    client.post(reverse("subsidies:standard_create"), {
        "region": "621002", "item": "orphan", "support_form": "dispersed", "amount": "1600", "effective_from": "2026-09",
    })
    html = page(client, "standard_list", item="orphan")
    assert "1600.00" in html and "1500.00" not in html and "1200.00" not in html
    assert "设定新标准" in html
    html = page(client, "standard_list", item="orphan", history="on")
    assert "1500.00" in html and "2026-08-31" in html


def test_standard_form_is_for_clerks_only(cast, login):
    assert login(cast["clerk"]).get(reverse("subsidies:standard_create")).status_code == 200
    for who in ("inspector", "manager_a", "admin"):
        assert login(cast[who]).get(reverse("subsidies:standard_create")).status_code == 403


def test_standard_form_refuses_a_date_that_is_not_the_first(cast, regions, login):
    response = login(cast["clerk"]).post(reverse("subsidies:standard_create"), {
        "region": "621002", "item": "basic_living", "hukou_type": "rural", "amount": "850",
        "effective_from": "2026-09-15",
    })
    assert response.status_code == 200
    assert "标准自某月1日起执行" in str(response.context["form"].errors["effective_from"])
    assert not SubsidyStandard.objects.filter(region_id="621002").exists()


def test_standard_form_needs_the_key_fields_of_the_item(cast, regions, login):
    response = login(cast["clerk"]).post(reverse("subsidies:standard_create"), {
        "region": "621002", "item": "care", "support_form": "centralised", "hukou_type": "rural", "amount": "650",
        "effective_from": "2026-09",
    })
    errors = response.context["form"].errors
    assert "请选择" in str(errors["category"]) and "请留空" in str(errors["hukou_type"])
    assert "invalid-feedback" in response.content.decode()


def test_operating_standard_needs_every_star_multiplier(cast, regions, login):
    data = {"region": "621002", "item": "operating", "category": "full", "amount": "320", "effective_from": "2026-09",
            "star_0": "1", "star_1": "1", "star_2": "1.05", "star_3": "1.1", "star_4": "1.2"}
    response = login(cast["clerk"]).post(reverse("subsidies:standard_create"), data)
    assert "star_5" in response.context["form"].errors


def test_clerk_sets_an_operating_standard_with_multipliers(cast, regions, login):
    client = login(cast["clerk"])
    response = client.post(reverse("subsidies:standard_create"), {
        "region": "621002", "item": "operating", "category": "full", "amount": "320.50", "effective_from": "2026-09",
        "star_0": "1", "star_1": "1", "star_2": "1.05", "star_3": "1.1", "star_4": "1.2", "star_5": "1.3",
        "basis": "西民发〔2026〕8号",
    })
    assert response.status_code == 302 and response["Location"] == reverse("subsidies:standard_list")
    standard = SubsidyStandard.objects.get(region_id="621002")
    assert standard.effective_from == date(2026, 9, 1) and standard.amount == Decimal("320.50")
    assert standard.star_multipliers == {"0": "1", "1": "1", "2": "1.05", "3": "1.1", "4": "1.2", "5": "1.3"}
    assert "已设定新标准" in messages_of(response)[0]


def test_standard_form_offers_only_regions_in_the_clerks_scope(cast, regions, login):
    response = login(cast["clerk"]).post(reverse("subsidies:standard_create"), {
        "region": "530102", "item": "basic_living", "hukou_type": "rural", "amount": "850", "effective_from": "2026-09",
    })
    assert "region" in response.context["form"].errors


# --- generation --------------------------------------------------------------------------------


def test_clerk_generates_a_month_and_watches_it_finish(cast, facilities, july, login, django_capture_on_commit_callbacks):
    client = login(cast["clerk"])
    form = client.get(reverse("subsidies:generation_create"))
    assert form.context["form"]["month"].value() == timezone.localdate().replace(day=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("subsidies:generation_create"), {"month": "2026-08", "region": "621002"})
    run = GenerationRun.objects.latest("id")
    assert response["Location"] == reverse("subsidies:run_detail", args=[run.pk])
    html = page(client, "run_detail", run.pk)
    assert "已完成" in html and "生成 3 个批次草稿" in html
    assert "hx-trigger" not in html
    assert reverse("subsidies:batch_list") + "?month=2026-08&amp;region=621002" in html
    assert ClaimBatch.objects.filter(month=AUGUST).count() == 3


def test_a_running_generation_polls_every_second(cast, regions, login):
    run = GenerationRun.objects.create(region_id="621002", month=JULY, requested_by=cast["clerk"],
                                       status=RunStatus.RUNNING, units_total=4, units_done=1, units_skipped=1)
    response = login(cast["clerk"]).get(reverse("subsidies:run_detail", args=[run.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'hx-trigger="every 1s"' in body and "<nav" not in body
    assert "2 / 4" in body and 'value="50"' in body


def test_generation_refuses_months_too_far_ahead(cast, regions, login):
    too_far = timezone.localdate().replace(day=1).replace(year=timezone.localdate().year + 1)
    response = login(cast["clerk"]).post(reverse("subsidies:generation_create"),
                                         {"month": too_far.strftime("%Y-%m"), "region": "621002"})
    assert "最多只能生成下个月的申报" in response.content.decode()
    assert not GenerationRun.objects.exists()


def test_generation_is_for_clerks_and_runs_are_scoped(cast, regions, login):
    for who in ("manager_a", "inspector", "admin"):
        assert login(cast[who]).get(reverse("subsidies:generation_create")).status_code == 403
    run = GenerationRun.objects.create(region_id="621002", month=JULY, requested_by=cast["clerk"])
    assert login(cast["inspector_other"]).get(reverse("subsidies:run_detail", args=[run.pk])).status_code == 404
    response = login(cast["clerk"]).post(reverse("subsidies:generation_create"), {"month": "2026-07", "region": "530102"})
    assert "region" in response.context["form"].errors


# --- overview and homes ------------------------------------------------------------------------


def test_overview_totals_by_county_and_item_with_chart_data(cast, facilities, july, login):
    response = login(cast["inspector_city"]).get(reverse("subsidies:overview"), {"month": "2026-07"})
    summary = response.context["summary"]
    assert [row["name"] for row in summary["rows"]] == ["西峰区"]
    # A: 800 + 600 + 200; B: 800 + 1200 + 300; at home: 800 + 800
    assert summary["total"] == Decimal("5500.00")
    html = response.content.decode()
    assert 'id="claims-overview-chart"' in html and "js/claims_chart.js" in html
    assert reverse("subsidies:overview_export", args=["xlsx"]) + "?month=2026-07&amp;region=621000" in html


def test_overview_defaults_to_this_month_and_the_users_region(cast, july, login):
    response = login(cast["clerk"]).get(reverse("subsidies:overview"))
    assert response.context["month"] == timezone.localdate().replace(day=1)
    assert response.context["region"] == "621002"
    assert "该月该区划没有申报明细" in response.content.decode()


def test_overview_is_scoped(cast, july, login):
    response = login(cast["inspector_other"]).get(reverse("subsidies:overview"), {"month": "2026-07"})
    assert response.context["summary"]["rows"] == []


def test_clerk_home_shows_the_grid_and_what_waits_for_review(cast, facilities, generate, login):
    month = timezone.localdate().replace(day=1)
    resident("赵兰", facilities["a"])
    generate(month)
    batch_submit(by=cast["manager_a"], batch=batch_of(facilities["a"], month=month))
    html = login(cast["clerk"]).get(reverse("home")).content.decode()
    assert 'data-testid="clerk-claims"' in html and "1 个批次等待审核" in html
    assert reverse("subsidies:batch_detail", args=[batch_of(facilities["a"], month=month).pk]) in html
    assert 'data-testid="status-grid"' in html and "照料护理费" in html


def test_inspector_home_has_no_claims_section(cast, facilities, login):
    html = login(cast["inspector"]).get(reverse("home")).content.decode()
    assert 'data-testid="clerk-claims"' not in html and "补贴申报" in html  # nav only


def test_manager_home_shows_this_months_claim_with_a_link_to_submit(cast, facilities, generate, login):
    month = timezone.localdate().replace(day=1)
    client = login(cast["manager_a"])
    assert "的申报尚未生成" in client.get(reverse("home")).content.decode()
    resident("赵兰", facilities["a"])
    generate(month)
    html = client.get(reverse("home")).content.decode()
    assert "核对并提交" in html
    assert reverse("subsidies:batch_detail", args=[batch_of(facilities["a"], month=month).pk]) in html


@pytest.mark.parametrize("who", ["manager_a", "inspector", "clerk"])
def test_every_working_role_reaches_the_claim_pages(cast, facilities, july, login, who):
    client = login(cast[who])
    for name in ("batch_list", "overview", "standard_list"):
        page(client, name)
    assert reverse("subsidies:batch_list") in client.get(reverse("home")).content.decode()


def test_day_proration_shows_each_part_and_the_formula(cast, facilities, generate, regions, login):
    RegionPolicy.objects.create(region_id="621002", effective_from=date(2020, 1, 1), proration=Proration.DAY)
    person = resident("丙", facilities["a"])
    AssessmentFactory(person=person, assessed_on=date(2026, 7, 10), computed_category="full")
    generate(JULY)
    html = _basis(login(cast["clerk"]), batch_of(facilities["a"]), "care")
    assert "按日计发：(600.00 × 9 + 1200.00 × 22) ÷ 31 = 174.19 + 851.62 = 1025.81 元" in html
    assert "第 2 段" in html and "2026-07-10 至 2026-07-31，22 天" in html
