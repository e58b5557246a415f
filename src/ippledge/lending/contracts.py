"""Loan contracts (借款合同): one per approved credit decision, and the registered pledges that secure it.

Only a credit officer of the deciding bank makes the contract; another bank's decision is 404. The pledges in force
from the borrower to the bank on the decision's pledged assets are linked when the contract is made, again on
``attach_pledges`` and at disbursement, whichever comes first after the registry registers them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access import queries as access
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.credit.queries import visible_decision_id
from ippledge.credit.service import approved_terms
from ippledge.lending import store
from ippledge.lending.errors import (
    CONTRACT_EXISTS,
    CONTRACT_NO_TAKEN,
    NOT_THE_BANK,
    PLEDGE_NOT_IN_FORCE,
    PLEDGE_NOT_OURS,
)
from ippledge.lending.model.schedule import RepaymentMethod
from ippledge.lending.tables import Loan, LoanPledge
from ippledge.outbox.events import publish
from ippledge.pledge import service as pledge_service
from ippledge.pledge.queries import pledge_standing


def require_bank_staff(principal: Principal, loan: Loan, *roles: Role) -> None:
    """The caller must act for the loan's bank with one of ``roles`` (the loan is already known visible)."""
    if principal.party_kind is not PartyKind.BANK or principal.party_id != loan.bank_id:
        raise NOT_THE_BANK()
    principal.require(*(roles or (Role.CREDIT_OFFICER,)))


def bank_system(loan: Loan) -> Principal:
    """The bank's own system acting on the loan (e.g. filing the pledge release once the loan is repaid)."""
    return Principal(
        party_id=loan.bank_id,
        party_kind=PartyKind.BANK,
        roles=frozenset({Role.CREDIT_OFFICER}),
        name="lending-system",
    )


def pledged_assets(session: Session, loan: Loan) -> tuple[int, ...]:
    if loan.decision_id is None:
        return ()
    return approved_terms(session, loan.decision_id).pledged_asset_ids


def link_pledges(session: Session, loan: Loan, pledge_ids: Sequence[int]) -> list[int]:
    have = set(store.linked_pledges(session, loan.id))
    added = sorted(set(pledge_ids) - have)
    for pid in added:
        session.add(LoanPledge(loan_id=loan.id, pledge_id=pid))
    session.flush()
    return added


def file_debt_change(
    session: Session,
    approver: Principal,
    pledge_ids: Sequence[int],
    change: pledge_service.PledgeChangeRequest,
    today: dt.date,
) -> list[int]:
    """Draft and confirm, as the pledgee, one change filing per pledge for a new secured debt (质押变更登记: an
    extension's new end, a renewal's new loan); the pledgor's confirmation and the registry do the rest."""
    filings: list[int] = []
    for pid in pledge_ids:
        filing = pledge_service.create_change_filing(session, approver, pid, change, today)
        pledge_service.confirm(session, approver, filing.id)
        filings.append(filing.id)
    return filings


def create_contract(
    session: Session, principal: Principal, decision_id: int, today: dt.date, contract_no: str | None = None
) -> Loan:
    """Sign the loan contract for an approved decision of the caller's bank."""
    principal.require_kind(PartyKind.BANK)
    decision = visible_decision_id(session, principal, decision_id)
    principal.require(Role.CREDIT_OFFICER)
    terms = approved_terms(session, decision)
    if session.scalar(select(Loan.id).where(Loan.decision_id == decision)) is not None:
        raise CONTRACT_EXISTS()
    number = (contract_no or f"JK{today:%Y%m%d}-{decision:06d}").strip()
    if session.scalar(select(Loan.id).where(Loan.contract_no == number)) is not None:
        raise CONTRACT_NO_TAKEN(number=number)
    posting = access.posting_of(session, principal.user_id)
    loan = Loan(
        contract_no=number,
        decision_id=decision,
        application_id=terms.application_id,
        bank_id=terms.bank_id,
        borrower_id=terms.borrower_id,
        branch_id=None if posting is None else posting.branch_id,
        officer_id=principal.user_id,
        currency=terms.currency,
        principal=terms.amount,
        annual_rate=terms.annual_rate,
        penalty_uplift=terms.penalty_uplift,
        method=RepaymentMethod.parse(terms.repayment_method.value).value,
        term_months=terms.term_months,
        contracted_on=today,
        status="contracted",
        outstanding_principal=Decimal("0.00"),
        dpd=0,
        grade="normal",
    )
    session.add(loan)
    session.flush()
    linked = link_pledges(
        session, loan, sorted(set(store.pledges_covering(session, loan, terms.pledged_asset_ids).values()))
    )
    audit.record(
        session,
        principal,
        "lending.contracted",
        "loan",
        loan.id,
        {"contract_no": number, "decision_id": decision, "amount": str(terms.amount), "pledges": linked},
    )
    publish(
        session,
        "lending.contracted",
        {"loan_id": loan.id, "contract_no": number},
        loan.borrower_id,
        also=(loan.bank_id,),
    )
    return loan


def attach_pledges(
    session: Session, principal: Principal, loan_id: int, pledge_ids: Sequence[int] | None = None
) -> list[int]:
    """Link registered pledges to the loan: the named ones, or every one in force on the decision's assets."""
    loan = store.visible_loan(session, principal, loan_id)
    require_bank_staff(principal, loan)
    assets = pledged_assets(session, loan)
    found = store.pledges_covering(session, loan, assets)
    if pledge_ids is None:
        chosen = sorted(set(found.values()))
    else:
        chosen = sorted(set(pledge_ids))
        for pid in chosen:
            pledge = pledge_standing(session, pid)
            if pledge is None or pledge.pledgee_id != loan.bank_id or pledge.pledgor_id != loan.borrower_id:
                raise PLEDGE_NOT_OURS(pledge_id=pid)
            if not pledge.in_force or pid not in found.values():
                raise PLEDGE_NOT_IN_FORCE(pledge_id=pid)
    added = link_pledges(session, loan, chosen)
    audit.record(session, principal, "lending.pledges_attached", "loan", loan.id, {"pledges": added})
    return store.linked_pledges(session, loan.id)
