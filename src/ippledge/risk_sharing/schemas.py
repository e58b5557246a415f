"""Risk-sharing requests and responses (风险分担接口报文). Amounts are decimal strings in yuan (``Yuan`` in responses);
dates ISO."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from ippledge.risk_sharing.claims.model import Allocation, advance_amount
from ippledge.web.dates import BusinessDate
from ippledge.web.money import CoverAmount, LossAmount, LossAmountOrZero, PoolAmount, Yuan

if TYPE_CHECKING:
    from ippledge.risk_sharing.claims.tables import Claim, ClaimShare
    from ippledge.risk_sharing.enrolments.tables import Enrolment
    from ippledge.risk_sharing.model import Scheme
    from ippledge.risk_sharing.schemes.tables import SchemeVersion
    from ippledge.risk_sharing.subsidies.tables import SubsidyApplication


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PoolIn(_Body):
    scheme_code: str


class ContributionIn(_Body):
    amount: PoolAmount
    value_date: BusinessDate | None = None


class EnrolIn(_Body):
    loan_id: int
    scheme_code: str


class CoverIn(_Body):
    kind: str = Field(description="pooled_insurance | loan_insurance | guarantee")
    payer_id: int
    premium_rate_bp: int
    start_on: BusinessDate
    end_on: BusinessDate
    loan_id: int | None = None
    scheme_code: str | None = None
    insured_amount: CoverAmount | None = None


class ClaimIn(_Body):
    loan_id: int
    statement: str
    documents: list[str] = Field(default_factory=list, description="references of the evidence documents")


class NoteIn(_Body):
    note: str = ""


class DecisionIn(_Body):
    approve: bool
    reason: str | None = None


class SettlementIn(_Body):
    """预付清算: approve (the default) or reject the proposed settlement; a rejection needs a reason."""

    approve: bool = True
    reason: str | None = None


class RecoveryIn(_Body):
    amount: PoolAmount
    value_date: BusinessDate | None = None


class SubsidyRuleIn(_Body):
    scheme_code: str
    rule: dict[str, Any]


class SubsidyApplyIn(_Body):
    rule_id: int
    loan_id: int
    year: int
    declared_fee: str | None = None


class WhitelistIn(_Body):
    """白名单: an enterprise named on the scheme's whitelist, from a date (until a date), with the list it came from."""

    enterprise_id: int
    listed_from: BusinessDate
    listed_to: BusinessDate | None = None
    source: str = Field(min_length=1, max_length=200)


class WhitelistOut(BaseModel):
    id: int
    scheme_code: str
    enterprise_id: int
    listed_from: dt.date
    listed_to: dt.date | None
    source: str


class SplitIn(_Body):
    """A loss to split under a scheme (nothing is written)."""

    loss: LossAmount = Field(description="net principal loss, yuan")
    balance: LossAmount | None = Field(default=None, description="balance at default (picks the tier); default: loss")
    interest: LossAmountOrZero = Decimal(0)
    ip_share_bp: int | None = Field(default=None, ge=0, le=10_000)
    fund_balance: LossAmountOrZero | None = Field(
        default=None, description="for a scheme whose liability is limited to it"
    )
    as_of: BusinessDate | None = None


class SimulationIn(_Body):
    """A Monte Carlo run: a homogeneous book (``loans``, ``pd``) or the live enrolled book (``portfolio``)."""

    scheme_code: str
    rho: float = Field(ge=0, lt=1, description="asset correlation")
    lgd: float = Field(ge=0, le=1, description="mean loss given default")
    scenarios: int = Field(ge=1, description="at most 200,000 per request")
    seed: int
    portfolio: bool = False
    loans: int | None = Field(default=None, ge=1, le=100_000_000)
    pd: float | None = Field(default=None, ge=0, le=1)
    exposure: float = Field(default=1_000_000.0, gt=0)
    years: int = Field(default=1, ge=1, le=30)
    fund: float | None = Field(default=None, ge=0)
    contribution: float = Field(default=0.0, ge=0)
    sensitivity: str | None = Field(default=None, description="FROM:TO, e.g. fund:bank")
    as_of: BusinessDate | None = None


# -- responses --------------------------------------------------------------------------------------------------------

_REVIEWING = ("filed", "proposed", "settling")  # the fund has a decision to make


class SchemeVersionOut(BaseModel):
    """One stored version of a scheme (方案版本) and its JSON document."""

    code: str
    version: str
    effective_from: dt.date
    effective_to: dt.date | None
    scheme: dict[str, Any] = Field(description="the scheme document, format ippledge.scheme/1")

    @classmethod
    def of(cls, row: SchemeVersion) -> SchemeVersionOut:
        return cls(
            code=row.code,
            version=row.version,
            effective_from=row.effective_from,
            effective_to=row.effective_to,
            scheme=json.loads(row.body),
        )


class SplitOut(BaseModel):
    """A loss split (分担测算): each party's share to the fen, before the caps, which caps bound, the advance."""

    scheme: str
    version: str
    loss: Yuan
    interest: Yuan
    tier: int = Field(description="index of the tier applied (0 = first)")
    shares: dict[str, Yuan]
    uncapped: dict[str, Yuan]
    capped_by: dict[str, list[str]]
    compensation: Yuan = Field(description="what the other parties pay the bank (代偿金额)")
    advance: Yuan = Field(description="what is advanced before write-off (预付), 0 without an advance ratio")

    @classmethod
    def of(cls, scheme: Scheme, a: Allocation) -> SplitOut:
        return cls(
            scheme=scheme.code,
            version=scheme.version,
            loss=a.loss,
            interest=a.interest,
            tier=a.tier_index,
            shares={p.value: v for p, v in a.shares.items()},
            uncapped={p.value: v for p, v in a.uncapped.items()},
            capped_by={p.value: list(v) for p, v in a.capped_by.items()},
            compensation=a.compensation,
            advance=advance_amount(scheme, a),
        )


class SplitPreviewOut(SplitOut):
    """A loss split under the version in force on ``as_of``; nothing is written."""

    as_of: dt.date


class SimulationOut(BaseModel):
    """A Monte Carlo run (组合模拟): each party's expected and tail loss (CNY, floats: statistics, never booked), the
    fund's chance of running dry and the size it would need; with ``sensitivity`` the rows of the share shifts."""

    model_config = ConfigDict(extra="allow")

    inputs: dict[str, Any]
    scenarios: int
    years: int
    total_exposure: float
    backend: str = Field(description="numpy, or the PyTorch device")
    parties: dict[str, dict[str, float]] = Field(description="party -> expected_loss, q0.99, q0.999")
    portfolio: dict[str, float]
    fund: dict[str, Any] = Field(description="p_dry, p_dry_by_year, solvency, required_fund")
    sensitivity_parties: list[str] | None = None
    sensitivity: list[dict[str, Any]] | None = None


class NewPoolOut(BaseModel):
    """A pool just set up (资金池), empty."""

    id: int
    scheme_code: str
    fund_id: int
    balance: Yuan


class PoolOut(BaseModel):
    """A pool's cash (``balance``, never negative) and what its fund still owes banks on claims (``owed``, 应付代偿)."""

    model_config = ConfigDict(from_attributes=True)

    scheme_code: str
    fund_id: int
    balance: Yuan
    owed: Yuan


class EnrolmentOut(BaseModel):
    """A loan's enrolment (纳入) and every fact its eligibility was checked on."""

    id: int
    loan_id: int
    scheme_code: str
    scheme_version: str
    enrolled_on: dt.date
    facts: dict[str, Any]

    @classmethod
    def of(cls, row: Enrolment) -> EnrolmentOut:
        return cls(
            id=row.id,
            loan_id=row.loan_id,
            scheme_code=row.scheme_code,
            scheme_version=row.scheme_version,
            enrolled_on=row.enrolled_on,
            facts=json.loads(row.facts),
        )


class CoverOut(BaseModel):
    """Insurance or a guarantee (保险/担保) and its premium."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str = Field(description="pooled_insurance | loan_insurance | guarantee")
    provider_id: int
    payer_id: int
    loan_id: int | None
    scheme_code: str | None
    premium_rate_bp: int
    premium: Yuan
    paid: Yuan


class ClaimShareOut(BaseModel):
    """What one party bore of a claim: ``owed`` is what the fund still owes of it (its pool was short)."""

    party_id: int | None
    amount: Yuan
    uncapped: Yuan
    capped_by: list[str]
    clawed_back: Yuan
    advanced: Yuan
    owed: Yuan

    @classmethod
    def of(cls, row: ClaimShare) -> ClaimShareOut:
        return cls(
            party_id=row.party_id,
            amount=row.amount,
            uncapped=row.uncapped,
            capped_by=[c for c in row.capped_by.split(",") if c],
            clawed_back=row.clawed_back,
            advanced=row.advanced,
            owed=row.owed,
        )


class ClaimOut(BaseModel):
    """A compensation claim (补偿申请). ``overdue``: the fund has not decided by ``review_due`` (working-day time
    limit); ``fund_owed``: what the fund still owes the bank because its pool was short (应付代偿)."""

    id: int
    loan_id: int
    scheme_code: str
    scheme_version: str
    bank_id: int
    fund_id: int
    status: str = Field(description="filed | proposed | advanced | settling | paid | rejected")
    trigger: str
    triggered_on: dt.date
    filed_on: dt.date
    review_due: dt.date
    overdue: bool
    evidence: dict[str, Any]
    loss: Yuan
    interest: Yuan
    recovered: Yuan
    settled_on: dt.date | None
    fund_owed: Yuan
    shares: dict[str, ClaimShareOut]

    @classmethod
    def of(cls, row: Claim, shares: Sequence[ClaimShare], today: dt.date | None = None) -> ClaimOut:
        return cls(
            id=row.id,
            loan_id=row.loan_id,
            scheme_code=row.scheme_code,
            scheme_version=row.scheme_version,
            bank_id=row.bank_id,
            fund_id=row.fund_id,
            status=row.status,
            trigger=row.trigger_kind,
            triggered_on=row.triggered_on,
            filed_on=row.filed_on,
            review_due=row.review_due,
            overdue=today is not None and row.status in _REVIEWING and today > row.review_due,
            evidence=json.loads(row.evidence),
            loss=row.loss,
            interest=row.interest,
            recovered=row.recovered,
            settled_on=row.settled_on,
            fund_owed=sum((s.owed for s in shares), Decimal(0)),
            shares={s.role: ClaimShareOut.of(s) for s in shares},
        )


class SubsidyRuleOut(BaseModel):
    """A stored subsidy rule version (补贴政策)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    version: str
    kind: str


class SubsidyOut(BaseModel):
    """A subsidy application (补贴申请): what was paid (``basis``), the subsidy before and after the per-firm cap."""

    id: int
    rule_id: int
    loan_id: int
    year: int
    status: str = Field(description="applied | proposed | approved | rejected | paid")
    basis: Yuan
    computed: Yuan
    amount: Yuan
    workings: dict[str, Any]

    @classmethod
    def of(cls, row: SubsidyApplication) -> SubsidyOut:
        return cls(
            id=row.id,
            rule_id=row.rule_id,
            loan_id=row.loan_id,
            year=row.year,
            status=row.status,
            basis=row.basis,
            computed=row.computed,
            amount=row.amount,
            workings=json.loads(row.workings),
        )
