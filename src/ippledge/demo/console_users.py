"""Who to sign in as on the demo's console (演示账号): a firm with a loan, and its bank's officer and approver."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ippledge.access import queries as parties
from ippledge.lending import queries as lending


def console_users(session: Session) -> list[tuple[str, str]]:
    """``(role in Chinese and English, username)`` for the console's three daily paths; empty when no loan is active."""
    for loan in lending.loans(session, "active"):
        firm = parties.first_username_with_suffix(session, loan.borrower_id, "admin")
        officer = parties.first_username_with_suffix(session, loan.bank_id, "officer")
        approver = parties.first_username_with_suffix(session, loan.bank_id, "approver")
        if firm and officer and approver:
            return [("企业 firm", firm), ("客户经理 credit officer", officer), ("审批人 approver", approver)]
    return []
