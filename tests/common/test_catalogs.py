"""The English catalog is whole and reads as English; the Chinese one for the libraries compiles and is used."""
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import ngettext

LOCALE = Path(__file__).resolve().parents[2] / "locale"
CHINESE_PUNCTUATION = re.compile("[：；，。（）、！？【】]")


def _entries(path: Path) -> list[dict]:
    """A .po file's entries: msgid, the msgstr (or plural msgstrs) and whether it is marked fuzzy."""
    entries, current, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current:
                entries.append(current)
            current, field = None, None
            continue
        current = current or {"msgid": "", "msgstr": [], "fuzzy": False, "obsolete": line.startswith("#~")}
        if line.startswith("#,") and "fuzzy" in line:
            current["fuzzy"] = True
        match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
        if match:
            field = match.group(1)
            if field.startswith("msgstr"):
                current["msgstr"].append(match.group(2))
            elif field == "msgid":
                current["msgid"] = match.group(2)
        elif line.startswith('"') and field:
            if field.startswith("msgstr"):
                current["msgstr"][-1] += line[1:-1]
            elif field == "msgid":
                current["msgid"] += line[1:-1]
    return [entry for entry in entries if entry["msgid"] and not entry["obsolete"]]


@pytest.fixture(scope="module")
def english():
    return _entries(LOCALE / "en" / "LC_MESSAGES" / "django.po")


def test_every_english_entry_is_translated_and_none_is_fuzzy(english):
    assert len(english) > 2000
    assert [e["msgid"] for e in english if not all(e["msgstr"])] == []
    assert [e["msgid"] for e in english if e["fuzzy"]] == []


def test_english_sentences_use_english_punctuation(english):
    wrong = [(e["msgid"], text) for e in english for text in e["msgstr"] if CHINESE_PUNCTUATION.search(text)]
    assert wrong == []


@pytest.mark.parametrize(("singular", "plural", "one", "many"), [
    ("逾期 %(n)s 天", "逾期 %(n)s 天", "1 day overdue", "2 days overdue"),
    ("%(n)s 条明细需核实。", "%(n)s 条明细需核实。", "1 line needs checking.", "2 lines need checking."),
    ("已将 %(n)s 条通知标为已读", "已将 %(n)s 条通知标为已读", "1 notification marked as read",
     "2 notifications marked as read"),
])
def test_counted_words_agree_with_their_number_in_english(singular, plural, one, many):
    with translation.override("en"):
        assert ngettext(singular, plural, 1) % {"n": 1} == one
        assert ngettext(singular, plural, 2) % {"n": 2} == many
    with translation.override("zh-hans"):
        assert ngettext(singular, plural, 1) % {"n": 1} == singular % {"n": 1}


def test_the_libraries_chinese_catalog_is_complete():
    entries = _entries(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po")
    assert len(entries) >= 35 and all(all(e["msgstr"]) for e in entries)
