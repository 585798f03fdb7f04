"""Money rounds half-up to the fen everywhere, through one function (common.money.round_fen, which
subsidies.rules still offers under its DESIGN §3 name): claims, the staffing budget, custody."""
import re
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import TypeAdapter

import subsidies.rules
from common.api_fields import Money as CustodyMoney
from common.money import round_fen
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
