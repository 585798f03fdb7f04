"""Pinyin initials of Chinese names, so a clerk finds 张三 by typing "zs"."""
import re
from itertools import islice, product

from pypinyin import Style, pinyin

# A name of many 多音字 has many readings; the first few hold the ones people use.
MAX_READINGS = 8
_NOT_LETTER = re.compile(r"[^a-z0-9]")


def name_initials(name: str) -> str:
    """The initials of each reading, most common first, separated by spaces ("单田芳" → "dtf ctf stf").

    A clerk types the reading they know, so every reading of a 多音字 counts. Latin letters and digits
    stand for themselves; marks such as the "·" of a transliterated name are dropped.
    """
    options = []
    for choices in pinyin(name or "", style=Style.FIRST_LETTER, heteronym=True, errors="default"):
        letters = [_NOT_LETTER.sub("", choice.lower()) for choice in choices]
        letters = list(dict.fromkeys(letter for letter in letters if letter))
        if letters:
            options.append(letters)
    if not options:
        return ""
    return " ".join("".join(reading) for reading in islice(product(*options), MAX_READINGS))
