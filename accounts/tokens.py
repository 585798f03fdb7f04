"""API tokens: issue, verify and revoke.

A token reads `<prefix>.<secret>`; the prefix finds the row, the secret is compared by hash in
constant time, so a leaked database does not leak usable tokens. Wrong tokens count like wrong
passwords (accounts.lockout): after five, that token is refused until the cool-off ends.

A token expires API_TOKEN_DAYS after it was issued, and it ends with a change of its owner's
password, role, scope or active state: the save revokes it, and its stamp of those credentials no
longer matches whatever wrote the change.
"""
import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import lockout
from .models import ApiToken

NAME_MAX = ApiToken._meta.get_field("name").max_length


class ApiTokenLockedOut(Exception):
    """Too many wrong tokens from this address (or for this token): refused without looking at the token."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its plain text, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写令牌名称 / Give the token a name"})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": f"令牌名称最多 {NAME_MAX} 个字 / A token name has at most {NAME_MAX} characters"})
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, secret_hash=_hash(secret), user_stamp=user.credential_stamp(),
    )
    return token, f"{prefix}.{secret}"


def api_token_revoke(*, user, token_id: int) -> None:
    ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_token_authenticate(raw: str):
    """Return the active user owning this token, or None (also when it expired or its owner's
    credentials changed since it was issued)."""
    prefix, _, secret = raw.partition(".")
    if not prefix or not secret:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(prefix=prefix, revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(secret)):
        return None
    if not hmac.compare_digest(token.user_stamp, token.user.credential_stamp()):
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_token_authenticate_request(request, raw: str):
    """`api_token_authenticate` for a request: refused (ApiTokenLockedOut) while the address or the
    token's prefix is locked out, and a wrong token is counted as a failed login."""
    credentials = lockout.token_credentials(raw)
    if lockout.is_locked_out(request, credentials):
        raise ApiTokenLockedOut
    user = api_token_authenticate(raw)
    if user is None:
        lockout.failure_record(request, credentials)
    return user
