"""退回整改: an inspector sends a rectification back with a reason, the manager rectifies again, and
the finding's history shows each round; on the page, in the API, in Chinese and English."""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from facilities.inspections import services
from facilities.models import FindingSeverity, FindingStatus, InspectionKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.combine(date(2026, 6, 15), time(9), tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def rectified(cast, facilities):
    inspection = services.inspection_record(
        by=cast["inspector"], facility=facilities["a"], inspected_on=date(2026, 6, 1), kind=InspectionKind.ROUTINE,
        inspectors="王督查",
    )
    finding = services.finding_add(
        by=cast["inspector"], inspection=inspection, category="消防安全", severity=FindingSeverity.MAJOR,
        description="灭火器过期", deadline=date(2026, 7, 1),
    )
    return services.finding_rectify(by=cast["manager_a"], finding=finding, rectification="已更换灭火器",
                                    rectified_on=date(2026, 6, 10))


def test_an_inspector_sends_back_and_the_manager_rectifies_again(cast, rectified):
    back = services.finding_return(by=cast["inspector"], finding=rectified, reason="照片未见新灭火器")
    assert back.status == FindingStatus.OPEN
    again = services.finding_rectify(by=cast["manager_a"], finding=back, rectification="已更换并拍照",
                                     rectified_on=date(2026, 6, 14))
    assert again.status == FindingStatus.RECTIFIED
    reasons = [row.history_change_reason for row in again.history.order_by("history_date", "history_id")]
    assert reasons == ["登记检查发现的问题", "填报整改情况", "退回整改：照片未见新灭火器", "填报整改情况"]
    assert services.finding_verify(by=cast["inspector"], finding=again, verified_on=date(2026, 6, 15)).status == "verified"


def test_a_return_needs_a_reason_an_inspector_and_a_rectification_to_return(cast, rectified):
    with pytest.raises(ValidationError) as exc:
        services.finding_return(by=cast["inspector"], finding=rectified, reason="  ")
    assert exc.value.message_dict == {"reason": ["请填写退回整改的原因"]}
    with pytest.raises(PermissionDenied):
        services.finding_return(by=cast["manager_a"], finding=rectified, reason="不行")
    services.finding_return(by=cast["inspector"], finding=rectified, reason="不彻底")
    with pytest.raises(ValidationError, match="待复核"):
        services.finding_return(by=cast["inspector"], finding=rectified, reason="再退")


def test_the_page_sends_back_and_shows_each_round(cast, rectified, client):
    client.force_login(cast["inspector"])
    url = reverse("inspection_detail", args=[rectified.inspection_id])
    assert 'data-testid="finding-return"' in client.get(url).content.decode()
    response = client.post(reverse("finding_return", args=[rectified.pk]), {"reason": "照片未见新灭火器"}, follow=True)
    html = response.content.decode()
    assert "已退回整改：消防安全" in html and "退回整改：照片未见新灭火器" in html and 'data-testid="finding-rounds"' in html
    rectified.refresh_from_db()
    assert rectified.status == FindingStatus.OPEN
    client.force_login(cast["manager_a"])
    html = client.get(url).content.decode()
    assert "退回整改：照片未见新灭火器" in html and reverse("finding_rectify", args=[rectified.pk]) in html


def test_an_empty_reason_is_refused_on_the_page_in_english(cast, rectified, client):
    client.force_login(cast["inspector"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.post(reverse("finding_return", args=[rectified.pk]), {"reason": ""}, follow=True).content.decode()
    assert "Give the reason for sending the rectification back" in html
    rectified.refresh_from_db()
    assert rectified.status == FindingStatus.RECTIFIED


def test_the_api_sends_back(cast, rectified, client):
    client.force_login(cast["inspector"])
    response = client.post(f"/api/findings/{rectified.pk}/return", {"reason": "不彻底"},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "open"
    response = client.post(f"/api/findings/{rectified.pk}/return", {"reason": "再退"},
                           content_type="application/json")
    assert response.status_code == 422


def test_verifying_asks_first_because_a_verified_finding_cannot_be_sent_back(cast, rectified, client):
    client.force_login(cast["inspector"])
    html = client.get(reverse("inspection_detail", args=[rectified.inspection_id])).content.decode()
    assert 'data-confirm="复核销号后该问题即关闭，不能再退回整改或撤销销号。确定销号？"' in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("inspection_detail", args=[rectified.inspection_id])).content.decode()
    assert "cannot be sent back for rework" in html
