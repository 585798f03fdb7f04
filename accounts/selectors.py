"""Reads for the administrators' pages."""
from django.db.models import QuerySet

from .models import ACCOUNT_ACTIONS, AccessRecord


def account_actions_by_others(user, *, limit: int = 20) -> QuerySet[AccessRecord]:
    """The latest account actions (roles given, passwords reset, assignments added…) by the other
    administrators: the second pair of eyes on what one administrator did."""
    return AccessRecord.objects.filter(action__in=ACCOUNT_ACTIONS).exclude(user=user).order_by("-at", "-id")[:limit]
