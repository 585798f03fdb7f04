"""How one person's month is priced: pure rules over plain facts (no ORM, no I/O, no clock).

Policy encoded (DESIGN §3, month policy):

* A month is paid for each support the person has in a benefit month (`rules.is_benefit_month`):
  特困 support gives 基本生活费 (by urban / rural hukou), 照料护理费 (by support form × self-care
  category) and, in a facility, the facility's 运营补贴 (by category × the star-level multiplier);
  孤儿 and 事实无人抚养儿童 give 孤儿基本生活费 (in an institution or at home).
* By default the state on the 1st of the month prices the whole month: the facility the person
  lives in (else the township at home), the self-care category, the facility's star level.
  A region may price by day instead; each run of days with the same basis is one part, and the
  line rounds the sum of its parts once (`rules.prorate_parts`); each part's basis shows its share,
  the shares adding up to the line to the fen (`rules.prorate_shares`).
* A stay covers its admission day up to the day before it ends, so on a transfer day the person
  is in the new facility. After a death in a facility no day is paid.
* Support form follows the decision (DESIGN §5): a 特困 person out of care is priced as dispersed
  support only while a dispersed-support decision (a 特困 status whose support form is dispersed)
  covers the day. Someone whose support is centralised and who left care is not paid those days
  (`care_gaps` names them, so the check before submission lists them), never paid as dispersed.
* A person without a valid assessment (residents.rules.valid_assessment: none yet, or past its
  due date) is priced at the self-care tier and flagged, so money is never paid on a guess.
* The most specific region's standard for the exact key wins, then the national default.
"""
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from facilities.rules import region_ancestors
from residents.rules import valid_assessment

from .rules import apply_multiplier, days_in_month, is_benefit_month, prorate_shares

HARDSHIP = "hardship"
CHILD_KINDS = ("orphan", "unsupported_child")
CENTRALISED, DISPERSED = "centralised", "dispersed"
SELF_CARE = "self_care"
MONTH, DAY = "month", "day"

#: Items whose amount depends on the self-care category; the others carry no category.
BY_CATEGORY = ("care", "operating")

FLAG_NO_VALID_ASSESSMENT = "no_valid_assessment"
FLAG_NO_STANDARD = "no_standard"
FLAG_ADJUSTMENT = "adjustment"


@dataclass(frozen=True)
class StandardFact:
    id: int
    region_code: str
    item: str
    hukou_type: str
    support_form: str
    category: str
    amount: Decimal
    effective_from: date
    effective_to: date | None
    star_multipliers: Mapping[int, Decimal] = field(default_factory=dict)
    is_sample: bool = False


class StandardBook:
    """Standards indexed by key and region, for finding the one in force in O(chain length)."""

    def __init__(self, standards: Sequence[StandardFact]):
        self._index: dict[tuple, dict[str, list[StandardFact]]] = {}
        self._found: dict[tuple, StandardFact | None] = {}  # answers already looked up (the book never changes)
        for fact in standards:
            key = (fact.item, fact.hukou_type, fact.support_form, fact.category)
            self._index.setdefault(key, {}).setdefault(fact.region_code, []).append(fact)

    def keys(self) -> list[tuple[str, str, str, str]]:
        """Every (item, hukou type, support form, category) some standard is kept for."""
        return list(self._index)

    def find(self, *, region_code: str, item: str, on: date, hukou_type: str = "", support_form: str = "",
             category: str = "") -> StandardFact | None:
        question = (region_code, item, on, hukou_type, support_form, category)
        if question not in self._found:
            self._found[question] = self._find(region_code, item, on, (item, hukou_type, support_form, category))
        return self._found[question]

    def _find(self, region_code: str, item: str, on: date, key: tuple) -> StandardFact | None:
        by_region = self._index.get(key, {})
        for code in (*region_ancestors(region_code), ""):
            for fact in by_region.get(code, ()):
                if fact.effective_from <= on and (fact.effective_to is None or on <= fact.effective_to):
                    return fact
        return None


@dataclass(frozen=True)
class StayFact:
    id: int
    facility_id: int
    facility_region: str
    admitted_on: date
    ended_on: date | None = None
    died: bool = False

    def covers(self, day: date) -> bool:
        return self.admitted_on <= day and (self.ended_on is None or day < self.ended_on)


@dataclass(frozen=True)
class StatusFact:
    id: int
    kind: str
    confirmed_on: date
    terminated_on: date | None = None
    support_form: str = ""


@dataclass(frozen=True)
class AssessmentFact:
    id: int
    assessed_on: date
    category: str
    due_on: date


@dataclass(frozen=True)
class RatingFact:
    rated_on: date
    expires_on: date
    level: int


@dataclass(frozen=True)
class PersonFacts:
    id: int
    hukou_type: str
    home_region: str
    statuses: Sequence[StatusFact] = ()
    stays: Sequence[StayFact] = ()
    assessments: Sequence[AssessmentFact] = ()


@dataclass(frozen=True)
class PricingPolicy:
    proration: str = MONTH


@dataclass(frozen=True)
class Payer:
    """A facility (centralised care) or a township (dispersed support) that claims the money."""

    facility_id: int | None = None
    township: str | None = None

    @property
    def region_code(self) -> str:
        return self.township or ""


@dataclass(frozen=True)
class PricedLine:
    payer: Payer
    person_id: int
    item: str
    amount: Decimal
    support_form: str
    category: str
    days: int
    basis: dict
    flags: tuple[str, ...]


@dataclass(frozen=True)
class CareGap:
    """A run of days a 特困 person paid this month spends out of care with no dispersed-support decision:
    not paid. `facility_id` is the facility they left (None when no stay is known)."""

    person_id: int
    facility_id: int | None
    left_on: date | None
    start: date
    end: date
    days: int


@dataclass(frozen=True)
class _State:
    payer: Payer
    standard_region: str
    support_form: str
    category: str
    assessment: AssessmentFact | None
    stay: StayFact | None
    star_level: int
    awaiting_decision: bool = False  # out of care, no dispersed-support decision: 特困 items are not paid


def star_level_on(ratings: Sequence[RatingFact], day: date) -> int:
    """The level of the latest passed rating still valid on `day`; 0 (unrated) when none."""
    valid = [r for r in ratings if r.level > 0 and r.rated_on <= day < r.expires_on]
    return max(valid, key=lambda r: r.rated_on).level if valid else 0


def dispersed_decided(statuses: Sequence[StatusFact], day: date) -> bool:
    """Whether a dispersed-support decision covers `day`: a 特困 status whose support form is dispersed,
    confirmed by then and not terminated before that month (its last month is paid, as any status's)."""
    start = day.replace(day=1)
    return any(
        s.kind == HARDSHIP and s.support_form == DISPERSED and s.confirmed_on <= day
        and (s.terminated_on is None or s.terminated_on >= start)
        for s in statuses
    )


def _state_on(person: PersonFacts, day: date, ratings: Mapping[int, Sequence[RatingFact]]) -> _State | None:
    stay = next((s for s in person.stays if s.covers(day)), None)
    if stay is None and any(s.died and s.ended_on is not None and s.ended_on <= day for s in person.stays):
        return None
    assessment = valid_assessment(person.assessments, day)
    category = assessment.category if assessment else SELF_CARE
    if stay is not None:
        return _State(
            payer=Payer(facility_id=stay.facility_id), standard_region=stay.facility_region,
            support_form=CENTRALISED, category=category, assessment=assessment, stay=stay,
            star_level=star_level_on(ratings.get(stay.facility_id, ()), day),
        )
    return _State(
        payer=Payer(township=person.home_region), standard_region=person.home_region, support_form=DISPERSED,
        category=category, assessment=assessment, stay=None, star_level=0,
        awaiting_decision=not dispersed_decided(person.statuses, day),
    )


def _benefits(person: PersonFacts, month: date) -> tuple[StatusFact | None, StatusFact | None]:
    """The 特困 status and the child status paying this month, if any (the first recorded of each kind)."""
    paying = [s for s in person.statuses if is_benefit_month(month, confirmed_on=s.confirmed_on,
                                                             terminated_on=s.terminated_on)]
    hardship = min((s for s in paying if s.kind == HARDSHIP), key=lambda s: s.id, default=None)
    child = min((s for s in paying if s.kind in CHILD_KINDS), key=lambda s: s.id, default=None)
    return hardship, child


def _item_keys(state: _State, person: PersonFacts, *, hardship: bool, child: bool) -> list[tuple[str, dict, bool]]:
    """(item, standard key, depends on category) for each item this state is paid."""
    keys = []
    if hardship and not state.awaiting_decision:
        keys.append(("basic_living", {"hukou_type": person.hukou_type}, False))
        keys.append(("care", {"support_form": state.support_form, "category": state.category}, True))
        if state.support_form == CENTRALISED:
            keys.append(("operating", {"category": state.category}, True))
    if child:
        keys.append(("orphan", {"support_form": state.support_form}, False))
    return keys


def _money(value: Decimal) -> str:
    return format(value, "f")


def _days(person: PersonFacts, month: date,
          policy_for: Callable[[str], PricingPolicy]) -> tuple[PricingPolicy, list[date], int]:
    """The policy that prices the month (where the person is on the 1st), the days whose state is
    read and how many days each one stands for: the 1st for the whole month, or every day."""
    first = next((s for s in person.stays if s.covers(month)), None)
    policy = policy_for(first.facility_region if first else person.home_region)
    dim = days_in_month(month)
    if policy.proration == DAY:
        return policy, [month + timedelta(days=i) for i in range(dim)], 1
    return policy, [month], dim


def care_gaps(person: PersonFacts, month: date, *, policy_for: Callable[[str], PricingPolicy]) -> list[CareGap]:
    """The days of `month` a 特困 person paid this month is not priced because they are out of care
    without a dispersed-support decision, in runs by the facility they left (the last stay ended by then)."""
    hardship, _child = _benefits(person, month)
    if hardship is None:
        return []
    _policy, days, weight = _days(person, month, policy_for)
    gaps: list[CareGap] = []
    for day in days:
        state = _state_on(person, day, ratings={})
        if state is None or not state.awaiting_decision:
            continue
        left = max((s for s in person.stays if s.ended_on is not None and s.ended_on <= day),
                   key=lambda s: (s.ended_on, s.id), default=None)
        facility_id, left_on = (left.facility_id, left.ended_on) if left else (None, None)
        last = day + timedelta(days=weight - 1)
        if gaps and gaps[-1].facility_id == facility_id and gaps[-1].end == day - timedelta(days=1):
            gaps[-1] = replace(gaps[-1], end=last, days=gaps[-1].days + weight)
        else:
            gaps.append(CareGap(person.id, facility_id, left_on, day, last, weight))
    return gaps


def price_person_month(
    person: PersonFacts,
    month: date,
    *,
    book: StandardBook,
    ratings: Mapping[int, Sequence[RatingFact]],
    policy_for: Callable[[str], PricingPolicy],
) -> list[PricedLine]:
    """Every line one person is paid for `month` (its 1st), one per payer and item."""
    hardship, child = _benefits(person, month)
    if hardship is None and child is None:
        return []
    policy, days, weight = _days(person, month, policy_for)
    parts: dict[tuple[Payer, str], list[dict]] = {}
    for day in days:
        state = _state_on(person, day, ratings)
        if state is None:
            continue
        for item, key, by_category in _item_keys(state, person, hardship=hardship is not None, child=child is not None):
            standard = book.find(region_code=state.standard_region, item=item, on=month, **key)
            part = _part(state, day, weight, item, standard, by_category, hukou_type=person.hukou_type)
            runs = parts.setdefault((state.payer, item), [])
            if runs and runs[-1]["same"] == part["same"]:
                runs[-1]["days"] += weight
                runs[-1]["to"] = part["to"]
            else:
                runs.append(part)
    return [
        _line(person.id, payer, item, runs, month=month, policy=policy, status=child if item == "orphan" else hardship)
        for (payer, item), runs in parts.items()
    ]


def _part(state: _State, day: date, weight: int, item: str, standard: StandardFact | None, by_category: bool,
          *, hukou_type: str) -> dict:
    multiplier = None
    monthly = None
    if standard is not None:
        monthly = standard.amount
        if item == "operating":
            multiplier = standard.star_multipliers.get(state.star_level, Decimal(1))
            monthly = apply_multiplier(standard.amount, multiplier)
    basis = {
        "standard": None if standard is None else {
            "id": standard.id, "region": standard.region_code, "amount": _money(standard.amount),
            "effective_from": standard.effective_from.isoformat(), "is_sample": standard.is_sample,
        },
        "monthly": None if monthly is None else _money(monthly),
        "multiplier": None if multiplier is None else _money(multiplier),
        "star_level": state.star_level if item == "operating" else None,
        "support_form": state.support_form,
        "category": state.category,
        "hukou_type": hukou_type if item == "basic_living" else None,
        "assessment": None if state.assessment is None else {
            "id": state.assessment.id, "assessed_on": state.assessment.assessed_on.isoformat(),
            "category": state.assessment.category,
        },
        "stay": None if state.stay is None else {
            "id": state.stay.id, "facility_id": state.stay.facility_id,
            "admitted_on": state.stay.admitted_on.isoformat(),
        },
        "no_valid_assessment": by_category and state.assessment is None,
    }
    last = day + timedelta(days=weight - 1)
    return {"same": basis, "from": day.isoformat(), "to": last.isoformat(), "days": weight}


def _line(person_id: int, payer: Payer, item: str, runs: list[dict], *, month: date, policy: PricingPolicy,
          status: StatusFact) -> PricedLine:
    dim = days_in_month(month)
    monthly = [Decimal(run["same"]["monthly"] or "0") for run in runs]
    shares = prorate_shares([(amount, run["days"]) for amount, run in zip(monthly, runs)], days_in_month=dim)
    flags = []
    if any(run["same"]["no_valid_assessment"] for run in runs):
        flags.append(FLAG_NO_VALID_ASSESSMENT)
    if any(run["same"]["monthly"] is None for run in runs):
        flags.append(FLAG_NO_STANDARD)
    first = runs[0]["same"]
    return PricedLine(
        payer=payer,
        person_id=person_id,
        item=item,
        amount=sum(shares, Decimal("0.00")),
        support_form=first["support_form"],
        category=first["category"] if item in BY_CATEGORY else "",
        days=sum(run["days"] for run in runs),
        basis={
            "proration": policy.proration,
            "days_in_month": dim,
            "status": {"id": status.id, "kind": status.kind, "confirmed_on": status.confirmed_on.isoformat()},
            "parts": [{"from": run["from"], "to": run["to"], "days": run["days"], "amount": _money(share), **run["same"]}
                      for run, share in zip(runs, shares)],
        },
        flags=tuple(flags),
    )
