"""Reads of star ratings, scoped through facilities.scoping like every other read.

A facility's standing on a day follows the same rule as `selectors.current_level_subquery` (the
latest rating with rated_on <= day < expires_on, 0 when none), so the facility page, the facility
list and the API always agree.
"""
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from ..models import StarRating
from ..scoping import facility_scope_q
from ..selectors import facility_get_for_user

LEVEL_LABELS = {
    0: _("未评级"), 1: _("一级"), 2: _("二级"), 3: _("三级"), 4: _("四级"), 5: _("五级"),
}
EXPIRY_WARNING_DAYS = 90  # DESIGN.md §4: "rating expiring (90 days)"


def rating_list(*, user, facility_id: int | None = None) -> QuerySet[StarRating]:
    """Ratings of the facilities the user may see, newest first; a facility out of scope is a 404."""
    q = facility_scope_q(user, prefix="facility__")
    if q is None:
        return StarRating.objects.none()
    ratings = StarRating.objects.filter(q).select_related("facility", "recorded_by")
    if facility_id is not None:
        facility = facility_get_for_user(user=user, facility_id=facility_id)
        ratings = ratings.filter(facility=facility)
    return ratings.order_by("-rated_on", "-id")


def rating_get_for_user(*, user, rating_id: int) -> StarRating:
    """One evaluation in scope, a withdrawn one too (it stays on record)."""
    q = facility_scope_q(user, prefix="facility__")
    rating = None
    if q is not None:
        rating = StarRating.all_objects.filter(q).select_related("facility", "recorded_by").filter(pk=rating_id).first()
    if rating is None:
        raise Http404("rating")
    return rating


@dataclass(frozen=True)
class RatingStanding:
    """Where a facility stands on `today`, read from its evaluations (newest first)."""

    today: date
    current: StarRating | None  # the evaluation in force (may have level 0: the latest one failed)
    latest: StarRating | None  # the most recent evaluation, in force or not

    @property
    def level(self) -> int:
        return self.current.level if self.current else 0

    @property
    def expired(self) -> bool:
        """The latest evaluation has run out, so the facility is unrated."""
        return self.current is None and self.latest is not None

    @property
    def days_left(self) -> int | None:
        return (self.current.expires_on - self.today).days if self.current and self.current.level else None

    @property
    def expiring(self) -> bool:
        return self.days_left is not None and self.days_left <= EXPIRY_WARNING_DAYS

    @property
    def basis(self) -> StarRating | None:
        """The scores the "next level" advice starts from: the rating in force, else the latest."""
        return self.current or self.latest


def rating_standing(ratings: list[StarRating], *, today: date) -> RatingStanding:
    ordered = sorted(ratings, key=lambda r: (r.rated_on, r.pk), reverse=True)
    on_record = [r for r in ordered if r.rated_on <= today]
    current = next((r for r in on_record if today < r.expires_on), None)
    return RatingStanding(today=today, current=current, latest=on_record[0] if on_record else None)
