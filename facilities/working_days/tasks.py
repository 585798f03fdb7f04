"""Deadlines in working days counted again after the working-day calendar changes. The name keeps
its `facilities.tasks.*` form."""
from celery import shared_task
from django.contrib.auth import get_user_model

from . import calendar


@shared_task(name="facilities.tasks.recount_working_day_deadlines")
def recount_working_day_deadlines(*, years: list[int] = (), by_id: int | None = None) -> int:
    """After the working-day calendar of `years` changed: the open deadlines that reach them, and
    every provisional one (nightly, with no years, in case a change's task never ran)."""
    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    return calendar.deadlines_recount(years=years, by=by)
