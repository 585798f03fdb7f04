"""Which database a read or a write goes to (common.replica), on any database: the router's decisions,
the context, the stickiness after a write, and the pages that opt in. tests/scale/test_real_replica.py
proves the same against a real streaming replica."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import AccessRecord
from common.replica import COOKIE, RecentWriteMiddleware, ReplicaRouter, reads_from_replica, replica_reads_now
from facilities.models import Facility

router = ReplicaRouter()
START = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def where_reads_go() -> str:
    return router.db_for_read(Facility)


# --- the router and the context ---------------------------------------------------------------


def test_reads_go_to_the_primary_unless_inside_the_context():
    assert where_reads_go() == "default"
    with reads_from_replica():
        assert where_reads_go() == "replica"
    assert where_reads_go() == "default"


def test_writes_go_to_the_primary_even_inside_the_context():
    with reads_from_replica():
        assert router.db_for_write(Facility) == "default"
        assert router.db_for_write(AccessRecord) == "default"


def test_the_context_nests_and_ends_with_its_block_even_when_the_block_fails():
    with reads_from_replica():
        with reads_from_replica():
            assert where_reads_go() == "replica"
        assert where_reads_go() == "replica"
    with pytest.raises(LookupError), reads_from_replica():
        raise LookupError
    assert where_reads_go() == "default"


def test_as_a_decorator_it_holds_for_each_call_and_only_during_it():
    @reads_from_replica()
    def report():
        return where_reads_go()

    assert [report(), report()] == ["replica", "replica"]
    assert where_reads_go() == "default"


def test_rows_of_both_copies_may_be_related_and_only_the_primary_is_migrated():
    primary, replica = Facility(), Facility()
    primary._state.db, replica._state.db = "default", "replica"
    assert router.allow_relation(primary, replica)
    assert router.allow_migrate("default", "facilities") and not router.allow_migrate("replica", "facilities")


@pytest.mark.django_db(transaction=True)
def test_a_transaction_on_the_primary_keeps_its_reads_there():
    """Its reads must see its own writes, which the replica has not yet."""
    with reads_from_replica():
        assert where_reads_go() == "replica"
        with transaction.atomic():
            assert where_reads_go() == "default"


# --- the browser's recent write ---------------------------------------------------------------


def _answer(status=200):
    """A view that answers `status` and notes where its reads inside the context would go."""

    def view(request):
        with reads_from_replica():
            view.reads = where_reads_go()
        return HttpResponse(status=status)

    return view


def _request(method="get", cookie=None):
    request = getattr(RequestFactory(), method)("/")
    if cookie is not None:
        request.COOKIES[COOKIE] = cookie
    return request


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def test_after_a_write_the_browser_reads_from_the_primary_for_the_sticky_seconds(clock, settings):
    response = RecentWriteMiddleware(_answer(302))(_request("post"))
    cookie = response.cookies[COOKIE]
    assert cookie["max-age"] == settings.REPLICA_STICKY_SECONDS and cookie["httponly"]
    view = _answer()
    clock.shift(timedelta(seconds=settings.REPLICA_STICKY_SECONDS - 1))
    RecentWriteMiddleware(view)(_request(cookie=cookie.value))
    assert view.reads == "default"
    clock.shift(timedelta(seconds=2))
    RecentWriteMiddleware(view)(_request(cookie=cookie.value))
    assert view.reads == "replica"


def test_another_browser_still_reads_from_the_replica(clock):
    RecentWriteMiddleware(_answer(302))(_request("post"))
    view = _answer()
    RecentWriteMiddleware(view)(_request())
    assert view.reads == "replica"


@pytest.mark.parametrize(("method", "status"), [
    ("get", 200), ("head", 200), ("options", 200), ("post", 400), ("post", 403), ("delete", 404), ("post", 500),
])
def test_reads_and_refused_writes_leave_no_mark(clock, method, status):
    assert COOKIE not in RecentWriteMiddleware(_answer(status))(_request(method)).cookies


def test_a_forged_mark_counts_for_nothing(clock):
    view = _answer()
    RecentWriteMiddleware(view)(_request(cookie="1"))
    assert view.reads == "replica"


def test_the_mark_holds_for_its_request_only(clock):
    cookie = RecentWriteMiddleware(_answer(302))(_request("post")).cookies[COOKIE].value
    RecentWriteMiddleware(_answer())(_request(cookie=cookie))
    with reads_from_replica():
        assert replica_reads_now()  # a Celery task, or the next request of another browser


# --- the pages that opt in --------------------------------------------------------------------


class DecisionRecorder:
    """Notes where ReplicaRouter would send each read and write, and leaves the choice to Django
    (this database holds no replica alias)."""

    def __init__(self):
        self.reads, self.writes = [], []

    def db_for_read(self, model, **hints):
        self.reads.append(router.db_for_read(model, **hints))

    def db_for_write(self, model, **hints):
        self.writes.append((model, router.db_for_write(model, **hints)))


@pytest.fixture
def recorder(settings):
    recorder = DecisionRecorder()
    settings.DATABASE_ROUTERS = [recorder]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(middleware.index("common.session_renewal.SessionRenewalMiddleware") + 1,
                      "common.replica.RecentWriteMiddleware")
    settings.MIDDLEWARE = middleware
    return recorder


# (who, page, its arguments, its query)
REPORTS = [
    ("clerk", "subsidies:batch_list_export", {"fmt": "csv"}, "?month=2026-07"),
    ("clerk", "subsidies:batch_list_export", {"fmt": "xlsx"}, "?month=2026-07"),
    ("clerk", "subsidies:overview_export", {"fmt": "csv"}, "?month=2026-07"),
    ("clerk", "subsidies:overview", {}, "?month=2026-07"),
    ("inspector", "inspection_region", {}, ""),
    ("inspector", "complaint_region", {}, ""),
    ("inspector", "staffing_dashboard", {}, ""),
    ("inspector", "staffing_dashboard", {}, "?export=csv"),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("who", "page", "kwargs", "query"), REPORTS)
def test_exports_dashboards_and_region_reports_read_from_the_replica(cast, login, recorder, who, page, kwargs, query):
    client = login(cast[who])
    recorder.reads.clear()
    assert client.get(reverse(page, kwargs=kwargs) + query).status_code == 200
    assert "replica" in recorder.reads
    assert {alias for _model, alias in recorder.writes} <= {"default"}
    if "export" in page + query:
        assert AccessRecord in {model for model, _alias in recorder.writes}  # the access log, on the primary


@pytest.mark.django_db(transaction=True)
def test_other_pages_and_the_api_read_from_the_primary(cast, login, recorder):
    client = login(cast["clerk"])
    recorder.reads.clear()
    assert client.get(reverse("subsidies:batch_list")).status_code == 200
    assert client.get("/api/subsidies/batches").status_code == 200
    assert recorder.reads and set(recorder.reads) == {"default"}


@pytest.mark.django_db(transaction=True)
def test_the_user_who_just_wrote_reads_the_reports_from_the_primary(cast, login, recorder):
    client = login(cast["clerk"])
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    recorder.reads.clear()
    assert client.get(reverse("subsidies:overview")).status_code == 200
    assert recorder.reads and set(recorder.reads) == {"default"}
