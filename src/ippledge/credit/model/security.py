"""Other security of a combination loan (组合担保) and the IP-pledged share of the loan (知识产权质押部分占比). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum

from ippledge.credit.model.product import BP


class SecurityKind(StrEnum):
    """Security of a loan other than the pledged IP; ``credit`` is the unsecured part (信用部分)."""

    PROPERTY = "property"  # 不动产抵押
    EQUIPMENT = "equipment"  # 动产抵押
    RECEIVABLES = "receivables"  # 应收账款质押
    DEPOSIT = "deposit"  # 保证金、存单质押
    GUARANTEE = "guarantee"  # 保证（担保公司、股东、关联方）
    CREDIT = "credit"  # 信用部分


@dataclass(frozen=True)
class OtherSecurity:
    """One other security and the part of the loan it covers (担保金额; for ``credit`` the unsecured amount)."""

    kind: SecurityKind
    amount: Decimal
    note: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind.value, "amount": str(self.amount), "note": self.note}


def ip_share_bp(loan_amount: Decimal, other: Sequence[OtherSecurity], ip_pledged: bool) -> int:
    """The IP-pledged share of a loan (知识产权质押部分占比), basis points: the part the other security does not cover.

    Rounded down, so a share just below a scheme's minimum is never rounded up to it. No IP pledged: 0."""
    if not ip_pledged or loan_amount <= 0:
        return 0
    covered = sum((s.amount for s in other), Decimal(0))
    rest = max(loan_amount - covered, Decimal(0))
    return int((rest * BP / loan_amount).to_integral_value(rounding=ROUND_FLOOR))
