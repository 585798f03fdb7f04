"""The custody pages: the ledger with its form, reversal, confirmation, statement, facility summary,
sampling, overview; links from the resident and facility pages; scoping; pinned query counts."""
from datetime import date

import pytest
from django.urls import reverse

from residents.custody import services as custody
from residents.models import CustodyEntry, CustodySampling
from tests.factories import PersonFactory, StayFactory
from tests.helpers import count_queries, deposit, frozen, withdraw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def test_the_resident_page_links_to_the_ledger_and_the_facility_page_to_the_summary(cast, login, resident, facilities):
    client = login(cast["manager_a"])
    assert reverse("custody_ledger", args=[resident.pk]) in client.get(reverse("person_detail", args=[resident.pk])).content.decode()
    assert reverse("custody_facility", args=[facilities["a"].pk]) in client.get(
        reverse("facility_detail", args=[facilities["a"].pk])).content.decode()


def test_manager_records_on_the_ledger_page(cast, login, resident):
    client = login(cast["manager_a"])
    url = reverse("custody_ledger", args=[resident.pk])
    page = client.get(url).content.decode()
    assert "登记存入或支取" in page and "目前" not in page.split("登记存入或支取")[0][-20:]
    response = client.post(reverse("custody_entry_create", args=[resident.pk]), {
        "kind": "deposit", "holding": "pension", "amount": "1500.00", "occurred_on": "2026-11-10",
        "confirmer": "guardian", "confirmer_name": "张明", "confirmed_on": "2026-11-10",
    }, follow=True)
    text = response.content.decode()
    assert "已登记第 1 笔：存入养老金 1500.00 元" in text
    assert 'data-testid="balance-pension">1500.00<' in text and "监护人 张明" in text


def test_an_overdraft_is_shown_beside_the_amount(cast, login, resident):
    deposit(cast["manager_a"], resident, "20.00")
    response = login(cast["manager_a"]).post(reverse("custody_entry_create", args=[resident.pk]), {
        "kind": "withdrawal", "holding": "pocket_money", "amount": "25.00", "occurred_on": "2026-11-10",
        "purpose": "买药", "receipt_number": "R1",
    })
    assert response.status_code == 200
    assert "零用钱余额不足：现有 20.00 元，不能支取 25.00 元" in response.content.decode()
    assert CustodyEntry.objects.count() == 1


def test_inspectors_read_the_ledger_without_the_form(cast, login, resident):
    deposit(cast["manager_a"], resident, "20.00")
    page = login(cast["inspector"]).get(reverse("custody_ledger", args=[resident.pk])).content.decode()
    assert "登记存入或支取" not in page and "更正" not in page and "20.00" in page
    assert login(cast["inspector"]).post(reverse("custody_entry_create", args=[resident.pk]), {
        "kind": "deposit", "holding": "pension", "amount": "1.00", "occurred_on": "2026-11-10"}).status_code == 403


@pytest.mark.parametrize("who", ["manager_b", "inspector_other", "admin"])
def test_out_of_scope_ledger_pages_are_404(cast, login, resident, facilities, who):
    entry = deposit(cast["manager_a"], resident)
    client = login(cast[who])
    for url in (reverse("custody_ledger", args=[resident.pk]), reverse("custody_statement", args=[resident.pk]),
                reverse("custody_entry_reverse", args=[resident.pk, entry.pk]),
                reverse("custody_entry_confirm", args=[resident.pk, entry.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("custody_entry_create", args=[resident.pk]), {}).status_code == 404
    if who != "manager_b":
        assert client.get(reverse("custody_facility", args=[facilities["a"].pk])).status_code == 404
    assert "张桂兰" not in client.get(reverse("custody_overview")).content.decode()


def test_reversal_and_later_confirmation_pages(cast, login, resident):
    entry = deposit(cast["manager_a"], resident, "88.00")
    client = login(cast["manager_a"])
    form = client.get(reverse("custody_entry_reverse", args=[resident.pk, entry.pk])).content.decode()
    assert 'data-confirm="更正记录登记后不能删除或修改，第 1 笔也不能再次更正。确定登记？"' in form
    assert "data-confirm" not in client.get(reverse("custody_entry_confirm", args=[resident.pk, entry.pk])).content.decode()
    response = client.post(reverse("custody_entry_reverse", args=[resident.pk, entry.pk]), {"reason": "录错机构"}, follow=True)
    assert "已登记更正记录" in response.content.decode() and "冲回第 1 笔：录错机构" in response.content.decode()
    response = client.post(reverse("custody_entry_confirm", args=[resident.pk, entry.pk]), {
        "confirmer": "self", "confirmer_name": "张桂兰", "confirmed_on": "2026-11-16"}, follow=True)
    assert "已登记确认" in response.content.decode()
    assert login(cast["inspector"]).get(reverse("custody_entry_reverse", args=[resident.pk, entry.pk])).status_code == 403


def test_the_statement_page_is_printable_with_the_figures(cast, login, resident):
    with frozen(date(2026, 10, 30)):
        deposit(cast["manager_a"], resident, "300.00", on=date(2026, 10, 2))
    withdraw(cast["manager_a"], resident, "50.00", on=date(2026, 11, 4))
    page = login(cast["manager_a"]).get(reverse("custody_statement", args=[resident.pk]), {"month": "2026-11"}).content.decode()
    assert "代管款物月度对账单" in page and 'data-action="print"' in page and "css/ledger.css" in page
    summary = page.split('data-holding="pocket_money"')[1].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in summary.split('class="num">')[1:]] == ["300.00", "0.00", "50.00", "250.00"]
    assert "本人或监护人签字" in page and "<script>" not in page.split("<main")[1].split("</main>")[0]


def test_the_facility_summary_and_sampling_pages(cast, login, resident, facilities):
    deposit(cast["manager_a"], resident, "60.00")
    deposit(cast["manager_a"], StayFactory(facility=facilities["a"], person=PersonFactory(name="王秀英")).person, "5.00",
            confirmer="self", confirmer_name="王秀英", confirmed_on=date(2026, 11, 2))
    inspector = login(cast["inspector"])
    url = reverse("custody_facility", args=[facilities["a"].pk])
    page = inspector.get(url).content.decode()
    assert "代管 2 人的款物，资金余额合计 65.00 元" in page and "1 笔未经本人或监护人确认" in page
    response = inspector.post(reverse("custody_sampling_create", args=[facilities["a"].pk]), {"size": "1"}, follow=True)
    assert "已从 2 个账户中随机抽取 1 个" in response.content.decode()
    sample = CustodySampling.objects.get().samples.get()
    check = reverse("custody_sample_check", args=[sample.pk])
    response = inspector.post(check, {"result": "consistent", "note": "", "checked_on": "2026-11-16"}, follow=True)
    assert "核查意见已保存" in response.content.decode() and "账实相符" in response.content.decode()
    assert "记录核查意见" in inspector.get(check).content.decode()  # the history
    manager = login(cast["manager_a"])
    assert manager.post(reverse("custody_sampling_create", args=[facilities["a"].pk]), {"size": "1"}).status_code == 403
    assert manager.post(check, {"result": "consistent", "checked_on": "2026-11-16"}).status_code == 403
    assert "随机抽取" not in manager.get(url).content.decode()


def test_ledger_page_query_count_does_not_grow(cast, login, resident):
    client = login(cast["manager_a"])
    url = reverse("custody_ledger", args=[resident.pk])
    deposit(cast["manager_a"], resident, "5.00")
    few = count_queries(client, url)
    for _ in range(20):
        entry = deposit(cast["manager_a"], resident, "5.00", confirmer="self", confirmer_name="张", confirmed_on=date(2026, 11, 2))
    custody.custody_entry_reverse(by=cast["manager_a"], entry=entry, reason="重复")
    many = count_queries(client, url)
    # session, user, person, accounts with balances, latest stay, may-record check (assignment), unconfirmed
    # entries, count, page of entries with confirmation, corrections and recorder
    assert few == many == 9


def test_facility_summary_page_query_count_does_not_grow(cast, login, resident, facilities):
    client = login(cast["inspector"])
    url = reverse("custody_facility", args=[facilities["a"].pk])
    deposit(cast["manager_a"], resident, "5.00")
    custody.custody_sampling_draw(by=cast["inspector"], facility=facilities["a"], size=1)
    few = count_queries(client, url)
    for _ in range(15):
        deposit(cast["manager_a"], StayFactory(facility=facilities["a"]).person, "2.00")
    custody.custody_sampling_draw(by=cast["inspector"], facility=facilities["a"], size=5)
    many = count_queries(client, url)
    # session, user, facility, accounts aggregated with people, samplings, their samples
    assert few == many == 6


def test_overview_query_count_does_not_grow(cast, login, resident, facilities):
    client = login(cast["inspector_city"])
    deposit(cast["manager_a"], resident, "5.00")
    few = count_queries(client, reverse("custody_overview"))
    for key in ("b", "c"):
        deposit(cast["manager_a"] if key == "a" else _manager_of(facilities[key]),
                StayFactory(facility=facilities[key]).person, "3.00")
    many = count_queries(client, reverse("custody_overview"))
    page = client.get(reverse("custody_overview")).content.decode()
    assert "西峰区中心敬老院" in page and "庆城县特困人员供养服务中心" in page and "五华区福利院" not in page
    # session, user, count, page of facilities with their aggregates
    assert few == many == 4


def _manager_of(facility):
    from tests.factories import UserFactory

    return UserFactory(facilities=[facility])


def test_after_a_transfer_the_old_facility_hands_back_what_it_holds(cast, login, resident, facilities):
    from residents.services import stay_transfer

    deposit(cast["manager_a"], resident, "40.00")
    stay_transfer(by=cast["manager_a"], stay=resident.stays.get(), to_facility=facilities["b"],
                  transferred_on=date(2026, 11, 10))
    response = login(cast["manager_a"]).post(reverse("custody_entry_create", args=[resident.pk]), {
        "kind": "withdrawal", "holding": "pocket_money", "amount": "40.00", "occurred_on": "2026-11-10",
        "purpose": "转院移交西峰区董志特困供养服务中心", "receipt_number": "YJ-1"}, follow=True)
    assert "已登记第 2 笔" in response.content.decode()
    page = login(cast["manager_b"]).get(reverse("custody_ledger", args=[resident.pk])).content.decode()
    assert "登记存入或支取" in page and "40.00" not in page  # B opens its own account; A's is not B's to see


@pytest.mark.parametrize(("who", "shown"), [("manager_a", True), ("inspector", True), ("clerk", False)])
def test_the_person_list_links_to_the_custody_overview(cast, login, who, shown):
    page = login(cast[who]).get(reverse("person_list")).content.decode()
    assert (f'href="{reverse("custody_overview")}"' in page) is shown


@pytest.mark.parametrize("column", ["account_count", "money_total", "unconfirmed", "last_sampled_on", "-money_total"])
def test_the_administrators_empty_overview_sorts_by_any_column(cast, login, resident, column):
    deposit(cast["manager_a"], resident)
    response = login(cast["admin"]).get(reverse("custody_overview"), {"sort": column})
    assert response.status_code == 200 and "张桂兰" not in response.content.decode()
