"""Races on PostgreSQL: withdrawals at the same moment never overdraw a custody account.

SQLite serialises every writer, so these run on PostgreSQL only (CI's second pass).
"""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection  # noqa: F401  (the skipif condition below reads it)

from residents.custody import services as custody
from residents.models import CustodyAccount, CustodyEntry
from tests.factories import PersonFactory, StayFactory
from tests.helpers import deposit, empty_ledger, frozen
from tests.parallel import in_parallel

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL row locks"),
]


@pytest.fixture(autouse=True)
def frozen_today():
    with frozen():
        yield
    empty_ledger()


def _withdraw(manager, person, amount):
    return lambda: custody.custody_entry_record(
        by=manager, person=person, kind="withdrawal", holding="pocket_money", amount=Decimal(amount),
        occurred_on=date(2026, 11, 16), purpose="并发支取", receipt_number="SJ-并发",
    )


def test_eight_withdrawals_at_once_never_overdraw(cast, facilities, figures):
    person = StayFactory(facility=facilities["a"], person=PersonFactory(name="并发对象")).person
    deposit(cast["manager_a"], person, "100.00")
    results = in_parallel(*(_withdraw(cast["manager_a"], person, "30.00") for _ in range(8)))
    winners = [r for r in results if isinstance(r, CustodyEntry)]
    losers = [r for r in results if isinstance(r, ValidationError)]
    assert len(winners) == 3 and len(losers) == 5, results
    assert all("零用钱余额不足" in e.message_dict["amount"][0] for e in losers)
    entries = list(CustodyEntry.objects.filter(account__person=person).order_by("sequence"))
    assert [e.sequence for e in entries] == [1, 2, 3, 4]
    assert [e.balance_after for e in entries] == [Decimal("100.00"), Decimal("70.00"), Decimal("40.00"), Decimal("10.00")]
    assert CustodyAccount.objects.get(person=person).entry_count == 4
    figures(f"fault drill: {len(results)} withdrawals of 30.00 from 100.00 at once, {len(winners)} recorded, "
            f"{len(losers)} refused, balance {entries[-1].balance_after}, never negative")


def test_first_deposits_at_once_open_one_account_and_add_up(cast, facilities):
    person = StayFactory(facility=facilities["a"], person=PersonFactory(name="并发开户")).person
    results = in_parallel(*(
        lambda: custody.custody_entry_record(by=cast["manager_a"], person=person, kind="deposit",
                                             holding="pension", amount=Decimal("10.00"), occurred_on=date(2026, 11, 16))
        for _ in range(5)
    ))
    assert all(isinstance(r, CustodyEntry) for r in results), results
    account = CustodyAccount.objects.get(person=person)
    balances = sorted(CustodyEntry.objects.filter(account=account).values_list("balance_after", flat=True))
    assert balances == [Decimal("10.00"), Decimal("20.00"), Decimal("30.00"), Decimal("40.00"), Decimal("50.00")]
