"""Request and response shapes of the custody API (款物代管).

People appear by name and masked ID number only; money as "120.00" strings (common.api_fields).
"""
from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from common.api_fields import MAX_ID, Money, Month, Text, user_name

from ..models import Confirmer, CustodyHolding, CustodyKind, SampleResult

# --- custody -----------------------------------------------------------------------------------


class ConfirmationIn(Schema):
    confirmer: Confirmer = Field(description="本人 self / 监护人 guardian")
    confirmer_name: Text = Field(..., min_length=1, max_length=50)
    confirmed_on: date


class ConfirmationOut(Schema):
    confirmer: Confirmer
    confirmer_name: str
    confirmed_on: date
    recorded_at: datetime


class CustodyEntryIn(Schema):
    kind: CustodyKind = Field(description="存入 deposit / 支取 withdrawal")
    holding: CustodyHolding = Field(description="零用钱、养老金、补贴、物品、其他 / kind of holding")
    amount: Decimal = Field(..., gt=0, max_digits=12, decimal_places=2,
                            description="金额（元），物品填估值，如 \"120.00\" / yuan; goods at estimated value")
    occurred_on: date
    description: Text = Field("", max_length=200, description="摘要或物品名称（物品、其他必填）/ what it is")
    quantity: int | None = Field(None, ge=1, le=100000, description="物品数量 / number of items")
    purpose: Text = Field("", max_length=200, description="支取用途（支取必填）/ purpose of a withdrawal")
    receipt_number: Text = Field("", max_length=50, description="票据（收据）号（支取必填）/ receipt number")
    confirmation: ConfirmationIn | None = Field(None, description="本人或监护人确认 / the resident's or guardian's confirmation")


class ReversalIn(Schema):
    reason: Text = Field(..., min_length=1, max_length=200, description="更正原因 / why the entry is corrected")


class CustodyEntryOut(Schema):
    id: int
    sequence: int
    facility_id: int
    kind: CustodyKind
    holding: CustodyHolding
    amount: Money
    balance_after: Money = Field(description="该类款物记账后的余额 / balance of this holding after the entry")
    occurred_on: date
    description: str
    quantity: int | None
    purpose: str
    receipt_number: str
    reverses_id: int | None = Field(description="本条更正的记录 / the entry this one corrects")
    reversed_by_id: int | None = Field(description="更正本条的记录 / the entry that corrects this one")
    reason: str
    confirmation: ConfirmationOut | None
    recorded_by: str
    recorded_at: datetime

    @staticmethod
    def resolve_facility_id(obj):
        return obj.account.facility_id

    @staticmethod
    def resolve_reversed_by_id(obj):
        reversal = getattr(obj, "reversed_by", None) if _has(obj, "reversed_by") else None
        return reversal.pk if reversal is not None else None

    @staticmethod
    def resolve_confirmation(obj):
        return obj.confirmation if _has(obj, "confirmation") else None

    @staticmethod
    def resolve_recorded_by(obj):
        return user_name(obj.recorded_by)


def _has(obj, name: str) -> bool:
    """Whether a reverse one-to-one exists (loaded by select_related, so no query)."""
    try:
        return getattr(obj, name) is not None
    except Exception:  # noqa: BLE001 (each relation's own RelatedObjectDoesNotExist)
        return False


class CustodyEntryFilterIn(Schema):
    facility_id: int | None = Field(None, ge=1, le=MAX_ID, description="代管机构（默认当前入住机构）/ account's facility")


class HoldingBalanceOut(Schema):
    holding: CustodyHolding
    balance: Money


class CustodyAccountOut(Schema):
    id: int
    facility_id: int
    facility_name: str
    entry_count: int
    balances: list[HoldingBalanceOut] = Field(description="各类款物余额 / balance per holding")

    @staticmethod
    def resolve_facility_name(obj):
        return obj.facility.name

    @staticmethod
    def resolve_balances(obj):
        return [{"holding": h, "balance": getattr(obj, f"balance_{h}")} for h in CustodyHolding.values]


class StatementFiguresOut(Schema):
    opening: Money
    deposits: Money
    withdrawals: Money
    closing: Money


class StatementLineOut(StatementFiguresOut):
    holding: CustodyHolding


class StatementFilterIn(Schema):
    month: Month | None = Field(None, description="月份 YYYY-MM（默认本月）/ month, default this month")
    facility_id: int | None = Field(None, ge=1, le=MAX_ID, description="代管机构 / account's facility")


class StatementOut(Schema):
    person_id: int
    facility_id: int | None = Field(description="无代管账户时为空 / null when the person has no account")
    facility_name: str | None
    month: Month
    lines: list[StatementLineOut] = Field(description="各类款物的期初、存入、支取、期末 / per holding")
    money: StatementFiguresOut = Field(description="资金合计（不含物品）/ all holdings but goods")
    entries: list[CustodyEntryOut]
    unconfirmed: int = Field(description="未经确认的记录数 / entries without confirmation")


class CustodySummaryRowOut(Schema):
    account_id: int = Field(alias="id")
    person_id: int
    name: str
    masked_id_number: str
    money_balance: Money
    goods_value: Money
    last_entry_on: date | None
    unconfirmed: int
    living_here: bool

    @staticmethod
    def resolve_name(obj):
        return obj.person.name

    @staticmethod
    def resolve_masked_id_number(obj):
        return obj.person.masked_id_number


class SampleOut(Schema):
    id: int
    position: int
    account_id: int
    person_id: int
    person_name: str
    result: SampleResult | None
    note: str
    checked_on: date | None
    checked_by: str | None

    @staticmethod
    def resolve_person_id(obj):
        return obj.account.person_id

    @staticmethod
    def resolve_person_name(obj):
        return obj.account.person.name

    @staticmethod
    def resolve_result(obj):
        return obj.result or None

    @staticmethod
    def resolve_checked_by(obj):
        return user_name(obj.checked_by)


class SamplingIn(Schema):
    size: int = Field(..., ge=1, le=50, description="抽查份数 / how many ledgers to draw")


class SamplingOut(Schema):
    id: int
    facility_id: int
    drawn_on: date
    size: int
    population: int = Field(description="抽取时的账户总数 / accounts drawn from")
    seed: int = Field(description="随机种子，可复核抽取 / the recorded seed")
    drawn_by: str
    samples: list[SampleOut]

    @staticmethod
    def resolve_drawn_by(obj):
        return user_name(obj.drawn_by)

    @staticmethod
    def resolve_samples(obj):
        return list(obj.samples.all())


class SampleCheckIn(Schema):
    result: SampleResult
    note: Text = Field("", max_length=2000, description="核查意见（发现问题时必填）/ the check note")
    checked_on: date
