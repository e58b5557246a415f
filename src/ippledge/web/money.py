"""Money in JSON (接口金额): yuan as a decimal string outside, ``Decimal`` inside.

``Yuan`` is the type of every amount in a response schema: serialised as a string with two decimals
(``"1234.50"``), so no client parses money as a binary float. ``YuanIn`` is the type of an amount in a request:
a string or an integer (a float is refused), checked and rounded by ``kernel.money.money``. Request bodies use the
strict types below (``LoanAmount``, ``PaymentAmount``, ... made by ``amount_in``; rates by ``rate_in``): exact, two
decimals at most, ASCII digits only, and within a per-field limit kept as data (``data/amount_limits.toml``).
"""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from functools import cache, partial
from importlib import resources
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from ippledge.kernel.errors import (
    MONEY_FORMAT,
    MONEY_LIMIT,
    MONEY_NEGATIVE,
    MONEY_NOT_POSITIVE,
    MONEY_PRECISION,
    MONEY_TYPE,
    RATE_FORMAT,
    RATE_LIMIT,
    ErrorCode,
)
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


# Request amounts (请求金额) -------------------------------------------------------------------------------------------
# A JSON amount is an integer or a string of ASCII digits with at most two decimals: no bool (JSON ``true`` is not
# 1.00), no float, no full-width or Arabic-Indic digits, no ``1_000`` or ``1,000``, no exponent, NaN or Infinity, and
# never a silent rounding (``0.005`` is refused, not booked as 0.01). Each field has an upper limit kept as data in
# ``data/amount_limits.toml``; the 422 names the field (pydantic's ``loc``) and the rule (``type``).

_AMOUNT_TEXT = re.compile(r"(?P<int>[0-9]{1,20})(?:\.(?P<frac>[0-9]+))?")
_RATE_TEXT = re.compile(r"[0-9]{1,6}(?:\.[0-9]{1,12})?")


@cache
def limits_file() -> dict[str, Any]:
    """``data/amount_limits.toml`` as read, once."""
    return tomllib.loads((resources.files("ippledge") / "data" / "amount_limits.toml").read_text(encoding="utf-8"))


@cache
def limits() -> dict[str, dict[str, Decimal]]:
    """The amount and rate limits: ``{"amounts": {kind: max}, "rates": {kind: max}}``."""
    raw = limits_file()
    return {part: {k: Decimal(str(v)) for k, v in raw[part].items()} for part in ("amounts", "rates")}


def refuse(code: ErrorCode, **params: str) -> PydanticCustomError:
    """A catalogued error as a pydantic one: its ``type`` is the error code, so the 422 names the field and the code."""
    err = code(**params)
    return PydanticCustomError(err.code, "{zh} / {en}", {"zh": err.message_zh, "en": err.message_en})


def parse_amount(value: Any, kind: str, *, zero: bool = False) -> Decimal:
    """An amount of the field kind ``kind``: exact, two decimals at most, within its limit; ``zero`` allows 0."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise refuse(MONEY_TYPE, type=type(value).__name__)
    text = str(value)[:40]
    negative = text.startswith("-")
    match = _AMOUNT_TEXT.fullmatch(text[1:] if negative else text)
    if match is None:
        raise refuse(
            MONEY_FORMAT,
            why_zh=f"金额只允许半角数字和一个小数点：{text!r}",
            why_en=f"an amount is ASCII digits with at most one decimal point: {text!r}",
        )
    if len(match["frac"] or "") > 2:
        raise refuse(MONEY_PRECISION, amount=text)
    amount = Decimal(text).quantize(FEN)
    if negative and zero:  # "-0" too: a sign on an amount that cannot be negative is refused, not normalised
        raise refuse(MONEY_NEGATIVE, amount=text)
    if (negative or amount == 0) and not zero:
        raise refuse(MONEY_NOT_POSITIVE, amount=text)
    ceiling = limits()["amounts"][kind]
    if amount > ceiling:
        raise refuse(MONEY_LIMIT, amount=text, limit=str(ceiling))
    return amount


def parse_rate(value: Any, kind: str) -> Decimal:
    """A rate or multiple of kind ``kind``: a plain decimal string (or integer), 0 to its limit, no NaN or exponent."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise refuse(RATE_FORMAT, rate=repr(value)[:40])
    text = str(value)[:40]
    if _RATE_TEXT.fullmatch(text) is None:
        raise refuse(RATE_FORMAT, rate=repr(text))
    rate = Decimal(text)
    ceiling = limits()["rates"][kind]
    if rate > ceiling:
        raise refuse(RATE_LIMIT, rate=text, limit=str(ceiling))
    return rate


def catalogue_code(types: list[str]) -> str | None:
    """The error code a 422 carries when every problem is one catalogued code (``money.precision``): clients keep
    branching on the code while the details name the field. ``None`` for pydantic's own problems."""
    distinct = set(types)
    if len(distinct) == 1 and "." in (only := distinct.pop()):
        return only
    return None


def _amount_schema(kind: str, zero: bool) -> dict[str, Any]:
    return {
        "oneOf": [
            {"type": "string", "pattern": r"^[0-9]{1,20}(\.[0-9]{1,2})?$", "examples": ["1000000.00"]},
            {"type": "integer", "minimum": 0 if zero else 1},
        ],
        "description": f"元, at most two decimals, {'≥ 0' if zero else '> 0'}, at most {limits()['amounts'][kind]}",
    }


def _amount(kind: str, zero: bool = False) -> BeforeValidator:
    limits()["amounts"][kind]  # an unknown kind fails at import, not at the first request
    return BeforeValidator(partial(parse_amount, kind=kind, zero=zero))


def _rate(kind: str) -> BeforeValidator:
    return BeforeValidator(partial(parse_rate, kind=kind))


def _rate_schema(kind: str) -> WithJsonSchema:
    ceiling = limits()["rates"][kind]
    return WithJsonSchema(
        {"type": "string", "pattern": r"^[0-9]{1,6}(\.[0-9]{1,12})?$", "description": f"0 to {ceiling}"}
    )


# One alias per kind of field (a key of ``amount_limits.toml``); ``OrZero`` where 0 means something (a floor, a
# deductible, no interest).
LoanAmount = Annotated[Decimal, _amount("loan"), WithJsonSchema(_amount_schema("loan", False))]
LoanAmountOrZero = Annotated[Decimal, _amount("loan", True), WithJsonSchema(_amount_schema("loan", True))]
PaymentAmount = Annotated[Decimal, _amount("payment"), WithJsonSchema(_amount_schema("payment", False))]
PoolAmount = Annotated[Decimal, _amount("pool"), WithJsonSchema(_amount_schema("pool", False))]
CoverAmount = Annotated[Decimal, _amount("cover"), WithJsonSchema(_amount_schema("cover", False))]
CoverAmountOrZero = Annotated[Decimal, _amount("cover", True), WithJsonSchema(_amount_schema("cover", True))]
LossAmount = Annotated[Decimal, _amount("loss"), WithJsonSchema(_amount_schema("loss", False))]
LossAmountOrZero = Annotated[Decimal, _amount("loss", True), WithJsonSchema(_amount_schema("loss", True))]
ValuationAmount = Annotated[Decimal, _amount("valuation"), WithJsonSchema(_amount_schema("valuation", False))]
DebtAmountOrZero = Annotated[Decimal, _amount("debt", True), WithJsonSchema(_amount_schema("debt", True))]
RevenueAmountOrZero = Annotated[Decimal, _amount("revenue", True), WithJsonSchema(_amount_schema("revenue", True))]
FeeRate = Annotated[Decimal, _rate("fee_rate"), _rate_schema("fee_rate")]
LprMultiple = Annotated[Decimal, _rate("lpr_multiple"), _rate_schema("lpr_multiple")]
P90Multiple = Annotated[Decimal, _rate("p90_multiple"), _rate_schema("p90_multiple")]
Coverage = Annotated[Decimal, _rate("coverage"), _rate_schema("coverage")]
