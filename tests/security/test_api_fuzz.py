"""Schemathesis against /api/openapi.json: every operation, generated valid and invalid inputs, hostile values.

The schema is loaded from the Django application in-process (`schemathesis.openapi.from_wsgi` with
`config.wsgi.application`), so requests run in the test's database transaction and see the world of
tests/security/conftest.py. Each request carries a real API token of one of the cast (or a forged
one) and runs inside a savepoint that is rolled back afterwards, so every example meets the same
data and a rejected write cannot poison the next request.

Checks on every response: no 5xx (`not_a_server_error`), the status code is documented, the
content type is the documented one and the body conforms to the documented schema. Hypothesis is
derandomized with a bounded number of examples per operation and mode, so the whole module takes
well under three minutes on a two-core machine and fails the same way every time.
"""
import json
import logging
import os
import re
import sys
import time
import traceback
from collections import Counter, defaultdict
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from facilities.models import Inspection
from tests.security.payloads import Fill, plausible, request_body, resolve

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Generated examples per operation and generation mode: enough to reach every branch of a ten-line
# handler, few enough that ~50 operations × 2 modes stay within the time budget.
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 6}
# Who calls: managers, regional users of both provinces, the administrator, and a forged token.
ROLES = ("manager_a", "inspector", "inspector_city", "inspector_other", "clerk", "admin", "forged")
FORGED_TOKEN = "deadbeef.not-a-real-secret"

HUGE = "长" * 100_000
HOSTILE_STRINGS = [
    HUGE,
    "a" * 5_000,
    "e\u0301\u0302\u0303\u0304" * 40,  # combining marks stacked on one letter
    "\u202e\u0645\u0631\u062d\u0628\u0627\u202c RTL override",  # Arabic inside a right-to-left override
    "👵🏽👨‍👩‍👧‍👦🏥" * 30,  # emoji with skin tone and ZWJ sequences
    "\x00",
    "张\x00三",
    "\ud800",  # a lone surrogate: legal in JSON text ("\\ud800"), not encodable as UTF-8
    "\udfff张",
    "\u200b\ufeff\u2028\u2029",  # zero-width space, BOM, line and paragraph separators
    "Ｚｈａｎｇ１２３",  # fullwidth letters and digits
    "'; DROP TABLE facilities_facility; --",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil.example","x")',
    "../../../../etc/passwd",
    "%00%ff",
    " ",
    "",
    "NaN",
    "1e309",
    "-0",
    "９９",  # fullwidth digits (str.isdigit() is true for them)
]
HOSTILE_NUMBERS = [1_000_000, -1, 0, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30, 1.5, True]
WRONG_TYPES = [None, [], {}, [1, 2], {"a": 1}, True, 12345, "字符串"]
# Who sends the hostile values: people who may see place A, whose ids fill the paths.
HOSTILE_CALLERS = ("manager_a", "inspector", "clerk", "admin")
HOSTILE_QUERIES = [
    {"limit": 1_000_000}, {"limit": 0}, {"limit": -1}, {"offset": 10**12}, {"offset": -5},
    {"limit": "abc"}, {"offset": 2**64}, {"offset": 2**63 - 1, "limit": 200}, {"limit": 10**30},
]
# Raw request bodies that no schema allows: broken and hostile JSON, and the wrong top-level types.
RAW_BODIES = [
    b"{", b"", b"null", b"[]", b'"text"', b"123", b"\xff\xfe\x00garbage",
    b'{"a": ' * 50_000 + b"1" + b"}" * 50_000,  # deeply nested JSON
    b"[" * 100_000 + b"]" * 100_000,
    b'{"name": "\\ud800"}',
]


@contextmanager
def in_process_django():
    """What django.test.Client does around a request: keep the test's connection open, record crashes."""
    crashes = []

    def on_exception(sender, request=None, **kwargs):
        crashes.append("".join(traceback.format_exception(*sys.exc_info())))

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(on_exception)
    log = logging.getLogger("django.request")  # thousands of 4xx warnings; crashes are kept above
    level, log.level = log.level, logging.CRITICAL
    try:
        yield crashes
    finally:
        log.level = level
        got_request_exception.disconnect(on_exception)
        request_finished.connect(close_old_connections)
        request_started.connect(close_old_connections)


class Fuzzer:
    def __init__(self, world, schema):
        self.world = world
        self.schema = schema
        self.requests = 0
        self.server_errors = 0
        self.violations = 0
        self.problems: dict[tuple, str] = {}
        self.statuses = Counter()
        self.crashes = []
        self.tokens = {who: world.token(who) for who in ROLES if who != "forged"} | {"forged": FORGED_TOKEN}
        self.known = self._known_ids()

    def _known_ids(self) -> dict[str, list[int]]:
        """Real ids per path-parameter name, one per place a, b, c, y (the access matrix's providers), so
        generated requests meet real rows of every scope; a name without a provider gets id 1."""
        from tests.security.test_access_matrix import providers

        known = defaultdict(lambda: [1, 1, 1, 1])
        for name, provide in providers(self.world).items():
            values = [(provide(key) or [1])[0] for key in ("a", "b", "c", "y")]
            if all(isinstance(value, int) for value in values):
                known[name] = values
        return known

    def send(self, case, who: str, **kwargs):
        """One request in a savepoint that is always rolled back; the response is checked and tallied."""
        self.requests += 1
        sid = transaction.savepoint()
        crashed_before = len(self.crashes)
        try:
            response = case.call(headers={"Authorization": f"Bearer {self.tokens[who]}"}, **kwargs)
        finally:
            transaction.savepoint_rollback(sid)
        self.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            self._record(case, who, response, group.exceptions, self.crashes[crashed_before:])
        except Failure as failure:
            self._record(case, who, response, [failure], self.crashes[crashed_before:])
        return response

    def _record(self, case, who, response, failures, crashes):
        if response.status_code >= 500:
            self.server_errors += 1
        else:
            self.violations += 1
        for failure in failures:
            key = (case.operation.label, failure.title, response.status_code)
            if key not in self.problems:
                detail = crash_summary(crashes[-1]) if crashes else failure.message.splitlines()[0:3]
                self.problems[key] = (
                    f"{case.operation.label} as {who}: {failure.title} ({response.status_code}): {detail}\n"
                    f"    query={str(case.query)[:200]} body={str(case.body)[:200]} path={case.path_parameters}"
                )

    # --- generated inputs ------------------------------------------------------------------

    def generated(self, operation, mode: GenerationMode):
        names = [p.name for p in operation.path_parameters]
        strategy = st.tuples(
            operation.as_strategy(generation_mode=mode),
            st.sampled_from(ROLES),
            st.sampled_from(range(5)),  # 0–3: a real object of place a, b, c or y; 4: whatever was generated
        )

        @hypothesis_settings(
            max_examples=EXAMPLES[mode], derandomize=True, database=None, deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(strategy)
        def run(drawn):
            case, who, place = drawn
            if place < 4:
                for name in names:
                    case.path_parameters[name] = self.known[name][place]
                if isinstance(case.body, dict) and "facility_id" in case.body:
                    case.body["facility_id"] = self.known["facility_id"][place]
            self.send(case, who)

        try:
            run()
        except Unsatisfiable:
            # Nothing to negate: no parameters and no body (GET /api/me).
            assert mode is GenerationMode.NEGATIVE and not operation.path_parameters and not list(operation.query)

    # --- hostile values ----------------------------------------------------------------------

    def hostile(self, operation, index: int):
        """Every hostile value once per operation, spread round-robin over its query parameters and
        body fields (so each field meets several), plus a share of the hostile pagination queries and
        raw bodies, which exercise code all operations share. Callers rotate so the value reaches the
        handler as someone who may see place A."""
        path = {p.name: self.known[p.name][0] for p in operation.path_parameters}
        found = self._body_fields(operation)
        media_type, base = found if found else (None, {})
        slots = [("query", p.name) for p in operation.query if p.name not in ("limit", "offset")]
        slots += [("body", name) for name in base]
        if media_type == "multipart/form-data":
            values = [v for v in HOSTILE_STRINGS if not ("\ud800" in v or "\udfff" in v)]
        else:
            values = HOSTILE_STRINGS + HOSTILE_NUMBERS + WRONG_TYPES
        for i, value in enumerate(values if slots else ()):
            where, name = slots[(i + index) % len(slots)]
            who = HOSTILE_CALLERS[i % len(HOSTILE_CALLERS)]
            if where == "query":
                self._hostile_query(operation, path, name, value, who)
            elif media_type == "application/json":
                self.send_json(operation, path, {**base, name: value}, who)
            else:
                self.send(operation.Case(path_parameters=path, body={**base, name: value}, media_type=media_type), who)
        if any(p.name == "limit" for p in operation.query):
            for query in rotate(HOSTILE_QUERIES, index, 3):
                self.send(operation.Case(path_parameters=path, query=query), "inspector")
        if media_type == "application/json":
            for raw in rotate(RAW_BODIES, index, 3):
                self.send(operation.Case(path_parameters=path, body={}, media_type=media_type), "inspector", data=raw)

    def _hostile_query(self, operation, path, name, value, who):
        if isinstance(value, str) and ("\ud800" in value or "\udfff" in value):
            # Not encodable as UTF-8: sent as the raw bytes a broken client would put in the URL.
            self.send(operation.Case(path_parameters=path, query={}), who, params=f"{name}=%ED%A0%80%F0%9F")
        else:
            # A URL is not a body: servers cut it at a few kilobytes, so the huge string is cut too.
            value = value[:4000] if isinstance(value, str) else value
            self.send(operation.Case(path_parameters=path, query={name: value}), who)

    def send_json(self, operation, path, body, who):
        """JSON encoded by us (ensure_ascii), so lone surrogates travel as legal \\ud800 escapes."""
        case = operation.Case(path_parameters=path, body=body, media_type="application/json")
        return self.send(case, who, data=json.dumps(body).encode())

    def _body_fields(self, operation):
        """A plausible body (every field filled, tests/security/payloads.py) to vary field by field."""
        found = request_body(self.schema.raw_schema, operation.path, operation.method)
        if found is None:
            return None
        media_type, body_schema = found
        place = self.world.places["a"]
        fill = Fill(facility_id=place.facility.pk, region_code="621002", month=self.world.month)
        return media_type, plausible(body_schema, self.schema.raw_schema["components"]["schemas"], fill)


def crash_summary(trace: str) -> str:
    """The exception line of a traceback (a database error's own message can span several lines)."""
    lines = [line for line in trace.splitlines() if re.match(r"^[\w.]+(Error|Exception|Warning)\b", line)]
    return lines[-1] if lines else trace.strip().splitlines()[-1]


def rotate(items, start, count):
    """`count` items from `start` on, wrapping: operation i takes its share of a list shared by all."""
    return [items[(start * count + k) % len(items)] for k in range(min(count, len(items)))]


def test_schemathesis_finds_no_server_errors_and_no_schema_violations(world, figures):
    from config.wsgi import application  # the production entry point, loaded once Django is set up

    started = time.monotonic()
    config = SchemathesisConfig()
    # The Authorization header is ours (a real token of the cast, or a forged one), never generated.
    config.projects.default.generation.update(with_security_parameters=False)
    with in_process_django() as crashes:
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, config=config)
        operations = [result.ok() for result in schema.get_all_operations()]
        # SECURITY_FUZZ_ONLY=complaints runs only the operations whose label contains it (while fixing).
        operations = [op for op in operations if os.environ.get("SECURITY_FUZZ_ONLY", "") in op.label]
        fuzzer = Fuzzer(world, schema)
        fuzzer.crashes = crashes
        for index, operation in enumerate(operations):
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                fuzzer.generated(operation, mode)
            fuzzer.hostile(operation, index)
    elapsed = time.monotonic() - started
    figures(
        f"schemathesis: {len(operations)} operations, {fuzzer.requests} requests, "
        f"{fuzzer.server_errors} server errors, {fuzzer.violations} schema violations "
        f"({elapsed:.0f} s; statuses {dict(sorted(fuzzer.statuses.items()))})"
    )
    problems = "\n".join(fuzzer.problems.values())
    assert not fuzzer.problems, f"{len(fuzzer.problems)} distinct problems:\n{problems}"


@pytest.mark.parametrize("text", ["督查\x00组", "\ud800", "组\udfff"])
def test_text_the_database_cannot_store_is_a_field_error_and_writes_nothing(world, client, text):
    """A NUL or a lone surrogate (legal in JSON) used to reach PostgreSQL and end in a 500."""
    auth = {"HTTP_AUTHORIZATION": f"Bearer {world.token('inspector')}"}
    body = {"facility_id": world.places["a"].facility.pk, "inspected_on": str(world.month), "kind": "routine",
            "inspectors": text}
    before = Inspection.objects.count()
    response = client.post("/api/inspections", json.dumps(body), content_type="application/json", **auth)
    assert response.status_code == 422, response.content
    assert [error["field"] for error in response.json()["errors"]] == ["inspectors"]
    assert Inspection.objects.count() == before
    response = client.get("/api/subsidies/batches", {"q": text.replace("\ud800", "").replace("\udfff", "") or "\x00"},
                          **auth)
    assert response.status_code in (200, 422)
    if "\x00" in text:
        assert response.status_code == 422
        assert [error["field"] for error in response.json()["errors"]] == ["q"]


EXTREME_TIMES = {
    "date-time": ["2020-01-01T00:00:00-19:58", "2020-01-01T00:00:00+23:59", "0001-01-01T00:00:00+23:59",
                  "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00", "9999-12-31T23:59:59.999999"],
    "date": ["0001-01-01", "9999-12-31", "1900-02-28"],
}


def test_extreme_dates_and_times_are_refused_or_stored_never_a_500(world, client):
    """Every date and date-time field of every API body, at the ends of the calendar and with offsets
    PostgreSQL cannot store: a field error or a success, never a crash (date arithmetic overflows)."""
    from django.db import transaction

    openapi = client.get("/api/openapi.json").json()
    components = openapi["components"]["schemas"]
    place = world.places["a"]
    fill = Fill(facility_id=place.facility.pk, region_code="621002", month=world.month)
    path_values = {name: values[0] for name, values in _known(world).items()}
    crashes, tried = [], 0
    for path, operations in openapi["paths"].items():
        for method in operations:
            found = request_body(openapi, path, method)
            if found is None:
                continue
            media_type, schema = found
            base = plausible(schema, components, fill)
            properties = resolve(schema, components).get("properties", {})
            url = re.sub(r"{(\w+)}", lambda m: str(path_values.get(m.group(1), 1)), path)
            for name, prop in properties.items():
                kind = _format(resolve(prop, components), components)
                for value in EXTREME_TIMES.get(kind, ()):
                    for who in ("manager_a", "inspector", "clerk"):
                        auth = {"HTTP_AUTHORIZATION": f"Bearer {world.token(who)}"}
                        body = {**base, name: value}
                        sid = transaction.savepoint()
                        if media_type == "application/json":
                            response = client.generic(method.upper(), url, json.dumps(body),
                                                      content_type=media_type, **auth)
                        else:
                            response = client.post(url, body, **auth)
                        transaction.savepoint_rollback(sid)
                        tried += 1
                        if response.status_code >= 500:
                            crashes.append(f"{method.upper()} {path} {name}={value} as {who}")
    assert tried
    assert not crashes, "\n".join(crashes)


def _format(prop, components):
    for combinator in ("anyOf", "oneOf", "allOf"):
        for option in prop.get(combinator, ()):
            found = _format(resolve(option, components), components)
            if found:
                return found
    return prop.get("format")


def _known(world):
    from tests.security.test_access_matrix import providers

    known = {}
    for name, provide in providers(world).items():
        values = provide("a")
        if values and isinstance(values[0], int):
            known[name] = values
    return known
