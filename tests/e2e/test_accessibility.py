"""The accessibility gate: axe-core (WCAG 2.0 and 2.1, levels A and AA) over the pages of every demo role in
headless Chromium, on the full demo data, at 1366 px and at 390 px, in Chinese and in English, and over forms
sent back with their errors; no aria-describedby names a missing element, and no page scrolls sideways at 390
px nor at 683 px, a 1366 px screen zoomed to 200 % (but the known ones, a list that only shrinks). Any violation fails, naming the
page, the rule and the element.

Each role's pages are found as a user finds them: from the home page, link by link (one page per route, the
first ones met), leaving out downloads, print sheets, the API and Django admin. axe runs after the page and
the panels htmx loads have settled; it is evaluated in the page, so the site's CSP stays as it is."""
import re
from collections import Counter
from datetime import date
from io import StringIO
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from django.core.management import call_command

from accounts.models import User
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db(transaction=True)

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DEMO_PASSWORD = "Minzheng@2026"
SEEDERS = ("seed_demo", "seed_demo_residents", "seed_demo_safety", "seed_demo_staff", "seed_demo_inspections",
           "seed_demo_claims", "seed_demo_custody_notices", "seed_demo_accountability")
# (user, language, pages): every role in Chinese; the two busiest in English too. manager_cw reads large text.
PASSES = (("manager", "zh-hans", 25), ("inspector", "zh-hans", 25), ("clerk", "zh-hans", 25), ("admin", "zh-hans", 20),
          ("inspector_xf", "zh-hans", 12), ("clerk_xf", "zh-hans", 12), ("manager_cw", "zh-hans", 12),
          ("manager", "en", 15), ("inspector", "en", 15))
WIDTHS = (1366, 390)
# A 1366 px screen zoomed to 200 % (WCAG 1.4.4) lays pages out at 683 CSS px: checked for sideways scrolling.
ZOOMED = 683
# Where each walk starts: the home page, and the search that the header's box (a form, not a link) opens.
START = ("/", "/search/?q=%E5%BC%A0")
FORMS_WITH_ERRORS = 4  # per pass: data forms sent back empty
LEAVE_OUT = re.compile(r"logout|/api/|export|download|\.csv|\.xlsx|/print/|/admin/|/evidence/|photo|/static/|/media/"
                       r"|/i18n/|/report/?$")
# axe lets an aria-describedby naming a missing element pass when another named one exists; help text that a
# screen reader never reads is a failure here.
MISSING_DESCRIPTIONS = """() => Array.from(document.querySelectorAll("[aria-describedby]")).flatMap(el =>
  el.getAttribute("aria-describedby").split(/\\s+/).filter(id => id && !document.getElementById(id)).map(id => (el.name || el.id) + " -> #" + id))"""
SCROLLS_SIDEWAYS = "document.documentElement.scrollWidth > window.innerWidth + 1"
LARGE_TEXT_USER = "manager_cw"
# Pages that still scroll sideways at 390 px (WCAG 1.4.10): the list only shrinks; a page not on it fails.
KNOWN_SIDEWAYS = frozenset()
RUN_AXE = """async (tags) => (await axe.run(document, {runOnly: {type: "tag", values: tags}})).violations.map(
  v => ({rule: v.id, nodes: v.nodes.map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").slice(0, 200))}))"""


# A bureau's own ledger for the import's mapping step: its own headers, one new person.
LEDGER = {"name": "台账.csv", "mimeType": "text/csv", "buffer": (
    "序号,供养对象姓名,公民身份号码,户籍地区划代码,户口性质,手机\r\n"
    f"1,台账人,{make_id_number(born=date(1940, 6, 1), serial=901)},621002,农村,13800000000\r\n"
).encode("utf-8-sig")}


def route_of(path: str) -> str:
    return re.sub(r"\d+", "N", path)


class Gate:
    def __init__(self, page):
        self.page = page
        self.checked = 0
        self.violations: list[str] = []
        self.rules: Counter = Counter()
        self.sideways: set[str] = set()

    def check(self, where: str) -> None:
        # Panels htmx loads with the page are requested before "load"; wait until none is in flight, then let
        # htmx settle the swapped content (and app.js wire it).
        self.page.wait_for_load_state("load")
        for _ in range(250):  # page.evaluate is not subject to the CSP; wait_for_function's eval would be
            if not self.page.evaluate("document.querySelector('.htmx-request') !== null"):
                break
            self.page.wait_for_timeout(20)
        self.page.wait_for_timeout(60)
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            self.page.wait_for_timeout(120)  # charts redraw for the new width after a debounce
            if not self.page.evaluate("typeof axe !== 'undefined'"):
                self.page.evaluate(AXE)
            if width < 768 and self.page.evaluate(SCROLLS_SIDEWAYS):  # WCAG 1.4.10 reflow: no sideways page scroll
                self.sideways.add(route_of(urlparse(self.page.url).path))
            for violation in self.page.evaluate(RUN_AXE, TAGS):
                self.rules[violation["rule"]] += len(violation["nodes"])
                self.violations += [f"{where} @{width}px {violation['rule']}: {node}" for node in violation["nodes"]]
            self.checked += 1
        self.page.set_viewport_size({"width": ZOOMED, "height": 900})
        self.page.wait_for_timeout(60)
        if self.page.evaluate(SCROLLS_SIDEWAYS):
            self.sideways.add(route_of(urlparse(self.page.url).path) + " @200%")
        for missing in self.page.evaluate(MISSING_DESCRIPTIONS):
            self.rules["aria-describedby-missing"] += 1
            self.violations.append(f"{where} aria-describedby names nothing: {missing}")


def sign_in(page, base, user, language):
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill(user)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(base + "/")


def walk(page, base, gate: Gate, label: str, limit: int) -> None:
    queue, seen, visited, forms = [base + path for path in START], set(), 0, []
    while queue and visited < limit:
        url = queue.pop(0)
        route = route_of(urlparse(url).path)
        if route in seen:
            continue
        seen.add(route)
        response = page.goto(url)
        if response is None or response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
            continue
        visited += 1
        gate.check(f"{label} {urlparse(url).path}")
        if len(forms) < FORMS_WITH_ERRORS and page.locator("main form[novalidate][method=post] [required]").count():
            forms.append(url)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            full = urljoin(page.url, href or "").split("#")[0]
            if href and not href.startswith(("#", "mailto:", "tel:")) and urlparse(full).netloc == urlparse(base).netloc \
                    and not LEAVE_OUT.search(full) and route_of(urlparse(full).path) not in seen:
                queue.append(full)
    for url in forms:
        page.goto(url)
        form = page.locator("main form[novalidate][method=post]").last
        for field in form.locator("input[type=text], input[type=date], input[type=number], input:not([type]), textarea").all():
            if field.is_editable():
                field.fill("")
        form.locator("[type=submit]").last.click()
        page.wait_for_load_state("load")
        gate.check(f"{label} {urlparse(url).path} (sent back with errors)")


def interact(page, base, gate: Gate, label: str, user: str) -> None:
    """htmx states after interaction: what a user meets after choosing or typing, checked like the pages."""
    page.goto(base + "/notifications/settings/")
    gate.check(f"{label} e-mail digest settings")
    if user.startswith("manager"):
        page.goto(base + "/people/admit/")
        page.wait_for_load_state("load")
        page.locator("#id_facility").select_option(index=1)
        page.locator("#id_id_number").fill("621002194405181220")  # a wrong check character: the early refusal
        page.locator("#id_id_number").dispatch_event("change")
        page.get_by_test_id("id-check").wait_for()
        gate.check(f"{label} admission form after its early checks")
    if user.startswith(("inspector", "clerk")):
        page.goto(base + "/alerts/")
        page.wait_for_load_state("load")
        page.locator("#id_kind").select_option(index=2)
        page.wait_for_url(re.compile(r"kind="))
        gate.check(f"{label} alerts filtered in place")
    if user.startswith("inspector"):
        page.goto(base + "/people/import/")
        page.locator("main input[type=file]").set_input_files(files=[LEDGER])
        page.get_by_role("button", name=re.compile("上传并预览|Upload and preview")).click()
        page.get_by_test_id("import-mapping").wait_for()
        gate.check(f"{label} import: choosing the columns of a bureau's own sheet")
        page.get_by_test_id("import-mapping").locator("button[type=submit]").first.click()
        page.get_by_test_id("import-ready").wait_for()
        gate.check(f"{label} import: the preview after the mapping")
        page.get_by_test_id("import-ready").locator("button.btn-primary").click()
        page.get_by_test_id("job-status").wait_for()
        gate.check(f"{label} import: the background job's page")
    if user.startswith("clerk"):
        page.goto(base + "/subsidies/claims/")
        page.get_by_test_id("list-export").locator("button[value=csv]").click()
        page.get_by_test_id("job-download").wait_for()
        gate.check(f"{label} export: the background job's page with its download")
        page.goto(base + "/jobs/")
        gate.check(f"{label} background jobs")
    if user == "admin":
        page.goto(base + "/facilities/new/")
        page.wait_for_load_state("load")
        picker = page.locator(".region-picker").first
        picker.locator("select").first.select_option(index=1)
        picker.locator("select").nth(1).wait_for()
        gate.check(f"{label} region picker after a choice")


def test_every_page_of_every_role_passes_axe_at_both_widths_and_in_both_languages(live_server, page, figures):
    for command in SEEDERS:
        call_command(command, stdout=StringIO())
    User.objects.filter(username=LARGE_TEXT_USER).update(large_text=True)
    gate = Gate(page)
    for user, language, limit in PASSES:
        sign_in(page, live_server.url, user, language)
        walk(page, live_server.url, gate, f"{user}/{language}", limit)
        interact(page, live_server.url, gate, f"{user}/{language}", user)
    figures(f"accessibility: {gate.checked} page states checked with axe-core 4.14.1 (WCAG 2.0/2.1 A and AA), "
            f"{len(gate.violations)} violations {dict(gate.rules)}; sideways at 390 px: {sorted(gate.sideways)}")
    assert gate.checked > 200
    assert gate.sideways <= KNOWN_SIDEWAYS, f"pages that scroll sideways at 390 px: {sorted(gate.sideways - KNOWN_SIDEWAYS)}"
    assert not gate.violations, "\n".join(gate.violations[:40])
