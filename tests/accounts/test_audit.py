"""The access log: one record per access, append-only in the application and in the database,
pruned only after the retention period."""
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.audit import access_record, access_records_prune
from accounts.models import AccessAction, AccessRecord, AccessRecordImmutable
from accounts.tasks import prune_access_records

pytestmark = pytest.mark.django_db


def _record(user=None, **kwargs):
    return access_record(
        user=user, action=kwargs.pop("action", AccessAction.READ_ID_NUMBER), target=kwargs.pop("target", "person:12"), **kwargs
    )


def _record_aged(days, user=None):
    with time_machine.travel(timezone.now() - timedelta(days=days), tick=False):
        return _record(user, detail=f"{days} days old")


def test_it_takes_the_user_address_and_path_from_the_request(cast):
    request = RequestFactory().get("/people/12/", {"show": "id"}, REMOTE_ADDR="10.1.2.3")
    request.user = cast["clerk"]
    record = access_record(request=request, action=AccessAction.READ_ID_NUMBER, target="person:12", detail="查看身份证号码")
    record.refresh_from_db()
    assert (record.user, record.username, record.role) == (cast["clerk"], "clerk", "clerk")
    assert (record.ip, record.path, record.target) == ("10.1.2.3", "/people/12/?show=id", "person:12")
    assert record.at == pytest.approx(timezone.now(), abs=timedelta(seconds=5))


def test_it_keeps_the_username_and_role_of_the_time(cast):
    user = cast["inspector"]
    _record(user)
    user.username, user.role = "renamed", "clerk"
    user.save()
    assert AccessRecord.objects.values_list("username", "role").get() == ("inspector", "inspector")


def test_a_task_records_without_a_request(cast):
    record = _record(cast["clerk"], action=AccessAction.EXPORT_PERSONAL, target="claim_batch:3")
    assert (record.ip, record.path, record.username) == (None, "", "clerk")


def test_a_malformed_remote_address_is_left_out(cast):
    request = RequestFactory().get("/", REMOTE_ADDR="not-an-address")
    request.user = cast["clerk"]
    assert access_record(request=request, action=AccessAction.EXPORT, target="facility_list").ip is None


def test_a_record_cannot_be_changed_or_deleted_through_the_model(cast):
    record = _record(cast["clerk"])
    record.detail = "rewritten"
    with pytest.raises(AccessRecordImmutable):
        record.save()
    with pytest.raises(AccessRecordImmutable):
        record.delete()
    assert AccessRecord.objects.get().detail == ""


def test_a_new_instance_cannot_overwrite_an_existing_row(cast):
    record = _record(cast["clerk"])
    forged = AccessRecord(pk=record.pk, username="someone", action=AccessAction.EXPORT, target="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()
    assert AccessRecord.objects.get().username == "clerk"


def test_querysets_refuse_bulk_updates_and_deletes(cast):
    _record(cast["clerk"])
    with pytest.raises(AccessRecordImmutable):
        AccessRecord.objects.update(detail="rewritten")
    with pytest.raises(AccessRecordImmutable):
        AccessRecord.objects.filter(username="clerk").delete()
    assert AccessRecord.objects.filter(detail="").count() == 1


def test_the_database_refuses_an_update_by_raw_sql(cast):
    record = _record_aged(400, cast["clerk"])
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_accessrecord SET detail = 'rewritten' WHERE id = %s", [record.pk])
    assert AccessRecord.objects.get().detail == "400 days old"


def test_the_database_refuses_deleting_a_young_record_by_raw_sql(cast):
    record = _record_aged(10, cast["clerk"])
    with pytest.raises(DatabaseError, match="kept for 183 days"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_accessrecord WHERE id = %s", [record.pk])
    assert AccessRecord.objects.filter(pk=record.pk).exists()


def test_the_database_allows_deleting_a_record_past_183_days(cast):
    record = _record_aged(184, cast["clerk"])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_accessrecord WHERE id = %s", [record.pk])
    assert not AccessRecord.objects.exists()


def test_pruning_deletes_only_records_past_the_retention_period(cast):
    kept = [_record(cast["clerk"]).pk, _record_aged(182, cast["clerk"]).pk]
    _record_aged(184, cast["clerk"])
    _record_aged(400)
    assert access_records_prune(now=timezone.now()) == 2
    assert sorted(AccessRecord.objects.values_list("pk", flat=True)) == sorted(kept)


def test_a_longer_retention_keeps_more(cast, settings):
    settings.AUDIT_RETENTION_DAYS = 365
    _record_aged(184, cast["clerk"])
    old = _record_aged(366, cast["clerk"])
    assert access_records_prune(now=timezone.now()) == 1
    assert not AccessRecord.objects.filter(pk=old.pk).exists()


def test_the_database_refuses_pruning_younger_records_whatever_the_setting(cast, settings):
    settings.AUDIT_RETENTION_DAYS = 5
    _record_aged(10, cast["clerk"])
    with pytest.raises(DatabaseError, match="kept for 183 days"), transaction.atomic():
        access_records_prune(now=timezone.now())
    assert AccessRecord.objects.count() == 1


def test_the_nightly_task_prunes(cast):
    _record_aged(184, cast["clerk"])
    _record(cast["clerk"])
    assert prune_access_records.delay().get() == 1
    assert AccessRecord.objects.count() == 1


def test_pruning_is_on_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "accounts.tasks.prune_access_records" in tasks


def test_a_user_with_access_records_cannot_be_deleted(cast):
    _record(cast["clerk"])
    with pytest.raises(ProtectedError):
        cast["clerk"].delete()


def test_the_admin_site_shows_records_read_only(cast, login):
    record = _record(cast["clerk"])
    client = login(cast["admin"])
    assert client.get(reverse("admin:accounts_accessrecord_changelist")).status_code == 200
    page = client.get(reverse("admin:accounts_accessrecord_change", args=[record.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:accounts_accessrecord_add")).status_code == 403
    assert client.post(reverse("admin:accounts_accessrecord_delete", args=[record.pk]), {"post": "yes"}).status_code == 403
    assert client.post(
        reverse("admin:accounts_accessrecord_change", args=[record.pk]), {"detail": "rewritten"}
    ).status_code == 403
    assert AccessRecord.objects.get().detail == ""
