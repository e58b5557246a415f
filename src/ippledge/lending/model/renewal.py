"""Renewal rules (续贷规则): 续贷 and 无还本续贷 at maturity, as data. Pure.

A renewal replaces a maturing loan with a new one on the same security, without releasing the pledge:

- 续贷 (``RenewalKind.REPAY_FIRST``): the borrower repays the old loan from its own funds, then the new loan is
  disbursed on the same pledge;
- 无还本续贷 (``RenewalKind.NO_REPAYMENT``): the new loan's proceeds repay the old loan's principal at once (no cash
  reaches the borrower, which pays only the interest and any penalty or advance owed); the new loan's principal
  is the old one's outstanding principal.

When: from ``window_days`` before maturity (the bank reviews the renewal ahead, 提前审查) until the loan is past
due more than ``max_dpd`` days. Who: the loan must be performing (正常 or 关注; the 2024 NFRA notice on renewals
(金融监管总局《关于做好续贷工作提高小微企业金融服务水平的通知》) opens 无还本续贷 to 正常 and 关注 loans); an NPL is
restructured, not renewed. ``max_dpd`` = 0 by default: a renewal does not roll an arrear over (an assumption: each
bank's rule). The new term is at most ``max_months``; a 续贷 may not lend more than the old loan's original
principal without a new credit decision.

Classification (2023 rules art. 19): a renewal is not by itself a restructuring; the new loan carries the old one's
grade and any restructuring observation. When the debtor is in financial difficulty, the renewal is a
restructuring (its floor and a year's observation, ``classification.restructure_floor``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from ippledge.lending.model.classification import Grade


class RenewalKind(StrEnum):
    REPAY_FIRST = "repay_first"  # 续贷
    NO_REPAYMENT = "no_repayment"  # 无还本续贷

    @property
    def zh(self) -> str:
        return "续贷" if self is RenewalKind.REPAY_FIRST else "无还本续贷"


@dataclass(frozen=True)
class RenewalRule:
    window_days: int = 30  # the renewal may be decided from this many days before maturity
    max_dpd: int = 0  # refused when the loan is more days past due than this
    max_months: int = 36


DEFAULT_RULE: Final = RenewalRule()


@dataclass(frozen=True)
class RenewalRefusal:
    zh: str
    en: str


def renewal_refusal(
    kind: RenewalKind,
    today: dt.date,
    maturity: dt.date,
    dpd: int,
    grade: Grade,
    months: int,
    amount: Decimal,
    outstanding: Decimal,
    original: Decimal,
    rule: RenewalRule = DEFAULT_RULE,
) -> RenewalRefusal | None:
    """Why the renewal is refused (None: allowed); see the module docstring."""
    opens = maturity - dt.timedelta(days=rule.window_days)
    if today < opens:
        return RenewalRefusal(
            f"续贷须在到期日{maturity}前{rule.window_days}天内办理（最早{opens}）",
            f"a renewal is decided within {rule.window_days} days of maturity on {maturity} (from {opens})",
        )
    if dpd > rule.max_dpd:
        return RenewalRefusal(
            f"贷款逾期{dpd}天，超过续贷规则允许的{rule.max_dpd}天",
            f"the loan is {dpd} days past due, more than the {rule.max_dpd} a renewal allows",
        )
    if grade.is_npl:
        return RenewalRefusal(
            f"{grade.zh}类不良贷款不能续贷（应按重组办理）",
            f"a non-performing loan ({grade.code}) is restructured, not renewed",
        )
    if not 1 <= months <= rule.max_months:
        return RenewalRefusal(
            f"续贷期限应为1至{rule.max_months}个月：{months}", f"the new term must be 1-{rule.max_months} months"
        )
    if kind is RenewalKind.NO_REPAYMENT and amount != outstanding:
        return RenewalRefusal(
            f"无还本续贷的新贷款本金应等于原贷款未还本金{outstanding}",
            f"a no-repayment renewal lends exactly the outstanding principal {outstanding}",
        )
    if amount <= 0 or amount > original:
        return RenewalRefusal(
            f"续贷金额应大于0且不超过原贷款金额{original}（超过须重新授信）",
            f"the renewal must lend more than 0 and at most the original {original} (more needs a new decision)",
        )
    return None
