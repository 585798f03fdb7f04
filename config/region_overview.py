"""A regional user's home: the region's facilities by county, as a table whose every number links to the
list it counts, and on a map drawn from the division table's coordinates (no map tiles: bureaus run on
intranets).

Five queries whatever the region's size: the facilities (their place, coordinates and star level), today's
staffing status, the open findings, the open complaints, the counties. A facility sits at its township's
coordinates, or its county's where the township has none of its own, so facilities sharing a place are
spread on a small spiral around it.
"""
import math
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import Substr

from facilities.complaints.selectors import complaints_visible_to
from facilities.inspections.selectors import findings_visible_to
from facilities.models import FacilityStatus, FindingStatus, Region
from facilities.scoping import facilities_visible_to
from facilities.selectors import current_level_subquery
from staffing.models import ComplianceStatus
from staffing.selectors import snapshots_in_scope

# A map of more facilities than this draws each county as one circle: a province's 3,000 dots say less
# than its counties do, and weigh on the page.
MAX_DOTS = 300
WIDTH, PADDING = 640, 28
SPREAD = 7  # map units between facilities sharing a place


@dataclass
class CountyRow:
    code: str
    name: str
    facilities: int = 0
    unrated: int = 0
    below: int = 0
    no_data: int = 0
    open_findings: int = 0
    overdue_findings: int = 0
    open_complaints: int = 0
    place: tuple[float, float] | None = None
    x: float = 0
    y: float = 0
    radius: float = 0


@dataclass
class MapDot:
    id: int
    name: str
    county: str
    status: str
    place: tuple[float, float]
    x: float = 0
    y: float = 0


@dataclass
class RegionOverview:
    counties: list[CountyRow]
    dots: list[MapDot]
    height: int = 0
    unplaced: int = 0
    totals: CountyRow = field(default_factory=lambda: CountyRow(code="", name=""))

    @property
    def width(self) -> int:
        return WIDTH


def _project(places: list[tuple[float, float]]):
    """Longitude and latitude to map units: an equirectangular projection at the region's middle latitude,
    scaled to WIDTH; returns the projection and the map's height."""
    longitudes, latitudes = [p[0] for p in places], [p[1] for p in places]
    squeeze = math.cos(math.radians((min(latitudes) + max(latitudes)) / 2))
    span_x = max((max(longitudes) - min(longitudes)) * squeeze, 0.05)
    span_y = max(max(latitudes) - min(latitudes), 0.05)
    scale = (WIDTH - 2 * PADDING) / max(span_x, span_y * 1.4)
    height = round(span_y * scale + 2 * PADDING)

    def project(place):
        return (round(PADDING + (place[0] - min(longitudes)) * squeeze * scale, 1),
                round(PADDING + (max(latitudes) - place[1]) * scale, 1))
    return project, height


def region_overview(*, user, today: date) -> RegionOverview:
    facilities = list(
        facilities_visible_to(user).exclude(status=FacilityStatus.CLOSED)
        .annotate(county=Substr("region_id", 1, 6), star_level=current_level_subquery(on=today))
        .values("id", "name", "county", "star_level", "region__longitude", "region__latitude")
        .order_by("county", "name", "id")
    )
    status = dict(snapshots_in_scope(user=user, day=today).values_list("facility_id", "status"))
    findings = {
        row["inspection__facility_id"]: row for row in findings_visible_to(user)
        .exclude(status=FindingStatus.VERIFIED).values("inspection__facility_id")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(status=FindingStatus.OPEN, deadline__lt=today)))
        .order_by()
    }
    complaints = dict(
        complaints_visible_to(user).filter(concluded_on__isnull=True).values("facility_id")
        .annotate(n=Count("id")).order_by().values_list("facility_id", "n")
    )
    codes = sorted({f["county"] for f in facilities})
    counties = {
        code: CountyRow(code=code, name=name, place=(float(lon), float(lat)) if lon is not None else None)
        for code, name, lon, lat in Region.objects.filter(code__in=codes).values_list("code", "name", "longitude", "latitude")
    }
    dots = []
    for facility in facilities:
        county = counties.setdefault(facility["county"], CountyRow(code=facility["county"], name=facility["county"]))
        state = status.get(facility["id"], "")
        county.facilities += 1
        county.unrated += facility["star_level"] == 0
        county.below += state == ComplianceStatus.BELOW
        county.no_data += state == ComplianceStatus.NO_DATA
        county.open_findings += findings.get(facility["id"], {}).get("open", 0)
        county.overdue_findings += findings.get(facility["id"], {}).get("overdue", 0)
        county.open_complaints += complaints.get(facility["id"], 0)
        if facility["region__longitude"] is not None:
            dots.append(MapDot(id=facility["id"], name=facility["name"], county=county.name, status=state,
                               place=(float(facility["region__longitude"]), float(facility["region__latitude"]))))
    rows = [counties[code] for code in codes]
    totals = CountyRow(code="", name="")
    for row in rows:
        for name in ("facilities", "unrated", "below", "no_data", "open_findings", "overdue_findings", "open_complaints"):
            setattr(totals, name, getattr(totals, name) + getattr(row, name))
    overview = RegionOverview(counties=rows, dots=dots, unplaced=totals.facilities - len(dots), totals=totals)
    places = [dot.place for dot in dots] + [row.place for row in rows if row.place]
    if not places:
        overview.dots = []
        return overview
    project, overview.height = _project(places)
    for row in rows:
        if row.place:
            row.x, row.y = project(row.place)
            row.radius = round(6 + 3 * math.sqrt(row.facilities), 1)
    if len(dots) > MAX_DOTS:
        overview.dots = []
        return overview
    sharing: dict[tuple, int] = {}
    for dot in dots:
        k = sharing.get(dot.place, 0)
        sharing[dot.place] = k + 1
        x, y = project(dot.place)
        angle = k * 2.39996  # the golden angle: a spiral with no two dots on one spot
        dot.x = round(x + SPREAD * math.sqrt(k) * math.cos(angle), 1)
        dot.y = round(y + SPREAD * math.sqrt(k) * math.sin(angle), 1)
    return overview
