"""Money (金额): ``Decimal`` in the domain, integer fen (分) in storage, ROUND_HALF_UP everywhere.

``money()`` is the one constructor. It refuses floats (binary fractions are not money), non-finite values and
currencies other than the ones configured. Display follows Chinese habits: 元, 万元 (10^4) and 亿元 (10^8).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

from ippledge.kernel.errors import MONEY_CURRENCY, MONEY_FORMAT, MONEY_NOT_POSITIVE, MONEY_PRECISION, MONEY_TYPE

CNY: Final = "CNY"
CURRENCIES: Final = frozenset({CNY})
FEN: Final = Decimal("0.01")
WAN: Final = Decimal(10_000)
YI: Final = Decimal(100_000_000)

MoneyInput = Decimal | int | str


def money(value: MoneyInput, currency: str = CNY) -> Decimal:
    """Return ``value`` as a Decimal rounded to the fen; raise a ``ValidationError`` (``money.*``) for anything else."""
    if currency not in CURRENCIES:
        raise MONEY_CURRENCY(currency=currency)
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise MONEY_TYPE(type=type(value).__name__)
    try:
        amount = Decimal(value.strip().replace(",", "")) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        raise MONEY_FORMAT(why_zh=f"金额格式无效：{value!r}", why_en=f"malformed amount: {value!r}") from None
    if not amount.is_finite():
        raise MONEY_FORMAT(why_zh="金额必须是有限数", why_en="amount must be finite")
    try:
        return amount.quantize(FEN, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more than 28 significant digits to the fen: beyond the decimal context, no real sum
        raise MONEY_FORMAT(why_zh=f"金额过大：{value!r}", why_en=f"amount too large: {value!r}") from None


def positive_money(value: MoneyInput, currency: str = CNY) -> Decimal:
    """Like ``money`` but the amount must be greater than zero (a loan, a payment, a pledge amount)."""
    amount = money(value, currency)
    if amount <= 0:
        raise MONEY_NOT_POSITIVE(amount=str(amount))
    return amount


def round_fen(value: Decimal) -> Decimal:
    """Round an intermediate result (interest, a share) to the fen, half up."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def to_fen(amount: Decimal) -> int:
    """Storage form: integer fen. Refuses amounts with sub-fen digits rather than rounding silently."""
    scaled = amount * 100
    if scaled != scaled.to_integral_value():
        raise MONEY_PRECISION(amount=str(amount))
    return int(scaled)


def from_fen(fen: int) -> Decimal:
    """Domain form of a stored integer fen amount."""
    return (Decimal(fen) / 100).quantize(FEN)


def format_yuan(amount: Decimal) -> str:
    """``1,234,567.89 元``."""
    return f"{round_fen(amount):,.2f} 元"


def format_wan(amount: Decimal, places: int = 2) -> str:
    """``123.46 万元`` (banks report loan amounts in 万元)."""
    q = Decimal(1).scaleb(-places)
    return f"{(amount / WAN).quantize(q, rounding=ROUND_HALF_UP):,} 万元"


def format_yi(amount: Decimal, places: int = 2) -> str:
    """``1.52 亿元`` (market totals)."""
    q = Decimal(1).scaleb(-places)
    return f"{(amount / YI).quantize(q, rounding=ROUND_HALF_UP):,} 亿元"


def format_cn(amount: Decimal) -> str:
    """Pick the unit a Chinese reader expects: 亿元 from 10^8, 万元 from 10^4, else 元."""
    magnitude = abs(amount)
    if magnitude >= YI:
        return format_yi(amount)
    if magnitude >= WAN:
        return format_wan(amount)
    return format_yuan(amount)
