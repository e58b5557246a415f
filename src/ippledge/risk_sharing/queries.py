"""Published read face (查询接口) of risk_sharing: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

# Reads for the edges (the demo's fund-sustainability table).
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.kernel.money import from_fen
from ippledge.risk_sharing import store
from ippledge.risk_sharing.model import Party
from ippledge.risk_sharing.tables import Claim, ClaimShare, Enrolment, FundContribution, SubsidyApplication


@dataclass(frozen=True)
class FundFigures:
    """What went into and out of one scheme's fund pool (资金池), in yuan."""

    balance: Decimal  # the pool's cash, from the ledger
    contributed: Decimal  # 注资
    fund_shares: Decimal  # the fund's shares of the scheme's claims (资金池代偿)
    owed: Decimal  # of those, still owed to banks (应付代偿)
    clawed_back: Decimal  # returned to the fund after recoveries (追偿返还)
    losses: Decimal  # net principal losses claimed under the scheme
    subsidies_paid: Decimal  # interest and other subsidies paid, every scheme (贴息)
    claims_with_recoveries: int  # claims with money recovered, every scheme


def fund_figures(session: Session, scheme_code: str) -> FundFigures:
    """The fund pool of ``scheme_code`` in figures. Unscoped: for the platform's own reports (the demo)."""

    def total(stmt: Any) -> Decimal:
        return from_fen(int(session.scalar(stmt) or 0))

    pool = store.pool(session, scheme_code)
    fund = (Claim.scheme_code == scheme_code, ClaimShare.role == Party.FUND.value)
    shares = select(func.sum(ClaimShare.amount_fen)).join(Claim, Claim.id == ClaimShare.claim_id).where(*fund)
    clawed = select(func.sum(ClaimShare.clawed_back_fen)).join(Claim, Claim.id == ClaimShare.claim_id).where(*fund)
    owed = select(func.sum(ClaimShare.owed_fen)).join(Claim, Claim.id == ClaimShare.claim_id).where(*fund)
    recovered = select(func.count()).select_from(Claim).where(Claim.recovered_fen > 0)
    return FundFigures(
        balance=store.pool_balance(session, pool),
        contributed=total(select(func.sum(FundContribution.amount_fen)).where(FundContribution.pool_id == pool.id)),
        fund_shares=total(shares),
        owed=total(owed),
        clawed_back=total(clawed),
        losses=total(select(func.sum(Claim.loss_fen)).where(Claim.scheme_code == scheme_code)),
        subsidies_paid=total(
            select(func.sum(SubsidyApplication.amount_fen)).where(SubsidyApplication.status == "paid")
        ),
        claims_with_recoveries=int(session.scalar(recovered) or 0),
    )


def enrolled_loan_ids(session: Session, scheme_code: str) -> list[int]:
    """Ids of the loans enrolled in ``scheme_code`` (纳入风险补偿), in id order."""
    stmt = select(Enrolment.loan_id).where(Enrolment.scheme_code == scheme_code).order_by(Enrolment.loan_id)
    return [int(i) for i in session.scalars(stmt)]


@dataclass(frozen=True)
class BookOutlook:
    """A year ahead for a scheme's live enrolled book (Monte Carlo): the fund's risk, in yuan."""

    loans: int
    p_dry: float  # probability that the pool runs dry
    fund_q99: float  # the fund's 99% loss
    required_fund: float  # the pool needed for 99% solvency


def book_outlook(
    session: Session, scheme_code: str, *, rho: float, lgd: float, scenarios: int, seed: int, as_of: dt.date
) -> BookOutlook | None:
    """Simulate the next year of the scheme's live enrolled book; ``None`` when no enrolled loan is live."""
    from ippledge.risk_sharing.book import book_case

    case = book_case(session, scheme_code, rho=rho, lgd=lgd, scenarios=scenarios, seed=seed, as_of=as_of)
    if not case.inputs["loans"]:
        return None
    summary = case.run().summary()
    fund = summary["fund"]
    return BookOutlook(
        loans=int(case.inputs["loans"]),
        p_dry=float(fund["p_dry"]),
        fund_q99=float(summary["parties"]["fund"]["q0.99"]),
        required_fund=float(fund["required_fund"]),
    )


def interest_subsidy_preset() -> dict[str, Any]:
    """The Beijing 2021 interest-subsidy rule (贴息规则): a rule document for ``POST /risk-subsidy-rules``."""
    from ippledge.risk_sharing.subsidies import BEIJING_INTEREST_2021

    return dict(BEIJING_INTEREST_2021)
