"""From a scheme to the simulation's numbers (方案模拟参数): the glue between risk_sharing and analytics.

``analytics`` imports only the kernel, so it knows nothing of schemes; this module turns a :class:`Scheme` into an
:class:`~ippledge.analytics.risk_portfolio.Waterfall` (shares as fractions, caps in CNY as floats: a simulation
estimates distributions and never posts money) and runs the homogeneous-portfolio case the CLI offers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ippledge.analytics.risk_portfolio import Portfolio, Waterfall
from ippledge.analytics.risk_sim import SimConfig, SimResult, TaskMapper, sensitivity, simulate
from ippledge.risk_sharing.errors import SENSITIVITY_PARTY
from ippledge.risk_sharing.model import BP_TOTAL, PARTIES, Party, Scheme

INF = float("inf")


def _f(value: Decimal | None) -> float:
    """Caps as floats for the Monte Carlo: simulated losses are statistics, never booked (the ledger stays Decimal)."""
    return INF if value is None else float(value)


def waterfall_for(
    scheme: Scheme,
    *,
    fund_initial: float = INF,
    fund_contribution: float = 0.0,
    ip_share: float = 1.0,
) -> Waterfall:
    """The scheme's split and caps as arrays; ``ip_share`` is the book's IP share of collateral (used when the
    scheme compensates the IP share only)."""
    shares = np.array([[t.share(p) / BP_TOTAL for p in PARTIES] for t in scheme.tiers])
    if scheme.compensate_ip_share_only:
        bank = PARTIES.index(Party.BANK)
        shares *= ip_share
        shares[:, bank] += 1.0 - ip_share
    caps = np.array([_f(scheme.per_loan_caps.get(p)) for p in PARTIES])
    return Waterfall(
        parties=tuple(p.value for p in PARTIES),
        shares=shares,
        fund=PARTIES.index(Party.FUND),
        overflow=PARTIES.index(scheme.overflow_party),
        per_loan_cap=caps,
        annual_cap=min(_f(scheme.annual_budget_cap), _f(scheme.per_institution_cap)),
        fund_initial=fund_initial,
        fund_contribution=fund_contribution,
        limited_to_fund=scheme.liability_limited_to_fund,
    )


def tier_indices(scheme: Scheme, balances: ArrayLike) -> NDArray[np.int64]:
    """Each balance's tier (balances above the last bound take the last tier, as ``Scheme.tier_for`` does)."""
    bounds = np.array([_f(t.max_balance) for t in scheme.tiers])
    out: NDArray[np.int64] = np.minimum(
        np.searchsorted(bounds, np.asarray(balances, dtype=np.float64), side="left"), len(bounds) - 1
    )
    return out


def default_fund(scheme: Scheme, total_exposure: float) -> float:
    """A fund sized by the scheme's leverage (Haikou 10x), else untracked (infinite)."""
    return INF if scheme.max_leverage is None else total_exposure / float(scheme.max_leverage)


SHIFTS = (-0.10, -0.05, 0.0, 0.05, 0.10)  # share moved between two parties, in fractions of the loss


@dataclass(frozen=True)
class Case:
    """One simulation set up from a scheme: run it, or re-run it with shares moved between two parties."""

    portfolio: Portfolio
    waterfall: Waterfall
    config: SimConfig
    seed: int
    inputs: dict[str, Any]

    def run(self, progress: Callable[[int], None] | None = None, mapper: TaskMapper | None = None) -> SimResult:
        return simulate(self.portfolio, self.waterfall, self.config, self.seed, progress, mapper)

    def check_parties(self, from_party: str, to_party: str) -> None:
        parties = self.waterfall.parties
        if from_party == to_party or from_party not in parties or to_party not in parties:
            raise SENSITIVITY_PARTY(
                parties_zh="、".join(parties), parties_en=", ".join(parties), pair=f"{from_party}:{to_party}"
            )

    def sensitivity(
        self, from_party: str, to_party: str, progress: Callable[[int], None] | None = None
    ) -> list[dict[str, Any]]:
        """敏感性: each row re-runs the case with a shift of every tier's share from one party to the other (common
        random numbers: the rows differ by the shares, not by sampling noise)."""
        self.check_parties(from_party, to_party)
        return sensitivity(
            self.portfolio, self.waterfall, self.config, self.seed, SHIFTS, from_party, to_party, progress=progress
        )


def homogeneous_case(
    scheme: Scheme,
    *,
    loans: int,
    pd: float,
    rho: float,
    lgd: float,
    exposure: float,
    scenarios: int,
    seed: int,
    years: int = 1,
    fund: float | None = None,
    contribution: float = 0.0,
    workers: int = 2,
    device: str = "cpu",
) -> Case:
    """``loans`` equal loans of ``exposure`` CNY under ``scheme``."""
    portfolio = Portfolio.homogeneous(loans, pd, lgd, exposure, int(tier_indices(scheme, [exposure])[0]))
    fund_initial = default_fund(scheme, portfolio.total_exposure) if fund is None else fund
    waterfall = waterfall_for(scheme, fund_initial=fund_initial, fund_contribution=contribution)
    config = SimConfig(rho=rho, scenarios=scenarios, years=years, workers=workers, device=device)
    inputs = {
        "scheme": scheme.code,
        "version": scheme.version,
        "loans": loans,
        "pd": pd,
        "rho": rho,
        "lgd": lgd,
        "exposure": exposure,
        "scenarios": scenarios,
        "years": years,
        "seed": seed,
        "fund_initial": None if fund_initial == INF else fund_initial,
        "fund_contribution": contribution,
    }
    return Case(portfolio, waterfall, config, seed, inputs)
