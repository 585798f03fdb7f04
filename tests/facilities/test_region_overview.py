"""A regional user's home by county: each figure right and linked to the list it counts; the map places each
facility at its region's coordinates; a fixed number of queries whatever the region's size."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from config.region_overview import MAX_DOTS, region_overview
from facilities.complaints import services as complaint_services
from facilities.inspections import services as inspection_services
from facilities.models import ComplaintChannel, InspectionKind, Region
from staffing.models import ComplianceSnapshot, ComplianceStatus
from tests.facilities.inspections.test_inspections import TODAY, at
from tests.factories import FacilityFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(at(TODAY), tick=False)


def _snapshot(facility, status):
    ComplianceSnapshot.objects.create(
        facility=facility, day=TODAY, full=1, partial=0, self_care=0, orphans=0, unassessed=0, required=1,
        actual=Decimal(0), gap=Decimal(1), status=status,
    )


@pytest.fixture
def scene(cast, facilities, regions):
    Region.objects.filter(code="621002").update(longitude=Decimal("107.64"), latitude=Decimal("35.71"))
    Region.objects.filter(code__in=["621002100", "621002101"]).update(longitude=Decimal("107.64"), latitude=Decimal("35.71"))
    Region.objects.filter(code="621021").update(longitude=Decimal("107.88"), latitude=Decimal("36.01"))
    _snapshot(facilities["a"], ComplianceStatus.BELOW)
    _snapshot(facilities["c"], ComplianceStatus.NO_DATA)
    inspection = inspection_services.inspection_record(
        by=cast["inspector"], facility=facilities["a"], inspected_on=date(2026, 6, 1), kind=InspectionKind.ROUTINE, inspectors="李秀兰",
    )
    for deadline in (date(2026, 6, 10), date(2026, 7, 1)):
        inspection_services.finding_add(by=cast["inspector"], inspection=inspection, category="消防安全", severity="minor",
                                        description="安全出口堆放杂物", deadline=deadline)
    complaint_services.complaint_register(
        by=cast["inspector_city"], facility=facilities["c"], channel=ComplaintChannel.HOTLINE_12345, received_at=at(TODAY),
        content="夜间无人值守", complainant_name="王某", complainant_contact="13912345678",
    )


def test_the_city_sees_each_county_counted_and_linked(cast, scene, login):
    page = login(cast["inspector_city"]).get(reverse("home"))
    overview = page.context["overview"]
    rows = {row.code: row for row in overview.counties}
    assert set(rows) == {"621002", "621021"}  # Yunnan's facility is outside the city
    xifeng, qingcheng = rows["621002"], rows["621021"]
    assert (xifeng.facilities, xifeng.below, xifeng.no_data, xifeng.open_findings, xifeng.overdue_findings, xifeng.open_complaints) == (2, 1, 0, 2, 1, 0)
    assert (qingcheng.facilities, qingcheng.below, qingcheng.no_data, qingcheng.open_findings, qingcheng.open_complaints) == (1, 0, 1, 0, 1)
    assert overview.totals.facilities == 3 and xifeng.unrated == 2
    html = page.content.decode()
    for link in ("?kind=staffing_below&amp;region=621002", "?state=open_findings&amp;region=621002",
                 "?state=overdue_findings&amp;region=621002", "?state=open&amp;region=621021", "?region=621002&amp;level=0"):
        assert link in html


def test_each_link_lists_what_its_number_counts(cast, scene, login):
    client = login(cast["inspector_city"])
    overdue = client.get(reverse("inspection_list"), {"state": "overdue_findings", "region": "621002"})
    assert sum(i.findings_overdue for i in overdue.context["table"].data) == 1
    assert client.get(reverse("inspection_list"), {"state": "overdue_findings", "region": "621021"}).context["table"].data.data.count() == 0
    complaints = client.get(reverse("complaint_list"), {"state": "open", "region": "621021"})
    assert complaints.context["table"].data.data.count() == 1
    assert client.get(reverse("complaint_list"), {"state": "open", "region": "621002"}).context["table"].data.data.count() == 0


def test_the_map_places_facilities_sharing_a_place_apart_and_names_each(cast, scene, facilities, login):
    overview = login(cast["inspector_city"]).get(reverse("home")).context["overview"]
    dots = {dot.id: dot for dot in overview.dots}
    assert set(dots) == {facilities["a"].pk, facilities["b"].pk, facilities["c"].pk}
    assert (dots[facilities["a"].pk].x, dots[facilities["a"].pk].y) != (dots[facilities["b"].pk].x, dots[facilities["b"].pk].y)
    assert dots[facilities["c"].pk].y < dots[facilities["a"].pk].y  # 庆城 lies north of 西峰
    assert all(0 <= dot.x <= overview.width and 0 <= dot.y <= overview.height for dot in dots.values())
    html = login(cast["inspector_city"]).get(reverse("home")).content.decode()
    assert f'aria-label="{facilities["a"].name}（西峰区）：配比不达标"' in html


def test_a_province_of_many_facilities_draws_counties_not_dots(cast, regions):
    for _ in range(MAX_DOTS + 1):
        FacilityFactory(region=regions["621002100"])
    Region.objects.filter(code__in=["621002", "621002100"]).update(longitude=Decimal("107.64"), latitude=Decimal("35.71"))
    overview = region_overview(user=cast["inspector_city"], today=TODAY)
    assert overview.dots == [] and overview.counties[0].facilities > MAX_DOTS and overview.height > 0


def test_the_home_keeps_a_fixed_number_of_queries(cast, scene, regions, login):
    client = login(cast["inspector_city"])
    few = count_queries(client, reverse("home"))
    for _ in range(8):
        FacilityFactory(region=regions["621021"])
    assert count_queries(client, reverse("home")) == few
