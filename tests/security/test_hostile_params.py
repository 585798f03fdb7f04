"""Every parameter that names a month, a date, a year, a page or an id answers 4xx on a hostile value,
on every page and every endpoint (issue 16): never a 5xx.

Routes are enumerated, not listed, with the access matrix's discovery (tests/security/test_access_matrix.py):
every web URL pattern and every GET operation of /api/openapi.json, path parameters filled with the
objects of facility A. Each route is read by the first of facility A's manager, the county's inspector,
the county's clerk and the administrator who may open it.

The query parameters tried on each route are the ones it actually reads (recorded while it answers a
plain GET: request.GET is wrapped so every key looked up is noted; for the API, its declared query
parameters) — each one alone with every hostile value — plus the common names (COMMON), all at once
with every hostile value. A parameter the route reads whose name says it is a month, date, year, page or
id (NAMED) must answer 4xx to every hostile value (live form previews excepted: FORM_PREVIEWS). Path parameters that name an id get the hostile values that still match the
URL pattern. A page answers 4xx however it likes (400 with the site's error page, 404, a form error
on a 200); the API's 4xx answers carry its error shape {"code", "message", "message_en", "errors"}.
"""
import json
import re
import time
from collections import Counter

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from tests.security.test_access_matrix import ADMIN_ROUTES, api_routes, fillings, providers, web_routes

pytestmark = pytest.mark.django_db

HOSTILE = [
    "9999-12", "0000-00", "2026-13", "2026-02-30", "9999-12-31", "0001-01-01", "-1", "0", "abc", "１２",
    "x" * 10_000, "\x00", "1e9", "99999999999999999999", "9223372036854775808", "2026-07-01T00:00:00",
]
# Names every route is tried with, whether it reads them or not.
COMMON = ["page", "month", "date", "year", "id", "facility", "facility_id", "person", "person_id", "region",
          "since", "until", "date_from", "date_to", "start", "end"]
# Path parameters that are not ids (a file format, a year of the calendar) keep their value.
NOT_IDS = {"fmt"}
API_ERROR_KEYS = {"code", "message", "message_en", "errors"}
# Pages that answer 404 without a query (nothing to show): the query they are opened with.
BASE_QUERY = {"staffing_what_if": lambda world: {"facility": world.places["a"].facility.pk, "add": "full"}}
# Query names that name a month, a date, a year, a page or an id: a hostile value read under one of
# them must be a 4xx (not ignored, not a 2xx), the promise of issue 16.
NAMED = re.compile(r"^(page|per_page|month|year|date|on|id|facility|person)$|_(on|id|month|date|from|to)$|^date_")
# Live previews of a form being typed (htmx GET of the form's fields): a bad value is reported next to
# its field on a 200, like the form itself does on POST. Never a 5xx all the same.
FORM_PREVIEWS = {"rating_preview", "assessment_preview"}

READ: set[str] = set()


class RecordingQueryDict(QueryDict):
    """request.GET that notes every key a view looks up."""

    def __getitem__(self, key):
        READ.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        READ.add(key)
        return super().__contains__(key)

    def get(self, key, default=None):
        READ.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        READ.add(key)
        return super().getlist(key, default)


def _recording_get(self):
    if "_recorded_get" not in self.__dict__:
        query = self.environ.get("QUERY_STRING", "").encode("iso-8859-1")
        self.__dict__["_recorded_get"] = RecordingQueryDict(query, encoding=self._encoding)
    return self.__dict__["_recorded_get"]


class Sweep:
    def __init__(self, world):
        self.world = world
        self.clients = {}
        self.outcomes = Counter()
        self.failures: list[str] = []
        self.requests = 0
        self.named: set[tuple[str, str]] = set()  # (route, query name) pairs that name a month, date, year, page or id

    def client(self, who):
        if who not in self.clients:
            user = self.world.cast[who]
            web, api = Client(raise_request_exception=False), Client(raise_request_exception=False)
            web.force_login(user)
            self.clients[who] = (web, {"HTTP_AUTHORIZATION": f"Bearer {self.world.token(user)}"}, api)
        return self.clients[who]

    def get(self, route, who, url, query):
        web, headers, api = self.client(who)
        query = (BASE_QUERY[route.name](self.world) if route.name in BASE_QUERY else {}) | query
        client, extra = (api, headers) if route.kind == "api" else (web, {})
        return client.get(url, query, **extra)

    def reader(self, route, url):
        """The first role that may open the route, and the query names it read; None if nobody may."""
        candidates = ["admin"] if route.name in ADMIN_ROUTES else ["manager_a", "inspector", "clerk", "admin"]
        for who in candidates:
            READ.clear()
            response = self.get(route, who, url, {})
            if response.status_code >= 500:
                self.failures.append(f"{who}: GET {url} (plain) → {response.status_code}")
            login = response.status_code == 302 and response["Location"].startswith(reverse("login"))
            if response.status_code not in (401, 403, 404, 405) and not login:
                return who, set(READ)
        return None, set()

    def check(self, route, who, url, query, *, what):
        response = self.get(route, who, url, query)
        self.requests += 1
        status = response.status_code
        self.outcomes[f"{status // 100}xx"] += 1
        shown = {name: (value[:12] + "…" if len(value) > 12 else value) for name, value in query.items()}
        where = f"{who}: GET {url} {shown!r} ({what})"
        name = next(iter(query), "")
        if what == "read" and NAMED.search(name) and route.name not in FORM_PREVIEWS:
            self.named.add((route.label, name))
            if status < 400:
                self.failures.append(f"{where} → {status}: a month, date, year, page or id out of range must be a 4xx")
        if status >= 500:
            self.failures.append(f"{where} → {status}")
        elif route.kind == "api" and status >= 400:
            try:
                body = json.loads(response.content)
            except ValueError:
                body = {}
            if not isinstance(body, dict) or not API_ERROR_KEYS <= set(body):
                self.failures.append(f"{where} → {status} without the API's error shape: {response.content[:120]!r}")

    def sweep(self, route, provide, openapi):
        if "GET" not in route.methods:
            return False
        values = (fillings(route, provide, "a") or [None])[0]
        if values is None:
            return False
        url = route.url(values)
        who, read = self.reader(route, url)
        if who is None:
            return False
        if route.kind == "api":
            operation = openapi["paths"][route.template]["get"]
            read = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        for name in sorted(read - {"limit", "offset"} if route.kind == "api" else read):
            for value in HOSTILE:
                self.check(route, who, url, {name: value}, what="read")
        for value in HOSTILE:
            self.check(route, who, url, dict.fromkeys(COMMON, value), what="common")
        for name in route.params:
            if name in NOT_IDS:
                continue
            for value in HOSTILE:
                hostile_url = route.url(values | {name: value})
                if route.kind == "web" and not _resolves(hostile_url):
                    continue
                self.check(route, who, hostile_url.replace("\x00", "%00"), {}, what=f"path {name}")
        return True


def _resolves(url):
    from django.urls import Resolver404, resolve

    try:
        resolve(url.split("?")[0])
    except Resolver404:
        return False
    return True


def test_no_hostile_month_date_page_or_id_gives_a_5xx(world, client, figures, monkeypatch):
    started = time.monotonic()
    monkeypatch.setattr(WSGIRequest, "GET", property(_recording_get))
    openapi = client.get("/api/openapi.json").json()
    routes = [route for route in web_routes() + api_routes(openapi) if "GET" in route.methods]
    provide = providers(world)
    sweep = Sweep(world)
    swept = Counter()
    unswept = []  # POST-only pages (405 to a GET) and routes nobody of the cast opens with a GET
    for route in routes:
        if sweep.sweep(route, provide, openapi):
            swept[route.kind] += 1
        else:
            unswept.append(route.label)
    figures(
        f"hostile parameters: {swept['web']} pages + {swept['api']} API operations swept of {len(routes)} GET routes, "
        f"{len(HOSTILE)} hostile values × (the names each reads, {len(COMMON)} common names, its path ids) = "
        f"{sweep.requests} requests; outcomes {dict(sorted(sweep.outcomes.items()))}; "
        f"{len(sweep.failures)} failures; {len(sweep.named)} (route, parameter) pairs that name a month, date, year, "
        f"page or id, each a 4xx for every hostile value ({time.monotonic() - started:.0f} s)"
    )
    figures(f"hostile parameters: not swept (no GET answer for any role): {', '.join(sorted(unswept))}")
    assert swept["web"] > 50 and swept["api"] > 30, f"too few routes reached: {dict(swept)}"
    assert not sweep.failures, "\n".join(sweep.failures[:80])
