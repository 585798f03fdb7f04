"""Request parsing for the API: refuse text the database cannot store, as a field error.

JSON allows "\\u0000" and lone surrogates ("\\ud800"); PostgreSQL refuses a NUL in any text column
and no database driver can encode a lone surrogate as UTF-8, so such a value used to end in a 500.
The parser marks each such string (in a JSON body, a query string or a form) with `UnstorableText`,
which is not a string: the field's own validation then refuses it with a 422 naming the field, in
the API's one error shape, and nothing reaches a service or a query. (Django forms already refuse
NUL characters on the web pages.)
"""
import re

from ninja.parser import Parser

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class UnstorableText:
    """A string with a NUL character or a lone surrogate; fails every field type's validation."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return "<text with a NUL character or an invalid surrogate>"


def _checked(value):
    if isinstance(value, str):
        return UnstorableText(value) if UNSTORABLE.search(value) else value
    if isinstance(value, dict):
        return {_checked(key): _checked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_checked(item) for item in value]
    return value


class TextParser(Parser):
    def parse_body(self, request):
        return _checked(super().parse_body(request))

    def parse_querydict(self, data, list_fields, request):
        return _checked(super().parse_querydict(data, list_fields, request))
