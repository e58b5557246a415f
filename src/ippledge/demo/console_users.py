"""Who to sign in as on the demo's console (演示账号): a firm with a loan, and its bank's officer and approver."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ippledge.access import queries as parties
from ippledge.lending import queries as lending


def console_loan(session: Session) -> tuple[int, int] | None:
    """``(borrower, bank)`` of the first active loan whose firm and bank have demo users: the console's example, and
    the bank ``demo.today`` leaves today's open work with."""
    for loan in lending.loans(session, "active"):
        firm = parties.first_username_with_suffix(session, loan.borrower_id, "admin")
        officer = parties.first_username_with_suffix(session, loan.bank_id, "officer")
        approver = parties.first_username_with_suffix(session, loan.bank_id, "approver")
        if firm and officer and approver:
            return loan.borrower_id, loan.bank_id
    return None


def console_users(session: Session) -> list[tuple[str, str]]:
    """``(role in Chinese and English, username)`` for the console's daily paths; empty when no loan is active."""
    found = console_loan(session)
    if found is None:
        return []
    borrower, bank = found
    names = {
        suffix: parties.first_username_with_suffix(session, party, suffix)
        for party, suffix in ((borrower, "admin"), (bank, "officer"), (bank, "approver"))
    }
    return [
        ("企业 firm", str(names["admin"])),
        ("客户经理 credit officer", str(names["officer"])),
        ("审批人 approver", str(names["approver"])),
    ]
