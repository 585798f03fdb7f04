"""The subsidies API: standards, generation, batches and lines, the lifecycle, errors and query counts."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounts.models import AccessAction, AccessRecord
from residents.models import StayEndReason
from subsidies.models import BatchStatus, ClaimBatch, ClaimLine, GenerationRun, RunStatus, SubsidyStandard
from tests.factories import FacilityFactory
from tests.helpers import batches_of, count_queries
from tests.helpers import claim_resident as resident

JULY, AUGUST = date(2026, 7, 1), date(2026, 8, 1)
ERROR_SHAPE = {"code", "message", "message_en", "errors"}

pytestmark = pytest.mark.usefixtures("clock_2026_11_23", "sample_standards")


@pytest.fixture
def july(cast, facilities, generate):
    """July drafts: A (甲 partial, 乙 full), B (丙) and the township 董志镇 (丁 at home)."""
    resident(facilities["a"], "甲")
    resident(facilities["a"], "乙", category="full")
    resident(facilities["b"], "丙")
    resident(None, "丁", town="621002101")
    generate(JULY)
    return batches_of(JULY, facilities)


def _url(batch, action=""):
    return f"/api/subsidies/batches/{batch.pk}" + (f"/{action}" if action else "")


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def _error(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == ERROR_SHAPE
    return body


# --- standards ---------------------------------------------------------------------------


def test_standards_list_the_national_samples_with_money_as_strings(cast, login):
    body = login(cast["clerk"]).get("/api/subsidies/standards", {"item": "care"}).json()
    assert body["count"] == 6
    full = next(row for row in body["items"] if row["support_form"] == "centralised" and row["category"] == "full")
    assert full["amount"] == "1200.00" and full["region_code"] is None and full["is_sample"] is True
    assert full["item_display"] == "照料护理费" and full["hukou_type"] is None


def test_standards_filter_by_region_and_day(cast, login):
    client = login(cast["clerk"])
    mine = client.post("/api/subsidies/standards", {
        "region_code": "621002", "item": "basic_living", "hukou_type": "rural", "amount": "900.00",
        "effective_from": "2026-08-01", "basis": "西峰区民政局〔2026〕1号",
    }, content_type="application/json")
    assert mine.status_code == 201, mine.content
    assert mine.json()["amount"] == "900.00" and mine.json()["region_name"] == "甘肃省庆阳市西峰区"
    rural = {"item": "basic_living"}
    in_xifeng = client.get("/api/subsidies/standards", {**rural, "region": "621002100", "on": "2026-09-01"}).json()
    assert sorted(row["amount"] for row in in_xifeng["items"]) == ["1100.00", "800.00", "900.00"]
    in_qingcheng = client.get("/api/subsidies/standards", {**rural, "region": "621021"}).json()
    assert sorted(row["amount"] for row in in_qingcheng["items"]) == ["1100.00", "800.00"]
    before = client.get("/api/subsidies/standards", {**rural, "on": "2026-07-15"}).json()
    assert sorted(row["amount"] for row in before["items"]) == ["1100.00", "800.00"]


def test_clerk_sets_a_standard_and_the_old_period_ends(cast, login):
    response = _post(login(cast["clerk"]), "/api/subsidies/standards", {
        "region_code": "621002", "item": "operating", "category": "full", "amount": 350,
        "effective_from": "2026-09-01", "star_multipliers": {str(level): "1.10" for level in range(6)},
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == "350.00" and body["star_multipliers"]["5"] == "1.10"
    assert body["category"] == "full" and body["effective_to"] is None
    assert SubsidyStandard.objects.get(pk=body["id"]).history.get().history_user == cast["clerk"]


@pytest.mark.parametrize("role", ["manager_a", "inspector", "inspector_other"])
def test_only_clerks_set_standards(cast, login, role):
    response = _post(login(cast[role]), "/api/subsidies/standards", {
        "region_code": "621002", "item": "basic_living", "hukou_type": "rural", "amount": "900.00",
        "effective_from": "2026-08-01",
    })
    assert _error(response, 403)["code"] == "forbidden"
    assert not SubsidyStandard.objects.filter(region_id="621002").exists()


@pytest.mark.parametrize(("changes", "field"), [
    ({"effective_from": "2026-08-15"}, "effective_from"),
    ({"hukou_type": None}, "hukou_type"),
    ({"category": "full"}, "category"),
    ({"amount": "800.001"}, "amount"),
    ({"amount": "-1"}, "amount"),
    ({"region_code": "621099"}, "region_code"),
    ({"region_code": "62"}, "region_code"),
    ({"item": "pension"}, "item"),
])
def test_bad_standards_are_a_422_naming_the_field(cast, login, changes, field):
    body = {"region_code": "621002", "item": "basic_living", "hukou_type": "rural", "amount": "900.00",
            "effective_from": "2026-08-01", **changes}
    error = _error(_post(login(cast["clerk"]), "/api/subsidies/standards", body), 422)
    assert error["code"] == "invalid" and [e["field"] for e in error["errors"]] == [field]
    assert error["errors"][0]["message"] and error["errors"][0]["message_en"]
    assert not SubsidyStandard.objects.filter(region_id="621002").exists()


# --- generation --------------------------------------------------------------------------


def test_clerk_requests_a_generation_and_follows_its_progress(cast, facilities, login,
                                                             django_capture_on_commit_callbacks):
    resident(facilities["a"], "甲")
    client = login(cast["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, "/api/subsidies/generations", {"region": "621002", "month": "2026-07"})
    assert response.status_code == 202, response.content
    queued = response.json()
    assert queued["status"] == "queued" and queued["month"] == "2026-07" and queued["region_code"] == "621002"
    run = client.get(f"/api/subsidies/generations/{queued['id']}").json()
    assert run["status"] == "done" and run["percent"] == 100 and run["units_done"] == 1 and run["lines_written"] == 3
    assert login(cast["inspector"]).get(f"/api/subsidies/generations/{queued['id']}").status_code == 200


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"region": "621002", "month": "2026-13"}, 422, "month"),
    ({"region": "621002", "month": "2026-7"}, 422, "month"),
    ({"region": "621002", "month": "2027-01"}, 422, "month"),  # only up to next month
    ({"region": "621099", "month": "2026-07"}, 422, "region"),
    ({"region": "621021", "month": "2026-07"}, 403, None),  # another county
])
def test_bad_generation_requests(cast, login, body, status, field):
    error = _error(_post(login(cast["clerk"]), "/api/subsidies/generations", body), status)
    assert [e["field"] for e in error["errors"]] == ([field] if field else [])
    assert not GenerationRun.objects.exists()


@pytest.mark.parametrize("role", ["manager_a", "inspector"])
def test_only_clerks_generate(cast, login, role):
    response = _post(login(cast[role]), "/api/subsidies/generations", {"region": "621002", "month": "2026-07"})
    assert _error(response, 403)["code"] == "forbidden"


@pytest.mark.parametrize(("role", "status"), [("manager_a", 404), ("inspector_other", 404), ("inspector_city", 200)])
def test_runs_are_scoped(cast, login, role, status):
    run = GenerationRun.objects.create(region_id="621002", month=JULY, requested_by=cast["clerk"],
                                       status=RunStatus.DONE)
    assert login(cast[role]).get(f"/api/subsidies/generations/{run.pk}").status_code == status


# --- batches: reads ----------------------------------------------------------------------


@pytest.mark.parametrize(("role", "payers"), [
    ("manager_a", {"西峰区中心敬老院"}),
    ("manager_b", {"西峰区董志特困供养服务中心"}),
    ("inspector", {"西峰区中心敬老院", "西峰区董志特困供养服务中心", "董志镇"}),
    ("clerk", {"西峰区中心敬老院", "西峰区董志特困供养服务中心", "董志镇"}),
    ("admin", set()),  # separation of duties: a batch is its lines, one per person
    ("inspector_other", set()),
])
def test_batch_list_shows_exactly_the_batches_in_scope(cast, july, login, role, payers):
    body = login(cast[role]).get("/api/subsidies/batches").json()
    assert {row["payer_name"] for row in body["items"]} == payers and body["count"] == len(payers)


def test_batch_row_describes_the_claim(cast, july, login):
    row = login(cast["clerk"]).get("/api/subsidies/batches", {"kind": "facility", "q": "中心敬老院"}).json()["items"]
    assert len(row) == 1
    assert row[0] | {"generated_at": None} == {
        "id": july["a"].pk, "month": "2026-07", "region_code": "621002100", "region_name": "甘肃省庆阳市西峰区肖金镇",
        "kind": "facility", "facility_id": july["a"].facility_id, "township_code": None,
        "payer_name": "西峰区中心敬老院", "status": "draft", "status_display": "草稿",
        "total": "3900.00",  # 甲 800 + 600 + 200, 乙 800 + 1200 + 300
        "line_count": 6, "flagged_count": 0, "generated_at": None, "submitted_at": None, "reviewed_at": None,
        "return_reason": "", "paid_at": None,
    }


@pytest.mark.parametrize(("params", "payers"), [
    ({"month": "2026-07"}, {"西峰区中心敬老院", "西峰区董志特困供养服务中心", "董志镇"}),
    ({"month": "2026-08"}, set()),
    ({"kind": "township"}, {"董志镇"}),
    ({"region": "621002101"}, {"西峰区董志特困供养服务中心", "董志镇"}),
    ({"region": "621000"}, {"西峰区中心敬老院", "西峰区董志特困供养服务中心", "董志镇"}),
    ({"region": "621021"}, set()),
    ({"status": "submitted"}, set()),
])
def test_batch_filters(cast, july, login, params, payers):
    body = login(cast["inspector_city"]).get("/api/subsidies/batches", params).json()
    assert {row["payer_name"] for row in body["items"]} == payers


@pytest.mark.parametrize(("params", "field"), [
    ({"month": "2026-7-1"}, "month"), ({"status": "done"}, "status"), ({"kind": "city"}, "kind"),
    ({"region": "62100"}, "region"), ({"region": "001000"}, "region"), ({"limit": 201}, "limit"),
])
def test_bad_batch_filters_are_a_422_naming_the_field(cast, july, login, params, field):
    error = _error(login(cast["clerk"]).get("/api/subsidies/batches", params), 422)
    assert [e["field"] for e in error["errors"]] == [field]


def test_batch_detail_has_totals_by_item_and_the_checks(cast, july, login):
    body = login(cast["manager_a"]).get(_url(july["a"])).json()
    assert body["total"] == "3900.00" and body["generated_by"] == str(cast["clerk"])
    assert body["totals"] == [
        {"item": "basic_living", "item_display": "基本生活费", "total": "1600.00", "lines": 2},
        {"item": "care", "item_display": "照料护理费", "total": "1800.00", "lines": 2},
        {"item": "operating", "item_display": "机构运营补贴", "total": "500.00", "lines": 2},
    ]
    assert body["checks"] == {"in_two_batches": 0, "gone_before_month": 0, "no_valid_assessment": 0, "new": 6,
                              "category_changed": 0, "amount_changed": 0, "left": 0, "no_dispersed_decision": 0,
                              "blocking": False}
    assert body["no_dispersed_decision"] == []
    assert body["actions"] == ["submit"]


def test_checks_count_the_blocking_problems(cast, july, facilities, login):
    person = ClaimLine.objects.filter(batch=july["a"], person__name="甲").first().person
    stay = person.stays.get()
    stay.ended_on, stay.end_reason = date(2026, 6, 20), StayEndReason.DIED
    stay.save()
    body = login(cast["clerk"]).get(_url(july["a"])).json()
    assert body["checks"]["gone_before_month"] == 3 and body["checks"]["blocking"] is True
    refused = _error(_post(login(cast["manager_a"]), _url(july["a"], "submit")), 422)
    assert "须处理的问题" in refused["errors"][0]["message"]


@pytest.mark.parametrize(("role", "actions"), [
    ("manager_a", ["submit"]), ("manager_b", None), ("inspector", []), ("clerk", []), ("inspector_other", None),
])
def test_batch_detail_is_scoped_and_names_the_actions(cast, july, login, role, actions):
    response = login(cast[role]).get(_url(july["a"]))
    if actions is None:
        assert _error(response, 404)["code"] == "not_found"
    else:
        assert response.json()["actions"] == actions


def test_lines_show_masked_ids_money_as_strings_and_the_basis(cast, july, login):
    client = login(cast["manager_a"])
    response = client.get(_url(july["a"], "lines"))
    body = response.json()
    assert body["count"] == 6
    care = next(row for row in body["items"] if row["name"] == "甲" and row["item"] == "care")
    person = ClaimLine.objects.get(pk=care["id"]).person
    assert care["masked_id_number"] == person.masked_id_number and "*" in care["masked_id_number"]
    assert person.id_number not in response.content.decode()
    assert care | {"id": 0, "person_id": 0, "masked_id_number": "", "basis": {}} == {
        "id": 0, "person_id": 0, "name": "甲", "masked_id_number": "", "item": "care", "item_display": "照料护理费",
        "amount": "600.00", "support_form": "centralised", "category": "partial", "days": 31, "flags": [],
        "previous_amount": None, "adjusts_month": None, "corrects_id": None, "basis": {},
    }
    part = care["basis"]["parts"][0]
    assert part["monthly"] == "600.00" and part["stay"]["facility_id"] == july["a"].facility_id
    assert login(cast["manager_b"]).get(_url(july["a"], "lines")).status_code == 404


def test_adjustment_lines_name_the_month_and_the_line_they_correct(cast, july, facilities, generate, clerk2, login,
                                                                  time_machine):
    _post(login(cast["manager_a"]), _url(july["a"], "submit"))
    assert _post(login(clerk2), _url(july["a"], "approve")).status_code == 200
    time_machine.shift(timedelta(hours=1))  # the late change comes after July was generated
    person = ClaimLine.objects.filter(batch=july["a"], person__name="甲").first().person
    stay = person.stays.get()
    stay.ended_on, stay.end_reason = date(2026, 6, 28), StayEndReason.MOVED_HOME  # recorded late
    stay.save()
    generate(AUGUST)
    august = ClaimBatch.objects.get(month=AUGUST, facility=facilities["a"])
    rows = login(cast["clerk"]).get(_url(august, "lines"), {"limit": 200}).json()["items"]
    care = next(row for row in rows if row["name"] == "甲" and row["item"] == "care")
    assert care["amount"] == "-600.00" and care["adjusts_month"] == "2026-07" and care["flags"] == ["adjustment"]
    assert care["corrects_id"] == ClaimLine.objects.get(batch=july["a"], person=person, item="care").pk
    still = next(row for row in rows if row["name"] == "乙" and row["item"] == "care")
    assert still["previous_amount"] == "1200.00" and still["adjusts_month"] is None


# --- batches: the lifecycle --------------------------------------------------------------


def test_lifecycle_submit_approve_pay(cast, july, login, clerk2):
    submitted = _post(login(cast["manager_a"]), _url(july["a"], "submit"))
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted" and submitted.json()["submitted_at"]
    assert login(clerk2).get(_url(july["a"])).json()["actions"] == ["approve", "return"]
    approved = _post(login(clerk2), _url(july["a"], "approve"))
    assert approved.json()["status"] == "approved" and approved.json()["total"] == "3900.00"
    again = _error(_post(login(cast["clerk"]), _url(july["a"], "approve")), 409)
    assert again["code"] == "conflict" and "已审核" in again["message"] and "刷新" in again["message"]
    assert again["message_en"] and again["errors"] == []
    paid = _post(login(cast["clerk"]), _url(july["a"], "paid"))
    assert paid.json()["status"] == "paid" and paid.json()["paid_at"]
    july["a"].refresh_from_db()
    assert july["a"].reviewed_by == clerk2 and july["a"].status == BatchStatus.PAID


def test_second_submit_is_a_conflict(cast, july, login):
    client = login(cast["manager_a"])
    assert _post(client, _url(july["a"], "submit")).status_code == 200
    assert _error(_post(client, _url(july["a"], "submit")), 409)["code"] == "conflict"


def test_paying_an_unapproved_batch_is_a_conflict(cast, july, login):
    assert _error(_post(login(cast["clerk"]), _url(july["a"], "paid")), 409)["code"] == "conflict"


def test_submitter_cannot_approve_their_own_batch(cast, july, login, clerk2):
    client = login(cast["clerk"])
    assert _post(client, _url(july["town"], "submit")).json()["status"] == "submitted"
    assert client.get(_url(july["town"])).json()["actions"] == ["return"]
    refused = _error(_post(client, _url(july["town"], "approve")), 422)
    assert "提交人不能审核" in refused["errors"][0]["message"]
    assert _post(login(clerk2), _url(july["town"], "approve")).json()["status"] == "approved"


def test_return_needs_a_reason(cast, july, login):
    assert _post(login(cast["manager_b"]), _url(july["b"], "submit")).status_code == 200
    client = login(cast["clerk"])
    blank = _error(_post(client, _url(july["b"], "return"), {"reason": "  "}), 422)
    assert [e["field"] for e in blank["errors"]] == ["reason"] and "退回原因" in blank["errors"][0]["message"]
    missing = _error(_post(client, _url(july["b"], "return")), 422)
    assert [e["field"] for e in missing["errors"]] == ["reason"]
    returned = _post(client, _url(july["b"], "return"), {"reason": "丙的评估表缺签字"})
    assert returned.json()["status"] == "returned" and returned.json()["return_reason"] == "丙的评估表缺签字"


@pytest.mark.parametrize("action", ["approve", "return", "paid"])
def test_managers_do_not_review(cast, july, login, action):
    _post(login(cast["manager_a"]), _url(july["a"], "submit"))
    response = _post(login(cast["manager_a"]), _url(july["a"], action), {"reason": "不对"})
    assert _error(response, 403)["code"] == "forbidden"


@pytest.mark.parametrize("action", ["submit", "approve", "return", "paid"])
def test_inspectors_read_but_do_not_act(cast, july, login, action):
    client = login(cast["inspector"])
    assert client.get(_url(july["a"])).status_code == 200
    assert _error(_post(client, _url(july["a"], action), {"reason": "不对"}), 403)["code"] == "forbidden"
    july["a"].refresh_from_db()
    assert july["a"].status == BatchStatus.DRAFT


@pytest.mark.parametrize(("role", "status"), [("manager_b", 404), ("inspector_other", 404), ("manager_a", 200)])
def test_acting_on_a_batch_out_of_scope_is_a_404(cast, july, login, role, status):
    assert _post(login(cast[role]), _url(july["a"], "submit")).status_code == status


def test_clerk_of_another_county_cannot_see_or_act(cast, july, login):
    from accounts.models import Role
    from tests.factories import UserFactory

    qingcheng = UserFactory(role=Role.CLERK, region_code="621021")
    client = login(qingcheng)
    assert client.get("/api/subsidies/batches").json()["count"] == 0
    assert _post(client, _url(july["a"], "approve")).status_code == 404


def test_anonymous_gets_401(db, client, july):
    assert _error(client.get("/api/subsidies/batches"), 401)["code"] == "unauthenticated"
    assert _error(client.post(_url(july["a"], "submit")), 401)["code"] == "unauthenticated"


# --- downloads through the API -----------------------------------------------------------


def test_batch_download_through_the_api(cast, july, login):
    response = login(cast["manager_a"]).get(_url(july["a"], "export"), {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    record = AccessRecord.objects.get()
    assert record.action == AccessAction.EXPORT and record.target == f"claim_batch:{july['a'].pk}"


def test_full_ids_through_the_api_are_for_clerks_only(cast, july, login):
    refused = login(cast["manager_a"]).get(_url(july["a"], "export"), {"format": "xlsx", "full_ids": "true"})
    assert _error(refused, 403)["code"] == "forbidden"
    assert not AccessRecord.objects.exists()
    allowed = login(cast["clerk"]).get("/api/subsidies/export", {"month": "2026-07", "full_ids": "true"})
    assert allowed.status_code == 200 and allowed["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AccessRecord.objects.get().action == AccessAction.EXPORT_PERSONAL


@pytest.mark.parametrize("params", [{"format": "pdf"}, {"month": "July"}])
def test_bad_download_parameters_are_a_422(cast, july, login, params):
    assert _error(login(cast["clerk"]).get("/api/subsidies/export", params), 422)["code"] == "invalid"


# --- query counts ------------------------------------------------------------------------


def _more_batches(regions, n):
    for _ in range(n):
        ClaimBatch.objects.create(month=JULY, region=regions["621002100"],
                                  facility=FacilityFactory(region=regions["621002100"]), total=Decimal("12.34"))


@pytest.mark.parametrize("role", ["manager_a", "clerk", "inspector"])
def test_batch_list_query_count_does_not_grow_with_rows(cast, july, regions, login, role):
    client = login(cast[role])
    # session, user, count, one page of batches joined with facility, township and region
    few = count_queries(client, "/api/subsidies/batches", {"month": "2026-07"})
    _more_batches(regions, 30)
    assert count_queries(client, "/api/subsidies/batches", {"month": "2026-07"}) == few == 4


def test_lines_query_count_does_not_grow_with_rows(cast, july, facilities, generate, login):
    client = login(cast["manager_a"])
    # session, user, the batch (scoped), count, one page of lines joined with person and the
    # corrected line's batch
    few = count_queries(client, _url(july["a"], "lines"))
    for n in range(30):
        resident(facilities["a"], f"新{n:02d}")
    generate(JULY)
    assert ClaimLine.objects.filter(batch=july["a"]).count() == 96
    assert count_queries(client, _url(july["a"], "lines"), {"limit": 200}) == few == 5


def test_standards_query_count_does_not_grow_with_rows(cast, login):
    client = login(cast["clerk"])
    # session, user, count, one page of standards joined with region
    few = count_queries(client, "/api/subsidies/standards")
    for month in range(2, 12):
        _post(client, "/api/subsidies/standards", {
            "region_code": "621002", "item": "basic_living", "hukou_type": "rural", "amount": "900.00",
            "effective_from": f"2026-{month:02d}-01",
        })
    assert SubsidyStandard.objects.count() == 23
    assert count_queries(client, "/api/subsidies/standards") == few == 4


@pytest.mark.parametrize(("role", "expected"), [("manager_a", 14), ("clerk", 14)])
def test_batch_detail_query_count_does_not_grow_with_rows(cast, july, facilities, generate, login, role, expected):
    client = login(cast[role])
    # session, user, the batch with its payer, region and people; the checks (lines with people,
    # the month's other lines, entitled people, deaths, stays here, last month's lines, people who
    # left care with no dispersed-support decision); totals by item; who submits (the facility's
    # managers, which of them and the user declared a relative on the batch, whether the user may
    # submit after recusal)
    few = count_queries(client, _url(july["a"]))
    for n in range(30):
        resident(facilities["a"], f"新{n:02d}")
    generate(JULY)
    assert count_queries(client, _url(july["a"])) == few == expected


def test_openapi_lists_the_subsidies_paths(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/subsidies/standards", "/api/subsidies/generations", "/api/subsidies/generations/{run_id}",
            "/api/subsidies/batches", "/api/subsidies/batches/{batch_id}", "/api/subsidies/batches/{batch_id}/lines",
            "/api/subsidies/batches/{batch_id}/submit", "/api/subsidies/batches/{batch_id}/approve",
            "/api/subsidies/batches/{batch_id}/return", "/api/subsidies/batches/{batch_id}/paid",
            "/api/subsidies/batches/{batch_id}/export", "/api/subsidies/export"} <= set(paths)
