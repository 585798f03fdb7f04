"""What the navigation bar needs to know about the signed-in user."""
from django.conf import settings

from .notifications.selectors import unread_count


def navigation(request):
    return {
        "site_title": settings.SITE_TITLE,
        # Set by SecondFactorMiddleware: the user still owes a code or an enrolment, so no navigation.
        "second_factor_pending": getattr(request, "second_factor_pending", None),
        # A callable: counted only when a page draws the header's link (one query; the template calls it once).
        "unread_notifications": lambda: unread_count(request.user) if request.user.is_authenticated else 0,
    }
