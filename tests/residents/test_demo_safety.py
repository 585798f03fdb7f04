"""The demo's safety records: a register with every state, incidents in every notice state, rounds with one
missed night; safe to run twice, and on any day (here late on a leap day; CI runs the whole suite again
with the clock on a New Year's morning). Seeding takes about 20 s, so it is done once."""
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from facilities.models import Alert, Facility
from residents.models import SafetyIncident, SafetyRiskAssessment
from residents.rounds import rounds_by_facility
from residents.safety.selectors import incident_notice_state, risk_register

pytestmark = pytest.mark.django_db


def test_the_demo_register_incidents_and_rounds_show_every_state():
    with time_machine.travel(datetime(2028, 2, 29, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        for command in ("seed_demo", "seed_demo_residents"):
            call_command(command, stdout=StringIO())
        out = StringIO()
        call_command("seed_demo_safety", stdout=out)
        assert "风险评估" in out.getvalue()
        call_command("seed_demo_safety", stdout=out)
        assert "already present" in out.getvalue()
        inspector = User.objects.get(username="inspector")
        states = set()
        for facility in Facility.objects.filter(safety_assessments__isnull=False).distinct():
            states |= {row.review.state.value for row in risk_register(user=inspector, facility=facility,
                                                                         on=timezone.localdate())}
        assert states == {"not_assessed", "current", "review_due", "overdue"}
        assert SafetyRiskAssessment.objects.filter(highest="high").exists()
        incidents = list(SafetyIncident.objects.all())
        assert len(incidents) >= 10 and all(incident.occurred_at <= timezone.now() for incident in incidents)
        assert {incident_notice_state(incident, timezone.now()) for incident in incidents} >= {"on_time", "late"}
        assert any(incident.reviewed_on for incident in incidents)
        first = Facility.objects.filter(safety_rounds__isnull=False).order_by("id").first()
        units = rounds_by_facility(facilities=[first], day=timezone.localdate() - timedelta(days=1), now=timezone.now())
        assert [(entry.unit, bool(entry.round_gaps), bool(entry.handover_gaps)) for entry in units[first.pk]] == [
            ("一楼", True, False), ("二楼", False, False)]
        assert Alert.objects.get(kind="round_gap", resolved_at__isnull=True).facility == first
