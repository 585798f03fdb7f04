"""Every form that sets a region for a new record uses the picker of units in force (issue 23 item 4):
the subsidy standard, the month's generation, the public notice and an account's scope. An abolished
unit is refused with its successor named, a unit outside the user's scope is refused, and the page
offers the cascading selects, never a list of every code."""
from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def abolished(regions):
    """A county of 庆阳市 abolished at the end of 2025, its successor in force."""
    old = RegionFactory(code="621099", name="旧县", full_name="甘肃省庆阳市旧县", parent=regions["621000"],
                        valid_to=date(2025, 12, 31))
    new = RegionFactory(code="621098", name="新区", full_name="甘肃省庆阳市新区", parent=regions["621000"])
    old.successors.add(new)
    return old


def test_a_standard_cannot_be_set_for_an_abolished_county(cast, abolished, regions, login):
    cast["clerk"].region_code = "621000"
    cast["clerk"].save()
    client = login(cast["clerk"])
    page = client.get(reverse("subsidies:standard_create")).content.decode()
    assert 'data-testid="region-picker-region"' in page and 'value="621099"' not in page
    response = client.post(reverse("subsidies:standard_create"), {
        "region": "621099", "item": "basic_living", "hukou_type": "rural", "amount": "800", "effective_from": "2027-01"})
    assert "甘肃省庆阳市旧县已于 2025-12-31 撤销，现为甘肃省庆阳市新区（621098），请选择现行区划" in response.content.decode()


def test_the_generation_form_refuses_a_unit_outside_the_clerks_scope(cast, regions, login):
    client = login(cast["clerk"])
    page = client.get(reverse("subsidies:generation_create")).content.decode()
    assert 'data-testid="region-picker-region"' in page and '<option value="621002" selected>' in page
    response = client.post(reverse("subsidies:generation_create"), {"month": "2026-07", "region": "530102"})
    assert "所选行政区划不在可选范围内" in response.content.decode()


def test_a_notice_area_is_a_township_or_county_in_force(cast, abolished, login):
    client = login(cast["inspector_city"])
    response = client.post(reverse("notice_create"), {
        "township": "621099", "period_start": "2026-10-01", "period_end": "2026-10-31", "posted_on": "2026-11-16",
        "contact": "某", "preview": "1"})
    assert "已于 2025-12-31 撤销" in response.content.decode()


def test_an_account_scope_is_never_an_abolished_unit(cast, abolished, admin_client):
    response = admin_client.post(reverse("user_create"), {
        "username": "clerk9", "full_name": "赵", "role": Role.CLERK, "region_code": "621099",
        "password1": "Zx9-long-enough-pass", "password2": "Zx9-long-enough-pass"})
    assert "已于 2025-12-31 撤销" in response.content.decode()
