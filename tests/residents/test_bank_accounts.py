"""The account allowances are paid into: recorded where the region says so, kept encrypted, shown masked,
entered twice, set by who may edit the person and never by the clerk who exports it; the roster carries it."""
import io
from datetime import date

import pandas as pd
import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from common.field_crypto import UnreadableSecret, secret_decrypt, secret_encrypt
from facilities.models import RegionPolicy
from residents.models import Person
from residents.services import person_bank_account_set
from subsidies.models import ClaimBatch
from tests.factories import PersonFactory
from tests.helpers import claim_resident as resident

pytestmark = pytest.mark.django_db

ACCOUNT = "6228480012345678901"


@pytest.fixture
def recording(cast):
    return RegionPolicy.objects.create(region_id="621002", effective_from=date(2020, 1, 1), records_bank_accounts=True)


@pytest.fixture
def person(cast):
    return PersonFactory(name="账户人")


def test_the_number_is_stored_encrypted_and_read_back(cast, recording, person):
    person_bank_account_set(by=cast["inspector"], person=person, bank_name="中国农业银行西峰支行", account="6228 4800 1234 5678 901")
    stored = Person.objects.get(pk=person.pk)
    assert ACCOUNT not in stored.bank_account_encrypted and "5678" not in stored.bank_account_encrypted
    assert secret_decrypt(stored.bank_account_encrypted) == ACCOUNT
    assert stored.masked_bank_account == "**** **** **** 8901"
    assert ACCOUNT not in str(list(stored.history.values_list("bank_account_encrypted", flat=True)))


def test_keys_rotate_and_a_lost_key_is_a_clear_error(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    token = secret_encrypt(ACCOUNT)
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert secret_decrypt(token) == ACCOUNT and secret_decrypt(secret_encrypt("1")) == "1"
    settings.FIELD_ENCRYPTION_KEYS = [new]
    with pytest.raises(UnreadableSecret):
        secret_decrypt(token)
    assert secret_encrypt("") == "" and secret_decrypt("") == ""


@pytest.mark.parametrize(("bank", "account", "field"), [
    ("农行", "12345", "account"),
    ("农行", "6228-4800-1234", "account"),
    ("", ACCOUNT, "bank_name"),
    ("农行", "", "account"),
])
def test_bad_accounts_are_refused_at_their_field(cast, recording, person, bank, account, field):
    with pytest.raises(ValidationError) as refused:
        person_bank_account_set(by=cast["inspector"], person=person, bank_name=bank, account=account)
    assert field in refused.value.message_dict


def test_nothing_is_recorded_where_the_region_does_not(cast, person):
    with pytest.raises(ValidationError, match="未开启"):
        person_bank_account_set(by=cast["inspector"], person=person, bank_name="农行", account=ACCOUNT)


@pytest.mark.parametrize("role", ["clerk", "inspector_other", "manager_b"])
def test_the_clerk_who_pays_and_others_outside_cannot_set_it(cast, recording, person, role):
    with pytest.raises(PermissionDenied):
        person_bank_account_set(by=cast[role], person=person, bank_name="农行", account=ACCOUNT)


def test_the_page_takes_the_number_twice_and_shows_it_masked(cast, recording, person, login):
    client = login(cast["inspector"])
    url = reverse("person_bank_account", args=[person.pk])
    detail = client.get(reverse("person_detail", args=[person.pk])).content.decode()
    assert 'data-testid="bank-account"' in detail and "未登记" in detail and url in detail
    page = client.post(url, {"bank_name": "农行", "account": ACCOUNT, "account_again": ACCOUNT[:-1] + "0"})
    assert "两次输入的银行账号不一致" in page.content.decode() and not Person.objects.get(pk=person.pk).bank_account_tail
    response = client.post(url, {"bank_name": "农行", "account": ACCOUNT, "account_again": ACCOUNT})
    assert response.status_code == 302
    detail = client.get(reverse("person_detail", args=[person.pk])).content.decode()
    assert "农行 **** **** **** 8901" in detail and ACCOUNT not in detail
    form = client.get(url).content.decode()
    assert ACCOUNT not in form and "8901" not in form.split("<form")[1]


def test_the_page_is_not_there_where_accounts_are_not_recorded_or_for_the_clerk(cast, recording, person, login):
    url = reverse("person_bank_account", args=[person.pk])
    assert login(cast["clerk"]).get(url).status_code == 403
    recording.delete()
    assert login(cast["inspector"]).get(url).status_code == 404
    assert 'data-testid="bank-account"' not in login(cast["inspector"]).get(
        reverse("person_detail", args=[person.pk])).content.decode()


@pytest.mark.usefixtures("sample_standards")
def test_the_roster_carries_the_account_and_the_masked_export_does_not(cast, facilities, recording, generate, login):
    home = resident(facilities["a"], "甲")
    person_bank_account_set(by=cast["inspector"], person=home, bank_name="农行", account=ACCOUNT)
    generate(date(2026, 7, 1))
    batch = ClaimBatch.objects.get(month=date(2026, 7, 1), facility=facilities["a"])
    url = reverse("subsidies:batch_export", kwargs={"batch_id": batch.pk, "fmt": "xlsx"})
    client = login(cast["clerk"])
    roster = pd.read_excel(io.BytesIO(client.get(url, {"full_ids": "true"}).content), sheet_name="明细", dtype=str)
    assert list(roster.columns[4:7]) == ["身份证号码", "开户银行", "银行账号"]
    assert set(roster["银行账号"]) == {ACCOUNT} and set(roster["开户银行"]) == {"农行"}
    masked = pd.read_excel(io.BytesIO(client.get(url).content), sheet_name="明细", dtype=str)
    assert "银行账号" not in masked.columns
    csv = client.get(reverse("subsidies:batch_export", kwargs={"batch_id": batch.pk, "fmt": "csv"}),
                     {"full_ids": "true"}).content.decode("utf-8-sig")
    assert csv.splitlines()[0].split(",")[4:7] == ["身份证号码", "开户银行", "银行账号"] and ACCOUNT in csv
    recording.delete()
    plain = pd.read_excel(io.BytesIO(client.get(url, {"full_ids": "true"}).content), sheet_name="明细", dtype=str)
    assert "银行账号" not in plain.columns
