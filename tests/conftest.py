"""The fixed cast every test can use.

Regions: Gansu 620000 › Qingyang 621000 › Xifeng 621002 (townships 621002100, 621002101) and
Qingcheng 621021; Yunnan 530000 › Kunming 530100 › Wuhua 530102.
Facilities: A and B in Xifeng, C in Qingcheng, Y in Yunnan.
People: manager of A, manager of B, inspector of Xifeng, inspector of Qingyang city, inspector
of Yunnan, clerk of Xifeng, administrator.
Claims: the national sample standards, a second Xifeng clerk, and `generate` for a month.
"""
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from hypothesis import settings as hypothesis_settings

from accounts.models import Role
from subsidies.generation import claims_generate
from subsidies.models import GenerationRun
from tests.factories import PASSWORD, FacilityFactory, RegionFactory, UserFactory

# Property tests check what is true, not how fast: a loaded CI machine must not fail them on time.
hypothesis_settings.register_profile("project", deadline=None)
hypothesis_settings.load_profile("project")

FIGURES: list[str] = []  # summary lines of the security and concurrency drills, shown at the end of every run


def pytest_terminal_summary(terminalreporter):
    """Print the figures (operations, requests, attempts, leaks, races) even under `-q`, so CI logs show them."""
    if FIGURES:
        terminalreporter.section("security and concurrency figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


# The longest tests (one to two minutes each) go first, so the xdist workers share them out instead of
# one worker finishing with them while the other waits.
LONGEST_FIRST = ("tests/security/test_api_fuzz.py", "tests/security/test_access_matrix.py",
                 "tests/security/test_hostile_params.py", "tests/security/test_form_fuzz.py")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """After pytest-django's order (database tests before transactional ones): a stable sort that only
    lifts the longest database tests to the front."""
    items.sort(key=lambda item: not item.nodeid.startswith(LONGEST_FIRST))


@pytest.fixture
def figures():
    """Append a summary line: printed now (with -s) and in the terminal summary of the run."""

    def report(line: str) -> None:
        print(line)
        FIGURES.append(line)

    return report


@pytest.fixture(autouse=True)
def default_language():
    """Start every test in the site's default language: a test (or a request handled in the test's
    thread) that leaves English active must not change the language the next test's lazy messages
    render in."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def sqlite_guards_step_aside_for_flush(request):
    """After a transactional test on SQLite, empty the tables the database guards (access log,
    custody ledger, settled claims) with their triggers briefly dropped, so Django's flush, which
    deletes row by row there (PostgreSQL truncates, which row triggers do not see), can empty the
    rest. The triggers are back before the next test."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        triggers = cursor.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        cursor.execute("PRAGMA foreign_keys = OFF")
        for name, _table, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        for table in sorted({table for _name, table, _sql in triggers}):
            cursor.execute(f'DELETE FROM "{table}"')
        for _name, _table, sql in triggers:
            cursor.execute(sql)
        cursor.execute("PRAGMA foreign_keys = ON")


@pytest.fixture(autouse=True)
def national_reference_data(request):
    """Before a transactional test, put back the national GB/T 42195 scale, GB 38600 risk catalogue and
    inspection checklist that migrations load: the flush after an earlier transactional test on the same
    worker empties them with every other table."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("transactional_db")
    from facilities.inspections.services import NATIONAL_CHECKLIST, checklist_load
    from facilities.models import InspectionChecklist
    from residents.ability.services import NATIONAL_SCALE, ability_scale_load
    from residents.models import AbilityScale, SafetyRiskCatalogue
    from residents.safety.services import NATIONAL_CATALOGUE, safety_catalogue_load

    if not AbilityScale.objects.filter(region=None).exists():
        ability_scale_load(path=NATIONAL_SCALE)
    if not SafetyRiskCatalogue.objects.filter(region=None).exists():
        safety_catalogue_load(path=NATIONAL_CATALOGUE)
    if not InspectionChecklist.objects.filter(region=None).exists():
        checklist_load(path=NATIONAL_CHECKLIST)


@pytest.fixture
def regions(db):
    names = {
        "620000": ("甘肃省", "甘肃省"),
        "621000": ("庆阳市", "甘肃省庆阳市"),
        "621002": ("西峰区", "甘肃省庆阳市西峰区"),
        "621002100": ("肖金镇", "甘肃省庆阳市西峰区肖金镇"),
        "621002101": ("董志镇", "甘肃省庆阳市西峰区董志镇"),
        "621021": ("庆城县", "甘肃省庆阳市庆城县"),
        "530000": ("云南省", "云南省"),
        "530100": ("昆明市", "云南省昆明市"),
        "530102": ("五华区", "云南省昆明市五华区"),
    }
    parents = {"621000": "620000", "621002": "621000", "621002100": "621002", "621002101": "621002",
               "621021": "621000", "530100": "530000", "530102": "530100"}
    made = {}
    for code, (name, full_name) in names.items():
        made[code] = RegionFactory(code=code, name=name, full_name=full_name, parent=made.get(parents.get(code)))
    return made


@pytest.fixture
def facility_a(regions):
    return FacilityFactory(name="西峰区中心敬老院", region=regions["621002100"], bed_capacity=120)


@pytest.fixture
def facility_b(regions):
    return FacilityFactory(name="西峰区董志特困供养服务中心", region=regions["621002101"], bed_capacity=80)


@pytest.fixture
def facility_c(regions):
    return FacilityFactory(name="庆城县特困人员供养服务中心", region=regions["621021"], bed_capacity=150)


@pytest.fixture
def facility_y(regions):
    return FacilityFactory(name="五华区福利院", region=regions["530102"], bed_capacity=200)


@pytest.fixture
def facilities(facility_a, facility_b, facility_c, facility_y):
    return {"a": facility_a, "b": facility_b, "c": facility_c, "y": facility_y}


@pytest.fixture
def cast(facilities):
    return {
        "manager_a": UserFactory(username="manager_a", facilities=[facilities["a"]]),
        "manager_b": UserFactory(username="manager_b", facilities=[facilities["b"]]),
        "inspector": UserFactory(username="inspector", role=Role.INSPECTOR, region_code="621002"),
        "inspector_city": UserFactory(username="inspector_city", role=Role.INSPECTOR, region_code="621000"),
        "inspector_other": UserFactory(username="inspector_other", role=Role.INSPECTOR, region_code="530000"),
        "clerk": UserFactory(username="clerk", role=Role.CLERK, region_code="621002"),
        "admin": UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True),
    }


@pytest.fixture
def login(client):
    """Return a client signed in as the given user."""

    def _login(user) -> Client:
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def clock_2026_11_23(time_machine):
    """The clock at Monday 2026-11-23 10:00 in Shanghai, standing still; a module asks for it with
    `pytest.mark.usefixtures("clock_2026_11_23")` (residents, staffing and subsidies pages and APIs)."""
    time_machine.move_to(datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)


@pytest.fixture
def import_page(settings, tmp_path):
    """The people import page, with its upload folder and the background jobs' files in the test's own
    temporary directory."""
    settings.IMPORT_DIR = tmp_path / "imports"
    settings.MEDIA_ROOT = tmp_path / "media"
    return reverse("people_import")


@pytest.fixture
def sample_standards(db):
    call_command("load_sample_standards", stdout=StringIO())


@pytest.fixture
def clerk2(cast):
    """A second clerk of the county, so a batch one clerk submitted can be approved by another."""
    return UserFactory(username="clerk2", role=Role.CLERK, region_code="621002")


@pytest.fixture
def generate(cast):
    """Run a generation for a region and month in-process; returns {(payer, person, item): amount}."""

    def _generate(month: date, region: str = "621002", by=None):
        run = GenerationRun.objects.create(region_id=region, month=month, requested_by=by or cast["clerk"])
        claims_generate(run=run)
        return run

    return _generate


@pytest.fixture(scope="session")
def _celery_worker_process(django_db_setup, django_db_blocker):
    """A real `celery worker` process on the configured broker, using the test database."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    from django.conf import settings
    from django.db import connection

    from config.celery import app

    unavailable = pytest.fail if os.environ.get("REQUIRE_CELERY_WORKER") else pytest.skip
    if not os.environ.get("CELERY_BROKER_URL") or not os.environ.get("CELERY_RESULT_BACKEND"):
        unavailable("needs CELERY_BROKER_URL and CELERY_RESULT_BACKEND (CI sets them)")
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        unavailable("a worker process cannot share an in-memory SQLite test database")
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    root = Path(settings.BASE_DIR)
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
         "--hostname", f"test-{os.getpid()}@%h"],
        cwd=root, env=env,
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=1):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("the Celery worker did not start")
    yield process
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def celery_worker(_celery_worker_process, settings):
    """Send tasks to the real worker instead of running them in-process."""
    from config.celery import app

    app.conf.task_always_eager = False
    yield _celery_worker_process
    app.conf.task_always_eager = True


@pytest.fixture
def empty_cache():
    """Cached totals (common.list_totals, the clerk's item totals) start and end empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
