"""The printable claim summary (补贴申报汇总表): totals by item with people, the total in capital
figures, signature and seal lines; in scope only."""
from datetime import date

import pytest
from django.urls import reverse

from common.money import amount_in_words
from subsidies.models import ClaimBatch
from tests.subsidies.test_generation import residents

JULY = date(2026, 7, 1)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sample_standards")]


def test_the_summary_adds_up_to_the_batch_and_writes_the_total_in_words(cast, facilities, generate, login):
    residents(facilities["a"], 3)
    generate(JULY)
    batch = ClaimBatch.objects.get(facility=facilities["a"], month=JULY)
    page = login(cast["manager_a"]).get(reverse("subsidies:batch_print", args=[batch.pk]))
    html = page.content.decode()
    totals = page.context["totals"]
    assert sum(row["total"] for row in totals) == batch.total and sum(row["lines"] for row in totals) == batch.line_count
    assert page.context["people"] == 3 and all(row["people"] <= 3 for row in totals)
    assert f"人民币{amount_in_words(batch.total)}" in html
    for words in ("补贴申报汇总表", "机构负责人", "（机构盖章）", "民政部门经办人审核", "（民政部门盖章）", "2026年7月"):
        assert words in html
    detail = login(cast["manager_a"]).get(reverse("subsidies:batch_detail", args=[batch.pk])).content.decode()
    assert reverse("subsidies:batch_print", args=[batch.pk]) in detail


@pytest.mark.parametrize("who, status", [("manager_b", 404), ("clerk", 200), ("inspector_other", 404), ("admin", 404)])
def test_only_readers_of_the_batch_print_it(cast, facilities, generate, login, who, status):
    residents(facilities["a"], 1)
    generate(JULY)
    batch = ClaimBatch.objects.get(facility=facilities["a"], month=JULY)
    assert login(cast[who]).get(reverse("subsidies:batch_print", args=[batch.pk])).status_code == status


def test_the_region_month_sheet_sums_the_counties_and_writes_the_total_in_words(cast, facilities, generate, login):
    residents(facilities["a"], 2)
    residents(facilities["c"], 1, start=10)
    generate(JULY, region="621000")
    client = login(cast["inspector_city"])
    page = client.get(reverse("subsidies:overview_print"), {"month": "2026-07", "region": "621000"})
    summary = page.context["summary"]
    total = sum(batch.total for batch in ClaimBatch.objects.filter(month=JULY))
    assert summary["total"] == total and len(summary["rows"]) == 2
    html = page.content.decode()
    assert f"人民币{amount_in_words(total)}" in html and "甘肃省庆阳市" in html and "（民政部门盖章）" in html
    overview = client.get(reverse("subsidies:overview"), {"month": "2026-07", "region": "621000"}).content.decode()
    assert reverse("subsidies:overview_print") in overview
    # the county's inspector sees the county only
    mine = login(cast["inspector"]).get(reverse("subsidies:overview_print"), {"month": "2026-07"}).context["summary"]
    assert [row["code"] for row in mine["rows"]] == ["621002"]
