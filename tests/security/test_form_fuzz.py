"""Property-based tests of every web form: hostile values, submitted by someone who may use the form.

The API is fuzzed in test_api_fuzz.py and other scopes' objects are tried in test_access_matrix.py;
this module covers the HTML forms. Every web route of the access matrix is filled with the objects
of facility A and opened by each of A's owners (manager, inspector, clerk). Every `<form method="post">`
on a page they get is read with html.parser (inputs, selects with their options, textareas; the CSRF
token, buttons and disabled fields left out) and submitted to its action with values Hypothesis draws
from hostile pools: the API fuzzer's strings (those UTF-8 can carry), numbers and impossible dates as
text, empty values, bogus options and other places' ids; file fields also get a wrong-type and an
oversized upload. Forms without a field (one-button actions) have nothing to fuzz and are left out.

Every submission runs in a savepoint that is rolled back, with its queries captured, and:
- never answers 5xx;
- when rejected (a 4xx, or the page again with an error: invalid-feedback, errorlist, alert-danger,
  is-invalid or the import's border-danger card) writes nothing but bookkeeping;
- when it carries a value its field can accept in no circumstance (see `impossible`), is rejected or
  redirected without writing: never quietly accepted.
"""
import logging
import math
import re
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.factories import make_id_number
from tests.security.test_access_matrix import BOOKKEEPING_TABLES, WRITE, fillings, providers, web_routes
from tests.security.test_api_fuzz import HOSTILE_NUMBERS, HOSTILE_STRINGS

pytestmark = pytest.mark.django_db

EXAMPLES = 15  # Hypothesis examples per form and user: ~80 of them take about 15 s on two cores
# The API fuzzer's strings but lone surrogates (UTF-8 cannot carry them, so no browser sends them).
TEXTS = [text for text in HOSTILE_STRINGS if not re.search("[\ud800-\udfff]", text)] + [
    "长" * 10_000, "=1+1", "' OR '1'='1' --"]
NUMBERS = [str(number) for number in HOSTILE_NUMBERS] + [
    "-1", "1e309", "NaN", "Infinity", "99999999999999999999", "1.005", "0.000000001"]
POSSIBLE_DATES = ["9999-12-31", "1900-01-01", "9999-12", "1900-01"]
DATES = ["2026-02-30", "0000-00-00", "-1", "2026-13-01", "2026-13", "0000-00", "31/02/2026"] + POSSIBLE_DATES
DATE_KINDS = ("date", "month", "datetime-local", "time")  # "date" also for text inputs with a YYYY-MM-DD placeholder
TEXT_KINDS = ("text", "textarea", "email", "tel", "url", "search", "password")
PLAUSIBLE_BY_NAME = {"id_number": make_id_number(born=date(1951, 5, 4), serial=77), "hukou_region": "621002100",
                     "residence_region": "621002100"}
PLAUSIBLE_BY_NAME["relative_id_number"] = PLAUSIBLE_BY_NAME["id_number"]
BOGUS_OPTION = "no-such-option"
PDF = b"%PDF-1.4\n% oversized\n"
OVERSIZED = 10 * 1024 * 1024 + 1  # one byte over the largest limit of any upload (reports, evidence)
# An error shown with the form: a field's message, a form's, or the import's problem card.
ERROR_SHOWN = re.compile(r'class="[^"]*\b(invalid-feedback|errorlist|alert-danger|is-invalid|border-danger)\b')
# The access matrix's bookkeeping but API tokens: the token form creates them, so they are its changes.
BOOKKEEPING = tuple(table for table in BOOKKEEPING_TABLES if table != "accounts_apitoken")

# Failures found and reported for fixing: (route name, field name, what). Remove an entry once fixed.
KNOWN_FAILURES: set[tuple[str, str, str]] = set()


@dataclass
class Field:
    name: str
    kind: str  # the input's type, "select" or "textarea"
    initial: str = ""
    options: list[str] = field(default_factory=list)
    maxlength: int | None = None


@dataclass
class Form:
    page: str  # the URL that shows the form
    action: str  # the path it posts to
    route: str  # the action's route name
    user: object
    fields: dict[str, Field]


class PostForms(HTMLParser):
    """The post forms of a page: (action, fields)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict[str, Field]]] = []
        self._fields = self._select = self._textarea = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._fields = {}
            self.forms.append((attrs.get("action") or "", self._fields))
        elif tag == "option" and self._select is not None:
            self._select.options.append(attrs.get("value") or "")
            if "selected" in attrs:
                self._select.initial = attrs.get("value") or ""
        elif self._fields is None or not name or name == "csrfmiddlewaretoken" or "disabled" in attrs:
            return
        elif tag == "input":
            self._input(name, (attrs.get("type") or "text").lower(), attrs)
        elif tag in ("select", "textarea"):
            maxlength = attrs.get("maxlength") or ""
            created = self._fields[name] = Field(name, tag, maxlength=int(maxlength) if maxlength.isdigit() else None)
            self._select, self._textarea = (created, None) if tag == "select" else (None, created)

    def _input(self, name, kind, attrs):
        value = attrs.get("value") or ""
        if kind in ("submit", "button", "reset", "image"):
            return
        if kind in ("radio", "checkbox"):  # one field, each box an option
            box = self._fields.setdefault(name, Field(name, kind))
            box.options.append(value or "on")
            if "checked" in attrs:
                box.initial = value or "on"
            return
        if kind == "text" and (attrs.get("placeholder") or "").startswith("YYYY-MM-DD"):
            kind = "date"  # common.forms.DATE_INPUT and DATETIME_INPUT
        maxlength = attrs.get("maxlength") or ""
        self._fields[name] = Field(name, kind, initial=value, maxlength=int(maxlength) if maxlength.isdigit() else None)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.initial += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_forms(world) -> tuple[list[Form], dict[str, Client]]:
    """Every post form A's owners are shown on A's pages, once per user and action; and their clients."""
    provide = providers(world)
    routes = [route for route in web_routes() if all(name in provide for name in route.params)]
    names = {route.name for route in routes}  # actions outside them (language, logout) are not the project's forms
    clients = {}
    for user in world.owners["a"]:
        clients[user.username] = Client()
        clients[user.username].force_login(user)
    found = {}
    for route in routes:
        for values in fillings(route, provide, "a"):
            page = route.url(values)
            for user in world.owners["a"]:
                response = clients[user.username].get(page)
                if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                    continue
                for action, fields in PostForms(response.content.decode()).forms:
                    target = urlsplit(urljoin(page, action))
                    try:
                        name = resolve(target.path).url_name
                    except Resolver404:
                        continue
                    if fields and name in names and not target.netloc:
                        found.setdefault((user.username, target.path), Form(page, target.path, name, user, fields))
    return list(found.values()), clients


def impossible(field_: Field, value) -> bool:
    """A value the field can accept in no circumstance: not a date in a date field, not a finite number
    in a number field, not one of the options, a NUL byte, text over the maxlength, an email without @,
    and the only uploads sent: wrong-type and oversized files."""
    if field_.kind == "file":
        return True
    if not value.strip():
        return False
    if field_.kind in DATE_KINDS:
        return value not in POSSIBLE_DATES
    if field_.kind == "number":
        try:
            return not math.isfinite(float(value))
        except ValueError:
            return True
    if field_.kind in ("select", "radio"):
        return value not in field_.options
    if field_.kind in TEXT_KINDS:
        return "\x00" in value or (field_.maxlength is not None and len(value) > field_.maxlength) or \
            (field_.kind == "email" and "@" not in value)
    return False


def plausible(form: Form) -> dict:
    """A value for every field that it could well accept (the shown one where there is one), so a
    submission with a few hostile fields gets past the others into the services."""
    today = timezone.localdate()
    values = {}
    for name, field_ in form.fields.items():
        if field_.kind == "file":
            continue
        if field_.initial or field_.kind == "checkbox":
            values[name] = field_.initial
        elif name in PLAUSIBLE_BY_NAME:
            values[name] = PLAUSIBLE_BY_NAME[name]
        elif field_.kind in ("select", "radio"):
            values[name] = next((option for option in field_.options if option), "")
        else:
            values[name] = {"date": today.isoformat(), "month": f"{today:%Y-%m}", "number": "1",
                            "email": "someone@example.com"}.get(field_.kind, "测试")
    return values


def hostile_values(field_: Field, foreign_ids: list[str]) -> st.SearchStrategy:
    """Hostile values for one field: its kind's, the hostile strings, and nothing at all."""
    if field_.kind in DATE_KINDS:
        own = DATES
    elif field_.kind == "number":
        own = NUMBERS
    elif field_.kind in ("select", "radio", "checkbox"):
        own = [BOGUS_OPTION] + foreign_ids + field_.options
    else:
        own = NUMBERS + DATES
    return st.one_of(st.sampled_from(own), st.sampled_from(TEXTS), st.just(""))


def clearly_invalid(form: Form) -> dict:
    """One submission with an impossible value in every field that can have one."""
    values = plausible(form)
    for name, field_ in form.fields.items():
        if field_.kind in DATE_KINDS:
            values[name] = "2026-13" if field_.kind == "month" else "2026-02-30"
        elif field_.kind == "number":
            values[name] = "NaN"
        elif field_.kind in ("select", "radio"):
            values[name] = BOGUS_OPTION
        elif field_.kind in TEXT_KINDS:
            values[name] = "长" * 10_000 if field_.maxlength else "张\x00三"
    return values


def bad_uploads(form: Form) -> list[dict]:
    """The plausible submission with, in each file field, a wrong-type file, then an oversized one."""
    files = [name for name, field_ in form.fields.items() if field_.kind == "file"]
    if not files:
        return []
    return [
        plausible(form) | {name: SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf, image or sheet",
                                                    "application/pdf") for name in files},
        plausible(form) | {name: SimpleUploadedFile("big.pdf", PDF + b"0" * OVERSIZED, "application/pdf")
                           for name in files},
    ]


class Submitter:
    """Posts submissions in rolled-back savepoints and keeps the tally and the problems."""

    def __init__(self, clients):
        self.clients = clients
        self.submissions = 0
        self.server_errors = 0
        self.writes_on_rejection = 0
        self.outcomes = Counter()
        self.problems: dict[tuple, str] = {}

    def send(self, form: Form, values: dict, *, hostile: list[str]):
        """Post; `hostile` names the fields that got a hostile value (the rest are plausible)."""
        self.submissions += 1
        invalid = [name for name in hostile if impossible(form.fields[name], values[name])]
        client = self.clients[form.user.username]
        sid = transaction.savepoint()
        connection.queries_log.clear()  # a full log would shift the captured slice
        crash = ""
        try:
            with CaptureQueriesContext(connection) as queries:
                response = client.post(form.action, values)
            status, html, location = response.status_code, response.content.decode(), response.get("Location", "")
        except Exception:  # noqa: BLE001 (the test client re-raises what the view raised: a 500 for a browser)
            status, html, location, crash = 500, "", "", traceback.format_exc(limit=-4)
        finally:
            transaction.set_rollback(False)  # a crash in an atomic(savepoint=False) marks it; the savepoint undoes all
            transaction.savepoint_rollback(sid)
        writes = sorted({match.group(2) for query in queries.captured_queries if (match := WRITE.match(query["sql"]))
                         and not match.group(2).startswith(BOOKKEEPING)})
        rejected = 400 <= status < 500 or (status == 200 and bool(ERROR_SHOWN.search(html)))
        self.outcomes["server error" if status >= 500 else "refused" if status == 403 else "rejected" if rejected
                      else "redirected" if 300 <= status < 400 else "accepted"] += 1
        if status >= 500:
            self.server_errors += 1
            self._problem(form, values, hostile, "server error", crash)
        elif status == 403:  # the page gave this user the form: a refusal belongs on the page, not after typing
            self._problem(form, values, hostile, "form shown to a user who may not use it", "403")
        elif rejected and writes:
            self.writes_on_rejection += 1
            self._problem(form, values, hostile, "write on rejection", f"{status}, wrote {writes}")
        elif invalid and (writes or not 300 <= status < 400 and not rejected):
            self._problem(form, values, invalid, "impossible value accepted", f"{status}, wrote {writes}")
        elif location.startswith(reverse("login")):
            self._problem(form, values, hostile, "signed out", "the submissions after it prove nothing")

    def _problem(self, form, values, suspects, what, detail):
        """Keep the first case of each route, user and kind of problem, unless all its suspects are known."""
        if all((form.route, name, what) in KNOWN_FAILURES for name in suspects):
            return
        self.problems.setdefault((form.route, form.user.username, what), (
            f"{form.route} {form.action} as {form.user.username}: {what} in {suspects} ({detail.strip()})\n"
            f"    values: { {name: _short(value) for name, value in values.items()} }"))


def _short(value) -> str:
    if isinstance(value, SimpleUploadedFile):
        return f"<file {value.name}, {value.size} bytes>"
    return repr(value[:40]) + (f"…({len(value)} chars)" if len(value) > 40 else "")


def fuzz(form: Form, submitter: Submitter, foreign_ids: list[str]):
    """One submission with every field that can be impossible so, the bad uploads, then Hypothesis's:
    some fields (one to all) hostile, the rest plausible. Derandomized and not shrunk, so CI fails the
    same way every time and in the same time."""
    shown = plausible(form)

    def send(values):
        submitter.send(form, values, hostile=[name for name, value in values.items() if value != shown.get(name)])

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(st.data())
    def run(data):
        values = dict(shown)
        for name in data.draw(st.lists(st.sampled_from(sorted(values)), min_size=1, unique=True), label="hostile"):
            values[name] = data.draw(hostile_values(form.fields[name], foreign_ids), label=name)
        send(values)

    send(clearly_invalid(form))
    for values in bad_uploads(form):
        send(values)
    if shown:  # not a lone file field
        run()


def test_every_form_rejects_hostile_values_without_a_server_error_or_a_write(world, figures, caplog):
    started = time.monotonic()
    caplog.set_level(logging.CRITICAL, logger="django.request")  # thousands of 4xx warnings
    forms, clients = post_forms(world)
    foreign = world.places["y"]
    foreign_ids = sorted({str(obj.pk) for obj in (foreign.facility, foreign.person, foreign.staff,
                                                  foreign.employment, foreign.inspection, foreign.stay)})
    submitter = Submitter(clients)
    for form in forms:
        fuzz(form, submitter, foreign_ids)

    figures(f"web forms: {len(forms)} forms (user × action) on {len({form.page for form in forms})} pages, "
            f"posting to {len({form.route for form in forms})} routes, {submitter.submissions} hostile submissions, "
            f"{submitter.server_errors} server errors, {submitter.writes_on_rejection} writes on rejection "
            f"(outcomes {dict(sorted(submitter.outcomes.items()))}; {time.monotonic() - started:.0f} s)")
    assert forms, "no form found: the pages of facility A did not render for its owners"
    assert not submitter.problems, f"{len(submitter.problems)} problems:\n" + "\n".join(submitter.problems.values())
