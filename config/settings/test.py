"""Test settings: speed and determinism only; everything else is base.py."""
import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key-" + "x" * 48)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from .base import *
from .base import DATABASES, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Tasks run in-process and raise; tests marked `celery_worker` switch to the real broker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# load_regions (and so seed_demo) loads the townships of 甘肃 only; tests of the whole tree ask for it.
REGION_TOWNSHIPS_WITHIN = "62"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
if "replica" in DATABASES:
    # A replica is read-only, so the test runner must not create a database there: as a test mirror
    # the alias keeps the replica's host and port and takes the primary's test database name (with
    # pytest-xdist's suffix), which streaming replication copies. The suite's tests run inside
    # transactions no second connection sees, so reads stay on the primary; the tests of the replica
    # switch the router on (tests/scale/test_real_replica.py).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = []
# Each pytest-xdist worker has its own test database, so the Celery worker it starts needs its own queue.
if os.environ.get("PYTEST_XDIST_WORKER"):
    CELERY_TASK_DEFAULT_QUEUE = "test-" + os.environ["PYTEST_XDIST_WORKER"]
