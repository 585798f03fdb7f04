"""Money, the one way: yuan as Decimal, rounded half-up (half away from zero) to the fen, 0.01 yuan,
as payment ledgers do. Every app rounds money through `round_fen`; it imports no app.

`subsidies.rules.round_fen` is the same function (DESIGN §3 keeps that name importable).
"""
from decimal import ROUND_HALF_UP, Context, Decimal

FEN = Decimal("0.01")


def require_money(amount: object) -> None:
    """A float is refused: 0.1 + 0.2 is not 0.3."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"金额须为Decimal / money must be a Decimal, got {type(amount).__name__} {amount!r}")
    if not amount.is_finite():
        raise ValueError(f"金额须为有限数 / money must be finite, got {amount!r}")


def round_fen(amount: Decimal) -> Decimal:
    """Round to the fen, half-up: 2.345 -> 2.35, -2.345 -> -2.35.

    The context is sized to the amount, so no amount is too large to round.
    """
    require_money(amount)
    context = Context(prec=max(amount.adjusted(), 0) + 4, rounding=ROUND_HALF_UP)
    return amount.quantize(FEN, context=context)
