"""Builders for ledger tests: a bank and a firm, the drafts of a disbursement; and the check that proves the books."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from ippledge.access.model import PartyKind
from ippledge.access.service import create_party
from ippledge.ledger.accounts import account_code
from ippledge.ledger.check import check_ledger
from ippledge.ledger.model import EntryDraft, Posting

DAY = dt.date(2025, 3, 20)


def parties(factory: sessionmaker[Session]) -> tuple[int, int]:
    with factory.begin() as s:
        bank = create_party(s, "test", PartyKind.BANK, "bank")
        firm = create_party(s, "test", PartyKind.ENTERPRISE, "firm")
        return bank.id, firm.id


def disbursement(bank: int, firm: int, loan: int, amount: str, key: str | None = None) -> EntryDraft:
    value = Decimal(amount)
    return EntryDraft(
        DAY,
        "loan.disbursement",
        (
            Posting(account_code(bank, "loan_principal", loan), value),
            Posting(account_code(firm, "settlement"), -value),
        ),
        ref_type="loan",
        ref_id=str(loan),
        memo="放款",
        idempotency_key=key,
    )


def accrual(bank: int, loan: int, amount: str, day: dt.date, key: str | None = None) -> EntryDraft:
    value = Decimal(amount)
    return EntryDraft(
        day,
        "loan.accrual",
        (
            Posting(account_code(bank, "loan_interest", loan), value),
            Posting(account_code(bank, "interest_income"), -value),
        ),
        ref_type="loan",
        ref_id=str(loan),
        idempotency_key=key,
    )


def assert_ledger_ok(factory: sessionmaker[Session], loans: int | None = None) -> None:
    """``ippledge ledger check`` with the registered providers: no problems (and the loans' accounts checked)."""
    with factory() as s:
        report = check_ledger(s)
    assert report.ok, report
    if loans is not None:
        assert report.expectations_checked >= loans
