"""Professional liability chain (职业责任保险链条, Zhongguancun model): policy, premium and its subsidy, the
institution's claim and the insurer's indemnity, pool co-contributions, the institution's appointment as disposal agent.

* **Policy** (``write_policy``): the insurer writes it; the IP operations institution is policyholder and insured.
* **Premium** (``pay_premium``): the institution pays the insurer; the scheme's pool pays the subsidy part back to
  the institution in the same transaction (``risk.premium_subsidy``).
* **Claim** (``file_claim``): after the institution has paid the bank its undertaking on a compensation claim (the
  claim's ``ip_operator`` share, ``risk.payout``), it claims on the policy in force on the trigger date.
* **Settlement** (``settle``): the insurer's underwriter or approver settles; the indemnity (``model.indemnity``) is
  paid to the institution, never to the bank, and counts against the aggregate limit (the policy row is locked).
* **Co-contribution** (``co_contribute``): the district IP office's money (paid in by the pool's fund
  administrator) or the institution's own (from its cash) goes into the scheme's pool, through the ledger.
* **Disposal agent** (``appoint_disposal_agent``): the lending bank appoints the institution to dispose of a loan's IP.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access import queries as access
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.kernel.errors import Problem, not_found
from ippledge.kernel.money import money, positive_money
from ippledge.ledger import queries as ledger_queries
from ippledge.ledger import service as ledger
from ippledge.ledger.accounts import account_code
from ippledge.lending import queries as lending
from ippledge.outbox import events
from ippledge.risk_sharing.errors import (
    DISPOSAL_AGENT_EXISTS,
    DISPOSAL_AGENT_KIND,
    LIABILITY_CAUSE,
    LIABILITY_CLAIM_EXISTS,
    LIABILITY_CLAIM_STATE,
    LIABILITY_CONTRIBUTOR,
    LIABILITY_INSURED,
    LIABILITY_NO_POLICY,
    LIABILITY_PREMIUM_PAID,
    LIABILITY_TERMS,
    POOL_INSUFFICIENT,
)
from ippledge.risk_sharing.liability import model, postings, store
from ippledge.risk_sharing.liability.model import STANDARD_EXCLUSIONS, ZERO, Cause, PolicyTerms
from ippledge.risk_sharing.liability.presets import terms_for
from ippledge.risk_sharing.liability.tables import DisposalAgent, LiabilityClaim, LiabilityPolicy, PoolCoContribution
from ippledge.risk_sharing.pools import postings as pool_postings
from ippledge.risk_sharing.pools import store as pools
from ippledge.risk_sharing.pools.postings import FUND_POOL
from ippledge.risk_sharing.pools.tables import FundContribution, FundPool
from ippledge.risk_sharing.schemes import store as schemes

OVERSEERS = frozenset({PartyKind.PLATFORM, PartyKind.REGULATOR})
INSTITUTION_ROLES = (Role.OPERATOR, Role.APPROVER, Role.ADMIN)


def visible_policy(session: Session, principal: Principal, policy_id: int) -> LiabilityPolicy:
    """A policy seen by its insurer, its insured, the scheme's fund, the platform and the regulator; others get 404."""
    row = session.get(LiabilityPolicy, policy_id)
    pool = None if row is None else pools.find_pool(session, row.scheme_code)
    if row is None or not (
        principal.party_id in (row.insurer_id, row.insured_id)
        or (pool is not None and pool.fund_id == principal.party_id)
        or principal.party_kind in OVERSEERS
    ):
        raise not_found("职业责任保险单", "liability policy", id=policy_id)
    return row


def visible_claim(session: Session, principal: Principal, claim_id: int) -> LiabilityClaim:
    row = session.get(LiabilityClaim, claim_id)
    if row is None or not (principal.party_id in (row.insurer_id, row.insured_id) or principal.party_kind in OVERSEERS):
        raise not_found("职业责任保险索赔", "liability claim", id=claim_id)
    return row


def resolve_terms(
    scheme_code: str,
    start_on: dt.date,
    *,
    per_claim_limit: Decimal | str | int | None = None,
    aggregate_limit: Decimal | str | int | None = None,
    deductible: Decimal | str | int | None = None,
    exclusions: list[str] | None = None,
    premium_rate_bp: int | None = None,
    subsidy_bp: int | None = None,
    subsidy_cap: Decimal | str | int | None = None,
) -> PolicyTerms:
    """The terms given, the rest from the scheme's preset terms in force on ``start_on``; a limit neither gives is
    a problem (``risk.liability.terms``)."""
    preset = terms_for(scheme_code, start_on)
    base = preset.terms if preset is not None else None
    if base is None and (per_claim_limit is None or aggregate_limit is None):
        found = [Problem("risk.liability.limit", "per_claim_limit", "须给出赔偿限额", "the limits are required")]
        raise LIABILITY_TERMS(count=1, problems=[p.to_dict() for p in found])
    return PolicyTerms(
        per_claim_limit=money(per_claim_limit) if per_claim_limit is not None else _need(base).per_claim_limit,
        aggregate_limit=money(aggregate_limit) if aggregate_limit is not None else _need(base).aggregate_limit,
        deductible=money(deductible) if deductible is not None else (base.deductible if base else ZERO),
        exclusions=(
            frozenset(parse_cause(c) for c in exclusions)
            if exclusions is not None
            else (base.exclusions if base else STANDARD_EXCLUSIONS)
        ),
        premium_rate_bp=premium_rate_bp if premium_rate_bp is not None else (base.premium_rate_bp if base else 0),
        subsidy_bp=subsidy_bp if subsidy_bp is not None else (base.subsidy_bp if base else 0),
        subsidy_cap=money(subsidy_cap) if subsidy_cap is not None else (base.subsidy_cap if base else None),
    )


def _need(terms: PolicyTerms | None) -> PolicyTerms:
    assert terms is not None
    return terms


def write_policy(
    session: Session,
    principal: Principal,
    *,
    scheme_code: str,
    insured_id: int,
    terms: PolicyTerms,
    insured_amount: Decimal | str,
    start_on: dt.date,
    end_on: dt.date,
) -> LiabilityPolicy:
    """The insurer records a liability policy it has written for the scheme's IP operations institution."""
    principal.require_kind(PartyKind.INSURER)
    principal.require(Role.UNDERWRITER, Role.APPROVER)
    schemes.version_row(session, scheme_code)
    if access.party_kind(session, insured_id) is not PartyKind.IP_OPERATOR:
        raise LIABILITY_INSURED()
    found = model.problems(terms, start_on, end_on)
    if found:
        raise LIABILITY_TERMS(count=len(found), problems=[p.to_dict() for p in found])
    base = positive_money(insured_amount)
    row = LiabilityPolicy(
        scheme_code=scheme_code,
        insurer_id=principal.party_id,
        insured_id=insured_id,
        per_claim_limit=terms.per_claim_limit,
        aggregate_limit=terms.aggregate_limit,
        deductible=terms.deductible,
        exclusions=",".join(sorted(c.value for c in terms.exclusions)),
        insured_amount=base,
        premium_rate_bp=terms.premium_rate_bp,
        premium=model.premium(terms, base),
        subsidy_bp=terms.subsidy_bp,
        subsidy_cap=terms.subsidy_cap,
        start_on=start_on,
        end_on=end_on,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "risk.liability_policy_written",
        "risk_liability_policy",
        row.id,
        {"scheme": scheme_code, "insured_id": insured_id, "premium": str(row.premium)},
    )
    return row


def pay_premium(session: Session, principal: Principal, policy_id: int, day: dt.date, key: str) -> LiabilityPolicy:
    """The institution pays its premium (once); the scheme's pool pays the subsidised part back to it at once."""
    row = visible_policy(session, principal, policy_id)
    if principal.party_id != row.insured_id:
        raise not_found("职业责任保险单", "liability policy", id=policy_id)
    principal.require(*INSTITUTION_ROLES)
    if row.premium_paid >= row.premium:
        raise LIABILITY_PREMIUM_PAID(policy_id=row.id)
    subsidy = model.premium_subsidy(store.terms_of(row), row.premium)
    pool: FundPool | None = None
    if subsidy > 0:
        pool = pools.pool(session, row.scheme_code, lock=True)
        held = pools.pool_balance(session, pool)
        if held < subsidy:
            raise POOL_INSUFFICIENT(balance=str(held))
    draft = postings.premium(row.insurer_id, row.insured_id, row.premium, day, row.id, f"risk.lpremium:{row.id}:{key}")
    ledger.post(session, principal, draft)
    if pool is not None:
        key2 = f"risk.premium_subsidy:{row.id}:{key}"
        ledger.post(
            session,
            principal,
            postings.premium_subsidy(pool.fund_id, row.scheme_code, row.insured_id, subsidy, day, row.id, key2),
        )
        row.subsidy_paid = subsidy
    row.premium_paid = row.premium
    session.flush()
    payload = {"premium": str(row.premium), "subsidy": str(row.subsidy_paid)}
    audit.record(session, principal, "risk.liability_premium_paid", "risk_liability_policy", row.id, payload)
    return row


def parse_cause(value: str) -> Cause:
    try:
        return Cause(value)
    except ValueError:
        raise LIABILITY_CAUSE(cause=value, causes=", ".join(Cause)) from None


def file_claim(
    session: Session,
    principal: Principal,
    *,
    scheme_code: str,
    risk_claim_id: int,
    triggered_on: dt.date,
    loss: Decimal,
    cause: Cause,
    statement: str,
    today: dt.date,
) -> LiabilityClaim:
    """The institution claims on its policy in force on the trigger date for ``loss`` (what it paid the bank).

    The caller (``risk_sharing.service.file_liability_claim``) has read ``loss`` from the compensation claim."""
    principal.require_kind(PartyKind.IP_OPERATOR)
    principal.require(*INSTITUTION_ROLES)
    if store.claim_of(session, risk_claim_id) is not None:
        raise LIABILITY_CLAIM_EXISTS(claim_id=risk_claim_id)
    policy = store.policy_in_force(session, scheme_code, triggered_on, insured_id=principal.party_id)
    if policy is None:
        raise LIABILITY_NO_POLICY(triggered_on=str(triggered_on))
    row = LiabilityClaim(
        policy_id=policy.id,
        risk_claim_id=risk_claim_id,
        insured_id=policy.insured_id,
        insurer_id=policy.insurer_id,
        cause=cause.value,
        statement=statement,
        loss=money(loss),
        filed_on=today,
    )
    session.add(row)
    session.flush()
    payload = {"risk_claim_id": risk_claim_id, "loss": str(row.loss), "cause": cause.value}
    audit.record(session, principal, "risk.liability_claim_filed", "risk_liability_claim", row.id, payload)
    body = {"liability_claim_id": row.id, "policy_id": row.policy_id, **payload}
    events.publish(session, "risk.liability_claim_filed", body, row.insurer_id, also=[row.insured_id])
    return row


def settle(session: Session, principal: Principal, claim_id: int, today: dt.date, key: str) -> LiabilityClaim:
    """The insurer settles: the indemnity within the deductible, the per-claim and the aggregate limit, to the
    institution; an excluded cause is declined (nothing paid)."""
    row = visible_claim(session, principal, claim_id)
    if principal.party_id != row.insurer_id:
        raise not_found("职业责任保险索赔", "liability claim", id=claim_id)
    principal.require(Role.UNDERWRITER, Role.APPROVER)
    if row.status != "filed":
        raise LIABILITY_CLAIM_STATE(status=row.status)
    policy = session.scalars(
        select(LiabilityPolicy).where(LiabilityPolicy.id == row.policy_id).with_for_update()
    ).one()  # the aggregate limit is shared by concurrent settlements
    result = model.indemnity(store.terms_of(policy), row.loss, Cause(row.cause), policy.indemnified)
    if result.amount > 0:
        draft = postings.indemnity(
            row.insurer_id, row.insured_id, result.amount, today, row.id, f"risk.indemnity:{row.id}:{key}"
        )
        row.entry_id = ledger.post(session, principal, draft).id
    policy.indemnified += result.amount
    row.indemnity, row.deductible = result.amount, result.deductible
    row.limited_by = ",".join(result.limited_by)
    row.status = "settled" if result.amount > 0 else "declined"
    row.settled_on = today
    session.flush()
    payload = {"indemnity": str(result.amount), "limited_by": list(result.limited_by)}
    audit.record(session, principal, "risk.liability_claim_settled", "risk_liability_claim", row.id, payload)
    body = {"liability_claim_id": row.id, "policy_id": row.policy_id, "risk_claim_id": row.risk_claim_id}
    events.publish(
        session,
        "risk.liability_claim_settled",
        {**body, "status": row.status, **payload},
        row.insured_id,
        also=[row.insurer_id],
    )
    return row


def co_contribute(
    session: Session, principal: Principal, scheme_code: str, amount: Decimal | str, day: dt.date, key: str
) -> tuple[FundPool, PoolCoContribution, bool]:
    """共建出资: the pool's fund administrator pays in the district IP office's money, or the scheme's institution
    pays in its own; returns the pool (locked), the record and whether this call paid (``False``: a replay)."""
    pool = pools.visible_pool(session, principal, scheme_code, lock=True)  # another's pool: as if none
    value = positive_money(amount)
    k = f"risk.co_contribution:{scheme_code}:{key}"
    if principal.party_id == pool.fund_id:
        principal.require(Role.ADMIN, Role.APPROVER)
        source = "district_ip_office"
        draft = pool_postings.contribution(pool.fund_id, scheme_code, value, day, pool.id, k)
    elif principal.party_kind is PartyKind.IP_OPERATOR and store.insures(session, scheme_code, principal.party_id):
        principal.require(*INSTITUTION_ROLES)
        source = "ip_operator"
        draft = postings.co_contribution(pool.fund_id, scheme_code, principal.party_id, value, day, pool.id, k)
    else:
        raise LIABILITY_CONTRIBUTOR()
    entry = ledger.post(session, principal, draft)
    done = session.scalars(select(FundContribution).where(FundContribution.entry_id == entry.id)).first()
    if done is not None:
        co = session.scalars(select(PoolCoContribution).where(PoolCoContribution.contribution_id == done.id)).one()
        return pool, co, False
    contribution = FundContribution(pool_id=pool.id, value_date=day, amount=value, entry_id=entry.id)
    session.add(contribution)
    session.flush()
    co = PoolCoContribution(contribution_id=contribution.id, source=source, contributor_id=principal.party_id)
    session.add(co)
    session.flush()
    payload = {"amount": str(value), "source": source}
    audit.record(session, principal, "risk.co_contribution", "risk_fund_pool", pool.id, payload)
    return pool, co, True


def co_funding(session: Session, scheme_code: str) -> dict[str, Decimal]:
    """What each source has paid into a co-funded pool (``district_ip_office``, ``ip_operator``)."""
    pool = pools.pool(session, scheme_code)
    rows = session.execute(
        select(PoolCoContribution.source, FundContribution.amount)
        .join(FundContribution, FundContribution.id == PoolCoContribution.contribution_id)
        .where(FundContribution.pool_id == pool.id)
    )
    out: dict[str, Decimal] = {}
    for source, amount in rows:
        out[source] = out.get(source, Decimal("0.00")) + amount
    return out


def institution_cash(session: Session, party_id: int) -> Decimal:
    """The institution's cash account, from the ledger."""
    return ledger_queries.balance(session, account_code(party_id, "cash"))


def pool_cash(session: Session, pool: FundPool) -> Decimal:
    return ledger_queries.balance(session, account_code(pool.fund_id, FUND_POOL, pool.scheme_code))


def appoint_disposal_agent(
    session: Session, principal: Principal, loan_id: int, agent_id: int, mandate: str, today: dt.date
) -> DisposalAgent:
    """The lending bank appoints an IP operations institution to dispose of the loan's pledged IP (处置代理)."""
    loan = lending.visible_loan(session, principal, loan_id)
    if principal.party_id != loan.bank_id:
        raise not_found("贷款", "loan", id=loan_id)
    principal.require(Role.CREDIT_OFFICER, Role.APPROVER)
    if access.party_kind(session, agent_id) is not PartyKind.IP_OPERATOR:
        raise DISPOSAL_AGENT_KIND(agent_id=agent_id)
    if store.agent_of(session, loan.id) is not None:
        raise DISPOSAL_AGENT_EXISTS(loan_id=loan.id)
    row = DisposalAgent(
        loan_id=loan.id, bank_id=loan.bank_id, agent_id=agent_id, appointed_on=today, mandate=mandate.strip()
    )
    session.add(row)
    session.flush()
    audit.record(
        session, principal, "risk.disposal_agent_appointed", "risk_disposal_agent", row.id, {"agent": agent_id}
    )
    return row
