"""Rounds and handovers of facilities for a day, unit by unit, with their gaps against the region's intervals
(safety_rules.record_gaps). Shared by the rounds page and API (residents.safety) and the nightly scan."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from facilities.selectors import region_policies

from .models import RoundKind, SafetyRound
from .safety_rules import record_gaps

#: Units patrolled in this many days before are expected on the day too.
UNITS_LOOKBACK_DAYS = 30


@dataclass
class UnitDay:
    unit: str
    records: list[SafetyRound] = field(default_factory=list)
    round_gaps: list[tuple[datetime, datetime]] = field(default_factory=list)
    handover_gaps: list[tuple[datetime, datetime]] = field(default_factory=list)

    @property
    def has_gaps(self) -> bool:
        return bool(self.round_gaps or self.handover_gaps)

    @property
    def round_spans(self) -> list[str]:
        return [gap_span(gap) for gap in self.round_gaps]

    @property
    def handover_spans(self) -> list[str]:
        return [gap_span(gap) for gap in self.handover_gaps]


def gap_span(gap: tuple[datetime, datetime]) -> str:
    """A gap as the hours a person reads, in Asia/Shanghai: "20:00–24:00" when it runs to midnight."""
    start, end = (timezone.localtime(moment) for moment in gap)
    return f"{start:%H:%M}–{'24:00' if end.time() == time.min and end.date() > start.date() else f'{end:%H:%M}'}"


def day_window(day: date, now: datetime) -> tuple[datetime, datetime]:
    """The day in Asia/Shanghai, up to `now` if the day is not over."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, min(start + timedelta(days=1), now)


def rounds_by_facility(*, facilities, day: date, now: datetime) -> dict[int, list[UnitDay]]:
    """facility id → its units on `day` (those with a record that day or in the 30 days before; "" when a
    facility has none), each with its records and gaps. Three queries whatever the number of facilities."""
    start, end = day_window(day, now)
    facilities = list(facilities)
    ids = [facility.pk for facility in facilities]
    policies = region_policies(region_codes=[facility.region_id for facility in facilities], on=day)
    units: dict[int, dict[str, UnitDay]] = {pk: {} for pk in ids}
    recent = (SafetyRound.objects.filter(facility_id__in=ids, at__gte=start - timedelta(days=UNITS_LOOKBACK_DAYS),
                                         at__lt=start + timedelta(days=1))
              .order_by().values_list("facility_id", "unit").distinct())
    for facility_id, unit in recent:
        units[facility_id].setdefault(unit, UnitDay(unit))
    for record in SafetyRound.objects.filter(facility_id__in=ids, at__gte=start, at__lt=start + timedelta(days=1)) \
            .order_by("at", "id"):
        units[record.facility_id].setdefault(record.unit, UnitDay(record.unit)).records.append(record)
    result = {}
    for facility in facilities:
        policy = policies[facility.region_id]
        days = sorted(units[facility.pk].values(), key=lambda entry: entry.unit) or [UnitDay("")]
        for entry in days:
            times = defaultdict(list)
            for record in entry.records:
                times[record.kind].append(timezone.localtime(record.at))
            entry.round_gaps = record_gaps(times=times[RoundKind.ROUND], start=start, end=end,
                                           max_gap=timedelta(hours=policy.round_max_gap_hours))
            entry.handover_gaps = record_gaps(times=times[RoundKind.HANDOVER], start=start, end=end,
                                              max_gap=timedelta(hours=policy.handover_max_gap_hours))
        result[facility.pk] = days
    return result
