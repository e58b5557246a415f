"""Repayment allocation (还款冲抵顺序): which dues a payment settles, in which order.

Default order: advances the bank paid for the borrower (代垫费用, e.g. an annuity paid on the pledgor's behalf) and the
fees charged on the loan (贷款费用: valuation, insurance, guarantee, registration; ``model.charges``) — the costs of
realising the claim come first, Civil Code art. 561 — then penalty interest (罚息), then compound interest
(复利), then interest (利息), then principal (本金),
each oldest due date first (``Sequence.BY_BUCKET``: all overdue penalty before any interest, as loan contracts and
the usual 先罚息、复利，后利息，再本金 rule say). ``Sequence.BY_INSTALMENT`` settles the oldest instalment whole (in
the bucket order) before the next one. Whatever is left after every due is paid is returned as ``leftover``: the
caller decides whether it is a prepayment (提前还款) or stays in the borrower's settlement account.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from ippledge.lending.errors import ALLOCATION_ORDER, AMOUNT
from ippledge.lending.model.interest import FEN

ZERO: Final = Decimal("0.00")


class Bucket(StrEnum):
    ADVANCE = "advance"  # 代垫费用
    PENALTY = "penalty"  # 罚息
    COMPOUND = "compound"  # 复利
    INTEREST = "interest"  # 利息
    PRINCIPAL = "principal"  # 本金


class Sequence(StrEnum):
    BY_BUCKET = "by_bucket"
    BY_INSTALMENT = "by_instalment"


DEFAULT_ORDER: Final = (Bucket.ADVANCE, Bucket.PENALTY, Bucket.COMPOUND, Bucket.INTEREST, Bucket.PRINCIPAL)


@dataclass(frozen=True)
class Due:
    """What one instalment still owes, per bucket."""

    period: int
    due_date: dt.date
    principal: Decimal = ZERO
    interest: Decimal = ZERO
    penalty: Decimal = ZERO
    compound: Decimal = ZERO
    advance: Decimal = ZERO

    def amount(self, bucket: Bucket) -> Decimal:
        value: Decimal = getattr(self, bucket.value)
        return value


@dataclass(frozen=True)
class AllocationLine:
    period: int
    due_date: dt.date
    bucket: Bucket
    amount: Decimal


@dataclass(frozen=True)
class Allocation:
    lines: tuple[AllocationLine, ...]
    leftover: Decimal  # paid beyond every due: a prepayment candidate

    def total(self, bucket: Bucket | None = None) -> Decimal:
        return sum((ln.amount for ln in self.lines if bucket is None or ln.bucket is bucket), ZERO)

    def for_period(self, period: int) -> dict[Bucket, Decimal]:
        out: dict[Bucket, Decimal] = {}
        for ln in self.lines:
            if ln.period == period:
                out[ln.bucket] = out.get(ln.bucket, ZERO) + ln.amount
        return out


def _fen(value: Decimal, what_zh: str, what_en: str) -> None:
    if isinstance(value, bool) or not isinstance(value, Decimal) or not value.is_finite():
        raise AMOUNT(what_zh=what_zh, what_en=what_en, amount=repr(value))
    if value < 0 or value != value.quantize(FEN):
        raise AMOUNT(what_zh=what_zh, what_en=what_en, amount=str(value))


def allocate(
    amount: Decimal,
    dues: list[Due] | tuple[Due, ...],
    order: tuple[Bucket, ...] = DEFAULT_ORDER,
    sequence: Sequence = Sequence.BY_BUCKET,
) -> Allocation:
    """Split ``amount`` over ``dues`` (oldest due date first, then period) in ``order`` (one without ``ADVANCE``
    settles advances first)."""
    _fen(amount, "还款金额", "payment")
    if Bucket.ADVANCE not in order:  # an order written before advances existed: the costs still come first
        order = (Bucket.ADVANCE, *order)
    if sorted(order) != sorted(Bucket):
        raise ALLOCATION_ORDER()
    for d in dues:
        for b in Bucket:
            _fen(d.amount(b), f"第{d.period}期应还", f"instalment {d.period} due")
    oldest_first = sorted(dues, key=lambda d: (d.due_date, d.period))
    if sequence is Sequence.BY_BUCKET:
        steps = [(d, b) for b in order for d in oldest_first]
    else:
        steps = [(d, b) for d in oldest_first for b in order]
    left = amount
    lines: list[AllocationLine] = []
    for due, bucket in steps:
        if left == 0:
            break
        pay = min(left, due.amount(bucket))
        if pay > 0:
            lines.append(AllocationLine(due.period, due.due_date, bucket, pay))
            left -= pay
    return Allocation(tuple(lines), left)
