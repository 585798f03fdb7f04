"""The custody API: entries (list, record, reverse, confirm), statements, facility summary, sampling.

No route edits or deletes an entry; out of scope is a 404; every list pins its query count.
"""
from datetime import date
from decimal import Decimal

import pytest

from residents.custody import services as custody
from residents.models import CustodyEntry
from tests.factories import StayFactory
from tests.helpers import TODAY, count_queries, deposit, frozen, withdraw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
ERROR_SHAPE = {"code", "message", "message_en", "errors"}


def _entries(person):
    return f"/api/people/{person.pk}/custody/entries"


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_manager_records_a_withdrawal_with_confirmation_and_gets_money_as_strings(cast, login, resident):
    deposit(cast["manager_a"], resident, "200.00")
    response = _post(login(cast["manager_a"]), _entries(resident), {
        "kind": "withdrawal", "holding": "pocket_money", "amount": "45.50", "occurred_on": "2026-11-10",
        "purpose": "理发", "receipt_number": "SJ-7",
        "confirmation": {"confirmer": "self", "confirmer_name": "张桂兰", "confirmed_on": "2026-11-10"},
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["amount"], body["balance_after"], body["sequence"]) == ("45.50", "154.50", 2)
    assert body["confirmation"]["confirmer_name"] == "张桂兰" and body["reverses_id"] is None
    assert body["facility_id"] == resident.stays.get().facility_id


def test_overdrawing_through_the_api_is_a_422_in_both_languages(cast, login, resident):
    deposit(cast["manager_a"], resident, "10.00")
    response = _post(login(cast["manager_a"]), _entries(resident), {
        "kind": "withdrawal", "holding": "pocket_money", "amount": "10.01", "occurred_on": "2026-11-10",
        "purpose": "购物", "receipt_number": "1",
    })
    assert response.status_code == 422
    body = response.json()
    assert set(body) == ERROR_SHAPE
    assert body["errors"] == [{"field": "amount", "message": "零用钱余额不足：现有 10.00 元，不能支取 10.01 元",
                               "message_en": "Balance too low (Pocket money): 10.00 yuan held, cannot withdraw 10.01 yuan"}]
    assert CustodyEntry.objects.count() == 1


@pytest.mark.parametrize("amount", ["0", "-1", "1.001", "1e309", "abc"])
def test_bad_amounts_are_refused_by_the_schema(cast, login, resident, amount):
    response = _post(login(cast["manager_a"]), _entries(resident), {
        "kind": "deposit", "holding": "pension", "amount": amount, "occurred_on": "2026-11-10"})
    assert response.status_code == 422 and not CustodyEntry.objects.exists()


def test_nul_characters_are_a_field_error_not_a_crash(cast, login, resident):
    response = _post(login(cast["manager_a"]), _entries(resident), {
        "kind": "deposit", "holding": "other", "amount": "5.00", "occurred_on": "2026-11-10", "description": "张\x00三"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].endswith("description")


def test_a_reversal_through_the_api_links_to_the_entry(cast, login, resident):
    wrong = deposit(cast["manager_a"], resident, "99.00")
    response = _post(login(cast["manager_a"]), f"{_entries(resident)}/{wrong.pk}/reversal", {"reason": "重复登记"})
    assert response.status_code == 201, response.content
    assert (response.json()["reverses_id"], response.json()["kind"], response.json()["balance_after"]) == (
        wrong.pk, "withdrawal", "0.00")
    listed = login(cast["manager_a"]).get(_entries(resident)).json()["items"]
    assert [row["reversed_by_id"] for row in listed] == [None, response.json()["id"]]


def test_a_later_confirmation_through_the_api(cast, login, resident):
    entry = deposit(cast["manager_a"], resident)
    url = f"{_entries(resident)}/{entry.pk}/confirmation"
    body = {"confirmer": "guardian", "confirmer_name": "张明", "confirmed_on": "2026-11-16"}
    assert _post(login(cast["manager_a"]), url, body).status_code == 201
    assert _post(login(cast["manager_a"]), url, body).status_code == 422


def test_the_api_has_no_way_to_change_or_delete_an_entry(cast, login, resident, client):
    entry = deposit(cast["manager_a"], resident)
    client = login(cast["manager_a"])
    for method in ("put", "patch", "delete"):
        for url in (f"{_entries(resident)}/{entry.pk}", _entries(resident)):
            response = getattr(client, method)(url, {"amount": "1.00"}, content_type="application/json")
            assert response.status_code in (404, 405), (method, url, response.status_code)
    paths = client.get("/api/openapi.json").json()["paths"]
    custody_ops = {(path, op) for path, ops in paths.items() if "custody" in path for op in ops}
    assert not {op for _path, op in custody_ops} & {"put", "patch", "delete"}
    entry.refresh_from_db()
    assert entry.amount == 100


def test_other_roles_may_not_record(cast, login, resident):
    body = {"kind": "deposit", "holding": "pension", "amount": "5.00", "occurred_on": "2026-11-10"}
    assert _post(login(cast["inspector"]), _entries(resident), body).status_code == 403
    assert _post(login(cast["manager_b"]), _entries(resident), body).status_code == 404
    assert _post(login(cast["inspector_other"]), _entries(resident), body).status_code == 404


@pytest.mark.parametrize("who", ["manager_b", "inspector_other", "admin"])
def test_out_of_scope_ledgers_are_404(cast, login, resident, facilities, who):
    entry = deposit(cast["manager_a"], resident)
    client = login(cast[who])
    for url in (_entries(resident), f"/api/people/{resident.pk}/custody/statement",
                f"/api/people/{resident.pk}/custody/accounts"):
        assert client.get(url).status_code == 404, url
    assert _post(client, f"{_entries(resident)}/{entry.pk}/reversal", {"reason": "x"}).status_code == 404
    if who != "manager_b":
        assert client.get(f"/api/custody/facilities/{facilities['a'].pk}/accounts").status_code == 404


def test_statement_figures(cast, login, resident):
    with frozen(date(2026, 10, 30)):
        deposit(cast["manager_a"], resident, "300.00", on=date(2026, 10, 2))
    withdraw(cast["manager_a"], resident, "50.00", on=date(2026, 11, 4))
    deposit(cast["manager_a"], resident, "100.00", holding="pension", on=date(2026, 11, 5))
    body = login(cast["inspector"]).get(f"/api/people/{resident.pk}/custody/statement", {"month": "2026-11"}).json()
    assert body["month"] == "2026-11" and body["unconfirmed"] == 2
    assert body["lines"] == [
        {"holding": "pocket_money", "opening": "300.00", "deposits": "0.00", "withdrawals": "50.00", "closing": "250.00"},
        {"holding": "pension", "opening": "0.00", "deposits": "100.00", "withdrawals": "0.00", "closing": "100.00"},
    ]
    assert body["money"] == {"opening": "300.00", "deposits": "100.00", "withdrawals": "50.00", "closing": "350.00"}
    assert [entry["sequence"] for entry in body["entries"]] == [2, 3]
    assert login(cast["inspector"]).get(f"/api/people/{resident.pk}/custody/statement",
                                        {"month": "2026-13"}).status_code == 422


def test_a_person_without_a_ledger_has_an_empty_statement(cast, login, resident):
    body = login(cast["manager_a"]).get(f"/api/people/{resident.pk}/custody/statement").json()
    assert (body["facility_id"], body["lines"], body["entries"]) == (None, [], [])


def test_entry_list_query_count_does_not_grow(cast, login, resident):
    client = login(cast["inspector"])
    deposit(cast["manager_a"], resident, "1.00")
    few = count_queries(client, _entries(resident))
    for n in range(30):
        deposit(cast["manager_a"], resident, "1.00", confirmer="self", confirmer_name="张桂兰", confirmed_on=TODAY)
    many = count_queries(client, _entries(resident))
    # session, user, person (scoped), accounts with balances, latest visible stay, count, page of entries
    # (confirmation, reversal, recorder joined)
    assert few == many == 7


def test_facility_summary_and_sampling_through_the_api(cast, login, facilities, resident):
    deposit(cast["manager_a"], resident, "80.00")
    for n in range(3):
        deposit(cast["manager_a"], StayFactory(facility=facilities["a"]).person, "5.00")
    inspector = login(cast["inspector"])
    url = f"/api/custody/facilities/{facilities['a'].pk}"
    rows = inspector.get(f"{url}/accounts").json()
    assert rows["count"] == 4
    mine = next(row for row in rows["items"] if row["name"] == "张桂兰")
    assert (mine["money_balance"], mine["unconfirmed"], mine["living_here"]) == ("80.00", 1, True)
    assert "id_number" not in mine and "*" in mine["masked_id_number"]

    drawn = _post(inspector, f"{url}/samplings", {"size": 2})
    assert drawn.status_code == 201, drawn.content
    sampling = drawn.json()
    assert (sampling["population"], len(sampling["samples"])) == (4, 2)
    sample = sampling["samples"][0]
    checked = _post(inspector, f"/api/custody/samples/{sample['id']}/check",
                    {"result": "discrepancy", "note": "缺少收据", "checked_on": "2026-11-16"})
    assert checked.status_code == 200 and checked.json()["result"] == "discrepancy"
    history = inspector.get(f"/api/custody/samples/{sample['id']}/history").json()
    assert [h["reason"] for h in history] == ["记录核查意见", "随机抽取"]
    assert _post(login(cast["manager_a"]), f"{url}/samplings", {"size": 2}).status_code == 403
    assert login(cast["manager_a"]).get(f"{url}/samplings").json()["count"] == 1


def test_facility_summary_query_count_does_not_grow(cast, login, facilities, resident):
    client = login(cast["inspector"])
    url = f"/api/custody/facilities/{facilities['a'].pk}/accounts"
    deposit(cast["manager_a"], resident, "1.00")
    few = count_queries(client, url)
    for _ in range(25):
        person = StayFactory(facility=facilities["a"]).person
        deposit(cast["manager_a"], person, "3.00")
        withdraw(cast["manager_a"], person, "1.00")
    many = count_queries(client, url)
    # session, user, facility (scoped), count, page of accounts aggregated with their people
    assert few == many == 5


def test_sampling_list_query_count_does_not_grow(cast, login, facilities, resident):
    deposit(cast["manager_a"], resident, "1.00")
    client = login(cast["inspector"])
    url = f"/api/custody/facilities/{facilities['a'].pk}/samplings"
    custody.custody_sampling_draw(by=cast["inspector"], facility=facilities["a"], size=1)
    few = count_queries(client, url)
    for _ in range(10):
        deposit(cast["manager_a"], StayFactory(facility=facilities["a"]).person, "2.00")
    for _ in range(5):
        custody.custody_sampling_draw(by=cast["inspector"], facility=facilities["a"], size=5)
    many = count_queries(client, url)
    # session, user, facility, count, page of samplings with who drew them, their samples with people and
    # checkers
    assert few == many == 6


def test_accounts_endpoint_shows_balances_per_holding_in_fixed_queries(cast, login, resident, facilities):
    client = login(cast["inspector"])
    url = f"/api/people/{resident.pk}/custody/accounts"
    deposit(cast["manager_a"], resident, "12.00")
    few = count_queries(client, url)
    deposit(cast["manager_a"], resident, "30.00", holding="pension")
    custody.custody_entry_record(by=cast["manager_a"], person=resident, kind="deposit", holding="goods",
                                 amount=Decimal("99.00"), occurred_on=TODAY, description="收音机")
    many = count_queries(client, url)
    body = client.get(url).json()
    assert {row["holding"]: row["balance"] for row in body[0]["balances"]} == {
        "pocket_money": "12.00", "pension": "30.00", "subsidy": "0.00", "goods": "99.00", "other": "0.00"}
    # session, user, person (scoped), accounts with one balance subquery per holding, latest visible stay
    assert few == many == 5
