"""The alerts page keeps a fixed number of queries and shows open, critical alerts first."""
import pytest
from django.db.models import Q
from django.urls import reverse

from facilities.alerts.services import AlertSpec, alerts_sync
from facilities.models import Alert, AlertKind, Severity
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def _alerts(facility, n, *, kind=AlertKind.ASSESSMENT_MISSING, severity=Severity.WARNING, start=0):
    alerts_sync(kinds=[kind], scope=Q(pk__in=[]), wanted=[
        AlertSpec(kind=kind, region_id=facility.region_id, facility_id=facility.pk, subject=f"person:{i}",
                  subject_label=f"人员{i}", message=f"说明{i}", severity=severity)
        for i in range(start, start + n)
    ])


def test_alert_list_query_count_is_fixed(cast, facilities, login):
    client = login(cast["inspector"])
    _alerts(facilities["a"], 2)
    few = count_queries(client, reverse("alert_list"))
    _alerts(facilities["a"], 40, start=100)
    Alert.objects.filter(subject="person:100").update(acknowledged_by=cast["inspector"])
    assert count_queries(client, reverse("alert_list")) == few


def test_critical_alerts_come_first_and_region_filter_takes_a_city_code(cast, facilities, login):
    _alerts(facilities["a"], 1)
    _alerts(facilities["b"], 1, kind=AlertKind.DUPLICATE_ENROLMENT, severity=Severity.CRITICAL, start=50)
    page = login(cast["inspector_city"]).get(reverse("alert_list"), {"region": "621000"}).content.decode()
    assert page.index("说明50") < page.index("说明0")
    bad = login(cast["inspector_city"]).get(reverse("alert_list"), {"region": "001234"})
    assert bad.status_code == 200
