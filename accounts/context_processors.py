"""What the navigation bar needs to know about the signed-in user."""
from django.conf import settings

from .models import Role


def navigation(request):
    user = getattr(request, "user", None)
    role = getattr(user, "role", "") if user is not None and user.is_authenticated else ""
    return {
        "site_title": settings.SITE_TITLE, "nav_role": role, "Role": Role,
        # Set by SecondFactorMiddleware: the user still owes a code or an enrolment, so no navigation.
        "second_factor_pending": getattr(request, "second_factor_pending", None),
    }
