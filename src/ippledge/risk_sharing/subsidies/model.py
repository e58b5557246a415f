"""Subsidy rules (补贴政策): the kinds, a rule document's checks, the Beijing interest subsidy of 2021. Pure.

A rule version's body: ``rate_bp`` (share of what was paid), ``per_firm_annual_cap`` (CNY), optional ``rate_cap``
(``{"kind": "lpr_multiple", "value": "1.4"}``: only loans priced at or below it) and ``max_firm_revenue``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ippledge.risk_sharing.model import BP_TOTAL, Problem

KINDS = ("interest", "valuation_fee", "premium", "guarantee_fee")
BEIJING_INTEREST_2021: dict[str, Any] = {
    "code": "beijing-interest",
    "version": "2021",
    "kind": "interest",
    "effective_from": "2021-01-01",
    "rate_bp": 4000,
    "per_firm_annual_cap": "500000",
    "rate_cap": {"kind": "lpr_multiple", "value": "1.4"},
    "max_firm_revenue": "200000000",
}


def problem(code: str, zh: str, en: str) -> Problem:
    """One reason a rule or an application is refused (``risk.subsidy.<code>``)."""
    return Problem(f"risk.subsidy.{code}", code, zh, en)


def rule_problems(body: Mapping[str, Any]) -> list[Problem]:
    """Every bad field of a rule document (an empty list when it is usable)."""
    problems: list[Problem] = []
    if body.get("kind") not in KINDS:
        problems.append(problem("kind", "补贴类型无效", f"kind must be one of {', '.join(KINDS)}"))
    rate = body.get("rate_bp")
    if not isinstance(rate, int) or not 0 < rate <= BP_TOTAL:
        problems.append(problem("rate_bp", "补贴比例须为 1-10000 基点", "rate_bp must be 1-10000"))
    for name in ("code", "version", "effective_from", "per_firm_annual_cap"):
        if not isinstance(body.get(name), str) or not body[name].strip():
            problems.append(problem(name, f"缺少 {name}", f"missing {name}"))
    return problems
