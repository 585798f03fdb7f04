"""Settings for the benchmarks: production settings (DEBUG off) on the benchmark database.

Only what a benchmark needs differs from config.settings.base: the database defaults to the bench
database, static files are served without the hashed manifest (no collectstatic step), and logging
is quiet so the figures are not mixed with request logs.
"""
import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "b" * 48)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carehome_bench")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from config.settings.base import *
from config.settings.base import DATABASES, STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Tasks run in-process unless a broker is named (the fan-out figures start real workers on one).
CELERY_TASK_ALWAYS_EAGER = not os.environ.get("CELERY_BROKER_URL")
CELERY_TASK_EAGER_PROPAGATES = True
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Persistent connections, as a deployment sets them (DATABASE_URL=postgres://…?conn_max_age=60): one per
# gunicorn thread instead of a new connection for every request.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("BENCH_CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
