"""Configuration comes from the environment and bad values stop the start with a clear message."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRIMARY, REPLICA = "postgres://care@db-host:5432/care", "postgres://care@replica-host:5433/care"
ROUTING = ("from django.conf import settings as s; "
           "print(sorted(s.DATABASES), s.DATABASE_ROUTERS, 'common.replica.RecentWriteMiddleware' in s.MIDDLEWARE)")


def _check(code="", **env):
    """Start Django with this environment (and run `code` after the setup)."""
    # CI's own database settings (the primary, its replica) are not the configuration under test.
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "DATABASE_REPLICA_URL")}
    # Nor is a local demo's .env (`make run` writes one): the test gives the whole configuration.
    environment.update({"ENV_FILE": "/dev/null", **env}, DJANGO_SETTINGS_MODULE="config.settings.base")
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"], check=False, cwd=ROOT, env=environment,
        capture_output=True, text=True, timeout=60,
    )


@pytest.mark.parametrize("env, message", [
    ({"DEBUG": "false"}, "SECRET_KEY must be set"),
    ({"DEBUG": "false", "SECRET_KEY": "short"}, "at least 50 characters"),
    ({"DEBUG": "maybe"}, "invalid value for DEBUG"),
    ({"DEBUG": "true", "DATABASE_URL": "nonsense://x"}, "invalid value for DATABASE_URL"),
    ({"DEBUG": "true", "SESSION_IDLE_MINUTES": "half an hour"}, "invalid value for SESSION_IDLE_MINUTES"),
    ({"DEBUG": "true", "AUDIT_RETENTION_DAYS": "90"}, "invalid value for AUDIT_RETENTION_DAYS"),
    ({"DEBUG": "true", "AUDIT_RETENTION_DAYS": "half a year"}, "invalid value for AUDIT_RETENTION_DAYS"),
    ({"DEBUG": "true", "JOB_RETENTION_DAYS": "0"}, "invalid value for JOB_RETENTION_DAYS"),
    ({"DEBUG": "true", "FIELD_ENCRYPTION_KEYS": "not-a-key"}, "invalid value for FIELD_ENCRYPTION_KEYS"),
    ({"DEBUG": "true", "CELERY_BROKER_URL": "redis://127.0.0.1:1/0", "CELERY_VISIBILITY_TIMEOUT": "0"},
     "invalid value for CELERY_VISIBILITY_TIMEOUT"),
    ({"DEBUG": "true", "CELERY_BROKER_URL": "redis://127.0.0.1:1/0", "CELERY_BROKER_CONNECT_TIMEOUT": "soon"},
     "invalid value for CELERY_BROKER_CONNECT_TIMEOUT"),
    ({"DEBUG": "true", "MEDIA_ROOT": "shared/media"}, "invalid value for MEDIA_ROOT: 须为绝对路径 / an absolute path"),
    ({"DEBUG": "true", "IMPORT_DIR": "shared/imports"}, "invalid value for IMPORT_DIR"),
    ({"DEBUG": "true", "DATABASE_URL": PRIMARY, "DATABASE_REPLICA_URL": "sqlite:////tmp/replica.sqlite3"},
     "invalid value for DATABASE_REPLICA_URL: 须为 PostgreSQL 主库（DATABASE_URL）的 PostgreSQL 备库"),
    ({"DEBUG": "true", "DATABASE_URL": PRIMARY, "DATABASE_REPLICA_URL": "mysql://care@replica-host/care"},
     "invalid value for DATABASE_REPLICA_URL"),
    ({"DEBUG": "true", "DATABASE_REPLICA_URL": REPLICA}, "invalid value for DATABASE_REPLICA_URL"),  # SQLite primary
    ({"DEBUG": "true", "REPLICA_STICKY_SECONDS": "a moment"}, "invalid value for REPLICA_STICKY_SECONDS"),
    ({"DEBUG": "true", "REPLICA_STICKY_SECONDS": "-1"}, "invalid value for REPLICA_STICKY_SECONDS"),
])
def test_bad_configuration_fails_at_start_with_a_clear_message(env, message):
    result = _check(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_good_production_configuration_starts():
    result = _check(DEBUG="false", SECRET_KEY="k" * 60, ALLOWED_HOSTS="care.example.org", DATABASE_URL="sqlite:///:memory:")
    assert result.returncode == 0, result.stderr


def test_uploads_and_pending_imports_can_live_on_a_shared_mount():
    result = _check(
        "from django.conf import settings; print(settings.MEDIA_ROOT, settings.IMPORT_DIR)",
        DEBUG="true", MEDIA_ROOT="/mnt/care/media", IMPORT_DIR="/mnt/care/imports",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/mnt/care/media", "/mnt/care/imports"]


def test_a_replica_adds_its_alias_the_router_and_the_recent_write_middleware():
    result = _check(ROUTING, DEBUG="true", DATABASE_URL=PRIMARY, DATABASE_REPLICA_URL=REPLICA)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['default', 'replica'] ['common.replica.ReplicaRouter'] True"


def test_without_a_replica_nothing_changes():
    result = _check(ROUTING, DEBUG="true", DATABASE_URL=PRIMARY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['default'] [] False"
