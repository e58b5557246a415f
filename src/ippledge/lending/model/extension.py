"""Extension rules (展期规则), 贷款通则 (1996) art. 12, and the product's own limit. Pure.

An extension is applied for before maturity and the lender decides; for a pledge loan the pledgor consents in
writing (the pledge change filing it confirms). The cumulative extension may not exceed the original term for a
short-term loan (<= 1 year), half of it for a medium-term loan (1-5 years), and 3 years for a long-term loan.
The product may allow fewer extensions: :data:`DEFAULT_RULE` (one extension per loan) until products carry their own.

An extension is not by itself a restructuring (商业银行金融资产风险分类办法, 2023, art. 19): only when the debtor is in
financial difficulty do the changed terms make it a restructured asset, with its floor and observation period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class ExtensionRule:
    """How many times a loan of the product may be extended (the statutory cap applies on top)."""

    max_extensions: int = 1


DEFAULT_RULE: Final = ExtensionRule()
MAX_EXTENSION_MONTHS: Final = 36  # the long-term loan's statutory cap is the largest any loan can have


def statutory_cap_months(original_term_months: int) -> int:
    """贷款通则 art. 12: cumulative extension <= the original term (<= 12 months), half of it (13-60), 36 (> 60)."""
    if original_term_months <= 12:
        return original_term_months
    if original_term_months <= 60:
        return original_term_months // 2
    return MAX_EXTENSION_MONTHS


@dataclass(frozen=True)
class ExtensionRefusal:
    zh: str
    en: str


def extension_refusal(
    original_term_months: int,
    extended_months: int,
    extensions: int,
    months: int,
    rule: ExtensionRule = DEFAULT_RULE,
) -> ExtensionRefusal | None:
    """Why an extension of ``months`` more is refused (None: allowed), after ``extensions`` earlier ones that added
    ``extended_months`` to an original term of ``original_term_months``."""
    if extensions >= rule.max_extensions:
        return ExtensionRefusal(
            f"产品规定至多展期{rule.max_extensions}次，本贷款已展期{extensions}次",
            f"the product allows {rule.max_extensions} extension(s); the loan has had {extensions}",
        )
    cap = statutory_cap_months(original_term_months)
    if extended_months + months > cap:
        return ExtensionRefusal(
            f"累计展期{extended_months + months}个月超过上限{cap}个月"
            f"（贷款通则第十二条，原期限{original_term_months}个月）",
            f"cumulative extension of {extended_months + months} months exceeds {cap} "
            f"(General Rules on Loans art. 12, original term {original_term_months} months)",
        )
    return None


def before_maturity(applied_on: dt.date, maturity: dt.date | None) -> bool:
    """An extension is applied for before the loan matures (到期前申请)."""
    return maturity is not None and applied_on < maturity
