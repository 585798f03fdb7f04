"""Money rounds half-up to the fen everywhere, through one function (common.money.round_fen, which
subsidies.rules still offers under its DESIGN §3 name): claims, the staffing budget, custody."""
import re
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

import subsidies.rules
from common.api_fields import Money as CustodyMoney
from common.money import amount_in_words, round_fen
from residents.rules import check_custody_amount
from staffing.rules import budget_line
from subsidies.schemas import Money as ClaimMoney

ROOT = Path(__file__).resolve().parents[2]


def test_the_one_function_is_the_one_subsidies_rules_names():
    assert subsidies.rules.round_fen is round_fen


@pytest.mark.parametrize(("amount", "rounded"), [
    ("0.125", "0.13"), ("0.135", "0.14"), ("2.345", "2.35"), ("-2.345", "-2.35"), ("12345.675", "12345.68"),
    ("12345.665", "12345.67"), ("0.004999", "0.00"), ("7", "7.00"),
])
def test_half_a_fen_always_rounds_away_from_zero(amount, rounded):
    assert round_fen(Decimal(amount)) == Decimal(rounded)


def test_the_staffing_budget_rounds_a_cost_per_post_half_up():
    # 60,000.125 yuan a post: half-even would make it 60,000.12 (2 is even); ledgers say 60,000.13.
    line = budget_line(required=3, cost_per_post=Decimal("60000.125"), funded_posts=1)
    assert line.required_amount == Decimal("180000.39")
    assert line.funded_amount == Decimal("60000.13")
    assert budget_line(required=1, cost_per_post=Decimal(0), funded_amount=Decimal("10.005")).funded_amount == Decimal("10.01")


@pytest.mark.parametrize("money", [CustodyMoney, ClaimMoney], ids=["custody and notices", "claims"])
def test_the_api_writes_money_half_up(money):
    dump = TypeAdapter(money).dump_python
    assert dump(Decimal("0.125")) == "0.13"
    assert dump(Decimal("120.5")) == "120.50"
    assert dump(Decimal("-0.005")) == "-0.01"


def test_custody_amounts_still_refuse_fractions_of_a_fen():
    assert check_custody_amount(Decimal("12.5")) == Decimal("12.50")
    with pytest.raises(ValueError, match="两位小数"):
        check_custody_amount(Decimal("12.345"))


#: quantize calls that are not money: staff FTE and star-rating scores, both stored with their decimals.
NOT_MONEY = {"staffing/schemas.py", "facilities/ratings/schemas.py"}


def test_no_other_code_rounds_money_itself():
    callers = {
        str(path.relative_to(ROOT))
        for app in ("accounts", "common", "config", "facilities", "residents", "staffing", "subsidies")
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and re.search(r"\.quantize\(|ROUND_HALF_EVEN", path.read_text(encoding="utf-8"))
    }
    assert callers - NOT_MONEY == {"common/money.py"}


# --- amounts in capital figures (中文大写金额) -------------------------------------------------------

_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def _read_back(words: str) -> Decimal:
    """The test's own reading of capital figures, to check amount_in_words against."""
    sign = -1 if words.startswith("负") else 1
    words = words.removeprefix("负")
    yuan_words, _, rest = words.rpartition("元")
    result = section = number = 0
    for ch in yuan_words:
        if ch in _DIGITS:
            number = _DIGITS.index(ch)
        elif ch in "拾佰仟":
            section += number * {"拾": 10, "佰": 100, "仟": 1000}[ch]
            number = 0
        elif ch == "万":
            section = (section + number) * 10000
            number = 0
        elif ch == "亿":
            result = (result + section + number) * 10**8
            section = number = 0
    fen = 0
    for digit, unit in pairwise(rest):
        if digit in _DIGITS and unit in "角分":
            fen += _DIGITS.index(digit) * (10 if unit == "角" else 1)
    return sign * (Decimal(result + section + number) + Decimal(fen) / 100)


@pytest.mark.parametrize("amount, words", [
    ("0", "零元整"), ("0.50", "伍角整"), ("0.05", "伍分"), ("10.05", "壹拾元零伍分"), ("1005", "壹仟零伍元整"),
    ("1050", "壹仟零伍拾元整"), ("100000", "壹拾万元整"), ("10010.10", "壹万零壹拾元壹角整"),
    ("100000010", "壹亿零壹拾元整"), ("1000000", "壹佰万元整"), ("11", "壹拾壹元整"), ("-3.20", "负叁元贰角整"),
    ("123456789.12", "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"), ("2.345", "贰元叁角伍分"),
    ("40000.00", "肆万元整"), ("40001.00", "肆万零壹元整"), ("1010101.01", "壹佰零壹万零壹佰零壹元零壹分"),
])
def test_amounts_in_capital_figures(amount, words):
    assert amount_in_words(Decimal(amount)) == words


@given(st.decimals(min_value=Decimal("-999999999999.99"), max_value=Decimal("999999999999.99"), places=2))
def test_capital_figures_read_back_to_the_amount(amount):
    words = amount_in_words(amount)
    assert _read_back(words) == amount
    assert not words.endswith("分整") and "零零" not in words and not words.startswith("零") or words == "零元整"
