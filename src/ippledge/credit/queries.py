"""Published read face (查询接口) of credit: what other capabilities may read.

Typed, and party-scoped where a caller is given. Products are public offers (any bank's products in effect are
listed for enterprises applying to "any bank"); decisions are not."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import queries as access
from ippledge.access import scope
from ippledge.access.model import PartyKind, Principal
from ippledge.credit.lpr import lpr_on
from ippledge.credit.model import OtherSecurity, ProductRules, SecurityKind, ip_share_bp
from ippledge.credit.store import in_effect
from ippledge.credit.tables import CreditAttestation, CreditDecision, CreditProduct, CreditProductVersion

# -- decisions as lending reads them: the contract is made from an approved one -------------------------------------


def visible_decision_id(session: Session, principal: Principal, decision_id: int) -> int:
    """The id of a credit decision (授信决定) the caller may see; 404 (``not_found``) when it may not, or none exists.

    The terms of an approved decision are ``credit.service.approved_terms``."""
    return scope.get_visible(session, CreditDecision, decision_id, principal).id


def visible_decision_ids(session: Session, principal: Principal, application_id: int) -> list[int]:
    """The credit decisions on one application that the caller may see, oldest first (the console lists them)."""
    stmt = scope.scoped(CreditDecision, principal).where(CreditDecision.application_id == application_id)
    return [int(i) for i in session.scalars(stmt.with_only_columns(CreditDecision.id).order_by(CreditDecision.id))]


# -- offers (read by intake through its port ``intake.ports.banks_offering``) ----------------------------------------


def banks_offering(session: Session, as_of: dt.date) -> list[int]:
    """Active banks with at least one product version in effect on ``as_of`` (an application to "any bank")."""
    stmt = (
        select(CreditProduct.bank_id)
        .join(CreditProductVersion, CreditProductVersion.product_id == CreditProduct.id)
        .where(*in_effect(as_of))
        .distinct()
    )
    found = access.parties(session, session.scalars(stmt))
    return sorted(p.id for p in found.values() if p.active and p.kind is PartyKind.BANK)


# -- decisions as lending and risk sharing cite them -----------------------------------------------------------------


@dataclass(frozen=True)
class ValuationUsed:
    """One IP's value a decision lent against: the report behind it (if any), the appraisal of record (``value``),
    the LTV cap applied, the basis kind (``report | internal | model``) and the model's forced-sale value."""

    ip_asset_id: int
    subtype: str
    report_id: int | None
    value: Decimal | None
    ltv_bp: int
    basis: str | None = None
    forced_sale: Decimal | None = None


@dataclass(frozen=True)
class DecisionFacts:
    """A credit decision (授信决定) as other capabilities cite it: parties, status, price and what it lent against.

    ``status`` is ``failed | pending | approved | rejected``; the full terms of an approved decision are
    ``credit.service.approved_terms``."""

    id: int
    application_id: int
    bank_id: int
    borrower_id: int
    status: str
    amount: Decimal
    term_months: int
    rate_bp: int
    lpr_date: dt.date
    lpr_bp: int
    as_of: dt.date
    pledged_asset_ids: tuple[int, ...]
    valuations: tuple[ValuationUsed, ...]
    # the lending basis (贷款依据, decision record 0008); None where unknown (no IP, no model valuation)
    basis_kind: str | None = None
    appraisal: Decimal | None = None
    model_p10: Decimal | None = None
    model_p50: Decimal | None = None
    model_p90: Decimal | None = None
    forced_sale: Decimal | None = None  # what a forced sale of the pledged IP would recover: the LGD input
    ltv_cap_bp: int | None = None
    max_supported: Decimal | None = None
    warnings: tuple[str, ...] = ()  # codes of the non-blocking warnings


def forced_sale_values(session: Session, decision_ids: Iterable[int]) -> dict[int, Decimal]:
    """``decision id -> forced-sale value`` of the IP it lent against (强制变现价值, the LGD input), for the decisions
    that recorded one (no caller scoping: the caller has checked)."""
    ids = sorted(set(decision_ids))
    out: dict[int, Decimal] = {}
    for start in range(0, len(ids), 5_000):
        stmt = select(CreditDecision.id, CreditDecision.forced_sale).where(
            CreditDecision.id.in_(ids[start : start + 5_000]), CreditDecision.forced_sale.is_not(None)
        )
        out.update({int(i): v for i, v in session.execute(stmt) if v is not None})
    return out


def ltv_caps(session: Session, decision_ids: Iterable[int]) -> dict[int, int]:
    """``decision id -> LTV cap (bp)`` the decision lent at (质押率上限), for the decisions that recorded one (no caller
    scoping: the caller has checked)."""
    ids = sorted(set(decision_ids))
    out: dict[int, int] = {}
    for start in range(0, len(ids), 5_000):
        stmt = select(CreditDecision.id, CreditDecision.ltv_cap_bp).where(
            CreditDecision.id.in_(ids[start : start + 5_000]), CreditDecision.ltv_cap_bp.is_not(None)
        )
        out.update({int(i): int(v) for i, v in session.execute(stmt) if v is not None})
    return out


def decision_facts(session: Session, decision_id: int) -> DecisionFacts | None:
    """A decision by id, or ``None`` (no caller scoping: the caller has checked)."""
    d = session.get(CreditDecision, decision_id)
    if d is None:
        return None
    used = tuple(
        ValuationUsed(
            int(v["ip_asset_id"]),
            str(v["subtype"]),
            None if v.get("report_id") is None else int(v["report_id"]),
            None if v.get("value") is None else Decimal(v["value"]),
            int(v.get("ltv_bp") or 0),
            v.get("basis"),
            None if v.get("forced_sale") is None else Decimal(v["forced_sale"]),
        )
        for v in json.loads(d.valuations)
    )
    return DecisionFacts(
        d.id,
        d.application_id,
        d.bank_id,
        d.borrower_id,
        d.status,
        d.amount,
        d.term_months,
        d.rate_bp,
        d.lpr_date,
        d.lpr_bp,
        d.as_of,
        tuple(json.loads(d.pledged_assets)),
        used,
        d.basis_kind,
        d.appraisal,
        d.model_p10,
        d.model_p50,
        d.model_p90,
        d.forced_sale,
        d.ltv_cap_bp,
        d.max_supported,
        tuple(w["code"] for w in json.loads(d.warnings or "[]")),
    )


# -- the bank's attestation, as risk sharing reads it (eligibility facts, the IP-pledged share) -----------------------


@dataclass(frozen=True)
class BankAttestation:
    """The newest attestation (银行报送信息) of a bank on an application; ``None`` fields were not attested."""

    id: int
    application_id: int
    bank_id: int
    borrower_bank_debt: Decimal | None
    clean_credit: bool | None
    credit_report_ref: str | None
    other_security: tuple[OtherSecurity, ...]
    attested_on: dt.date
    attested_by: int

    def ip_share_bp(self, loan_amount: Decimal, ip_pledged: bool) -> int:
        """The IP-pledged share of a loan of ``loan_amount`` under this attestation's other security."""
        return ip_share_bp(loan_amount, self.other_security, ip_pledged)


def attestation_of(row: CreditAttestation) -> BankAttestation:
    security = tuple(
        OtherSecurity(SecurityKind(i["kind"]), Decimal(i["amount"]), str(i.get("note") or ""))
        for i in json.loads(row.other_security)
    )
    return BankAttestation(
        row.id,
        row.application_id,
        row.bank_id,
        row.borrower_bank_debt,
        row.clean_credit,
        row.credit_report_ref,
        security,
        row.attested_on,
        row.attested_by,
    )


def bank_attestation(
    session: Session, application_id: int, bank_id: int, as_of: dt.date | None = None
) -> BankAttestation | None:
    """The bank's newest attestation on the application made on or before ``as_of`` (no caller scoping)."""
    stmt = select(CreditAttestation).where(
        CreditAttestation.application_id == application_id, CreditAttestation.bank_id == bank_id
    )
    if as_of is not None:
        stmt = stmt.where(CreditAttestation.attested_on <= as_of)
    row = session.scalars(stmt.order_by(CreditAttestation.attested_on.desc(), CreditAttestation.id.desc())).first()
    return None if row is None else attestation_of(row)


# -- decision terms for statistics (supervision) --------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionTerms:
    """What the regulator's statistics read from a decision: the product's code, the LPR and rate it was priced on
    (basis points) and the IP it pledged."""

    decision_id: int
    product_code: str
    lpr_bp: int
    rate_bp: int
    pledged_asset_ids: tuple[int, ...]


def decision_terms(session: Session, decision_ids: Iterable[int]) -> dict[int, DecisionTerms]:
    """``decision id -> terms`` for the ids that name a decision (read in chunks; no caller scoping: for reports)."""
    ids = sorted(set(decision_ids))
    out: dict[int, DecisionTerms] = {}
    d = CreditDecision
    for start in range(0, len(ids), 5_000):
        stmt = (
            select(d.id, CreditProduct.code, d.lpr_bp, d.rate_bp, d.pledged_assets)
            .join(CreditProductVersion, CreditProductVersion.id == d.product_version_id)
            .join(CreditProduct, CreditProduct.id == CreditProductVersion.product_id)
            .where(d.id.in_(ids[start : start + 5_000]))
        )
        for i, code, lpr_bp, rate_bp, assets in session.execute(stmt):
            out[int(i)] = DecisionTerms(int(i), str(code), int(lpr_bp), int(rate_bp), tuple(json.loads(assets)))
    return out


@dataclass(frozen=True)
class ProductOffer:
    """A product version in effect (在售产品) as matchmaking reads it: the bank, the product and its rules."""

    bank_id: int
    product_id: int
    code: str
    name: str
    version_no: int
    rules: ProductRules


def product_offers(session: Session, as_of: dt.date) -> list[ProductOffer]:
    """Every product version in effect on ``as_of``, by bank and product code."""
    from ippledge.credit.store import rules_of

    stmt = (
        select(CreditProduct, CreditProductVersion)
        .join(CreditProductVersion, CreditProductVersion.product_id == CreditProduct.id)
        .where(*in_effect(as_of))
        .order_by(CreditProduct.bank_id, CreditProduct.code, CreditProductVersion.version_no)
    )
    return [
        ProductOffer(p.bank_id, p.id, p.code, p.name, v.version_no, rules_of(v, p.kind))
        for p, v in session.execute(stmt)
    ]


def lpr_fixing(session: Session, as_of: dt.date, tenor: str = "1y") -> tuple[dt.date, int]:
    """The LPR fixing in force on ``as_of`` (the latest published on or before it): ``(its date, rate in bp)``; a
    date before any fixing is ``credit.no_lpr``. Lending reprices floating-rate loans from it."""
    fixing = lpr_on(session, as_of, tenor)
    return fixing.effective_date, fixing.rate_bp
