"""Reads from a streaming replica, only where a page or a task asks for it.

A month's export or a region dashboard reads much and writes next to nothing; on a replica those
reads no longer compete with data entry on the primary. A replica may be a moment behind, so no read
goes there unless it is marked: `reads_from_replica` (a context manager, and a view decorator as
`@reads_from_replica()`) marks the reads that may. Every write, and every other read, uses the primary.

A user who has just written reads from the primary even there, so their own change is never missing
from the page that follows it: RecentWriteMiddleware remembers the last write for
REPLICA_STICKY_SECONDS in a signed cookie (not the session, which would cost a write of its own).

The settings register the router and the middleware only when DATABASE_REPLICA_URL is set.
"""
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
COOKIE = "recent_write"
_SALT = "common.replica"
# Methods that never change anything (Django's CSRF check exempts the same ones).
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")

_replica_allowed = ContextVar("replica_allowed", default=False)
_wrote_recently = ContextVar("wrote_recently", default=False)


@contextmanager
def reads_from_replica():
    """Reads inside may come from the replica (`with reads_from_replica():` in a task or a view,
    `@reads_from_replica()` on a whole view). Writes inside still go to the primary."""
    token = _replica_allowed.set(True)
    try:
        yield
    finally:
        _replica_allowed.reset(token)


def replica_reads_now() -> bool:
    """Whether a read now goes to the replica: inside `reads_from_replica`, unless this user wrote
    moments ago, or a transaction is open on the primary (whose reads must see its own writes)."""
    return _replica_allowed.get() and not _wrote_recently.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block


class ReplicaRouter:
    """Reads to the replica when `replica_reads_now()`; all else to the primary.

    A read outside the context names the primary instead of leaving the choice to Django, which
    would follow the database an object came from: a related lookup on a row read inside the context
    would otherwise still go to the replica long after it ended."""

    def db_for_read(self, model, **hints):
        return REPLICA if replica_reads_now() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}  # two copies of one database

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary's schema by itself


class RecentWriteMiddleware:
    """Keeps a browser's reads on the primary for REPLICA_STICKY_SECONDS after a write of its
    succeeded (any method but GET, HEAD, OPTIONS and TRACE, answered below 400). The cookie is signed
    with its time, so it cannot be forged or stretched; with several web machines it holds wherever
    the next request lands."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.REPLICA_STICKY_SECONDS
        wrote = request.get_signed_cookie(COOKIE, default=None, salt=_SALT, max_age=seconds) is not None
        token = _wrote_recently.set(wrote)
        try:
            response = self.get_response(request)
        finally:
            _wrote_recently.reset(token)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            response.set_signed_cookie(COOKIE, "1", salt=_SALT, max_age=seconds, httponly=True, samesite="Lax",
                                       secure=settings.SESSION_COOKIE_SECURE)
        return response
