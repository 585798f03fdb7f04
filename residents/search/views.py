"""The search page behind the header's box: people and facilities in the reader's scope."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from common.bilingual import rule_message

from .rules import read_query
from .services import search_recorded


@login_required
def search_view(request):
    raw = request.GET.get("q", "")
    results, error = None, ""
    if raw.strip():
        try:
            query = read_query(raw)
        except ValueError as exc:
            error = rule_message(str(exc))
        else:
            results = search_recorded(request=request, query=query, today=timezone.localdate())
    return render(request, "residents/search.html", {"q": raw[:100], "results": results, "error": error})
