"""Masking of ID numbers and mobile numbers in free text (paths, filters, log lines).

One pattern for every place that stores text about a request: whatever the parameter is called,
an 18-digit (or old 15-digit) ID number and an 11-digit mainland mobile number are masked, also
when percent-encoded. The ID mask is the one shown everywhere else (`6210**********123X`).
"""
import re
from urllib.parse import unquote_plus

# Not part of a longer run of digits or letters: a 20-digit number is not an ID number.
_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3})([\dXx])(?![0-9A-Za-z])")
_OLD_ID = re.compile(r"(?<![0-9A-Za-z])(\d{2})(\d{11})(\d{2})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?(1[3-9]\d)(\d{4})(\d{4})(?![0-9A-Za-z])")


def _mask_id(match) -> str:
    whole = match.group(0)
    return whole[:4] + "*" * (len(whole) - 8) + whole[-4:]


def _mask_old_id(match) -> str:
    whole = match.group(0)
    return whole[:2] + "*" * (len(whole) - 4) + whole[-2:]


def mask_personal_numbers(text: str) -> str:
    """`text` with every ID number and mobile number masked; percent-encoding is decoded first so an
    encoded number is masked too (the result is for reading, not for requesting again, and holds no
    NUL character)."""
    if not text:
        return text
    if "%" in text or "+" in text:
        text = unquote_plus(text)
    text = text.replace("\x00", "\ufffd")  # a decoded %00: no database stores a NUL (PostgreSQL refuses it)
    text = _ID.sub(_mask_id, text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _OLD_ID.sub(_mask_old_id, text)
