"""A search of people is a read of personal data: each one writes an access record (the query masked)."""
from datetime import date

from django.utils.translation import gettext_lazy as _

from accounts.audit import access_record
from accounts.models import AccessAction

from .rules import QueryKind, SearchQuery
from .selectors import SearchResults, search

PEOPLE_KINDS = {QueryKind.ID_NUMBER, QueryKind.ID_SUFFIX, QueryKind.INITIALS, QueryKind.TEXT}


def search_recorded(*, request, query: SearchQuery, today: date) -> SearchResults:
    results = search(user=request.user, query=query, today=today)
    if query.kind in PEOPLE_KINDS:
        access_record(
            request=request, action=AccessAction.SEARCH_PEOPLE, target=f"search:{query.kind}",
            detail=_("搜索“%(q)s”，找到 %(n)s 人"), params={"q": query.text, "n": len(results.people)},
        )
    return results
