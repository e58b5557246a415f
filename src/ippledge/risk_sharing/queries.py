"""Published read face (查询接口) of risk_sharing: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import Principal
from ippledge.kernel.errors import IppledgeError, not_found
from ippledge.kernel.money import money
from ippledge.lending import queries as lending
from ippledge.risk_sharing.claims import store as claims
from ippledge.risk_sharing.covers import store as covers
from ippledge.risk_sharing.covers.tables import Cover
from ippledge.risk_sharing.enrolments import store as enrolments
from ippledge.risk_sharing.enrolments.tables import Enrolment
from ippledge.risk_sharing.liability import store as liability
from ippledge.risk_sharing.model import Party, Scheme
from ippledge.risk_sharing.pools import store as pools
from ippledge.risk_sharing.schemes import store as schemes
from ippledge.risk_sharing.schemes.eligibility import LoanFacts
from ippledge.risk_sharing.subsidies import store as subsidies
from ippledge.risk_sharing.subsidies.model import LoanTerms
from ippledge.risk_sharing.subsidies.tables import SubsidyApplication


def scheme_in_force(session: Session, code: str, as_of: dt.date | None = None) -> Scheme:
    """The scheme ``code`` as stored, in the version in force on ``as_of`` (the newest when ``as_of`` is None);
    ``risk.scheme.unknown`` when there is none."""
    return schemes.scheme_in_force(session, code, as_of)


@dataclass(frozen=True)
class PoolPosition:
    """A scheme's fund pool: its cash (``balance``, never negative) and what its fund still owes banks on claims
    because the pool was short (``owed``, 应付代偿)."""

    scheme_code: str
    fund_id: int
    balance: Decimal
    owed: Decimal


def pool_position(session: Session, scheme_code: str, principal: Principal | None = None) -> PoolPosition:
    """The pool of ``scheme_code`` (``risk.pool.missing`` when the scheme has none, or when ``principal`` is given
    and may not see it)."""
    row = pools.pool(session, scheme_code) if principal is None else pools.visible_pool(session, principal, scheme_code)
    return PoolPosition(
        row.scheme_code, row.fund_id, pools.pool_balance(session, row), claims.owed(session, scheme_code)
    )


@dataclass(frozen=True)
class FundReport:
    """资金池可持续性: what went into a scheme's pool and what came out of it, and the book it stands behind.

    ``fund_paid`` is the fund's share of every claim (what it paid plus what it still ``owed``); ``clawed_back`` what
    recoveries returned to it; ``claims_recovered`` how many of the scheme's claims had recoveries shared back;
    ``losses`` the net losses of the scheme's claims; ``enrolled_outstanding`` the principal outstanding on its live
    enrolled loans."""

    scheme_code: str
    balance: Decimal
    contributed: Decimal
    fund_paid: Decimal
    owed: Decimal
    clawed_back: Decimal
    claims_recovered: int
    subsidies_paid: Decimal
    losses: Decimal
    enrolled_outstanding: Decimal


def fund_report(session: Session, scheme_code: str) -> FundReport:
    """The pool of ``scheme_code`` in figures (``risk.pool.missing`` when the scheme has none)."""
    row = pools.pool(session, scheme_code)
    fund = claims.fund_totals(session, scheme_code)
    loans = lending.loan_summaries(session, enrolments.enrolled_loan_ids(session, scheme_code))
    return FundReport(
        scheme_code=scheme_code,
        balance=pools.pool_balance(session, row),
        contributed=pools.contributed(session, row),
        fund_paid=fund.shares,
        owed=fund.owed,
        clawed_back=fund.clawed_back,
        claims_recovered=claims.recovered_count(session, scheme_code),
        subsidies_paid=subsidies.paid_total(session, scheme_code),
        losses=claims.losses(session, scheme_code),
        enrolled_outstanding=sum(
            (loan.outstanding_principal for loan in loans.values() if loan.status == "active"), Decimal("0.00")
        ),
    )


@dataclass(frozen=True)
class EnrolledLoan:
    """A loan enrolled in a scheme (纳入风险补偿) with its standing today: principal, outstanding, status, grade."""

    loan_id: int
    contract_no: str
    scheme_code: str
    scheme_version: str
    bank_id: int
    borrower_id: int
    enrolled_on: dt.date
    principal: Decimal
    outstanding_principal: Decimal
    status: str
    grade: str


def enrolled_loans(session: Session, principal: Principal, scheme_code: str | None = None) -> list[EnrolledLoan]:
    """The enrolments the caller may see (their scope rule: the lending bank, the fund, the borrower; the platform
    and the regulator all), of one scheme when given, newest first, with each loan's standing."""
    rows = enrolments.enrolments_in(session, scope.scoped(Enrolment, principal), scheme_code)
    loans = lending.loan_summaries(session, [r.loan_id for r in rows])
    return [
        EnrolledLoan(
            r.loan_id,
            loans[r.loan_id].contract_no,
            r.scheme_code,
            r.scheme_version,
            r.bank_id,
            r.borrower_id,
            r.enrolled_on,
            loans[r.loan_id].principal,
            loans[r.loan_id].outstanding_principal,
            loans[r.loan_id].status,
            loans[r.loan_id].grade,
        )
        for r in rows
        if r.loan_id in loans
    ]


@dataclass(frozen=True)
class SubsidyLine:
    """A subsidy application (补贴申请) as a list shows it: the rule, the firm, the loan, the amounts, the state."""

    id: int
    rule_code: str
    rule_kind: str
    scheme_code: str
    enterprise_id: int
    loan_id: int
    bank_id: int
    year: int
    applied_on: dt.date
    amount: Decimal
    status: str
    paid_on: dt.date | None


def subsidy_applications(session: Session, principal: Principal, scheme_code: str | None = None) -> list[SubsidyLine]:
    """The subsidy applications the caller may see (their scope rule: the firm, the bank, the fund; the platform
    and the regulator all), of one scheme's fund when given, newest first."""
    rows = subsidies.applications_in(session, scope.scoped(SubsidyApplication, principal), scheme_code)
    return [
        SubsidyLine(
            a.id,
            r.code,
            r.kind,
            r.scheme_code,
            a.enterprise_id,
            a.loan_id,
            a.bank_id,
            a.year,
            a.applied_on,
            a.amount,
            a.status,
            a.paid_on,
        )
        for a, r in rows
    ]


def disposal_agent(session: Session, loan_id: int) -> int | None:
    """The IP operations institution the lending bank appointed to dispose of the loan's IP (处置代理), if any."""
    row = liability.agent_of(session, loan_id)
    return None if row is None else row.agent_id


# -- for the regulator's statistics (supervision) -------------------------------------------------------------------


def subsidies_paid_by_bank(session: Session, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """Subsidies paid (贴息、补贴) from ``start`` to ``end``, both included, by lending bank (yuan)."""
    return subsidies.paid_by_bank(session, start, end)


def fund_reports(session: Session) -> list[FundReport]:
    """The figures of every scheme that has a fund pool, in scheme code order."""
    return [fund_report(session, code) for code in pools.scheme_codes(session)]


@dataclass(frozen=True)
class PoolOnDate:
    """A scheme's pool as it stood at the end of a day (资金池时点数): its cash from the ledger's entries dated up to
    then, the loans enrolled by then, and the subsidies paid by then."""

    scheme_code: str
    balance: Decimal
    enrolled_loan_ids: tuple[int, ...]
    subsidies_paid: Decimal


def pools_on(session: Session, on: dt.date) -> list[PoolOnDate]:
    """Every scheme's pool at the end of ``on``, in scheme code order (for the regulator's as-of reports)."""
    out = []
    for row in pools.pools(session):
        e = Enrolment
        enrolled = session.scalars(
            select(e.loan_id).where(e.scheme_code == row.scheme_code, e.enrolled_on <= on).order_by(e.loan_id)
        )
        paid = subsidies.paid_total(session, row.scheme_code, on)
        out.append(PoolOnDate(row.scheme_code, pools.pool_balance(session, row, on), tuple(enrolled), paid))
    return out


@dataclass(frozen=True)
class PaidClaim:
    """A compensation claim whose money reached the bank (赔付到账): filed on ``filed_on``, paid (or advanced) on
    ``paid_on``, the fund's decision date."""

    claim_id: int
    bank_id: int
    scheme_code: str
    filed_on: dt.date
    paid_on: dt.date


def claims_paid(session: Session, start: dt.date, end: dt.date) -> list[PaidClaim]:
    """The claims paid or advanced from ``start`` to ``end`` inclusive, by id (unscoped: aggregates for overseers)."""
    return [
        PaidClaim(c.id, c.bank_id, c.scheme_code, c.filed_on, c.decided_on)
        for c in claims.paid_between(session, start, end)
        if c.decided_on is not None
    ]


def paid_claim_of_loan(session: Session, loan_id: int) -> int | None:
    """The id of the loan's paid compensation claim (recoveries on the loan are shared back on it), if any."""
    claim = claims.open_claim(session, loan_id)
    return claim.id if claim is not None and claim.status == "paid" else None


def clawed_back_by_role(session: Session, claim_id: int) -> dict[str, Decimal]:
    """What recoveries have returned so far to each party that bore part of the claim, by role (``fund``, ...)."""
    return {row.role: row.clawed_back for row in claims.shares_of(session, claim_id) if row.role != "bank"}


@dataclass(frozen=True)
class RiskSharers:
    """Who shares a loan's risk besides the bank and the borrower (风险共担方), under the scheme it is enrolled in:
    the fund, the insurer and guarantor whose cover is in force, and the IP operations institution."""

    loan_id: int
    scheme_code: str
    fund_id: int
    insurer_id: int | None
    guarantor_id: int | None
    ip_operator_id: int | None

    def party_ids(self) -> list[int]:
        found = (self.fund_id, self.insurer_id, self.guarantor_id, self.ip_operator_id)
        return sorted({p for p in found if p is not None})


def risk_sharers(session: Session, loan_ids: Iterable[int], on: dt.date) -> dict[int, RiskSharers]:
    """``loan id -> its risk sharers on ``on````, for the loans enrolled in a scheme (others are left out)."""
    out: dict[int, RiskSharers] = {}
    wanted = sorted(set(loan_ids))
    enrolled = enrolments.enrolled_among(session, wanted) if len(wanted) > 1 else set(wanted)  # one read, not n
    for loan_id in wanted:
        if loan_id not in enrolled:
            continue
        e = enrolments.enrolment_of(session, loan_id)
        if e is None:
            continue
        code = e.scheme_code
        operator = liability.insured_of(session, code, on) or covers.pooled_policyholder(session, code)
        agent = liability.agent_of(session, loan_id)
        out[loan_id] = RiskSharers(
            loan_id,
            code,
            e.fund_id,
            covers.provider_for(session, loan_id, code, Party.INSURER, on),
            covers.provider_for(session, loan_id, code, Party.GUARANTOR, on),
            operator if operator is not None else (None if agent is None else agent.agent_id),
        )
    return out


# -- policy matching (政策匹配, ``ippledge.policy``): the schemes and subsidy rules with the facts they decide on ----


def schemes_in_force(session: Session, as_of: dt.date) -> list[Scheme]:
    """Every stored scheme in the version in force on ``as_of``, by code."""
    codes = sorted({row.code for row in schemes.versions(session) if row.effective_from <= as_of})
    out: list[Scheme] = []
    for code in codes:
        try:
            out.append(schemes.scheme_in_force(session, code, as_of))
        except IppledgeError:  # every version of it ended before as_of
            continue
    return out


def loan_facts(
    session: Session, loan: lending.LoanSummary, scheme_code: str, today: dt.date, reader: Principal | None = None
) -> LoanFacts:
    """The facts enrolment would decide ``loan`` on under ``scheme_code`` today (gateway facts where ``reader``
    holds the borrower's consent, else the bank's attestation) -- the same function enrolment calls."""
    from ippledge.risk_sharing.enrolments.service import loan_facts as facts

    return facts(session, loan, scheme_code, today, reader)


def on_whitelist(session: Session, scheme_code: str, enterprise_id: int, as_of: dt.date) -> bool:
    """Whether the enterprise is on the scheme's whitelist on ``as_of``."""
    from ippledge.risk_sharing.schemes import whitelist

    return whitelist.on_whitelist(session, scheme_code, enterprise_id, as_of)


@dataclass(frozen=True)
class SubsidyRuleView:
    id: int
    code: str
    version: str
    kind: str
    scheme_code: str
    effective_from: dt.date
    body: dict[str, Any]


def subsidy_rules(session: Session) -> list[SubsidyRuleView]:
    """Every stored subsidy rule version, by code and start."""
    from ippledge.risk_sharing.subsidies.tables import SubsidyRule

    rows = session.scalars(select(SubsidyRule).order_by(SubsidyRule.code, SubsidyRule.effective_from))
    return [
        SubsidyRuleView(r.id, r.code, r.version, r.kind, r.scheme_code, r.effective_from, json.loads(r.body))
        for r in rows
    ]


def subsidy_used(session: Session, rule_id: int, enterprise_id: int) -> dict[int, Decimal]:
    """What the enterprise was granted under the rule per year (applications not rejected)."""
    from ippledge.risk_sharing.subsidies.tables import SubsidyApplication

    stmt = (
        select(SubsidyApplication.year, func.sum(SubsidyApplication.amount))
        .where(
            SubsidyApplication.rule_id == rule_id,
            SubsidyApplication.enterprise_id == enterprise_id,
            SubsidyApplication.status != "rejected",
        )
        .group_by(SubsidyApplication.year)
    )
    return {int(y): money(v or 0) for y, v in session.execute(stmt)}


def subsidy_terms(session: Session, body: dict[str, Any], loan: lending.LoanSummary, today: dt.date) -> LoanTerms:
    """The facts a subsidy rule reads about ``loan`` -- the same function applications call."""
    from ippledge.risk_sharing.subsidies.service import loan_terms

    return loan_terms(session, body, loan, today)


# -- the insurer's and guarantor's desk (保险/担保机构): the covers it wrote and the claims on them --------------------


@dataclass(frozen=True)
class CoverLine:
    """A cover as its provider reads it (承保): one loan's or a scheme pool's, its premium and what was paid."""

    id: int
    kind: str
    loan_id: int | None
    scheme_code: str | None
    payer_id: int
    premium: Decimal
    paid: Decimal
    start_on: dt.date
    end_on: dt.date
    status: str


def covers_provided(session: Session, principal: Principal) -> list[CoverLine]:
    """The covers the caller's party wrote (the cover's scope rule applies), newest first."""
    rows = covers.provided_by(session, scope.scoped(Cover, principal), principal.party_id)
    return [
        CoverLine(r.id, r.kind, r.loan_id, r.scheme_code, r.payer_id, r.premium, r.paid, r.start_on, r.end_on, r.status)
        for r in rows
    ]


@dataclass(frozen=True)
class CoveredClaim:
    """A compensation claim on a loan the caller covers, with the evidence and the caller's own share only."""

    id: int
    loan_id: int
    scheme_code: str
    bank_id: int
    status: str
    triggered_on: dt.date
    review_due: dt.date
    loss: Decimal
    recovered: Decimal
    evidence: dict[str, Any]
    role: str | None  # insurer | guarantor: the share the caller bore, once the fund decided
    share: Decimal | None
    share_clawed_back: Decimal
    capped_by: str


def covered_claims(session: Session, principal: Principal, claim_id: int | None = None) -> list[CoveredClaim]:
    """Claims on loans the caller's party covers (or where it bore a share), newest first; with ``claim_id`` that
    claim alone, a 404 when it is not such a claim. Other parties' shares are not shown."""
    rows = claims.claims_covered_by(session, principal.party_id)
    if claim_id is not None:
        rows = [r for r in rows if r.id == claim_id]
        if not rows:
            raise not_found("补偿申请", "compensation claim", id=claim_id)
    out = []
    for r in rows:
        share = next((s for s in claims.shares_of(session, r.id) if s.party_id == principal.party_id), None)
        out.append(
            CoveredClaim(
                r.id,
                r.loan_id,
                r.scheme_code,
                r.bank_id,
                r.status,
                r.triggered_on,
                r.review_due,
                r.loss,
                r.recovered,
                json.loads(r.evidence),
                share.role if share else None,
                share.amount if share else None,
                share.clawed_back if share else Decimal(0),
                share.capped_by if share else "",
            )
        )
    return out
