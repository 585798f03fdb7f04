"""Optional second factor (TOTP, django-otp) for signing in to the web pages.

A user enrols an authenticator app at 账户安全 (the otpauth URI shown as a QR code), confirms it with
a code, and removes it with a code. An administrator can require a second factor per role
(`SecondFactorPolicy`). At login the session records the step the user still owes:

- `verify`: they have a confirmed device and must enter its code (django-otp's `is_verified()`);
- `enrol`: their role requires a second factor and they have none yet;
- `none`: nothing more.

`SecondFactorMiddleware` sends a user who owes a step to it and lets nothing else through; the API's
session authentication refuses such a session. The session remembers the verification
(`django_otp.login`) until it ends; a policy change applies from each user's next login. Wrong codes
count like wrong passwords (accounts.lockout).

API tokens are not affected: their holders are other systems, not people at a browser, and a token
is a long random secret of its own (stored hashed, revocable, locked out after wrong attempts).
"""
import base64
from enum import StrEnum

import django_otp
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import SecondFactorPolicy

SESSION_KEY = "second_factor"
DEVICE_NAME = "验证器"


class Step(StrEnum):
    NONE = "none"
    VERIFY = "verify"
    ENROL = "enrol"


def second_factor_required(user) -> bool:
    return SecondFactorPolicy.objects.filter(role=user.role, required=True).exists()


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def unconfirmed_device(user) -> TOTPDevice | None:
    """The device being enrolled: created, shown as a QR code, not yet confirmed with a code."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def step_for(user) -> Step:
    if confirmed_device(user) is not None:
        return Step.VERIFY
    return Step.ENROL if second_factor_required(user) else Step.NONE


def on_login(sender, request, user, **kwargs) -> None:
    """user_logged_in: every login (ours, the admin site's, tests' force_login) records the step owed,
    and a password login always asks for a fresh code, even in a session that was verified before."""
    if request is None or not hasattr(request, "session"):
        return
    if getattr(user, "otp_device", None) is None:
        request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    request.session[SESSION_KEY] = step_for(user).value


def step_pending(request) -> Step | None:
    """The step a signed-in user must pass before anything else, or None."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    step = request.session.get(SESSION_KEY)
    if step not in {s.value for s in Step}:
        step = step_for(user)  # a session from before second factors existed
        request.session[SESSION_KEY] = step.value
    is_verified = getattr(user, "is_verified", None)
    if step == Step.VERIFY and not (is_verified is not None and is_verified()):
        return Step.VERIFY
    return Step.ENROL if step == Step.ENROL else None


def step_refresh(request) -> None:
    """Recompute the step owed after the user's devices changed (removed here or by an administrator)."""
    request.session[SESSION_KEY] = step_for(request.user).value


def session_verified(request, device: TOTPDevice) -> None:
    """Remember in the session that this user passed the code step with this device."""
    django_otp.login(request, device)
    request.session[SESSION_KEY] = Step.VERIFY.value


def _check(device: TOTPDevice, code: str) -> bool:
    """Verify a code against a device under a row lock (django-otp's throttling and replay guard)."""
    code = code.strip().replace(" ", "")
    if not code.isdigit() or not code.isascii():
        return False
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        return locked.verify_token(code)


def totp_enrolment_start(*, user) -> TOTPDevice:
    """A new secret to show as a QR code; any earlier unfinished enrolment is discarded."""
    with transaction.atomic():
        if confirmed_device(user) is not None:
            raise ValidationError(_("您已启用两步验证；如需更换验证器，请先停用"))
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def totp_enrolment_confirm(*, user, code: str) -> TOTPDevice | None:
    """Confirm the device being enrolled with a code from the app; None if the code is wrong."""
    device = unconfirmed_device(user)
    if device is None or not _check(device, code):
        return None
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    device.refresh_from_db()
    return device


def totp_verify(*, user, code: str) -> TOTPDevice | None:
    """The user's confirmed device if the code is right, else None."""
    device = confirmed_device(user)
    return device if device is not None and _check(device, code) else None


def totp_remove(*, user, code: str) -> bool:
    """Remove the user's second factor, proven with a current code."""
    device = totp_verify(user=user, code=code)
    if device is None:
        return False
    TOTPDevice.objects.filter(user=user).delete()
    return True


def manual_key(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for apps that cannot scan the code."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))
