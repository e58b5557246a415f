"""Indicator weights per use (指标权重): versioned data in the GB/T 42748 structure (legal / technical / economic).

GB/T 42748-2023 lets the weights depend on the purpose of the valuation; "finance" (质押融资) is the default use and
leans on the legal dimension (a lender first needs an enforceable, lasting right) and on evidence that the IP can be
sold. Weights inside a dimension sum to 1, dimension weights sum to 1; an asset missing an indicator has that weight
spread over the indicators it has (the explanation says which were missing). Changing any number means a new version:
results record the version they were computed with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ippledge.analytics.errors import UNKNOWN_USE

DIMENSIONS = ("legal", "technical", "economic")
DIMENSION_ZH = {"legal": "法律价值", "technical": "技术价值", "economic": "经济价值"}

# Indicator -> (dimension, Chinese name, how it is scaled)
INDICATORS: dict[str, tuple[str, str, str]] = {
    "legal_status": ("legal", "法律状态", "absolute: in force 1, pending 0.5, lapsed 0; halved under preservation"),
    "remaining_term": ("legal", "剩余保护期", "absolute: remaining legal term / full term"),
    "stability": ("legal", "权利稳定性", "absolute: survived invalidation 1, unchallenged 0.8, request pending 0.3"),
    "claims": ("legal", "权利要求数量", "percentile within cohort"),
    "family_size": ("legal", "同族/多国布局", "percentile within cohort"),
    "forward_citations": ("technical", "被引次数", "percentile within cohort (cumulative citations; cohort = age)"),
    "backward_citations": ("technical", "引用文献数", "percentile within cohort"),
    "ipc_scope": ("technical", "IPC覆盖范围", "percentile within cohort of distinct IPC subclasses"),
    "ipc_diversity": ("technical", "原创性（代理）", "percentile within cohort of 1 - HHI of own IPC (proxy)"),
    "licences": ("economic", "许可历史", "absolute: 1 - exp(-licences/2)"),
    "pledges": ("economic", "质押历史", "absolute: 1 - exp(-pledges/2)"),
    "transfers": ("economic", "转让历史", "absolute: 1 - exp(-transfers/2)"),
    "industry_growth": ("economic", "产业成长性", "percentile of the IPC class's filing growth"),
    "revenue_basis": ("economic", "收入支撑", "percentile within cohort of owner revenue per asset"),
    "registered_age": ("legal", "注册年限", "absolute: years registered / 20"),
    "renewals": ("legal", "续展次数", "absolute: renewals / 2"),
    "nice_count": ("legal", "核定类别数", "percentile within cohort"),
}
KEYS = tuple(INDICATORS)


@dataclass(frozen=True)
class Weights:
    """Weights of one use and version: per family (patent, trademark, copyright), per dimension and indicator."""

    use: str
    version: str
    dimensions: dict[str, dict[str, float]]  # family -> dimension -> weight
    indicators: dict[str, dict[str, float]]  # family -> indicator -> weight within its dimension
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {"use": self.use, "version": self.version, "dimensions": self.dimensions, "indicators": self.indicators},
            sort_keys=True,
        )

    def flat(self, family: str) -> dict[str, float]:
        """Indicator -> overall weight (dimension weight x weight within the dimension) for one family."""
        dims = self.dimensions[family]
        return {k: dims[INDICATORS[k][0]] * w for k, w in self.indicators[family].items()}


FINANCE_V1 = Weights(
    use="finance",
    version="finance-2025.1",
    dimensions={
        "patent": {"legal": 0.40, "technical": 0.35, "economic": 0.25},
        "trademark": {"legal": 0.55, "technical": 0.0, "economic": 0.45},
        "copyright": {"legal": 0.60, "technical": 0.0, "economic": 0.40},
    },
    indicators={
        "patent": {
            "legal_status": 0.30, "remaining_term": 0.25, "stability": 0.15, "claims": 0.15, "family_size": 0.15,
            "forward_citations": 0.40, "backward_citations": 0.15, "ipc_scope": 0.25, "ipc_diversity": 0.20,
            "licences": 0.25, "pledges": 0.10, "transfers": 0.15, "industry_growth": 0.25, "revenue_basis": 0.25,
        },
        "trademark": {
            "legal_status": 0.40, "registered_age": 0.25, "renewals": 0.20, "nice_count": 0.15,
            "licences": 0.40, "pledges": 0.10, "transfers": 0.10, "revenue_basis": 0.40,
        },
        "copyright": {"legal_status": 0.50, "registered_age": 0.50, "licences": 0.50, "revenue_basis": 0.50},
    },
    notes="Assumption: weights set by hand for lending (legal dimension first); to be refitted on disposal outcomes.",
)  # fmt: skip

TRANSACTION_V1 = Weights(
    use="transaction",
    version="transaction-2025.1",
    dimensions={
        "patent": {"legal": 0.30, "technical": 0.40, "economic": 0.30},
        "trademark": {"legal": 0.40, "technical": 0.0, "economic": 0.60},
        "copyright": {"legal": 0.50, "technical": 0.0, "economic": 0.50},
    },
    indicators=FINANCE_V1.indicators,
    notes="Assumption: a transfer or licence buyer weighs technology and market more than enforceability.",
)

USES: dict[str, Weights] = {"finance": FINANCE_V1, "transaction": TRANSACTION_V1}
FAMILIES = ("patent", "trademark", "copyright")


def for_use(use: str = "finance") -> Weights:
    try:
        return USES[use]
    except KeyError:
        raise UNKNOWN_USE(use=use) from None
