"""The Celery application.

Without CELERY_BROKER_URL the embedded default applies (see settings): tasks run in-process
and `make run` drives the periodic schedule with `celery worker -B --pool=solo` over kombu's
filesystem transport. With a broker URL (Redis in production) a separate worker and beat run.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("carehome")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# A background job's task lives beside the work it runs and the function that starts it (accounts.jobs).
app.autodiscover_tasks(["residents.imports", "subsidies.exports"], related_name="background")
