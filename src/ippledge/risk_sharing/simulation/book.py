"""The live enrolled book as a simulation portfolio (在册贷款组合): ``ippledge risk simulate --portfolio``.

Exposure = each enrolled live loan's outstanding principal; PD from its five-tier grade by the assumption table
:data:`PD_BY_GRADE` (annual PDs; an assumption documented in docs/risk-sharing.md, not a calibrated model); LGD per
loan at the forced-sale value its credit decision recorded (``credit.model.loss_given_default``: what a forced sale
of the pledged IP would not recover of the outstanding principal; decision record 0008), the book's ``lgd`` figure
for a loan without one; the fund starts at the pool's ledger balance. One bucket per loan, so the simulation is
exact.
The scheme's tiers and shares are those of the version in force on ``as_of`` (``--as-of``, default today).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from ippledge.analytics.risk_portfolio import Portfolio
from ippledge.analytics.risk_sim import SimConfig, SimResult
from ippledge.credit import queries as credit
from ippledge.credit.model import loss_given_default
from ippledge.lending import queries as lending
from ippledge.lending.queries import LoanSummary
from ippledge.risk_sharing.enrolments import store as enrolments
from ippledge.risk_sharing.pools import store as pools
from ippledge.risk_sharing.schemes import store as schemes
from ippledge.risk_sharing.simulation.simulate import Case, tier_indices, waterfall_for

PD_BY_GRADE: dict[str, float] = {  # assumption: annual PD by grade
    "normal": 0.02,
    "special_mention": 0.10,
    "substandard": 0.35,
    "doubtful": 0.65,
    "loss": 0.95,
}


def live_portfolio(
    session: Session, scheme_code: str, lgd: float, as_of: dt.date | None = None
) -> tuple[Portfolio, float, int]:
    """The scheme's live enrolled loans as a portfolio (tiers of the version in force on ``as_of``, else the newest),
    the pool balance, and the number of loans."""
    scheme = schemes.scheme_in_force(session, scheme_code, as_of)
    enrolled = lending.loan_summaries(session, enrolments.enrolled_loan_ids(session, scheme_code))
    rows = [
        enrolled[i]
        for i in sorted(enrolled)
        if enrolled[i].status == "active" and enrolled[i].outstanding_principal > 0
    ]
    exposure = np.array([float(loan.outstanding_principal) for loan in rows], dtype=np.float64)
    pd = np.array([PD_BY_GRADE.get(loan.grade, PD_BY_GRADE["normal"]) for loan in rows], dtype=np.float64)
    n = len(rows)
    portfolio = Portfolio(
        np.ones(n, dtype=np.int64),
        pd,
        exposure,
        loan_lgds(session, rows, lgd),
        tier_indices(scheme, exposure).astype(np.int64),
    )
    balance = float(pools.pool_balance(session, pools.pool(session, scheme_code)))
    return portfolio, balance, n


def loan_lgds(session: Session, loans: list[LoanSummary], fallback: float) -> np.ndarray:
    """Each loan's LGD at the forced-sale value its decision recorded; ``fallback`` where none was recorded."""
    forced = credit.forced_sale_values(session, [x.decision_id for x in loans if x.decision_id is not None])
    out = np.full(len(loans), fallback, dtype=np.float64)
    for i, loan in enumerate(loans):
        fs = None if loan.decision_id is None else forced.get(loan.decision_id)
        lgd = loss_given_default(loan.outstanding_principal, fs)
        if lgd is not None:
            out[i] = float(lgd)
    return out


def book_case(
    session: Session,
    scheme_code: str,
    *,
    rho: float,
    lgd: float,
    scenarios: int,
    seed: int,
    as_of: dt.date,
    device: str = "cpu",
) -> Case:
    """The live book under the scheme version in force on ``as_of``, the fund at the pool's balance."""
    scheme = schemes.scheme_in_force(session, scheme_code, as_of)
    portfolio, balance, n = live_portfolio(session, scheme_code, lgd, as_of)
    waterfall = waterfall_for(scheme, fund_initial=balance)
    inputs = {
        "scheme": scheme.code,
        "version": scheme.version,
        "as_of": as_of.isoformat(),
        "loans": n,
        "exposure_total": portfolio.total_exposure,
        "fund_initial": balance,
        "rho": rho,
        "lgd": lgd,  # the figure for loans without a recorded forced-sale value
        "lgd_mean": float(portfolio.lgd.mean()) if n else None,  # over the loans, at forced-sale value where known
        "scenarios": scenarios,
        "seed": seed,
        "pd_by_grade": PD_BY_GRADE,
    }
    return Case(portfolio, waterfall, SimConfig(rho=rho, scenarios=scenarios, device=device), seed, inputs)


def simulate_book(session: Session, scheme_code: str, **case: Any) -> tuple[SimResult, dict[str, Any]]:
    """Run :func:`book_case`; returns the result and the inputs used."""
    c = book_case(session, scheme_code, **case)
    return c.run(), c.inputs
