"""Personal values kept encrypted in the database (a bank account): Fernet (AES-128-CBC with an HMAC), from
the `cryptography` library, under the keys of settings.FIELD_ENCRYPTION_KEYS.

The first key encrypts; every key decrypts, so a key is rotated by putting a new one first and
re-encrypting at leisure. A dump or a replica of the database shows ciphertext only; the key lives in the
environment, not in the database.
"""
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class UnreadableSecret(Exception):
    """The value was encrypted under a key that is no longer configured, or was altered."""


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _current() -> MultiFernet:
    return _cipher(tuple(settings.FIELD_ENCRYPTION_KEYS))


def secret_encrypt(text: str) -> str:
    return _current().encrypt(text.encode("utf-8")).decode("ascii") if text else ""


def secret_decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _current().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise UnreadableSecret from exc
