"""Being told: a returned batch and a returned rectification reach the people who must act, in their language,
with a link that marks them read; alerts opened since the reader last looked are counted as new."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from accounts.models import Notification, NotificationKind
from accounts.notifications.selectors import notification_text
from facilities.alerts.services import AlertSpec, alerts_sync
from facilities.inspections import services as inspection_services
from facilities.models import AlertKind
from subsidies.services import batch_return, batch_submit
from tests.facilities.inspections.test_finding_return import clock, rectified  # noqa: F401 (fixtures)
from tests.helpers import count_queries
from tests.subsidies.test_lifecycle import JULY, july_batch  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.usefixtures("sample_standards")
def test_a_returned_batch_tells_its_submitter_and_the_facilitys_managers(cast, july_batch, login):  # noqa: F811
    batch_submit(by=cast["manager_a"], batch=july_batch)
    batch_return(by=cast["clerk"], batch=july_batch, reason="张桂兰的评估已满一年，请复评")
    notification = Notification.objects.get()
    assert notification.user == cast["manager_a"] and notification.kind == NotificationKind.BATCH_RETURNED
    assert notification_text(notification) == f"2026-07 {july_batch.payer_name} 的补贴申报被退回：张桂兰的评估已满一年，请复评"
    with translation.override("en"):
        assert notification_text(notification).startswith(f"The 2026-07 claims of {july_batch.payer_name} were returned")
    client = login(cast["manager_a"])
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="notifications-link"' in home and ">1<span class=\"visually-hidden\">" in home
    page = client.get(reverse("notification_list")).content.decode()
    assert "张桂兰的评估已满一年" in page
    followed = client.get(reverse("notification_go", args=[notification.pk]))
    assert followed.url == reverse("subsidies:batch_detail", args=[july_batch.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert login(cast["manager_b"]).get(reverse("notification_go", args=[notification.pk])).status_code == 404


def test_a_returned_rectification_tells_the_facilitys_managers(cast, rectified):  # noqa: F811
    inspection_services.finding_return(by=cast["inspector"], finding=rectified, reason="照片未见新灭火器")
    notification = Notification.objects.get()
    assert notification.user == cast["manager_a"] and notification.kind == NotificationKind.RECTIFICATION_RETURNED
    assert "照片未见新灭火器" in notification_text(notification)
    assert notification.link == reverse("inspection_detail", args=[rectified.inspection_id])


def test_all_read_at_once_and_the_page_keeps_a_fixed_number_of_queries(cast, rectified, login):  # noqa: F811
    client = login(cast["manager_a"])
    inspection_services.finding_return(by=cast["inspector"], finding=rectified, reason="一")
    few = count_queries(client, reverse("notification_list"))
    for reason in ("二", "三", "四"):
        Notification.objects.create(user=cast["manager_a"], kind=NotificationKind.RECTIFICATION_RETURNED,
                                    values={"facility": "甲", "category": "消防安全", "reason": reason}, link="/")
    assert count_queries(client, reverse("notification_list")) == few
    client.post(reverse("notifications_read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_alerts_opened_since_the_last_look_are_new(cast, facilities, login, time_machine):
    def open_alerts(start):
        alerts_sync(kinds=[AlertKind.ASSESSMENT_MISSING], scope=Q(pk__in=[]), wanted=[
            AlertSpec(kind=AlertKind.ASSESSMENT_MISSING, region_id=facilities["a"].region_id, facility_id=facilities["a"].pk,
                      subject=f"person:{i}", subject_label=f"人员{i}", message=f"人员{i}") for i in range(start, start + 2)
        ])
    client = login(cast["inspector"])
    open_alerts(0)
    assert client.get(reverse("home")).context["new_alerts"] == 2
    time_machine.move_to(datetime(2026, 6, 15, 9, 5, tzinfo=SHANGHAI), tick=False)
    client.get(reverse("alert_list"))
    assert client.get(reverse("home")).context["new_alerts"] == 0
    time_machine.move_to(datetime(2026, 6, 15, 9, 10, tzinfo=SHANGHAI), tick=False)
    open_alerts(10)
    assert client.get(reverse("notification_list")).context["new_alerts"] == 2
    assert 'data-testid="new-alerts"' in client.get(reverse("home")).content.decode()
