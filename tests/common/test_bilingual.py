"""A rule's refusal "中文 / English" is shown in the reader's language, whole where it is not bilingual."""
import pytest
from django.utils import translation

from common.api_errors import both_languages
from common.bilingual import rule_message
from residents.rules import parse_id_number


@pytest.mark.parametrize(("text", "zh", "en"), [
    ("行政区划代码须为6位或9位数字 / a region code must be 6 or 9 digits, got '12'",
     "行政区划代码须为6位或9位数字", "a region code must be 6 or 9 digits, got '12'"),
    ("户籍类型应为 城镇 / 农村 / the household type must be urban or rural",
     "户籍类型应为 城镇 / 农村", "the household type must be urban or rural"),
    ("姓名无效 / invalid name, got '张 / 三'", "姓名无效", "invalid name, got '张 / 三'"),
    ("只有中文", "只有中文", "只有中文"),
    ("only English / still English", "only English / still English", "only English / still English"),
])
def test_each_reader_gets_their_half(text, zh, en):
    message = rule_message(text)
    with translation.override("zh-hans"):
        assert str(message) == zh
    with translation.override("en"):
        assert str(message) == en
    assert both_languages(message) == (zh, en)


def test_a_real_refusal_of_the_rules_splits():
    with pytest.raises(ValueError) as refused:
        parse_id_number("12345")
    zh, en = both_languages(rule_message(str(refused.value)))
    assert zh and en and " / " not in zh and not any("\u4e00" <= c <= "\u9fff" for c in en)
