"""The view decorator for a page's role-level right: who may open it at all is a predicate of
facilities.scoping (the one place that decides), not a check written into each view."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def allowed_for(predicate):
    """Sign-in required, then 403 unless `predicate(request.user)`."""

    def decorator(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(checked)

    return decorator
