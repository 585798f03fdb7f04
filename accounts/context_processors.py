"""What the navigation bar needs to know about the signed-in user."""
from django.conf import settings


def navigation(request):
    return {
        "site_title": settings.SITE_TITLE,
        # Set by SecondFactorMiddleware: the user still owes a code or an enrolment, so no navigation.
        "second_factor_pending": getattr(request, "second_factor_pending", None),
        "unread_notifications": getattr(request.user, "unread_notifications", 0),
    }
