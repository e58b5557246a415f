"""Enrolment (纳入风险补偿): build the eligibility facts from the loan and its borrower, check, record.

Facts: loan amount, term and rate from the contract; the 1-year LPR the credit decision priced against (for a
renewal's loan, which has no decision of its own, the fixing in force on its contract date); the
borrower's revenue and founding date from its registry profile; the kinds of the pledged IP; the borrower's bank debt,
credit record and the loan's other security from the bank's attestation on the application (``credit.queries.
bank_attestation``), which fix the IP-pledged share (unknown without an attestation); whitelist membership on the
enrolment date (``schemes.whitelist``). Where the borrower consented to the enrolling bank reading its credit-bureau
report for scheme eligibility, the bureau's bank debt and credit record (``gateway.service.credit_facts``, read and
logged) take precedence over the bank's attestation (decision record 0027); the other security still comes from the
attestation. Every fact is read through the other capabilities' read faces (``lending``,
``credit``, ``pledge``, ``registry`` ``queries``). A refusal lists *every* reason and writes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal

from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import PartyKind, Principal
from ippledge.credit import queries as credit
from ippledge.gateway import service as gateway
from ippledge.gateway.model import Purpose
from ippledge.kernel.errors import IppledgeError
from ippledge.lending import queries as lending
from ippledge.lending.queries import LoanSummary
from ippledge.outbox import events
from ippledge.pledge import queries as pledge
from ippledge.registry import queries as registry
from ippledge.risk_sharing.enrolments import store
from ippledge.risk_sharing.enrolments.tables import Enrolment
from ippledge.risk_sharing.errors import ENROL_BANK, ENROL_EXISTS, ENROL_INELIGIBLE, ENROL_LOAN_STATE
from ippledge.risk_sharing.model import BP_TOTAL
from ippledge.risk_sharing.pools import store as pools
from ippledge.risk_sharing.schemes import store as schemes
from ippledge.risk_sharing.schemes import whitelist
from ippledge.risk_sharing.schemes.eligibility import LoanFacts, eligibility


def pledged_ip_types(session: Session, loan_id: int) -> frozenset[str]:
    """The kinds (subtypes) of the IP under the pledges that secure the loan."""
    assets = [a for p in lending.pledges_of_loan(session, loan_id) for a in pledge.pledge_asset_ids(session, p)]
    return frozenset(a.subtype.value for a in registry.asset_summaries(session, assets).values())


def borrower_credit(
    session: Session,
    reader: Principal | None,
    loan: LoanSummary,
    attested: credit.BankAttestation | None,
    today: dt.date,
) -> tuple[Decimal | None, bool | None, str | None]:
    """The borrower's bank debt and clean credit record, and where they came from: the credit bureau through the
    gateway when the borrower consented to ``reader`` (a bank) reading them for scheme eligibility -- each fact the
    consent covers replaces the attested one -- or when ``reader`` is the borrower itself (its own data, for policy
    matching); else the bank's attestation."""
    debt = None if attested is None else attested.borrower_bank_debt
    clean = None if attested is None else attested.clean_credit
    source = None if attested is None else "attestation"
    own = reader is not None and reader.party_kind is PartyKind.ENTERPRISE and reader.party_id == loan.borrower_id
    if reader is not None and (reader.party_kind is PartyKind.BANK or own):
        why = Purpose.POLICY_MATCHING if own else Purpose.SCHEME_ELIGIBILITY
        bureau = gateway.credit_facts(session, reader, loan.borrower_id, today, why)
        if bureau is not None:
            debt = bureau.bank_debt if bureau.bank_debt is not None else debt
            clean = bureau.clean_credit if bureau.clean_credit is not None else clean
            source = "gateway:credit_bureau"
    return debt, clean, source


def loan_facts(
    session: Session, loan: LoanSummary, scheme_code: str, today: dt.date, reader: Principal | None = None
) -> LoanFacts:
    """Every fact the eligibility check reads about ``loan`` and its borrower, as of ``today``; ``reader`` is the
    party asking (its gateway consents may supply the credit facts)."""
    lpr: Decimal | None = None
    if loan.decision_id is not None and (basis := credit.decision_facts(session, loan.decision_id)) is not None:
        lpr = Decimal(basis.lpr_bp) / BP_TOTAL
    elif loan.decision_id is None:  # a renewal's loan has no decision of its own: priced on the day's fixing
        lpr = _lpr_on(session, loan.contracted_on)
    firm = registry.enterprise_facts(session, loan.borrower_id)
    ip_types = pledged_ip_types(session, loan.id)
    attested = None
    if loan.application_id is not None:  # the bank's newest attestation on or before the enrolment date
        attested = credit.bank_attestation(session, loan.application_id, loan.bank_id, today)
    debt, clean, source = borrower_credit(session, reader, loan, attested, today)
    return LoanFacts(
        as_of=today,
        loan_amount=loan.principal,
        term_months=loan.term_months,
        annual_rate=loan.annual_rate,
        ip_types=ip_types,
        lpr_1y=lpr,
        firm_revenue=None if firm is None else firm.annual_revenue,
        firm_registered_on=None if firm is None else firm.founded_on,
        clean_credit=clean,
        on_whitelist=whitelist.on_whitelist(session, scheme_code, loan.borrower_id, today),
        ip_share_bp=None if attested is None else attested.ip_share_bp(loan.principal, bool(ip_types)),
        borrower_bank_debt=debt,
        credit_source=source,
    )


def _lpr_on(session: Session, day: dt.date) -> Decimal | None:
    try:
        return Decimal(credit.lpr_fixing(session, day)[1]) / BP_TOTAL
    except IppledgeError:  # no fixing yet: the fact is unknown and the rate cap says so
        return None


def facts_json(facts: LoanFacts) -> str:
    """The facts as recorded with the enrolment (JSON, amounts as decimal strings)."""
    raw = dataclasses.asdict(facts)
    raw["ip_types"] = sorted(facts.ip_types)
    return json.dumps(raw, ensure_ascii=False, default=str)


def enrol(session: Session, principal: Principal, loan_id: int, scheme_code: str, today: dt.date) -> Enrolment:
    """The lending bank enrols its loan in a scheme with a pool (the version in force today)."""
    loan = lending.visible_loan(session, principal, loan_id)
    if principal.party_id != loan.bank_id:
        raise ENROL_BANK(loan_id=loan.id)
    if loan.status not in ("contracted", "active"):
        raise ENROL_LOAN_STATE(loan_id=loan.id, status=loan.status)
    if store.enrolment_of(session, loan.id) is not None:
        raise ENROL_EXISTS(loan_id=loan.id)
    scheme = schemes.scheme_in_force(session, scheme_code, today)
    pool = pools.pool(session, scheme_code)
    facts = loan_facts(session, loan, scheme.code, today, principal)
    reasons = eligibility(scheme, facts)
    if reasons:
        raise ENROL_INELIGIBLE(
            why_zh="；".join(r.message_zh for r in reasons),
            why_en="; ".join(r.message_en for r in reasons),
            reasons=[r.to_dict() for r in reasons],
            facts=json.loads(facts_json(facts)),
        )
    enrolment = Enrolment(
        loan_id=loan.id,
        scheme_code=scheme.code,
        scheme_version=scheme.version,
        bank_id=loan.bank_id,
        fund_id=pool.fund_id,
        borrower_id=loan.borrower_id,
        enrolled_on=today,
        facts=facts_json(facts),
        ip_share_bp=facts.ip_share_bp,
        actor=principal.actor[:64],
    )
    session.add(enrolment)
    session.flush()
    audit.record(
        session, principal, "risk.enrolled", "loan", loan.id, {"scheme": scheme.code, "version": scheme.version}
    )
    payload = {"loan_id": loan.id, "scheme_code": scheme.code, "version": scheme.version, "enrolled_on": str(today)}
    events.publish(session, "risk.enrolled", payload, loan.bank_id, also=[loan.borrower_id, pool.fund_id])
    return enrolment
