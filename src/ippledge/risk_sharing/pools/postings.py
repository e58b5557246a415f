"""Risk-sharing chart of accounts and journal templates (风险分担科目与分录). Pure: every draft balances.

``F`` is the fund administrator, ``S`` the scheme code (a fund may run several pools), ``B`` the bank, ``X`` an
insurer, guarantor, valuer or IP operations institution, ``E`` the enterprise:

======================  ============================================  ============================================
entry kind              debit (借)                                    credit (贷)
======================  ============================================  ============================================
risk.contribution       PF:fund:S:pool                                PF:fund:S:capital (财政/机构注资)
risk.premium            PX:cash; payer's PP:expense:premium, or       PX:income:premium; payer's PP:cash, or
                        for an enterprise PE:settlement               for an enterprise PB:cash
risk.payout (fund)      PF:fund:S:compensation, PB:cash               PF:fund:S:pool, PB:income:compensation
risk.payout (other)     PX:loss:compensation, PB:cash                 PX:cash, PB:income:compensation
risk.settlement         the credits of risk.payout (预付清算退回)    the debits of risk.payout
risk.clawback (fund)    PB:loss:clawback, PF:fund:S:pool              PB:cash, PF:fund:S:clawback
risk.clawback (other)   PB:loss:clawback, PX:cash                     PB:cash, PX:income:clawback
risk.fund_debt          PF:fund:S:compensation, PB:receivable:        PF:fund:S:payable, PB:income:compensation
                        compensation (应付代偿: the pool is short)
risk.debt_payment       PF:fund:S:payable, PB:cash                    PF:fund:S:pool, PB:receivable:compensation
risk.clawback_offset    PB:loss:clawback, PF:fund:S:payable           PB:receivable:compensation, PF:fund:S:clawback
risk.subsidy            PF:fund:S:subsidy, PB:cash                    PF:fund:S:pool, PE:settlement
======================  ============================================  ============================================

When a scheme's liability is not limited to the fund and the pool cannot pay the fund's whole share, the rest is a
debt of the fund to the bank (``risk.fund_debt``), paid out of later contributions (``risk.debt_payment``); a recovery
shared back to the fund while it still owes first reduces the debt (``risk.clawback_offset``).

The bank's own share of a loss is not an entry: it is what remains of its write-off loss. Money paid to an enterprise
lands in its settlement account at its lending bank, whose cash rises (as a deposit does in ``lending.postings``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ippledge.ledger.accounts import AccountKind, AccountType, account_code, register_kind
from ippledge.ledger.model import EntryDraft, Posting

A, L, Q, IN, X = AccountType.ASSET, AccountType.LIABILITY, AccountType.EQUITY, AccountType.INCOME, AccountType.EXPENSE
FUND_POOL = AccountKind("fund_pool", "fund:{subject}:pool", A, "风险补偿资金池存款", "fund pool cash")
FUND_CAPITAL = AccountKind("fund_capital", "fund:{subject}:capital", Q, "资金池注资", "fund pool contributions")
FUND_COMPENSATION = AccountKind(
    "fund_compensation", "fund:{subject}:compensation", X, "代偿支出", "compensation paid by the fund"
)
FUND_SUBSIDY = AccountKind("fund_subsidy", "fund:{subject}:subsidy", X, "补贴支出", "subsidies paid by the fund")
FUND_CLAWBACK = AccountKind(
    "fund_clawback", "fund:{subject}:clawback", IN, "追偿返还收入", "recoveries shared back to the fund"
)
PREMIUM_INCOME = AccountKind(
    "premium_income", "income:premium", IN, "保费及担保费收入", "premium and guarantee fee income"
)
PREMIUM_EXPENSE = AccountKind(
    "premium_expense", "expense:premium", X, "保费及担保费支出", "premium and guarantee fees paid"
)
COMPENSATION_EXPENSE = AccountKind("compensation_expense", "loss:compensation", X, "赔付/代偿支出", "claims paid")
CLAWBACK_INCOME = AccountKind("clawback_income", "income:clawback", IN, "追偿返还收入", "recoveries shared back")
COMPENSATION_INCOME = AccountKind(
    "compensation_income", "income:compensation", IN, "风险补偿收入", "compensation received"
)
CLAWBACK_EXPENSE = AccountKind(
    "clawback_expense", "loss:clawback", X, "追偿返还支出", "recoveries shared back to payers"
)
FUND_PAYABLE = AccountKind("fund_payable", "fund:{subject}:payable", L, "应付代偿款", "compensation owed by the fund")
COMPENSATION_RECEIVABLE = AccountKind(
    "compensation_receivable", "receivable:compensation", A, "应收代偿款", "compensation receivable"
)

# The risk-sharing part of the chart of accounts, added to the ledger by the composition root (``bootstrap.wire``).
CHART: tuple[AccountKind, ...] = (
    FUND_POOL,
    FUND_CAPITAL,
    FUND_COMPENSATION,
    FUND_SUBSIDY,
    FUND_CLAWBACK,
    PREMIUM_INCOME,
    PREMIUM_EXPENSE,
    COMPENSATION_EXPENSE,
    CLAWBACK_INCOME,
    COMPENSATION_INCOME,
    CLAWBACK_EXPENSE,
    FUND_PAYABLE,
    COMPENSATION_RECEIVABLE,
)


def register_rules() -> None:
    """Add the risk-sharing account kinds to the ledger's chart (called by ``bootstrap.wire``, never on import)."""
    for kind in CHART:
        register_kind(kind)


def _draft(
    day: dt.date, kind: str, lines: list[tuple[str, Decimal]], ref: tuple[str, int], memo: str, key: str
) -> EntryDraft:
    return EntryDraft(
        day,
        kind,
        tuple(Posting(c, a) for c, a in lines),
        ref_type=ref[0],
        ref_id=str(ref[1]),
        memo=memo,
        idempotency_key=key,
    )


def contribution(fund: int, scheme: str, amount: Decimal, day: dt.date, pool_id: int, key: str) -> EntryDraft:
    """注资: money paid into the pool."""
    lines = [(account_code(fund, FUND_POOL, scheme), amount), (account_code(fund, FUND_CAPITAL, scheme), -amount)]
    return _draft(day, "risk.contribution", lines, ("risk_fund_pool", pool_id), "资金池注资 contribution", key)


def premium(
    provider: int, payer: int, amount: Decimal, day: dt.date, cover_id: int, key: str, via_bank: int | None
) -> EntryDraft:
    """保费/担保费: the payer pays the provider; an enterprise pays from its settlement account at ``via_bank``."""
    if via_bank is not None:
        payer_lines = [(account_code(payer, "settlement"), amount), (account_code(via_bank, "cash"), -amount)]
    else:
        payer_lines = [(account_code(payer, PREMIUM_EXPENSE), amount), (account_code(payer, "cash"), -amount)]
    lines = [*payer_lines, (account_code(provider, "cash"), amount), (account_code(provider, PREMIUM_INCOME), -amount)]
    return _draft(day, "risk.premium", lines, ("risk_cover", cover_id), "保费/担保费 premium or fee", key)


def _payer_lines(payer: int, scheme: str | None, amount: Decimal) -> list[tuple[str, Decimal]]:
    if scheme is not None:  # the fund pays from its pool
        return [
            (account_code(payer, FUND_COMPENSATION, scheme), amount),
            (account_code(payer, FUND_POOL, scheme), -amount),
        ]
    return [(account_code(payer, COMPENSATION_EXPENSE), amount), (account_code(payer, "cash"), -amount)]


def payout(
    payer: int, bank: int, amount: Decimal, day: dt.date, claim_id: int, key: str, fund_scheme: str | None
) -> EntryDraft:
    """代偿/赔付: one party's share of a claim paid to the bank (``fund_scheme`` set when the payer is the fund)."""
    lines = [
        *_payer_lines(payer, fund_scheme, amount),
        (account_code(bank, "cash"), amount),
        (account_code(bank, COMPENSATION_INCOME), -amount),
    ]
    return _draft(day, "risk.payout", lines, ("risk_claim", claim_id), "风险补偿代偿 compensation payout", key)


def settlement_refund(
    payer: int, bank: int, amount: Decimal, day: dt.date, claim_id: int, key: str, fund_scheme: str | None
) -> EntryDraft:
    """预付清算退回: the bank returns what a party advanced beyond its final share (the payout reversed)."""
    lines = [(p.account, -p.amount) for p in payout(payer, bank, amount, day, claim_id, key, fund_scheme).postings]
    return _draft(day, "risk.settlement", lines, ("risk_claim", claim_id), "预付清算退回 over-advance returned", key)


def clawback(
    payee: int, bank: int, amount: Decimal, day: dt.date, claim_id: int, key: str, fund_scheme: str | None
) -> EntryDraft:
    """追偿返还: the bank passes a recovery back to a party in the proportion it bore."""
    if fund_scheme is not None:
        payee_lines = [
            (account_code(payee, FUND_POOL, fund_scheme), amount),
            (account_code(payee, FUND_CLAWBACK, fund_scheme), -amount),
        ]
    else:
        payee_lines = [(account_code(payee, "cash"), amount), (account_code(payee, CLAWBACK_INCOME), -amount)]
    lines = [(account_code(bank, CLAWBACK_EXPENSE), amount), (account_code(bank, "cash"), -amount), *payee_lines]
    return _draft(day, "risk.clawback", lines, ("risk_claim", claim_id), "追偿返还 recovery shared back", key)


def fund_debt(fund: int, scheme: str, bank: int, amount: Decimal, day: dt.date, claim_id: int, key: str) -> EntryDraft:
    """应付代偿: the part of the fund's share its pool cannot pay now, owed to the bank."""
    lines = [
        (account_code(fund, FUND_COMPENSATION, scheme), amount),
        (account_code(fund, FUND_PAYABLE, scheme), -amount),
        (account_code(bank, COMPENSATION_RECEIVABLE), amount),
        (account_code(bank, COMPENSATION_INCOME), -amount),
    ]
    return _draft(day, "risk.fund_debt", lines, ("risk_claim", claim_id), "应付代偿 compensation owed by the fund", key)


def debt_payment(
    fund: int, scheme: str, bank: int, amount: Decimal, day: dt.date, claim_id: int, key: str
) -> EntryDraft:
    """偿还应付代偿: the pool pays (part of) what the fund owes the bank on a claim."""
    lines = [
        (account_code(fund, FUND_PAYABLE, scheme), amount),
        (account_code(fund, FUND_POOL, scheme), -amount),
        (account_code(bank, "cash"), amount),
        (account_code(bank, COMPENSATION_RECEIVABLE), -amount),
    ]
    return _draft(day, "risk.debt_payment", lines, ("risk_claim", claim_id), "偿还应付代偿 fund debt paid", key)


def clawback_offset(
    fund: int, scheme: str, bank: int, amount: Decimal, day: dt.date, claim_id: int, key: str
) -> EntryDraft:
    """追偿返还抵减应付: the fund's part of a recovery reduces what it still owes the bank (no cash moves)."""
    lines = [
        (account_code(bank, CLAWBACK_EXPENSE), amount),
        (account_code(bank, COMPENSATION_RECEIVABLE), -amount),
        (account_code(fund, FUND_PAYABLE, scheme), amount),
        (account_code(fund, FUND_CLAWBACK, scheme), -amount),
    ]
    memo = "追偿返还抵减应付代偿 recovery set off against the fund's debt"
    return _draft(day, "risk.clawback_offset", lines, ("risk_claim", claim_id), memo, key)


def subsidy(
    fund: int, scheme: str, bank: int, enterprise: int, amount: Decimal, day: dt.date, app_id: int, key: str
) -> EntryDraft:
    """补贴发放: the fund pays the enterprise's settlement account at its lending bank."""
    lines = [
        (account_code(fund, FUND_SUBSIDY, scheme), amount),
        (account_code(fund, FUND_POOL, scheme), -amount),
        (account_code(bank, "cash"), amount),
        (account_code(enterprise, "settlement"), -amount),
    ]
    return _draft(day, "risk.subsidy", lines, ("risk_subsidy_application", app_id), "补贴发放 subsidy", key)
