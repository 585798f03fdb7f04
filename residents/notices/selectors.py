"""Reads of public notices (公示): who appears on one, and the notices a user may see.

Notices are visible to the inspectors and clerks whose region covers the township (residents.access);
managers and administrators see none. Out of scope is a 404.
"""
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from facilities.models import Region
from facilities.scoping import can_manage_notices, personal_region_scope_q

from ..access import notice_scope_q
from ..models import Notice, NoticeChange, NoticeEntry, NoticeObjection, SupportKind, SupportStatus
from ..rules import NoticeCandidate, is_notice_eligible
from ..selectors import people_visible_to


def notices_visible_to(user) -> QuerySet[Notice]:
    q = notice_scope_q(user)
    return Notice.objects.none() if q is None else Notice.objects.filter(q)


@dataclass(frozen=True)
class NoticeFilters:
    township: str = ""
    year: int | None = None


def notice_list(*, user, filters: NoticeFilters = NoticeFilters()) -> QuerySet[Notice]:
    """Notices in scope, newest first, with their counts in the same query."""
    qs = notices_visible_to(user).select_related("township", "created_by").annotate(
        entry_count=Count("entries", distinct=True),
        objection_count=Count("objections", distinct=True),
        open_objections=Count("objections", filter=Q(objections__handled_on__isnull=True), distinct=True),
    )
    if filters.township:
        qs = qs.filter(township__code__startswith=filters.township)
    if filters.year:
        qs = qs.filter(posted_on__year=filters.year)
    return qs.order_by("-posted_on", "-id")


def notice_get_for_user(*, user, notice_id: int) -> Notice:
    notice = notices_visible_to(user).select_related("township", "created_by").filter(pk=notice_id).first()
    if notice is None:
        raise Http404("notice")
    return notice


def access_notice(*, user, notice_id: int) -> Notice:
    """A notice to record or handle objections on: out of scope a 404, in scope without the right
    (inspectors and clerks whose region covers its township) a 403."""
    notice = notice_get_for_user(user=user, notice_id=notice_id)
    if not can_manage_notices(user, notice.township_id):
        raise PermissionDenied
    return notice


def notice_entries_of(notice: Notice):
    return notice.entries.order_by("position")


def notice_objections_of(notice: Notice) -> QuerySet[NoticeObjection]:
    return notice.objections.select_related("entry", "handled_by", "recorded_by").order_by("received_on", "id")


def notice_objection_get_for_user(*, user, notice: Notice, objection_id: int) -> NoticeObjection:
    """An objection of a notice the user may see (`notice` comes from notice_get_for_user)."""
    objection = notice_objections_of(notice).filter(pk=objection_id).first()
    if objection is None:
        raise Http404("objection")
    return objection


def notice_candidates(*, user, township: Region, period_start: date, period_end: date) -> list[NoticeCandidate]:
    """Special-hardship statuses confirmed or terminated in the period, of people whose home
    township (where they live, else their household registration) is this township. One query;
    minors are still in here — the rule `notice_entries` leaves them out."""
    statuses = (
        SupportStatus.objects.filter(kind=SupportKind.HARDSHIP, person__in=people_visible_to(user))
        .filter(
            Q(person__residence_region=township)
            | Q(person__residence_region__isnull=True, person__hukou_region=township)
        )
        .filter(
            Q(confirmed_on__gte=period_start, confirmed_on__lte=period_end)
            | Q(terminated_on__gte=period_start, terminated_on__lte=period_end)
        )
        .select_related("person")
        .order_by("id")
    )
    candidates = []
    for status in statuses:
        person = status.person
        for change, day in ((NoticeChange.CONFIRMED, status.confirmed_on), (NoticeChange.TERMINATED, status.terminated_on)):
            if day is not None and period_start <= day <= period_end:
                candidates.append(NoticeCandidate(
                    person_id=person.pk, name=person.name, id_number=person.id_number, birth_date=person.birth_date,
                    change=change.value, changed_on=day,
                ))
    return candidates


@dataclass(frozen=True)
class Unposted:
    """A 特困 confirmation that no notice lists, and why."""

    status: SupportStatus
    home: Region | None  # where the person lives, else their household registration


def confirmations_in_no_notice(
    *, user, since: date, until: date, limit: int = 50,
) -> tuple[int, list[Unposted]]:
    """Special-hardship confirmations between `since` and `until` that no notice lists, of people whose
    home (residence, else household registration) lies in the user's region — the notices the user may
    make — oldest first. Someone under 18 when confirmed is left out: a notice does not name them.
    Two queries."""
    home = personal_region_scope_q(user, field="person__residence_region__code")
    hukou = personal_region_scope_q(user, field="person__hukou_region__code")
    if home is None or hukou is None:
        return 0, []
    posted = NoticeEntry.objects.filter(person_id=OuterRef("person_id"), change=NoticeChange.CONFIRMED,
                                        changed_on=OuterRef("confirmed_on"))
    statuses = (
        SupportStatus.objects.filter(kind=SupportKind.HARDSHIP, confirmed_on__gte=since, confirmed_on__lte=until)
        .filter(home | (Q(person__residence_region__isnull=True) & hukou))
        .exclude(Exists(posted))
    )
    adults = [pk for pk, confirmed_on, born in statuses.values_list("pk", "confirmed_on", "person__birth_date")
              if is_notice_eligible(born, confirmed_on)]
    first = list(SupportStatus.objects.filter(pk__in=adults).select_related("person__residence_region", "person__hukou_region")
                 .order_by("confirmed_on", "id")[:limit])
    rows = [Unposted(status=s, home=s.person.residence_region or s.person.hukou_region) for s in first]
    return len(adults), rows
