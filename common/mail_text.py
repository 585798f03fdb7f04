"""Text that goes into an e-mail header is one line: a name carrying a line break (or "Bcc:") must
neither add a header nor make Django refuse the message (BadHeaderError)."""
import re

_BREAKS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def header_text(value: str) -> str:
    """`value` with every line break and control character turned into one space."""
    return _BREAKS.sub(" ", str(value)).strip()
