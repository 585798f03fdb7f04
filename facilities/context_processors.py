"""`can` in every template: what the signed-in user's role lets them reach (facilities.scoping)."""
from .scoping import capabilities_for


def capabilities(request):
    user = getattr(request, "user", None)
    return {"can": capabilities_for(user)}
