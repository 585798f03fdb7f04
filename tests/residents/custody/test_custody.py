"""Specs for custody of residents' money and goods (特殊救助对象款物代管): the pure rules, the services,
the append-only guarantee (services, admin, database), statements, sampling and scoping.

The clock stands still on Monday 2026-11-16 (Asia/Shanghai).
"""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.http import Http404
from hypothesis import given
from hypothesis import strategies as st

from residents.custody import services as custody
from residents.custody.selectors import (
    custody_accounts_visible_to,
    custody_statement_for,
    facility_custody_summary,
    person_custody,
)
from residents.models import (
    CustodyAccount,
    CustodyConfirmation,
    CustodyEntry,
    CustodySample,
    CustodySampling,
    StayEndReason,
)
from residents.rules import (
    InsufficientBalance,
    check_custody_amount,
    custody_balance_after,
    custody_statement,
    draw_sample,
    reversal_kind,
)
from residents.services import stay_discharge
from tests.factories import PersonFactory, StayFactory
from tests.helpers import TODAY, deposit, frozen, withdraw, yuan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def resident_b(facilities):
    return StayFactory(facility=facilities["b"], person=PersonFactory(name="李守仁")).person


# --- pure rules --------------------------------------------------------------------------------


@pytest.mark.parametrize("balance, kind, amount, after", [
    ("0.00", "deposit", "100.00", "100.00"),
    ("100.00", "withdrawal", "100.00", "0.00"),
    ("100.00", "withdrawal", "0.01", "99.99"),
    ("0.10", "deposit", "0.20", "0.30"),
])
def test_balance_after_adds_deposits_and_subtracts_withdrawals(balance, kind, amount, after):
    assert custody_balance_after(yuan(balance), kind=kind, amount=yuan(amount)) == yuan(after)


def test_a_withdrawal_larger_than_the_balance_is_refused_with_the_figures():
    with pytest.raises(InsufficientBalance) as caught:
        custody_balance_after(yuan("50.00"), kind="withdrawal", amount=yuan("50.01"))
    assert (caught.value.balance, caught.value.amount) == (yuan("50.00"), yuan("50.01"))
    assert "余额不足" in str(caught.value) and "insufficient balance" in str(caught.value)


@pytest.mark.parametrize("amount", ["0", "-1.00", "0.001", "NaN", "Infinity"])
def test_amounts_must_be_positive_fen(amount):
    with pytest.raises(ValueError):
        check_custody_amount(Decimal(amount))


def test_amounts_that_are_not_decimals_are_refused():
    for value in (1, 1.5, "1.00", True):
        with pytest.raises(ValueError):
            check_custody_amount(value)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        custody_balance_after(yuan("1.00"), kind="transfer", amount=yuan("1.00"))


def test_reversal_moves_the_other_way():
    assert reversal_kind("deposit") == "withdrawal" and reversal_kind("withdrawal") == "deposit"


fen = st.integers(min_value=1, max_value=10**7).map(lambda n: Decimal(n) / 100)
moves = st.lists(st.tuples(st.sampled_from(["pocket_money", "pension", "goods"]),
                           st.sampled_from(["deposit", "withdrawal"]), fen), max_size=30)


@given(moves)
def test_applying_moves_one_by_one_never_goes_negative_and_matches_the_statement(sequence):
    """Whatever is attempted, accepted moves keep every balance ≥ 0 and opening + in − out = closing."""
    balances, accepted = {}, []
    for holding, kind, amount in sequence:
        try:
            balances[holding] = custody_balance_after(balances.get(holding, Decimal("0.00")), kind=kind, amount=amount)
        except InsufficientBalance:
            continue
        accepted.append((holding, kind, amount))
        assert balances[holding] >= 0
    figures = custody_statement({}, accepted)
    for holding, line in figures.items():
        assert line.opening + line.deposits - line.withdrawals == line.closing == balances[holding]


def test_statement_rule_refuses_moves_that_overdraw():
    with pytest.raises(InsufficientBalance):
        custody_statement({"pension": yuan("10.00")}, [("pension", "withdrawal", yuan("10.01"))])


def test_a_sample_is_reproducible_from_its_seed_and_never_larger_than_the_population():
    ids = list(range(1, 41))
    first = draw_sample(ids, 5, seed=20261116)
    assert first == draw_sample(list(reversed(ids)), 5, seed=20261116)  # the order of the input does not matter
    assert len(set(first)) == 5 and set(first) <= set(ids)
    assert sorted(draw_sample(ids[:3], 10, seed=1)) == [1, 2, 3]
    with pytest.raises(ValueError):
        draw_sample(ids, 0, seed=1)


# --- recording ----------------------------------------------------------------------------------


def test_manager_records_deposits_and_withdrawals_with_running_balances_per_holding(cast, resident):
    manager = cast["manager_a"]
    first = deposit(manager, resident, "300.00", on=date(2026, 11, 2))
    pension = deposit(manager, resident, "1200.00", holding="pension", on=date(2026, 11, 2))
    spent = withdraw(manager, resident, "45.50", on=date(2026, 11, 5), purpose="理发、购买水果")
    assert [e.sequence for e in (first, pension, spent)] == [1, 2, 3]
    assert [e.balance_after for e in (first, pension, spent)] == [yuan("300.00"), yuan("1200.00"), yuan("254.50")]
    account = CustodyAccount.objects.get(person=resident)
    assert account.facility.name == "西峰区中心敬老院" and account.entry_count == 3
    assert spent.recorded_by == manager and spent.recorded_at is not None


def test_a_withdrawal_beyond_the_balance_is_refused_with_a_clear_message(cast, resident):
    deposit(cast["manager_a"], resident, "50.00")
    with pytest.raises(ValidationError) as caught:
        withdraw(cast["manager_a"], resident, "80.00")
    assert caught.value.message_dict["amount"] == ["零用钱余额不足：现有 50.00 元，不能支取 80.00 元"]
    assert CustodyEntry.objects.count() == 1


def test_the_balance_of_one_holding_cannot_pay_for_another(cast, resident):
    deposit(cast["manager_a"], resident, "500.00", holding="pension")
    with pytest.raises(ValidationError) as caught:
        withdraw(cast["manager_a"], resident, "10.00", holding="pocket_money")
    assert "零用钱余额不足：现有 0.00 元" in caught.value.message_dict["amount"][0]


@pytest.mark.parametrize("fields, field, message", [
    ({"purpose": ""}, "purpose", "支取须填写用途"),
    ({"receipt_number": " "}, "receipt_number", "支取须填写票据（收据）号"),
])
def test_a_withdrawal_needs_a_purpose_and_a_receipt(cast, resident, fields, field, message):
    deposit(cast["manager_a"], resident, "50.00")
    with pytest.raises(ValidationError) as caught:
        withdraw(cast["manager_a"], resident, "10.00", **fields)
    assert caught.value.message_dict[field] == [message]


def test_goods_need_a_description_and_keep_their_estimated_value(cast, resident):
    with pytest.raises(ValidationError) as caught:
        deposit(cast["manager_a"], resident, "800.00", holding="goods")
    assert caught.value.message_dict["description"] == ["物品和其他款物须填写名称或摘要"]
    ring = deposit(cast["manager_a"], resident, "800.00", holding="goods", description="金戒指", quantity=1)
    assert (ring.description, ring.quantity, ring.balance_after) == ("金戒指", 1, yuan("800.00"))


@pytest.mark.parametrize("amount", ["0.00", "-5.00", "0.005"])
def test_amounts_must_be_positive_with_at_most_two_decimals(cast, resident, amount):
    with pytest.raises(ValidationError) as caught:
        deposit(cast["manager_a"], resident, amount)
    assert caught.value.message_dict["amount"] == ["金额须大于0，最多两位小数"]


def test_entries_follow_each_other_in_time_and_never_lie_in_the_future(cast, resident):
    deposit(cast["manager_a"], resident, "50.00", on=date(2026, 11, 10))
    with pytest.raises(ValidationError) as caught:
        deposit(cast["manager_a"], resident, "5.00", on=date(2026, 11, 9))
    assert "不能早于本账户最近一笔记录的日期（2026-11-10）" in caught.value.message_dict["occurred_on"][0]
    with pytest.raises(ValidationError) as caught:
        deposit(cast["manager_a"], resident, "5.00", on=TODAY + timedelta(days=1))
    assert caught.value.message_dict["occurred_on"] == ["日期不能晚于今天"]
    with pytest.raises(ValidationError):
        deposit(cast["manager_a"], PersonFactory(), "5.00")  # never stayed in a facility


def test_confirmation_is_recorded_with_the_entry_or_later(cast, resident):
    confirmed = deposit(cast["manager_a"], resident, "100.00", confirmer="self", confirmer_name="张桂兰",
                        confirmed_on=date(2026, 11, 2))
    assert (confirmed.confirmation.confirmer, confirmed.confirmation.confirmer_name) == ("self", "张桂兰")
    later = withdraw(cast["manager_a"], resident, "20.00")
    assert not CustodyConfirmation.objects.filter(entry=later).exists()
    custody.custody_entry_confirm(by=cast["manager_a"], entry=later, confirmer="guardian", confirmer_name="张明",
                                  confirmed_on=date(2026, 11, 6))
    with pytest.raises(ValidationError, match="已有确认"):
        custody.custody_entry_confirm(by=cast["manager_a"], entry=later, confirmer="self", confirmer_name="张桂兰",
                                      confirmed_on=date(2026, 11, 6))


def test_a_partial_confirmation_is_refused_field_by_field(cast, resident):
    with pytest.raises(ValidationError) as caught:
        deposit(cast["manager_a"], resident, confirmer="guardian")
    assert set(caught.value.message_dict) == {"confirmer_name", "confirmed_on"}


def test_only_the_facilitys_manager_records(cast, resident):
    for user in (cast["manager_b"], cast["inspector"], cast["clerk"], cast["admin"]):
        with pytest.raises(PermissionDenied):
            deposit(user, resident)
    assert not CustodyEntry.objects.exists()


def test_after_leaving_the_facility_only_hands_back(cast, resident):
    deposit(cast["manager_a"], resident, "60.00")
    stay_discharge(by=cast["manager_a"], stay=resident.stays.get(), ended_on=date(2026, 11, 10),
                   reason=StayEndReason.MOVED_HOME)
    with pytest.raises(ValidationError) as caught:
        deposit(cast["manager_a"], resident, "1.00", on=date(2026, 11, 12))
    assert caught.value.message_dict["kind"] == ["该人员已离开本机构，只能登记支取（结清交还）"]
    handed = withdraw(cast["manager_a"], resident, "60.00", on=date(2026, 11, 12), purpose="离院结清交还本人")
    assert handed.balance_after == 0


# --- corrections, never edits -----------------------------------------------------------------


def test_a_correction_is_a_reversal_entry_linked_to_the_entry_it_corrects(cast, resident):
    wrong = deposit(cast["manager_a"], resident, "1000.00")
    reversal = custody.custody_entry_reverse(by=cast["manager_a"], entry=wrong, reason="金额录错，应为 100.00 元")
    assert (reversal.kind, reversal.amount, reversal.reverses, reversal.balance_after) == (
        "withdrawal", yuan("1000.00"), wrong, yuan("0.00"))
    wrong.refresh_from_db()
    assert (wrong.amount, wrong.balance_after) == (yuan("1000.00"), yuan("1000.00"))  # untouched
    with pytest.raises(ValidationError, match="不能重复更正"):
        custody.custody_entry_reverse(by=cast["manager_a"], entry=wrong, reason="再来一次")
    with pytest.raises(ValidationError, match="更正记录不能再更正"):
        custody.custody_entry_reverse(by=cast["manager_a"], entry=reversal, reason="撤销更正")


def test_reversing_a_deposit_already_spent_is_refused(cast, resident):
    received = deposit(cast["manager_a"], resident, "100.00")
    withdraw(cast["manager_a"], resident, "70.00")
    with pytest.raises(ValidationError) as caught:
        custody.custody_entry_reverse(by=cast["manager_a"], entry=received, reason="误存")
    assert "现有余额 30.00 元，少于要冲回的 100.00 元" in caught.value.message_dict["reason"][0]


def test_a_reversal_needs_a_reason_and_the_right_manager(cast, resident):
    entry = deposit(cast["manager_a"], resident)
    with pytest.raises(ValidationError):
        custody.custody_entry_reverse(by=cast["manager_a"], entry=entry, reason="  ")
    with pytest.raises(PermissionDenied):
        custody.custody_entry_reverse(by=cast["manager_b"], entry=entry, reason="不是我的机构")


def test_no_service_changes_or_deletes_an_entry():
    public = [name for name in dir(custody) if name.startswith("custody_entry_")]
    assert sorted(public) == ["custody_entry_confirm", "custody_entry_record", "custody_entry_reverse"]


def test_the_admin_does_not_offer_the_ledger():
    for model in (CustodyEntry, CustodyConfirmation, CustodyAccount):
        assert not admin.site.is_registered(model)


def test_the_admin_urls_for_the_ledger_do_not_exist(cast, login):
    client = login(cast["admin"])
    assert client.get("/admin/residents/custodyentry/").status_code == 404
    assert client.get("/admin/residents/custodyentry/1/delete/").status_code == 404


def _sql(statement, *params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.parametrize("change", [
    lambda entry: CustodyEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1.00")),
    lambda entry: CustodyEntry.objects.filter(pk=entry.pk)._raw_delete(using="default"),
    lambda entry: _sql("DELETE FROM residents_custodyentry WHERE id = %s", entry.pk),
    lambda entry: _sql("UPDATE residents_custodyentry SET balance_after = 0 WHERE id = %s", entry.pk),
    lambda entry: entry.save(),
    lambda entry: CustodyConfirmation.objects.filter(entry=entry).update(confirmer_name="别人"),
    lambda entry: CustodyConfirmation.objects.filter(entry=entry).delete(),
], ids=["update", "raw-delete", "sql-delete", "sql-update", "save", "confirmation-update", "confirmation-delete"])
def test_the_database_refuses_updates_and_deletes_of_the_ledger(cast, resident, change):
    entry = deposit(cast["manager_a"], resident, confirmer="self", confirmer_name="张桂兰", confirmed_on=TODAY)
    with pytest.raises((IntegrityError, DatabaseError), match="append-only"), transaction.atomic():
        change(entry)
    entry.refresh_from_db()
    assert entry.amount == yuan("100.00") and entry.confirmation.confirmer_name == "张桂兰"


def test_the_database_refuses_a_negative_balance_even_without_the_service(cast, resident):
    entry = deposit(cast["manager_a"], resident)
    with pytest.raises(IntegrityError), transaction.atomic():
        CustodyEntry.objects.create(account=entry.account, sequence=2, kind="withdrawal", holding="pocket_money",
                                    amount=yuan("200.00"), balance_after=yuan("-100.00"), occurred_on=TODAY,
                                    purpose="x", recorded_by=cast["manager_a"])


# --- statements ---------------------------------------------------------------------------------


def test_the_monthly_statement_has_opening_entries_and_closing(cast, facilities):
    person = StayFactory(facility=facilities["a"], admitted_on=date(2026, 9, 1)).person
    manager = cast["manager_a"]
    with frozen(date(2026, 10, 31)):
        deposit(manager, person, "500.00", on=date(2026, 10, 5))
        deposit(manager, person, "1500.00", holding="pension", on=date(2026, 10, 10))
        withdraw(manager, person, "120.00", on=date(2026, 10, 20))
    wrong = deposit(manager, person, "200.00", on=date(2026, 11, 3))
    withdraw(manager, person, "35.00", on=date(2026, 11, 4), purpose="药品")
    custody.custody_entry_reverse(by=manager, entry=wrong, reason="重复登记")
    deposit(manager, person, "300.00", holding="goods", description="棉被", quantity=2, on=date(2026, 11, 16))
    account = CustodyAccount.objects.get(person=person)

    november = custody_statement_for(account=account, month=date(2026, 11, 1))
    lines = {line.holding: line.figures for line in november.lines}
    assert [e.sequence for e in november.entries] == [4, 5, 6, 7]
    assert (lines["pocket_money"].opening, lines["pocket_money"].deposits, lines["pocket_money"].withdrawals,
            lines["pocket_money"].closing) == (yuan("380.00"), yuan("200.00"), yuan("235.00"), yuan("345.00"))
    assert (lines["pension"].opening, lines["pension"].closing) == (yuan("1500.00"), yuan("1500.00"))
    assert lines["goods"].closing == yuan("300.00")
    assert november.money.opening == yuan("1880.00") and november.money.closing == yuan("1845.00")
    assert november.unconfirmed == 4
    assert november.entries[-1].balance_after == lines["goods"].closing

    october = custody_statement_for(account=account, month=date(2026, 10, 1))
    assert october.money.opening == 0 and october.money.closing == november.money.opening
    empty = custody_statement_for(account=account, month=date(2026, 8, 1))
    assert empty.lines == [] and empty.entries == []


def test_facility_summary_shows_balance_last_entry_and_unconfirmed(cast, resident, facilities):
    other = StayFactory(facility=facilities["a"], person=PersonFactory(name="王秀英")).person
    deposit(cast["manager_a"], resident, "100.00", confirmer="self", confirmer_name="张桂兰", confirmed_on=TODAY)
    withdraw(cast["manager_a"], resident, "40.00", on=date(2026, 11, 9))
    deposit(cast["manager_a"], resident, "700.00", holding="goods", description="手表", on=date(2026, 11, 9))
    deposit(cast["manager_a"], other, "20.00", holding="subsidy")
    rows = {row.person.name: row for row in facility_custody_summary(user=cast["inspector"], facility=facilities["a"])}
    assert (rows["张桂兰"].money_balance, rows["张桂兰"].goods_value, rows["张桂兰"].last_entry_on,
            rows["张桂兰"].unconfirmed, rows["张桂兰"].living_here) == (
        yuan("60.00"), yuan("700.00"), date(2026, 11, 9), 2, True)
    assert (rows["王秀英"].money_balance, rows["王秀英"].unconfirmed) == (yuan("20.00"), 1)


# --- scoping ------------------------------------------------------------------------------------


def test_ledgers_are_visible_where_their_facility_is(cast, resident, resident_b):
    deposit(cast["manager_a"], resident)
    deposit(cast["manager_b"], resident_b)
    names = lambda user: sorted(a.person.name for a in custody_accounts_visible_to(user))
    assert names(cast["manager_a"]) == ["张桂兰"]
    assert names(cast["manager_b"]) == ["李守仁"]
    assert names(cast["inspector"]) == names(cast["inspector_city"]) == names(cast["clerk"]) == ["张桂兰", "李守仁"]
    assert names(cast["inspector_other"]) == [] and names(cast["admin"]) == []


def test_a_yunnan_inspector_sees_no_xifeng_ledger_even_of_a_person_registered_in_yunnan(cast, facilities, regions):
    person = StayFactory(facility=facilities["a"], person=PersonFactory(hukou_region=regions["530102"])).person
    deposit(cast["manager_a"], person)
    assert person_custody(user=cast["inspector_other"], person=person).accounts == []
    with pytest.raises(Http404):
        person_custody(user=cast["inspector_other"], person=person, facility_id=facilities["a"].pk)


# --- sampling (抽查) -------------------------------------------------------------------------------


def _residents_with_ledgers(manager, facility, count):
    people = [StayFactory(facility=facility, person=PersonFactory(name=f"抽查对象{n:02d}")).person for n in range(count)]
    for person in people:
        deposit(manager, person, "10.00")
    return people


def test_an_inspector_draws_a_recorded_reproducible_sample_and_records_check_notes(cast, facilities):
    _residents_with_ledgers(cast["manager_a"], facilities["a"], 12)
    sampling = custody.custody_sampling_draw(by=cast["inspector"], facility=facilities["a"], size=4, seed=42)
    accounts = sorted(CustodyAccount.objects.filter(facility=facilities["a"]).values_list("id", flat=True))
    samples = list(sampling.samples.order_by("position"))
    assert (sampling.population, sampling.seed, sampling.drawn_on) == (12, 42, TODAY)
    assert [s.account_id for s in samples] == draw_sample(accounts, 4, seed=42)
    first = samples[0]
    custody.custody_sample_check(by=cast["inspector"], sample=first, result="discrepancy", note="收据缺一张",
                                 checked_on=TODAY)
    custody.custody_sample_check(by=cast["inspector"], sample=first, result="consistent", note="已补齐收据",
                                 checked_on=TODAY)
    history = list(first.history.order_by("history_date", "history_id"))
    assert [h.history_change_reason for h in history] == ["随机抽取", "记录核查意见", "修改核查意见"]
    assert [h.result for h in history] == ["", "discrepancy", "consistent"]
    assert history[-1].history_user == cast["inspector"]


def test_the_seed_is_random_when_not_given(cast, facilities):
    _residents_with_ledgers(cast["manager_a"], facilities["a"], 3)
    one = custody.custody_sampling_draw(by=cast["inspector"], facility=facilities["a"], size=2)
    two = custody.custody_sampling_draw(by=cast["inspector"], facility=facilities["a"], size=2)
    assert one.seed != two.seed and CustodySampling.objects.count() == 2 and CustodySample.objects.count() == 4


def test_only_inspectors_of_the_region_sample(cast, facilities):
    _residents_with_ledgers(cast["manager_a"], facilities["a"], 2)
    for user in (cast["manager_a"], cast["clerk"], cast["inspector_other"], cast["admin"]):
        with pytest.raises(PermissionDenied):
            custody.custody_sampling_draw(by=user, facility=facilities["a"], size=1)
    custody.custody_sampling_draw(by=cast["inspector_city"], facility=facilities["a"], size=1)


def test_sampling_refuses_bad_sizes_and_empty_facilities(cast, facilities):
    with pytest.raises(ValidationError, match="还没有代管账户"):
        custody.custody_sampling_draw(by=cast["inspector"], facility=facilities["b"], size=3)
    _residents_with_ledgers(cast["manager_a"], facilities["a"], 1)
    for size in (0, 51):
        with pytest.raises(ValidationError):
            custody.custody_sampling_draw(by=cast["inspector"], facility=facilities["a"], size=size)


def test_a_check_note_that_finds_a_problem_must_say_what(cast, facilities):
    _residents_with_ledgers(cast["manager_a"], facilities["a"], 1)
    sample = custody.custody_sampling_draw(by=cast["inspector"], facility=facilities["a"], size=1).samples.get()
    with pytest.raises(ValidationError) as caught:
        custody.custody_sample_check(by=cast["inspector"], sample=sample, result="discrepancy", note="",
                                     checked_on=TODAY)
    assert caught.value.message_dict["note"] == ["核查发现问题时须写明情况"]
    with pytest.raises(PermissionDenied):
        custody.custody_sample_check(by=cast["manager_a"], sample=sample, result="consistent", note="",
                                     checked_on=TODAY)
