"""Against a real streaming replica: rows written on the primary are read back through the replica by an
export and a region report once the replica has replayed them, the access record of the export is
written on the primary, and a user who has just written reads from the primary.

Runs when DATABASE_REPLICA_URL names a streaming replica of the PostgreSQL DATABASE_URL (CI starts
one on port 5433 with pg_basebackup); skipped otherwise, and failed instead with REQUIRE_REPLICA=1,
as in CI. The alias is a test mirror (config/settings/test.py): the replica's host and port with the
primary's test database, which the replica copies. The router is off in the rest of the suite and
switched on here.
"""
import os
import time
from datetime import date

import pytest
from django.db import OperationalError, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from subsidies.models import BatchStatus, ClaimBatch
from tests.helpers import claim_resident

JULY = date(2026, 7, 1)
REPLAY_SECONDS = 30  # the most the replica may take to replay what the primary wrote

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, databases="__all__")]


@pytest.fixture
def replica(settings):
    """The replica's connection, with reads marked `reads_from_replica` routed to it."""
    unavailable = pytest.fail if os.environ.get("REQUIRE_REPLICA") else pytest.skip
    if "replica" not in settings.DATABASES:
        unavailable("needs DATABASE_REPLICA_URL, a streaming replica of the PostgreSQL DATABASE_URL (CI starts one)")
    settings.DATABASE_ROUTERS = ["common.replica.ReplicaRouter"]
    return connections["replica"]


def _one(connection, sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _replayed(replica) -> None:
    """Wait until the replica has replayed everything written on the primary so far."""
    written = _one(connections["default"], "SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + REPLAY_SECONDS
    while True:
        try:
            if _one(replica, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [written]):
                return
        except OperationalError:  # the test database itself not replayed yet
            replica.close()
        if time.monotonic() > deadline:
            pytest.fail(f"the replica did not replay the primary's WAL up to {written} within {REPLAY_SECONDS} s")
        time.sleep(0.05)


def _tables(queries) -> str:
    return "\n".join(query["sql"] for query in queries.captured_queries)


@pytest.fixture
def july(replica, sample_standards, cast, facilities, generate):
    """A July claim batch for facility A, written on the primary and replayed on the replica."""
    claim_resident(facilities["a"], "复制甲")
    generate(JULY)
    _replayed(replica)
    return ClaimBatch.objects.get(month=JULY, facility=facilities["a"])


def test_an_export_and_a_region_report_read_from_the_replica(replica, july, cast, facilities, login):
    assert _one(replica, "SELECT pg_is_in_recovery()") and not _one(connections["default"], "SELECT pg_is_in_recovery()")
    client = login(cast["clerk"])
    url = reverse("subsidies:batch_list_export", kwargs={"fmt": "csv"})
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connections["default"]) as on_primary:
        response = client.get(url, {"month": "2026-07"})
    assert response.status_code == 200
    assert "复制甲" in response.content.decode("utf-8-sig")
    assert "subsidies_claimline" in _tables(on_replica) and "subsidies_claimline" not in _tables(on_primary)
    assert 'INSERT INTO "accounts_accessrecord"' in _tables(on_primary)  # the export's access record
    assert _one(replica, "SELECT pg_is_in_recovery()")  # the connection that served the read is the replica's

    client = login(cast["inspector_city"])
    with CaptureQueriesContext(replica) as on_replica:
        page = client.get(reverse("inspection_region"))
    assert page.status_code == 200 and facilities["a"].name in page.content.decode()
    assert "facilities_facility" in _tables(on_replica)


def test_a_user_who_just_wrote_reads_from_the_primary(replica, july, cast, login):
    manager = login(cast["manager_a"])
    assert manager.post(reverse("subsidies:batch_submit", args=[july.pk])).status_code == 302
    july.refresh_from_db()
    assert july.status == BatchStatus.SUBMITTED
    export = reverse("subsidies:batch_export", kwargs={"batch_id": july.pk, "fmt": "csv"})
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connections["default"]) as on_primary:
        assert manager.get(export).status_code == 200
    assert on_replica.captured_queries == [] and "subsidies_claimline" in _tables(on_primary)

    clerk = Client()  # another browser, which wrote nothing: its export reads from the replica
    clerk.force_login(cast["clerk"])
    with CaptureQueriesContext(replica) as on_replica:
        assert clerk.get(export).status_code == 200
    assert "subsidies_claimline" in _tables(on_replica)
