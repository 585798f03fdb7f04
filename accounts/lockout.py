"""Lockout (等保 level 3) for everything that proves who someone is, through django-axes' public API.

Axes counts wrong passwords itself (AxesStandaloneBackend). A failure counts against the account
(or token) and against the address together with that account, never against the address alone:
behind a bureau's NAT one office shares an address, and one person's wrong password or a
colleague's wrong token must not lock everyone else there out. This module adds the rest:

- a wrong second-factor code counts as a failed login of the account and the address;
- a wrong API token counts as a failed login of the token's prefix, recorded as the "username"
  `api-token:<prefix>` so a token never shares a count with an account of the same name; a token
  that does not even parse counts under no name, for that address's unparseable tokens only;
- while the token's prefix (or that address's unparseable tokens) is locked out, API requests with
  that token are refused before the token is looked at;
- the count is cleared only when a whole login succeeds: after the password for users without a
  second factor, after the code for the others, so signing in again with a known password does not
  give someone guessing codes five fresh tries. Using a token successfully clears nothing, so it
  never lifts another address's lockout.
"""
import re

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from common.api_errors import error_json
from common.client_address import client_address

TOKEN_USERNAME_PREFIX = "api-token:"
_TOKEN_PREFIX = re.compile(r"[0-9a-f]{8}")  # accounts.tokens issues 4 random bytes in hex
LOCKED_OUT = gettext_lazy("失败次数过多，来自该地址的令牌请求已暂时锁定，请稍后再试")


def lockout_parameters(request_or_attempt, credentials=None) -> list:
    """AXES_LOCKOUT_PARAMETERS: failures count against the account (or token prefix), and against
    the address with that account; the address alone never locks anything. A failure without a
    name counts for the address's nameless failures only, so malformed tokens from everywhere never
    pile up under one empty name, and they never lock a real account or token."""
    if credentials is not None and credentials.get(settings.AXES_USERNAME_FORM_FIELD) is None:
        return [["ip_address", "username"]]
    return ["username", ["ip_address", "username"]]


def token_credentials(raw: str) -> dict:
    """What a presented token counts against: its prefix when it looks like one of ours."""
    prefix, _dot, secret = raw.partition(".")
    name = TOKEN_USERNAME_PREFIX + prefix if secret and _TOKEN_PREFIX.fullmatch(prefix) else None
    return {settings.AXES_USERNAME_FORM_FIELD: name}


def account_credentials(user) -> dict:
    return {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}


def is_locked_out(request, credentials: dict) -> bool:
    """Whether the request's address, or the account or token in `credentials`, is locked out now."""
    return not AxesProxyHandler.is_allowed(request, credentials)


def failure_record(request, credentials: dict) -> bool:
    """Count one failed attempt, as a wrong password is counted; True if it locked the address or account.

    Sends Django's `user_login_failed` with the request, which axes records; axes then marks the
    request, and its middleware answers with `lockout_response`.
    """
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    return bool(getattr(request, "axes_locked_out", False))


def login_success_record(request, user) -> None:
    """A whole login succeeded: clear this account's failures from this address (AXES_RESET_ON_SUCCESS
    is off so that the password alone does not clear them). Other accounts' failures from the same
    address, and this account's from elsewhere, keep counting."""
    AxesProxyHandler.reset_attempts(
        ip_address=client_address(request), username=user.get_username(), ip_or_username=False
    )


def locked_out_page(request):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request, settings.AXES_LOCKOUT_TEMPLATE,
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the API's error shape under /api/, the lockout page elsewhere; 429 both."""
    if request.path.startswith(reverse("api:api-root")):
        return error_json(status=429, code="locked_out", message=LOCKED_OUT)
    return locked_out_page(request)
