"""Money in JSON (接口金额): yuan as a decimal string outside, ``Decimal`` inside.

``Yuan`` is the type of every amount in a response schema: serialised as a string with two decimals
(``"1234.50"``), so no client parses money as a binary float. ``YuanIn`` is the type of an amount in a request:
a string or an integer (a float is refused), checked and rounded by ``kernel.money.money``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from ippledge.kernel.money import FEN, from_fen, money


def _to_str(amount: Decimal) -> str:
    return str(amount.quantize(FEN))


def _parse(value: Any) -> Decimal:
    # ``money`` refuses a float (``money.type``): a JSON number with a fraction never becomes an amount.
    return money(value)


_SCHEMA = {"type": "string", "pattern": r"^-?\d+(\.\d{1,2})?$", "examples": ["1000000.00"], "description": "元"}

Yuan = Annotated[Decimal, PlainSerializer(_to_str, return_type=str, when_used="json"), WithJsonSchema(_SCHEMA)]
YuanIn = Annotated[Decimal, BeforeValidator(_parse), WithJsonSchema(_SCHEMA)]


def yuan(fen: int) -> Decimal:
    """A stored integer fen amount as yuan for a response model (``Yuan`` serialises it)."""
    return from_fen(fen)
