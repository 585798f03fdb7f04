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


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿", "万亿")


def _group_in_words(group: int) -> str:
    """0 < group < 10000, a zero between digits read once: 1005 → 壹仟零伍."""
    words, zero = "", False
    for place in range(3, -1, -1):
        digit = group // 10**place % 10
        if digit == 0:
            zero = bool(words)
            continue
        if zero:
            words, zero = words + "零", False
        words += _DIGITS[digit] + _PLACES[place]
    return words


def _yuan_in_words(yuan: int) -> str:
    groups = []
    while yuan:
        yuan, group = divmod(yuan, 10000)
        groups.append(group)
    words, gap = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            gap = True
            continue
        if words and (gap or group < 1000):
            words += "零"
        words, gap = words + _group_in_words(group) + _GROUPS[index], False
    return words


def amount_in_words(amount: Decimal) -> str:
    """The amount in capital figures (中文大写金额), as a payment form or a claim summary writes it.

    The rules of 《会计基础工作规范》 art. 52: 整 after 元 or 角, never after 分; a zero between
    figures read once (1005.00 → 壹仟零伍元整, 10.05 → 壹拾元零伍分); 0.50 → 伍角整.
    """
    require_money(amount)
    fen_total = int(round_fen(abs(amount)) * 100)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    words = _yuan_in_words(yuan) + "元" if yuan else ""
    if jiao == 0 and fen == 0:
        words = (words or "零元") + "整"
    else:
        if jiao:
            words += _DIGITS[jiao] + "角"
        elif words:
            words += "零"
        words += _DIGITS[fen] + "分" if fen else "整"
    return ("负" if amount < 0 and fen_total else "") + words
