"""Preset policy terms (职业责任保险预置条款) of the Zhongguancun model, as versioned data. Pure.

No source publishes the Haidian policy wording; every figure here is an assumption, listed in ``assumptions``. An
insurer writes its own terms per policy (``POST /liability-policies``); these are the defaults the demo and the
published-case test use. A newer version is added beside the old one, never written over it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ippledge.risk_sharing.liability.model import STANDARD_EXCLUSIONS, PolicyTerms

SCHEME = "beijing-haidian-zhirongbao"


@dataclass(frozen=True)
class TermsPreset:
    scheme_code: str
    version: str
    effective_from: dt.date
    terms: PolicyTerms
    sources: tuple[str, ...]
    assumptions: tuple[str, ...]


_PRESETS: tuple[TermsPreset, ...] = (
    TermsPreset(
        scheme_code=SCHEME,
        version="1",
        effective_from=dt.date(2021, 3, 1),
        terms=PolicyTerms(
            per_claim_limit=Decimal("5000000.00"),
            aggregate_limit=Decimal("20000000.00"),
            deductible=Decimal("0.00"),
            exclusions=STANDARD_EXCLUSIONS,
            premium_rate_bp=100,
            subsidy_bp=5000,
            subsidy_cap=Decimal("20000.00"),
        ),
        sources=(
            "article: the institution buys 职业责任保险 as policyholder and insured (中关村模式)",
            "DOMAIN.md §5: first Haidian claim paid 996,632 CNY on a 1m loan; 15-day fast track up to 5m",
            "DOMAIN.md §5 subsidies: premium 50% (cap 20k/yr)",
        ),
        assumptions=(
            "per-claim limit 5m: the fast-track loan ceiling (assumption)",
            "aggregate limit 20m per policy year (assumption)",
            "no deductible: the published claim was paid in full (assumption)",
            "premium 1% of the insured balance (assumption)",
            "effective from March 2021, when Zhongguancun set up its cost-sharing mechanism (article)",
        ),
    ),
)


def terms_presets() -> tuple[TermsPreset, ...]:
    return _PRESETS


def terms_for(scheme_code: str, as_of: dt.date) -> TermsPreset | None:
    """The preset in force on ``as_of`` for a scheme (``None``: the scheme has none)."""
    found = [p for p in _PRESETS if p.scheme_code == scheme_code and p.effective_from <= as_of]
    return max(found, key=lambda p: p.effective_from) if found else None
