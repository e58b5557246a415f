"""Chart of accounts (科目表): account codes, kinds and types, as pure functions.

An account code names its owner party, its kind and, for per-loan accounts, a subject::

    P{party}:{kind path}          e.g. P7:cash, P7:income:interest, P12:settlement
    P{party}:loan:{loan}:{part}   e.g. P7:loan:42:principal

The owner is the party whose asset, liability or income the account is; it decides who may read the account
(``access.scope``). The ledger keeps the books of the lenders (banks now; funds, insurers and guarantors later):
a borrower's settlement account is a *liability* of the platform's books, i.e. money held for the borrower.

Types and their normal side (正常余额方向). Postings are signed: debit (借) positive, credit (贷) negative.
A *natural* balance is shown on the normal side, so every balance reads as a positive number in normal use:

=========  ======  =============================================================
type       normal  natural balance
=========  ======  =============================================================
asset      debit   sum of postings            (loan receivable, cash)
expense    debit   sum of postings            (write-off loss, provision expense)
contra     credit  minus the sum of postings  (loan-loss allowance: an asset's valuation account, 备抵科目)
liability  credit  minus the sum of postings  (borrower settlement funds)
equity     credit  minus the sum of postings  (capital)
income     credit  minus the sum of postings  (interest, penalty, fee, recovery income)
memo       debit   sum of postings            (off-balance-sheet receivable, 表外)
=========  ======  =============================================================

Memo accounts (表外科目) are kept in balanced pairs outside the balance sheet: an off-balance item (interest on
a non-accrual loan, 表外应收利息) is Dr memo / Cr memo_contra (credit normal), so every entry still balances and no
asset, income or equity account moves.

New kinds (risk-sharing fund, insurer, guarantor accounts) are added with :func:`register_kind`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class AccountType(StrEnum):
    ASSET = "asset"  # 资产
    LIABILITY = "liability"  # 负债
    EQUITY = "equity"  # 所有者权益
    INCOME = "income"  # 收入（损益）
    EXPENSE = "expense"  # 费用/损失（损益）
    CONTRA_ASSET = "contra_asset"  # 资产备抵（贷款损失准备）: shown as a positive credit balance, netted from assets
    MEMO = "memo"  # 表外科目 (off balance sheet), debit side
    MEMO_CONTRA = "memo_contra"  # 表外科目对方, credit side

    @property
    def debit_normal(self) -> bool:
        return self in (AccountType.ASSET, AccountType.EXPENSE, AccountType.MEMO)


@dataclass(frozen=True)
class AccountKind:
    """One line of the chart: ``template`` is the code after ``P{party}:``; ``{subject}`` marks the per-loan part."""

    name: str
    template: str
    type: AccountType
    title_zh: str
    title_en: str

    @property
    def has_subject(self) -> bool:
        return "{subject}" in self.template


_SEGMENT = r"[a-z][a-z0-9_]*"
_SUBJECT_RE: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
_CODE_RE: Final = re.compile(r"^P([1-9][0-9]{0,17}):(.+)$")
MAX_CODE_LENGTH: Final = 200

_KINDS: dict[str, AccountKind] = {}
_PATTERNS: list[tuple[re.Pattern[str], AccountKind]] = []


def register_kind(kind: AccountKind) -> AccountKind:
    """Add a kind to the chart (idempotent for an identical kind; a different one under a used name is an error)."""
    old = _KINDS.get(kind.name)
    if old is not None:
        if old != kind:
            raise ValueError(f"account kind {kind.name!r} is already registered differently")
        return old
    parts = kind.template.split(":")
    if not all(p == "{subject}" or re.fullmatch(_SEGMENT, p) for p in parts) or parts.count("{subject}") > 1:
        raise ValueError(f"bad account template {kind.template!r}")
    pattern = ":".join("(?P<subject>[^:]+)" if p == "{subject}" else re.escape(p) for p in parts)
    _KINDS[kind.name] = kind
    _PATTERNS.append((re.compile(f"^{pattern}$"), kind))
    return kind


CASH = register_kind(AccountKind("cash", "cash", AccountType.ASSET, "现金及清算资金", "cash and clearing"))
CAPITAL = register_kind(AccountKind("capital", "capital", AccountType.EQUITY, "资本", "capital"))
SETTLEMENT = register_kind(
    AccountKind("settlement", "settlement", AccountType.LIABILITY, "借款人结算账户", "borrower settlement account")
)
LOAN_PRINCIPAL = register_kind(
    AccountKind("loan_principal", "loan:{subject}:principal", AccountType.ASSET, "贷款本金", "loan principal")
)
LOAN_INTEREST = register_kind(
    AccountKind("loan_interest", "loan:{subject}:interest", AccountType.ASSET, "应收利息", "interest receivable")
)
LOAN_PENALTY = register_kind(
    AccountKind("loan_penalty", "loan:{subject}:penalty", AccountType.ASSET, "应收罚息", "penalty receivable")
)
# 代垫费用: money the bank paid for the borrower (an annuity paid on the pledgor's behalf, 代缴年费), owed back by it
# and settled first by the next repayment (实现债权的费用 before interest and principal, Civil Code art. 561).
LOAN_ADVANCE = register_kind(
    AccountKind("loan_advance", "loan:{subject}:advance", AccountType.ASSET, "代垫费用", "advances to recover")
)
INTEREST_INCOME = register_kind(
    AccountKind("interest_income", "income:interest", AccountType.INCOME, "利息收入", "interest income")
)
PENALTY_INCOME = register_kind(
    AccountKind("penalty_income", "income:penalty", AccountType.INCOME, "罚息收入", "penalty interest income")
)
FEE_INCOME = register_kind(
    AccountKind("fee_income", "income:fee", AccountType.INCOME, "手续费收入（提前还款违约金）", "fee income")
)
RECOVERY_INCOME = register_kind(
    AccountKind("recovery_income", "income:recovery", AccountType.INCOME, "核销后收回", "recoveries after write-off")
)
WRITEOFF_LOSS = register_kind(
    AccountKind("writeoff_loss", "loss:writeoff", AccountType.EXPENSE, "贷款核销损失", "loan write-off loss")
)
# Loan-loss provisioning (贷款损失准备, lending.provision_model): one allowance per loan so that a write-off uses the
# loan's own allowance; the charge and its release go through one expense account.
LOAN_ALLOWANCE = register_kind(
    AccountKind(
        "loan_allowance", "loan:{subject}:allowance", AccountType.CONTRA_ASSET, "贷款损失准备", "loan-loss allowance"
    )
)
PROVISION_EXPENSE = register_kind(
    AccountKind("provision_expense", "loss:provision", AccountType.EXPENSE, "信用减值损失", "credit impairment loss")
)

# Non-accrual (非应计, > 90 days past due): interest no longer recognised is tracked off balance sheet per loan.
LOAN_INTEREST_OFF = register_kind(
    AccountKind(
        "loan_interest_off", "memo:loan:{subject}:interest", AccountType.MEMO, "表外应收利息", "off-balance interest"
    )
)
INTEREST_OFF_CONTRA = register_kind(
    AccountKind(
        "interest_off_contra", "memo:interest", AccountType.MEMO_CONTRA, "表外利息对方", "off-balance interest contra"
    )
)
# 一般风险准备 (财金〔2012〕20号): appropriated from profit into equity at year end, never a loan-loss allowance.
RETAINED_EARNINGS = register_kind(
    AccountKind("retained_earnings", "equity:retained", AccountType.EQUITY, "未分配利润", "retained earnings")
)
GENERAL_RESERVE = register_kind(
    AccountKind("general_reserve", "equity:general_reserve", AccountType.EQUITY, "一般风险准备", "general reserve")
)


@dataclass(frozen=True)
class ParsedAccount:
    code: str
    owner_party_id: int
    kind: AccountKind
    subject: str | None

    @property
    def type(self) -> AccountType:
        return self.kind.type


def kinds() -> tuple[AccountKind, ...]:
    """The chart of accounts as registered so far."""
    return tuple(_KINDS.values())


def account_code(owner_party_id: int, kind: str | AccountKind, subject: object = None) -> str:
    """Build a code: ``account_code(7, "loan_principal", 42) == "P7:loan:42:principal"``.

    Raises ``ValueError`` for an unknown kind, a missing or superfluous subject, or a malformed one
    (programming errors; user input is checked with :func:`parse_account`).
    """
    k = kind if isinstance(kind, AccountKind) else _KINDS.get(kind)
    if k is None or _KINDS.get(k.name) != k:
        raise ValueError(f"unknown account kind {kind!r}")
    if isinstance(owner_party_id, bool) or not isinstance(owner_party_id, int) or owner_party_id <= 0:
        raise ValueError(f"owner party id must be a positive integer, got {owner_party_id!r}")
    if k.has_subject:
        if subject is None or not _SUBJECT_RE.match(str(subject)):
            raise ValueError(f"account kind {k.name} needs a subject of letters, digits, '_', '.', '-'")
        path = k.template.replace("{subject}", str(subject))
    else:
        if subject is not None:
            raise ValueError(f"account kind {k.name} takes no subject")
        path = k.template
    return f"P{owner_party_id}:{path}"


def parse_account(code: str) -> ParsedAccount | None:
    """The parts of a well-formed code of a registered kind, or ``None``."""
    if not isinstance(code, str) or len(code) > MAX_CODE_LENGTH:
        return None
    m = _CODE_RE.match(code)
    if m is None:
        return None
    rest = m.group(2)
    for pattern, kind in _PATTERNS:
        hit = pattern.match(rest)
        if hit is None:
            continue
        subject = hit.groupdict().get("subject")
        if subject is not None and not _SUBJECT_RE.match(subject):
            return None
        return ParsedAccount(code, int(m.group(1)), kind, subject)
    return None


def natural_sign(account_type: AccountType) -> int:
    """+1 for debit-normal types, -1 for credit-normal ones: ``natural = sign * sum(postings)``."""
    return 1 if account_type.debit_normal else -1
