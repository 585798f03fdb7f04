"""Headless Chromium (Debian's package) driven by Playwright against the live test server."""
import os
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the Django test database is still
# used synchronously from here, which is safe in tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class _OneRequestAtATime(ThreadedWSGIServer):
    """The in-memory SQLite test database is one connection shared by every server thread, so pages
    that load several panels at once (the facility page) would interleave transactions on it. Sockets
    are still read in parallel; only Django itself handles one request at a time."""

    _lock = threading.Lock()

    def set_app(self, application):
        def serialized(environ, start_response):
            with self._lock:
                return application(environ, start_response)

        super().set_app(serialized)


LiveServerThread.server_class = _OneRequestAtATime


def pytest_collection_modifyitems(items):
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing (apt-get install -y chromium fonts-wqy-microhei)")
        pytest.skip(f"{CHROMIUM} is missing; CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh page; the test fails if the site's Content Security Policy blocked anything."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base = live_server.url
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert not violations, violations


@pytest.fixture
def sign_in(page, password):
    def _sign_in(username):
        page.goto(page.base + "/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(page.base + "/")
        return page

    return _sign_in


@pytest.fixture
def screenshot(page):
    def _shot(name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return _shot


@pytest.fixture
def pick_region(page):
    """Choose a region level by level in a cascading picker, as a user does: each choice waits until
    htmx has brought (and wired) the next level before the next one is made. The page must have
    finished loading first: a choice made before htmx is wired sends nothing."""
    from playwright.sync_api import expect

    def _pick(field, codes):
        page.wait_for_load_state("load")
        picker = page.get_by_test_id(f"region-picker-{field}")
        busy = page.locator(".region-picker.htmx-request, .region-picker.htmx-swapping, .region-picker.htmx-settling")
        for depth, code in enumerate(codes, start=1):
            picker.locator(f"select[name={field}_{depth}]").select_option(code)
            expect(busy).to_have_count(0)
            expect(picker.locator(f"select[name={field}_{depth}]")).to_have_value(code)

    return _pick


def wait_until_no_horizontal_scroll(page, *, timeout_ms: int = 5000):
    """Layout check that works under the site's CSP (page.evaluate is not subject to it)."""
    for _ in range(timeout_ms // 100):
        if page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the page scrolls horizontally")
