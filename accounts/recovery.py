"""Second-factor recovery codes: ten one-time codes a user generates (and regenerates, which voids
the old ones) on the account page, for when the phone is lost. Only a keyed hash of each code is
stored; a code used at the code step is spent. Wrong codes count like wrong passwords there."""
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import RecoveryCode

COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (0/o, 1/l/i)


def _normal(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), _normal(code).encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def recovery_codes_generate(*, user) -> list[str]:
    """New codes, shown once; the old ones stop working."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _n in range(COUNT):
        raw = "".join(secrets.choice(_ALPHABET) for _i in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_hash(code)) for code in codes])
    return codes


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def recovery_code_use(*, user, code: str) -> bool:
    """Spend one unused code of this user; False if it is wrong or already used."""
    if not 8 <= len(_normal(code)) <= 12:
        return False
    found = (RecoveryCode.objects.select_for_update()
             .filter(user=user, code_hash=_hash(code), used_at__isnull=True).first())
    if found is None:
        return False
    RecoveryCode.objects.filter(pk=found.pk).update(used_at=timezone.now())
    return True
