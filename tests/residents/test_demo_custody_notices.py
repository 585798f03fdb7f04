"""The demo's custody ledgers and public notice: a ledger with a statement, a sampling with a check note,
a notice with an objection and no minor; safe to run twice."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from residents.custody.selectors import custody_statement_for
from residents.models import CustodyAccount, CustodyEntry, CustodySample, Notice, NoticeObjection
from residents.rules import age_on, is_notice_eligible


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Seeded once for the module inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        for command in ("seed_demo", "seed_demo_residents"):
            call_command(command, stdout=StringIO())
        out = StringIO()
        call_command("seed_demo_custody_notices", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_demo_ledger_has_a_statement_a_correction_goods_and_unconfirmed_entries(demo):
    accounts = CustodyAccount.objects.filter(facility__name="西峰区中心敬老院")
    assert accounts.count() == 8
    entries = CustodyEntry.objects.filter(account__in=accounts)
    assert entries.filter(reverses__isnull=False).count() == 1
    assert entries.filter(holding="goods").exists()
    assert entries.filter(confirmation__isnull=True).exists()
    account = accounts.order_by("id").first()
    statement = custody_statement_for(account=account, month=timezone.localdate().replace(day=1))
    assert statement.money.opening > 0 and statement.entries
    assert CustodySample.objects.filter(result="consistent").count() == 1


@pytest.mark.django_db
def test_the_demo_notice_has_an_objection_and_no_minor(demo):
    notice = Notice.objects.get()
    names = list(notice.entries.values_list("name", flat=True))
    assert len(names) == 3 and "刘小雨" not in names and notice.minors_withheld == 1
    assert all(is_notice_eligible(entry.person.birth_date, notice.posted_on) for entry in notice.entries.all())
    assert notice.posted_on <= timezone.localdate() <= notice.ends_on
    objection = NoticeObjection.objects.get()
    assert objection.result and age_on(objection.entry.person.birth_date, notice.posted_on) >= 18


@pytest.mark.django_db
def test_running_it_again_adds_nothing(demo):
    before = (CustodyEntry.objects.count(), Notice.objects.count(), NoticeObjection.objects.count())
    out = StringIO()
    call_command("seed_demo_custody_notices", stdout=out)
    assert (CustodyEntry.objects.count(), Notice.objects.count(), NoticeObjection.objects.count()) == before
    assert "already present" in out.getvalue()
