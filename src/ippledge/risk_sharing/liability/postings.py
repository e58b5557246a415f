"""Liability-chain accounts and journal templates (职业责任保险科目与分录). Pure: every draft balances.

``I`` is the insurer, ``O`` the IP operations institution (policyholder = insured), ``F`` the fund administrator of
scheme ``S``'s pool:

=========================  ==========================================  ==========================================
entry kind                 debit (借)                                  credit (贷)
=========================  ==========================================  ==========================================
risk.liability_premium     PO:expense:premium, PI:cash                 PO:cash, PI:income:premium
risk.premium_subsidy       PF:fund:S:subsidy, PO:cash                  PF:fund:S:pool, PO:income:premium_subsidy
risk.co_contribution       PF:fund:S:pool, PO:expense:pool_contribution PF:fund:S:capital, PO:cash
risk.indemnity             PI:loss:indemnity, PO:cash                  PI:cash, PO:income:indemnity
=========================  ==========================================  ==========================================

The institution's payment to the bank is the claim's ``risk.payout`` (its ``ip_operator`` share). The insurer pays
the institution only (``risk.indemnity``); no template here touches a bank's account. The district IP office's share
of a co-funded pool is paid in by the fund administrator as an ordinary ``risk.contribution``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ippledge.ledger.accounts import AccountKind, AccountType, account_code, register_kind
from ippledge.ledger.model import EntryDraft, Posting
from ippledge.risk_sharing.pools.postings import FUND_CAPITAL, FUND_POOL, FUND_SUBSIDY, PREMIUM_EXPENSE, PREMIUM_INCOME

IN, X = AccountType.INCOME, AccountType.EXPENSE
INDEMNITY_EXPENSE = AccountKind("indemnity_expense", "loss:indemnity", X, "责任保险赔款支出", "liability claims paid")
INDEMNITY_INCOME = AccountKind(
    "indemnity_income", "income:indemnity", IN, "保险赔款收入", "insurance indemnity received"
)
SUBSIDY_INCOME = AccountKind(
    "premium_subsidy_income", "income:premium_subsidy", IN, "保费补贴收入", "premium subsidy received"
)
CONTRIBUTION_EXPENSE = AccountKind(
    "pool_contribution_expense", "expense:pool_contribution", X, "资金池出资支出", "contributions to a risk pool"
)
CHART: tuple[AccountKind, ...] = (INDEMNITY_EXPENSE, INDEMNITY_INCOME, SUBSIDY_INCOME, CONTRIBUTION_EXPENSE)


def register_rules() -> None:
    """Add the liability-chain account kinds to the ledger's chart (called by ``bootstrap.wire``, never on import)."""
    for kind in CHART:
        register_kind(kind)


def _draft(
    day: dt.date, kind: str, lines: list[tuple[str, Decimal]], ref: tuple[str, int], memo: str, key: str
) -> EntryDraft:
    postings = tuple(Posting(c, a) for c, a in lines)
    return EntryDraft(day, kind, postings, ref_type=ref[0], ref_id=str(ref[1]), memo=memo, idempotency_key=key)


def premium(insurer: int, insured: int, amount: Decimal, day: dt.date, policy_id: int, key: str) -> EntryDraft:
    """保费: the institution pays its insurer."""
    lines = [
        (account_code(insured, PREMIUM_EXPENSE), amount),
        (account_code(insured, "cash"), -amount),
        (account_code(insurer, "cash"), amount),
        (account_code(insurer, PREMIUM_INCOME), -amount),
    ]
    return _draft(day, "risk.liability_premium", lines, ("risk_liability_policy", policy_id), "职业责任保险保费", key)


def premium_subsidy(
    fund: int, scheme: str, insured: int, amount: Decimal, day: dt.date, policy_id: int, key: str
) -> EntryDraft:
    """保费补贴: the scheme's pool pays part of the institution's premium."""
    lines = [
        (account_code(fund, FUND_SUBSIDY, scheme), amount),
        (account_code(fund, FUND_POOL, scheme), -amount),
        (account_code(insured, "cash"), amount),
        (account_code(insured, SUBSIDY_INCOME), -amount),
    ]
    return _draft(day, "risk.premium_subsidy", lines, ("risk_liability_policy", policy_id), "保费补贴", key)


def co_contribution(
    fund: int, scheme: str, contributor: int, amount: Decimal, day: dt.date, pool_id: int, key: str
) -> EntryDraft:
    """机构出资: the institution pays its share of a co-funded pool from its own cash."""
    lines = [
        (account_code(fund, FUND_POOL, scheme), amount),
        (account_code(fund, FUND_CAPITAL, scheme), -amount),
        (account_code(contributor, CONTRIBUTION_EXPENSE), amount),
        (account_code(contributor, "cash"), -amount),
    ]
    return _draft(day, "risk.co_contribution", lines, ("risk_fund_pool", pool_id), "运营机构出资 contribution", key)


def indemnity(insurer: int, insured: int, amount: Decimal, day: dt.date, claim_id: int, key: str) -> EntryDraft:
    """赔款: the insurer indemnifies the institution (never the bank)."""
    lines = [
        (account_code(insurer, INDEMNITY_EXPENSE), amount),
        (account_code(insurer, "cash"), -amount),
        (account_code(insured, "cash"), amount),
        (account_code(insured, INDEMNITY_INCOME), -amount),
    ]
    return _draft(day, "risk.indemnity", lines, ("risk_liability_claim", claim_id), "职业责任保险赔款", key)
