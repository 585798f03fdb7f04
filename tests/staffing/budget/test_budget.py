"""The staffing budget (政府购买服务经费): the pure rule, figures hand-computed for a small region, the
region parameters of the budget year, funded posts, the page, the export, the API, scoping and the
query counts.

The clock stands at 2026-07-20; the budget year is 2027 unless a test says otherwise.

The hand-computed case (2027):
- 西峰区 has a policy from 2027-01-01: 66,000.00 yuan per post; 董志镇 (B's township) its own from the
  same day: 72,000.00 yuan and one carer per 2 fully dependent residents. A policy from 2028 is ignored.
- A (肖金镇): 3 fully dependent (one never assessed), 5 partly, 7 self-caring →
  3/3 + 5/6 + 7/10 = 2.53… → 3 posts × 66,000 = 198,000.00; funded 4 posts, 250,000.00 →
  gap −1 post, −52,000.00.
- B (董志镇): 3 fully dependent → 3/2 = 1.5 → 2 posts × 72,000 = 144,000.00; funded 1 post with no
  amount → 72,000.00 → gap 1 post, 72,000.00.
- 西峰区: 5 posts, 342,000.00 required; 5 posts, 322,000.00 funded; gap 0 posts, 20,000.00.
- C (庆城县, no residents): 0 posts; the national default 60,000.00 per post.
"""
import csv
import io
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from facilities.models import FacilityStatus, RegionPolicy
from staffing.budget.selectors import funded_posts_set, staffing_budget
from staffing.models import FundedPosts
from staffing.rules import EMPTY_BUDGET, budget_line
from tests.factories import AssessmentFactory, FacilityFactory, StayFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 7, 20)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.combine(TODAY, time(9, 0), tzinfo=SHANGHAI), tick=False):
        yield


def residents(facility, **counts):
    for category, n in counts.items():
        for _ in range(n):
            stay = StayFactory(facility=facility, admitted_on=date(2026, 1, 5))
            if category != "unassessed":
                AssessmentFactory(person=stay.person, assessed_on=date(2026, 3, 1), computed_category=category)


@pytest.fixture
def region(cast, facilities, regions):
    residents(facilities["a"], full=2, unassessed=1, partial=5, self_care=7)
    residents(facilities["b"], full=3)
    for code, cost, extra in (("621002", "66000.00", {}), ("621002101", "72000.00", {"staff_ratio_full": 2})):
        RegionPolicy.objects.create(region=regions[code], effective_from=date(2027, 1, 1), annual_cost_per_post=Decimal(cost), **extra)
    RegionPolicy.objects.create(region=regions["621002"], effective_from=date(2028, 1, 1), annual_cost_per_post=Decimal("99999.00"))
    funded_posts_set(by=cast["clerk"], facility=facilities["a"], year=2027, posts=4, amount=Decimal("250000.00"))
    funded_posts_set(by=cast["inspector"], facility=facilities["b"], year=2027, posts=1)
    FacilityFactory(name="已关闭敬老院", region=regions["621002100"], status=FacilityStatus.CLOSED)
    return facilities


# --- the rule ---------------------------------------------------------------------------------


def test_budget_line_by_hand():
    line = budget_line(required=3, cost_per_post=Decimal("66000.00"), funded_posts=4, funded_amount=Decimal(250000))
    assert (line.required_amount, line.funded_amount, line.gap_posts, line.gap_amount) == (
        Decimal("198000.00"), Decimal("250000.00"), -1, Decimal("-52000.00"))
    defaulted = budget_line(required=2, cost_per_post=Decimal("72000.00"), funded_posts=1)
    assert (defaulted.funded_amount, defaulted.gap_amount) == (Decimal("72000.00"), Decimal("72000.00"))
    assert (line + defaulted).gap_amount == Decimal("20000.00") and (line + EMPTY_BUDGET) == line


@pytest.mark.parametrize("kwargs", [
    {"required": -1, "cost_per_post": Decimal(1)},
    {"required": 1.5, "cost_per_post": Decimal(1)},
    {"required": 1, "cost_per_post": 60000.0},
    {"required": 1, "cost_per_post": Decimal(-1)},
    {"required": 1, "cost_per_post": Decimal("NaN")},
    {"required": 1, "cost_per_post": Decimal(1), "funded_amount": Decimal(-5)},
])
def test_budget_line_refuses_nonsense(kwargs):
    with pytest.raises(ValueError):
        budget_line(**kwargs)


# --- the figures ------------------------------------------------------------------------------


def test_the_budget_is_computed_from_the_census_and_next_years_parameters(cast, region):
    budget = staffing_budget(user=cast["inspector_city"], year=2027, today=TODAY)
    rows = {row.facility.name: row for row in budget.facilities}
    assert "已关闭敬老院" not in rows and "五华区福利院" not in rows
    a, b, c = rows["西峰区中心敬老院"], rows["西峰区董志特困供养服务中心"], rows["庆城县特困人员供养服务中心"]
    assert (a.census.full, a.census.unassessed, a.census.partial, a.census.self_care) == (3, 1, 5, 7)
    assert (a.line.required_posts, a.cost_per_post, a.line.required_amount) == (3, Decimal("66000.00"), Decimal("198000.00"))
    assert (a.line.gap_posts, a.line.gap_amount) == (-1, Decimal("-52000.00"))
    assert (b.line.required_posts, b.line.required_amount, b.line.funded_amount) == (2, Decimal("144000.00"), Decimal("72000.00"))
    assert (b.line.gap_posts, b.line.gap_amount) == (1, Decimal("72000.00"))
    assert (c.line.required_posts, c.cost_per_post, c.funded) == (0, Decimal("60000.00"), None)
    xifeng, qingcheng = budget.counties
    assert (xifeng.code, xifeng.name, qingcheng.code) == ("621002", "西峰区", "621021")
    assert (xifeng.line.required_posts, xifeng.line.required_amount, xifeng.line.funded_posts, xifeng.line.funded_amount) == (
        5, Decimal("342000.00"), 5, Decimal("322000.00"))
    assert (xifeng.line.gap_posts, xifeng.line.gap_amount) == (0, Decimal("20000.00"))
    assert budget.total == xifeng.line + qingcheng.line and budget.total.required_amount == Decimal("342000.00")


def test_this_years_budget_uses_this_years_parameters(cast, region):
    budget = staffing_budget(user=cast["inspector"], year=2026, today=TODAY)
    rows = {row.facility.name: row for row in budget.facilities}
    # No 2026 policy: the national defaults (1:3, 60,000.00); nothing funded for 2026.
    assert rows["西峰区董志特困供养服务中心"].line.required_posts == 1
    assert budget.total.required_amount == Decimal("240000.00") and budget.total.funded_posts == 0


# --- funded posts ------------------------------------------------------------------------------


def test_funded_posts_are_recorded_once_per_facility_and_year_with_history(cast, facilities):
    first = funded_posts_set(by=cast["clerk"], facility=facilities["a"], year=2027, posts=3, note="庆财社〔2026〕12号")
    again = funded_posts_set(by=cast["clerk"], facility=facilities["a"], year=2027, posts=4, amount=Decimal("250000.00"))
    assert first.pk == again.pk and FundedPosts.objects.count() == 1
    assert [h.history_change_reason for h in again.history.order_by("history_date")] == ["填报已安排岗位", "修改已安排岗位"]


@pytest.mark.parametrize("who, facility", [("manager_a", "a"), ("admin", "a"), ("inspector_other", "a"), ("clerk", "c")])
def test_only_the_regions_inspectors_and_clerks_record_funded_posts(cast, facilities, who, facility):
    with pytest.raises(PermissionDenied):
        funded_posts_set(by=cast[who], facility=facilities[facility], year=2027, posts=1)


def test_funded_posts_refuse_negative_values(cast, facilities):
    with pytest.raises(ValidationError) as exc:
        funded_posts_set(by=cast["clerk"], facility=facilities["a"], year=2027, posts=-1)
    assert set(exc.value.message_dict) == {"posts"}


# --- page, export, API -----------------------------------------------------------------------


def test_the_page_states_the_totals_and_explains_the_numbers(cast, region, login):
    page = login(cast["inspector"]).get("/staffing/budget/").content.decode()
    assert "2027 年度需护理岗位 5 个、经费 342000.00 元" in page
    assert "缺口 0 个岗位、20000.00 元" in page
    assert "无有效评估的按失能计" in page and "含无有效评估 1" in page


@pytest.mark.parametrize("who, status", [("manager_a", 403), ("admin", 403), ("inspector", 200), ("clerk", 200)])
def test_who_opens_the_budget(cast, region, login, who, status):
    client = login(cast[who])
    assert client.get("/staffing/budget/").status_code == status
    assert client.get("/api/staffing-budget").status_code == status


def test_the_xlsx_export_has_the_facility_and_county_sheets(cast, region, login):
    response = login(cast["clerk"]).get("/staffing/budget/?year=2027&export=xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="staffing-budget-2027.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["按县区", "按机构"]
    counties = list(book["按县区"].iter_rows(values_only=True))
    assert counties[0][:4] == ("县（区）", "机构数", "应配备岗位", "所需经费（元）")
    assert counties[1][:8] == ("西峰区", 2, 5, 342000, 5, 322000, 0, 20000)
    assert counties[-1][0] == "合计"
    facilities = {row[1]: row for row in book["按机构"].iter_rows(min_row=2, values_only=True)}
    assert facilities["西峰区董志特困供养服务中心"][8:] == (2, 72000, 144000, 1, 72000, 1, 72000)


def test_the_csv_export_neutralises_formulas(cast, region, login, regions):
    FacilityFactory(name="=HYPERLINK(\"x\")", region=regions["621002100"])
    response = login(cast["clerk"]).get("/staffing/budget/?export=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = [row["机构"] for row in rows]
    assert "'=HYPERLINK(\"x\")" in names
    assert {row["机构"]: row["所需经费（元）"] for row in rows}["西峰区中心敬老院"] == "198000.00"


def test_the_api_returns_the_budget_and_records_funded_posts(cast, region, login):
    client = login(cast["inspector"])
    body = client.get("/api/staffing-budget?year=2027").json()
    assert body["year"] == 2027 and body["total"]["required_posts"] == 5
    assert Decimal(body["total"]["gap_amount"]) == Decimal("20000.00")
    [county] = body["counties"]
    b = next(row for row in county["facilities"] if row["facility_name"] == "西峰区董志特困供养服务中心")
    assert (b["line"]["required_posts"], Decimal(b["cost_per_post"]), b["funded_recorded"]) == (2, Decimal("72000.00"), True)
    response = client.post("/api/staffing-budget/funded-posts", {
        "facility_id": region["b"].pk, "year": 2027, "posts": 2,
    }, content_type="application/json")
    assert response.status_code == 200 and response.json()["posts"] == 2
    assert client.get("/api/staffing-budget?year=2027").json()["total"]["gap_posts"] == -1
    out_of_scope = client.post("/api/staffing-budget/funded-posts", {"facility_id": region["c"].pk, "year": 2027, "posts": 2},
                               content_type="application/json")
    assert out_of_scope.status_code == 404


def test_the_funded_posts_page(cast, region, login):
    client = login(cast["clerk"])
    url = f"/staffing/budget/facilities/{region['b'].pk}/funded/?year=2027"
    assert client.get(url).status_code == 200
    response = client.post(url, {"posts": "2", "amount": "150000.00", "note": "批复"})
    assert response.status_code == 302 and response["Location"] == "/staffing/budget/?year=2027"
    assert FundedPosts.objects.get(facility=region["b"], year=2027).amount == Decimal("150000.00")
    assert login(cast["manager_b"]).get(url).status_code == 403


@pytest.mark.parametrize("url", ["/staffing/budget/", "/api/staffing-budget"])
def test_budget_query_counts_do_not_grow_with_facilities(cast, region, login, regions, url):
    client = login(cast["inspector_city"])
    few = count_queries(client, url)
    for n in range(10):
        facility = FacilityFactory(region=regions["621002101" if n % 2 else "621021"])
        residents(facility, full=1, partial=2)
        FundedPosts.objects.create(facility=facility, year=2027, posts=1)
    # session, user; facilities; census; policies; funded posts; county names
    assert count_queries(client, url) == few == 7
