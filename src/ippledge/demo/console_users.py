"""Who to sign in as on the demo's console (演示账号): a firm with a loan and its bank's officer and approver, then
each other desk: the registry officer, a valuer, the fund's reviewer and approver, the regulator's analyst, the
platform's window officer, the insurer's underwriter (those the demo's market has)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ippledge.access import queries as parties
from ippledge.access.model import PartyKind
from ippledge.lending import queries as lending

# The demo market's fixed desk users (simulation.accounts and demo.risk name them so).
DESKS: tuple[tuple[str, str], ...] = (
    ("登记审查员 registry officer", "registry.patent.officer"),
    ("补偿审核员 fund reviewer", "fund1.reviewer"),
    ("资金审批人 fund approver", "fund1.approver"),
    ("监管统计员 regulator's analyst", "regulator.analyst"),
    ("窗口受理员 window officer", "platform.operator"),
    ("保险核保员 insurer's underwriter", "insurer1.underwriter"),
)


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


def console_valuer(session: Session) -> tuple[int, str] | None:
    """The valuer shown on the console (the first with a demo user): ``demo.today`` leaves it a task."""
    for valuer_id in sorted(parties.party_names(session, PartyKind.VALUER)):
        name = parties.first_username_with_suffix(session, valuer_id, "valuer")
        if name:
            return valuer_id, name
    return None


def console_users(session: Session) -> list[tuple[str, str]]:
    """``(role in Chinese and English, username)`` for the console's daily paths; the firm and bank only when a loan
    is active, each other desk only when the demo has that user."""
    out: list[tuple[str, str]] = []
    found = console_loan(session)
    if found is not None:
        borrower, bank = found
        for role, party, suffix in (
            ("企业 firm", borrower, "admin"),
            ("客户经理 credit officer", bank, "officer"),
            ("审批人 approver", bank, "approver"),
        ):
            out.append((role, str(parties.first_username_with_suffix(session, party, suffix))))
    for role, username in DESKS:
        if parties.principal_of(session, username) is not None:
            out.append((role, username))
    valuer = console_valuer(session)
    if valuer is not None:
        out.append(("评估师 valuer", valuer[1]))
    return out
