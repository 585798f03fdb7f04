"""The sliding idle timeout, without a database write on every page view.

A session stored in the database ends SESSION_COOKIE_AGE after it was last saved. Saving it on every
request kept that exact at the cost of a write per page; renewing it only when its last renewal is
older than SESSION_RENEW_SECONDS keeps the idle timeout exact within that much, and a page view
normally writes nothing. Any save (a login, a change to the session) counts as a renewal.
"""
import time

from django.conf import settings

RENEWED_AT = "_renewed_at"


def mark_renewed(session) -> None:
    """Note that the session is saved now, with a fresh expiry."""
    session[RENEWED_AT] = int(time.time())


def renewed_by_login(sender, request, user, **kwargs) -> None:
    """user_logged_in: every login path (the login page, the admin site's, tests' force_login) saves
    the session it starts, so its renewal clock starts there too."""
    mark_renewed(request.session)


class SessionRenewalMiddleware:
    """After the view: mark the stored session for saving when its last renewal is older than
    SESSION_RENEW_SECONDS, or when it is saved anyway. Sessions not stored (anonymous, or just ended
    by a logout) are left alone, so none is created here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = request.session
        if session.session_key is None:
            return response
        renewed = session.get(RENEWED_AT)  # loads it: an expired or unknown key turns into none
        if session.session_key is None:
            return response
        if session.modified or not isinstance(renewed, int) or time.time() - renewed >= settings.SESSION_RENEW_SECONDS:
            mark_renewed(session)
        return response
