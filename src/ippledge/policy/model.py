"""Policy matching rules (政策匹配规则). Pure: no database, no framework.

For a loan (contracted, or planned by the firm) and its borrower, every risk-compensation scheme and every subsidy
rule is decided by the *same* functions that decide enrolments and subsidy applications -- ``risk_sharing.schemes.
eligibility.eligibility`` for a scheme, ``risk_sharing.subsidies.model.basis`` and ``due`` for a subsidy -- so a match
can never disagree with what the fund will later decide on the same facts. This module adds only the estimate:

* a **subsidy**'s saving is what the rule would pay on the loan's schedule: each calendar year's scheduled interest
  (or the stated fee or premium), counted as the rule counts it, times the rule's rate, capped per firm per year
  after what the firm was already granted that year;
* a **scheme**'s saving is the part of the loan's principal the other parties (fund, insurer, ...) bear if the loan
  defaults with its whole principal lost (``risk_sharing.claims.model.split_loss``, caps per loan included): the
  most the scheme can take off the bank's loss, which is what lets a bank lend or price the loan at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ippledge.lending.model.schedule import Schedule
from ippledge.risk_sharing.claims.model import split_loss
from ippledge.risk_sharing.model import Problem, Scheme
from ippledge.risk_sharing.schemes.eligibility import LoanFacts, eligibility
from ippledge.risk_sharing.subsidies import model as subsidies

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Fees:
    """Fees the firm pays besides interest, as stated (``None``: not stated, so that subsidy's saving is unknown)."""

    valuation_fee: Decimal | None = None  # one-off, in the year the loan starts
    annual_premium: Decimal | None = None  # loan insurance (贷款保证保险) premium per year of the term
    annual_guarantee_fee: Decimal | None = None  # guarantee fee (担保费) per year of the term


@dataclass(frozen=True)
class Match:
    """One scheme or subsidy and how it was decided for this loan."""

    kind: str  # scheme | subsidy
    code: str
    version: str
    name_zh: str
    name_en: str
    subsidy_kind: str | None  # interest | valuation_fee | premium | guarantee_fee (subsidies only)
    qualifies: bool
    reasons: list[Problem]  # every rule that failed; empty when it qualifies
    rules_checked: list[str]  # the conditions the scheme or rule sets (what decided a pass)
    saving: Decimal | None  # None: it does not qualify, or the basis (a fee) was not stated
    saving_basis: str  # what ``saving`` measures
    workings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "version": self.version,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "subsidy_kind": self.subsidy_kind,
            "qualifies": self.qualifies,
            "reasons": [r.to_dict() for r in self.reasons],
            "rules_checked": self.rules_checked,
            "saving": None if self.saving is None else str(self.saving),
            "saving_basis": self.saving_basis,
            "workings": self.workings,
        }


def scheme_conditions(scheme: Scheme) -> list[str]:
    """The eligibility conditions ``scheme`` sets (names of ``Eligibility`` fields), plus the no-IP rule."""
    e = scheme.eligibility
    names = [n for n in e.__dataclass_fields__ if getattr(e, n) not in (None, False)]
    return ["effective_from", *names, "ip_pledged_share"]


def match_scheme(scheme: Scheme, facts: LoanFacts) -> Match:
    """The scheme decided on ``facts`` by the enrolment rule itself, with the most it bears of a full loss."""
    reasons = eligibility(scheme, facts)
    saving: Decimal | None = None
    workings: dict[str, Any] = {}
    if not reasons:
        split = split_loss(scheme, facts.loan_amount, facts.loan_amount, ip_share_bp=facts.ip_share_bp)
        saving = split.compensation
        workings = {
            "loss": str(facts.loan_amount),
            "tier": split.tier_index,
            "shares": {p.value: str(v) for p, v in split.shares.items()},
        }
    return Match(
        "scheme",
        scheme.code,
        scheme.version,
        scheme.name_zh,
        scheme.name_en,
        None,
        not reasons,
        reasons,
        scheme_conditions(scheme),
        saving,
        "max_compensation",
        workings,
    )


def interest_by_year(schedule: Schedule) -> dict[int, Decimal]:
    """Scheduled interest per calendar year of the due dates."""
    out: dict[int, Decimal] = {}
    for i in schedule.instalments:
        out[i.due_date.year] = out.get(i.due_date.year, ZERO) + i.interest
    return out


def fee_by_year(kind: str, schedule: Schedule, fees: Fees) -> dict[int, Decimal] | None:
    """The stated fee of ``kind`` per calendar year (``None`` when not stated): a valuation fee once, in the start
    year; a premium or guarantee fee once per started year of the term, in the year each loan year starts."""
    if kind == "valuation_fee":
        return None if fees.valuation_fee is None else {schedule.start.year: fees.valuation_fee}
    annual = fees.annual_premium if kind == "premium" else fees.annual_guarantee_fee
    if annual is None:
        return None
    out: dict[int, Decimal] = {}
    for k in range(-(-schedule.months // 12)):
        year = schedule.start.year + k
        out[year] = out.get(year, ZERO) + annual
    return out


def rule_conditions(body: Mapping[str, Any]) -> list[str]:
    names = ["rate_bp", "per_firm_annual_cap"]
    names += [n for n in ("rate_cap", "max_firm_revenue") if body.get(n) is not None]
    names += [n for n in ("ip_share_only", "pledge_before_settlement") if body.get(n)]
    if body.get("above_cap") == "count_at_cap":
        names.append("above_cap=count_at_cap")
    return names


def match_subsidy(
    body: Mapping[str, Any],
    terms: subsidies.LoanTerms,
    schedule: Schedule,
    fees: Fees,
    used_by_year: Mapping[int, Decimal] | None = None,
    name: tuple[str, str] = ("", ""),
) -> Match:
    """The subsidy rule ``body`` decided on ``terms`` by the application rule itself, with what it would pay over
    ``schedule`` (interest) or the stated fees, year by year, capped per firm per year."""
    kind = str(body["kind"])
    paid = interest_by_year(schedule) if kind == "interest" else fee_by_year(kind, schedule, fees)
    probe = subsidies.basis(body, next(iter(paid.values())) if paid else ZERO, terms)
    reasons = list(probe.reasons)
    saving: Decimal | None = None
    years: dict[str, Any] = {}
    if not reasons and paid is not None:
        saving = ZERO
        for year, amount in sorted(paid.items()):
            counted = subsidies.basis(body, amount, terms)
            computed, due = subsidies.due(body, counted.amount, (used_by_year or {}).get(year, ZERO))
            years[str(year)] = {**counted.workings, "computed": str(computed), "due": str(due)}
            saving += due
    basis = "interest_subsidy" if kind == "interest" else f"{kind}_subsidy"
    return Match(
        "subsidy",
        str(body["code"]),
        str(body["version"]),
        name[0] or str(body["code"]),
        name[1] or str(body["code"]),
        kind,
        not reasons,
        reasons,
        rule_conditions(body),
        saving,
        basis if paid is not None else f"{basis}: fee not stated",
        {"by_year": years},
    )


def rule_in_force(versions: list[tuple[dt.date, Mapping[str, Any]]], on: dt.date) -> Mapping[str, Any] | None:
    """Of one rule code's versions ``(effective_from, body)``, the one in force on ``on`` (the latest started)."""
    started = [(d, b) for d, b in versions if d <= on]
    return max(started, key=lambda x: x[0])[1] if started else None
