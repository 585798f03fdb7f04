"""Reads of people, stays and assessments, always through the scoping module."""
from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from facilities.scoping import can_act_for_facility, personal_facility_scope_q, personal_region_scope_q

from .models import (
    AbilityAssessment,
    LtcAssessment,
    Person,
    SafetyIncident,
    SafetyRiskAssessment,
    SelfCareAssessment,
    Stay,
    SupportStatus,
)


def people_visible_to(user) -> QuerySet[Person]:
    """Managers see people who live or lived in their facilities; regional users also see people
    whose household registration or residence lies in their region; administrators see nobody."""
    stays_q = personal_facility_scope_q(user, prefix="facility__")
    if stays_q is None:
        return Person.objects.none()
    q = Q()
    for field in ("hukou_region__code", "residence_region__code"):
        regional = personal_region_scope_q(user, field=field)
        if regional is not None:
            q |= regional
    # The region tests come first: PostgreSQL evaluates an OR left to right, so the stays subquery
    # (hashed over every stay in scope) is only built when a person passes neither test.
    q |= Q(id__in=Stay.objects.filter(stays_q).values("person_id"))
    return Person.objects.filter(q)


# --- visibility follows the stay (issue 16) -----------------------------------------------
#
# A manager reads a person's records for the time the person was in one of their facilities: once
# the person has left, the manager's view stops on the day they left (`seen_until`), and records
# made elsewhere after that (the new facility's stays and assessments, later statuses and visits,
# later changes to the person) are not theirs. The same holds for a regional user who sees the
# person only through a stay in a facility of their region; one who covers the person's household
# registration or residence, or the facility they live in now, sees everything. `seen_until` is
# NULL for the whole record, else the last day of the person's latest stay in scope; `seen_at` is
# that stay's facility (an assessment recorded there on the day they left is still the reader's).


def _with_window(qs: QuerySet[Person], user) -> QuerySet[Person]:
    """Annotate `seen_until` and `seen_at` (see above): two subqueries in the same statement."""
    stays_q = personal_facility_scope_q(user, prefix="facility__")
    if stays_q is None:
        return qs.none().annotate(seen_until=Value(None, output_field=DateField()),
                                  seen_at=Value(None, output_field=IntegerField()))
    in_scope = Stay.objects.filter(stays_q, person=OuterRef("pk"))
    whole = Q()
    for field in ("hukou_region__code", "residence_region__code"):
        regional = personal_region_scope_q(user, field=field)
        if regional is not None:
            whole = regional if not whole else whole | regional
    lives_here = Q(Exists(in_scope.filter(ended_on__isnull=True)))
    whole = lives_here if not whole else whole | lives_here
    last = in_scope.filter(ended_on__isnull=False).order_by("-ended_on", "-id")
    return qs.annotate(
        seen_until=Case(When(whole, then=Value(None, output_field=DateField())),
                        default=Subquery(last.values("ended_on")[:1]), output_field=DateField()),
        seen_at=Case(When(whole, then=Value(None, output_field=IntegerField())),
                     default=Subquery(last.values("facility_id")[:1]), output_field=IntegerField()),
    )


def person_get_for_user(*, user, person_id: int) -> Person:
    """The person, annotated with the reader's window (`seen_until`, `seen_at`): read their records
    through person_stays / person_assessments / person_detail, which keep to it."""
    person = _with_window(people_visible_to(user), user).select_related(
        "hukou_region", "residence_region").filter(pk=person_id).first()
    if person is None:
        raise Http404("person")
    if person.seen_until is not None:
        _as_it_stood(person, person.seen_until)
    return person


# What a person's own record says that may change after they left a reader's facility: shown to
# that reader as it stood on the day they left (a new phone number, address or contact is the new
# facility's business).
AS_IT_STOOD = ("name", "hukou_region_id", "hukou_type", "residence_region_id", "address", "phone",
               "emergency_contact_name", "emergency_contact_phone", "disability_category", "disability_grade",
               "photo")


def _as_it_stood(person: Person, day: date) -> None:
    """Overlay the fields of AS_IT_STOOD with their values at the end of `day`. One query (two when a
    region changed since and its name is read)."""
    moment = timezone.make_aware(datetime.combine(day, time.max))
    then = person.history.filter(history_date__lte=moment).order_by("-history_date", "-history_id").first()
    if then is None:
        return
    for name in AS_IT_STOOD:
        setattr(person, name, getattr(then, name))


def departed_on(person: Person) -> date | None:
    """The day the person left the reader's facilities (their view stops there), or None: the whole record."""
    return getattr(person, "seen_until", None)


def _window(person: Person) -> tuple[date | None, int | None]:
    """A person not read through person_get_for_user (one a service has just written, for its writer)
    has no window: the whole record."""
    return getattr(person, "seen_until", None), getattr(person, "seen_at", None)


def person_stays(person: Person) -> QuerySet[Stay]:
    """The stays the reader may see: after the person left, those that ended by then (never a later
    stay elsewhere)."""
    until, _at = _window(person)
    qs = person.stays.select_related("facility")
    return qs if until is None else qs.filter(ended_on__isnull=False, ended_on__lte=until)


def _assessment_window_q(until, at, *, prefix: str = "") -> Q:
    """Assessments made before the person left, or at the reader's facility on the day they left."""
    return Q(**{f"{prefix}assessed_on__lt": until}) | Q(**{f"{prefix}assessed_on": until, f"{prefix}facility_id": at})


def person_assessments(person: Person) -> QuerySet[SelfCareAssessment]:
    """The assessments the reader may see, newest first."""
    until, at = _window(person)
    qs = person.assessments.all()
    return qs if until is None else qs.filter(_assessment_window_q(until, at))


def person_ability_assessments(person: Person) -> QuerySet[AbilityAssessment]:
    """The GB/T 42195 assessments the reader may see, newest first (the same window as self-care ones)."""
    until, at = _window(person)
    qs = person.ability_assessments.select_related("scale")
    return qs if until is None else qs.filter(_assessment_window_q(until, at))


def person_ltc_assessments(person: Person) -> QuerySet[LtcAssessment]:
    """The long-term-care results the reader may see, newest first (the same window as the assessments)."""
    until, at = _window(person)
    qs = person.ltc_assessments.all()
    return qs if until is None else qs.filter(_assessment_window_q(until, at))


def person_safety_assessments(person: Person) -> QuerySet[SafetyRiskAssessment]:
    """The GB 38600 risk assessments the reader may see, newest first (the same window as self-care ones)."""
    until, at = _window(person)
    qs = person.safety_assessments.select_related("catalogue")
    return qs if until is None else qs.filter(_assessment_window_q(until, at))


def person_safety_incidents(person: Person) -> QuerySet[SafetyIncident]:
    """The incidents that befell the person the reader may see, newest first: after the person left, those
    before that day, and those of the reader's facility on it."""
    until, at = _window(person)
    qs = person.safety_incidents.select_related("facility")
    if until is None:
        return qs
    return qs.filter(Q(occurred_at__date__lt=until) | Q(occurred_at__date=until, facility_id=at))


def person_statuses(person: Person) -> list[SupportStatus]:
    """The support statuses confirmed by the day the person left, as they stood that day: a later
    termination is shown as not yet made (for display only; never save these)."""
    until, _at = _window(person)
    if until is None:
        return list(person.statuses.all())
    statuses = list(person.statuses.filter(confirmed_on__lte=until))
    for status in statuses:
        if status.terminated_on and status.terminated_on > until:
            status.terminated_on, status.termination_reason = None, ""
    return statuses


def person_visits(person: Person):
    until, _at = _window(person)
    qs = person.visits.all()
    return qs if until is None else qs.filter(visited_on__lte=until)


def person_care_agreements(person: Person):
    until, _at = _window(person)
    qs = person.care_agreements.all()
    return qs if until is None else qs.filter(signed_on__lte=until)


@dataclass(frozen=True)
class PersonFilters:
    q: str = ""
    facility_id: int | None = None
    category: str = ""
    support_form: str = ""
    assessment_overdue: bool = False
    in_care: bool = False


def _latest_assessment(today: date):
    return SelfCareAssessment.objects.filter(person=OuterRef("pk"), assessed_on__lte=today).order_by("-assessed_on", "-id")


_OUTER_PERSON = OuterRef("person_id")


def valid_category_on(day: date, *, person=_OUTER_PERSON) -> Subquery:
    """The SQL twin of rules.valid_assessment, for set-based reads (the census, the scans): the
    category of the person's latest assessment on or before `day` while it is valid that day
    (through its due date), else NULL. The latest decides; an older one never stands in for it."""
    latest = SelfCareAssessment.objects.filter(person_id=person, assessed_on__lte=day).order_by("-assessed_on", "-id")
    valid = Case(When(due_on__gte=day, then=F("category")), default=Value(None), output_field=CharField())
    return Subquery(latest.annotate(valid_category=valid).values("valid_category")[:1])


def without_valid_assessment_q(today: date) -> Q:
    """People (annotated by `person_list`) whose latest assessment is missing or past its due date today:
    the SQL twin of rules.assessment_status being MISSING or OVERDUE."""
    return Q(latest_assessed_on__isnull=True) | Q(latest_due_on__lt=today)


def person_list(*, user, filters: PersonFilters = PersonFilters(), today: date) -> QuerySet[Person]:
    """People in scope with their current stay, latest category and open support forms annotated."""
    active = Stay.objects.filter(person=OuterRef("pk"), ended_on__isnull=True)
    open_status = SupportStatus.objects.filter(person=OuterRef("pk"), terminated_on__isnull=True)
    # Within the reader's window (`seen_until`): a person who left shows no current stay (the table
    # says 已离院), and the latest assessment is the latest the reader may see.
    latest = _latest_assessment(today).filter(
        Q(assessed_on__lt=Coalesce(OuterRef("seen_until"), Value(date.max)))
        | Q(assessed_on=OuterRef("seen_until"), facility_id=OuterRef("seen_at"))
    )
    here = Q(seen_until__isnull=True)
    qs = _with_window(people_visible_to(user), user).annotate(
        current_facility_id=Case(When(here, then=Subquery(active.values("facility_id")[:1])), default=None),
        current_facility_name=Case(When(here, then=Subquery(active.values("facility__name")[:1])), default=None),
        latest_category=Subquery(latest.values("category")[:1]),
        latest_assessed_on=Subquery(latest.values("assessed_on")[:1]),
        latest_due_on=Subquery(latest.values("due_on")[:1]),
        latest_due_provisional=Subquery(latest.values("due_provisional")[:1]),
        support_form=Subquery(open_status.exclude(support_form="").values("support_form")[:1]),
        support_kind=Subquery(open_status.values("kind")[:1]),
    )
    if filters.q:
        # A name, or a whole ID number: prefix search on ID numbers would let anyone read a
        # masked number digit by digit.
        text = filters.q.strip()
        qs = qs.filter(Q(name__icontains=text) | Q(id_number=text.upper()))
    if filters.facility_id:
        qs = qs.filter(here, Exists(active.filter(facility_id=filters.facility_id)))
    if filters.in_care:
        qs = qs.filter(here, Exists(active))
    if filters.category:
        qs = qs.filter(latest_category=filters.category)
    if filters.support_form:
        qs = qs.filter(Exists(open_status.filter(support_form=filters.support_form)))
    if filters.assessment_overdue:
        qs = qs.filter(here, Exists(active)).filter(without_valid_assessment_q(today))
    return qs.order_by("name", "id")


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: str
    title: str
    detail: str


def person_detail(*, person: Person) -> dict:
    """Everything the resident page shows, in a fixed number of queries, within the reader's window
    (a person from person_get_for_user)."""
    statuses = person_statuses(person)
    stays = list(person_stays(person))
    assessments = list(person_assessments(person))
    ability_assessments = list(person_ability_assessments(person))
    ltc_assessments = list(person_ltc_assessments(person))
    safety_assessments = list(person_safety_assessments(person))
    safety_incidents = list(person_safety_incidents(person)[:10])
    visits = list(person_visits(person))
    agreements = list(person_care_agreements(person))
    timeline = [
        *(TimelineEntry(s.confirmed_on, "status", _("认定为%(kind)s") % {"kind": s.get_kind_display()},
                        s.get_support_form_display() or "") for s in statuses),
        *(TimelineEntry(s.terminated_on, "status", _("终止%(kind)s") % {"kind": s.get_kind_display()},
                        s.termination_reason) for s in statuses if s.terminated_on),
        *(TimelineEntry(s.admitted_on, "stay", _("入住%(facility)s") % {"facility": s.facility.name}, s.note)
          for s in stays),
        *(TimelineEntry(s.ended_on, "stay", _("离开%(facility)s") % {"facility": s.facility.name},
                        s.get_end_reason_display()) for s in stays if s.ended_on),
        *(TimelineEntry(a.assessed_on, "assessment",
                        _("生活自理能力评估：%(category)s") % {"category": a.get_category_display()},
                        f"{a.get_reason_display()} · {a.assessors}") for a in assessments),
        *(TimelineEntry(v.visited_on, "visit", f"{v.get_mode_display()}", v.findings[:80]) for v in visits),
    ]
    timeline.sort(key=lambda entry: entry.on, reverse=True)
    return {
        "statuses": statuses,
        "stays": stays,
        "active_stay": next((s for s in stays if s.ended_on is None), None),
        "assessments": assessments,
        "ability_assessments": ability_assessments,
        "ltc_assessments": ltc_assessments,
        "safety_assessments": safety_assessments,
        "safety_incidents": safety_incidents,
        "latest_assessment": assessments[0] if assessments else None,
        "visits": visits,
        "agreements": agreements,
        "timeline": timeline,
        "departed_on": departed_on(person),
    }


def facility_occupancy(*, facility_ids) -> dict[int, int]:
    """Active stays per facility, one query."""
    rows = (
        Stay.objects.filter(facility_id__in=list(facility_ids), ended_on__isnull=True)
        .values("facility_id")
        .annotate(n=Count("id"))
    )
    return {row["facility_id"]: row["n"] for row in rows}


def stay_get_for_user(*, user, stay_id: int) -> Stay:
    scope = personal_facility_scope_q(user, prefix="facility__")
    stay = None if scope is None else Stay.objects.filter(scope, pk=stay_id).select_related("person", "facility").first()
    if stay is None:
        raise Http404("stay")
    return stay


def access_stay(*, user, stay_id: int) -> Stay:
    """A stay to transfer or discharge: out of the user's scope is a 404, in scope without the right
    to act for its facility (its own managers) a 403."""
    stay = stay_get_for_user(user=user, stay_id=stay_id)
    if not can_act_for_facility(user, stay.facility):
        raise PermissionDenied
    return stay


def status_get_for_user(*, user, status_id: int) -> SupportStatus:
    status = SupportStatus.objects.filter(person__in=people_visible_to(user), pk=status_id).select_related("person").first()
    if status is None:
        raise Http404("status")
    return status
