"""The search box's reads: people and facilities in the reader's scope, a fixed number of queries.

People come from residents.selectors.person_list (scope and the reader's window: a manager does not
follow a person who left), facilities from facilities_visible_to; each list is cut at `limit` and says
whether there was more.
"""
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from facilities.scoping import facilities_visible_to

from ..selectors import PersonFilters, person_list
from .rules import QueryKind, SearchQuery

LIMIT = 20


@dataclass(frozen=True)
class SearchResults:
    query: SearchQuery
    people: list
    more_people: bool
    facilities: list
    more_facilities: bool


def _people_q(query: SearchQuery) -> Q | None:
    match query.kind:
        case QueryKind.ID_NUMBER:
            return Q(id_number=query.text)
        case QueryKind.ID_SUFFIX:
            return Q(id_number__endswith=query.text)
        case QueryKind.INITIALS:
            # from the first letter of a reading: "zs" finds 张生 and 钟淑, not 李志生
            return Q(name_initials__startswith=query.text) | Q(name_initials__contains=f" {query.text}")
        case QueryKind.TEXT:
            return Q(name__icontains=query.text)
    return None


def _facilities_q(query: SearchQuery) -> Q | None:
    match query.kind:
        case QueryKind.CREDIT_CODE:
            return Q(credit_code=query.text)
        case QueryKind.TEXT:
            return Q(name__icontains=query.text)
    return None


def search(*, user, query: SearchQuery, today: date, limit: int = LIMIT) -> SearchResults:
    """People, then facilities, each in name order."""
    people, facilities = [], []
    people_q, facilities_q = _people_q(query), _facilities_q(query)
    if people_q is not None:
        people = list(person_list(user=user, filters=PersonFilters(), today=today).filter(people_q)[: limit + 1])
    if facilities_q is not None:
        facilities = list(
            facilities_visible_to(user).filter(facilities_q).select_related("region").order_by("name", "id")[: limit + 1]
        )
    return SearchResults(
        query=query, people=people[:limit], more_people=len(people) > limit,
        facilities=facilities[:limit], more_facilities=len(facilities) > limit,
    )
