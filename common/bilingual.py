"""The pure rules' refusals are written "中文 / English" (they import no translation machinery); a page or
an API answer shows the half in the reader's language.

`rule_message` keeps the text and chooses when it is shown: lazily, so an API error renders it once in each
language (common.api_errors.both_languages) and a form in the language of its request.
"""
import re

from django.utils import translation
from django.utils.functional import lazy

# The separator is the first " / " with Chinese before it and an English word after it: "城镇 / 农村" inside
# the Chinese half is no separator, nor is a value quoted in the English half.
_HALVES = re.compile(r"^(?P<zh>.*?[\u3000-\u9fff\uff00-\uffef].*?) / (?P<en>[A-Za-z].*)$", re.DOTALL)


def _half(text: str) -> str:
    match = _HALVES.match(text)
    if match is None:
        return text
    return match["en"] if (translation.get_language() or "").startswith("en") else match["zh"]


rule_message = lazy(_half, str)
