"""Who to sign in as on the demo's console (演示账号): a firm with a loan and its bank's officer and approver, then
each other desk: the registry officer, a valuer, the fund's reviewer and approver, the regulator's analyst and the
platform's window officer (those the demo's market has)."""

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
)


def console_users(session: Session) -> list[tuple[str, str]]:
    """``(role in Chinese and English, username)`` for the console's daily paths; the firm and bank only when a loan
    is active, each other desk only when the demo has that user."""
    out: list[tuple[str, str]] = []
    for loan in lending.loans(session, "active"):
        firm = parties.first_username_with_suffix(session, loan.borrower_id, "admin")
        officer = parties.first_username_with_suffix(session, loan.bank_id, "officer")
        approver = parties.first_username_with_suffix(session, loan.bank_id, "approver")
        if firm and officer and approver:
            out = [("企业 firm", firm), ("客户经理 credit officer", officer), ("审批人 approver", approver)]
            break
    for role, username in DESKS:
        if parties.principal_of(session, username) is not None:
            out.append((role, username))
    for valuer_id in sorted(parties.party_names(session, PartyKind.VALUER)):
        name = parties.first_username_with_suffix(session, valuer_id, "valuer")
        if name:
            out.append(("评估师 valuer", name))
            break
    return out
