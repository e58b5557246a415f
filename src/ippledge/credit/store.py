"""Credit queries (授信查询): products in effect, version rules, and the scope of products and decisions.

A bank sees its own products and decisions; the platform operator and the regulator see all.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import PartyKind
from ippledge.credit.model import ProductKind, ProductRules, RateCap, RepaymentMethod, Underwriting
from ippledge.credit.tables import CreditAttestation, CreditDecision, CreditProduct, CreditProductVersion

READERS = frozenset({PartyKind.PLATFORM, PartyKind.REGULATOR})


def in_effect(as_of: dt.date) -> tuple[ColumnElement[bool], ...]:
    return (
        CreditProductVersion.status == "active",
        CreditProductVersion.effective_from <= as_of,
        or_(CreditProductVersion.effective_to.is_(None), CreditProductVersion.effective_to >= as_of),
    )


def is_in_effect(version: CreditProductVersion, as_of: dt.date) -> bool:
    return (
        version.status == "active"
        and version.effective_from <= as_of
        and (version.effective_to is None or version.effective_to >= as_of)
    )


def rules_of(version: CreditProductVersion, kind: str) -> ProductRules:
    multiple = version.rate_cap_lpr_multiple
    return ProductRules(
        kind=ProductKind(kind),
        ltv_bp={k: int(v) for k, v in json.loads(version.ltv_caps).items()},
        min_amount=version.min_amount,
        max_amount=version.max_amount,
        max_term_months=version.max_term_months,
        rate_cap=RateCap(Decimal(multiple) if multiple else None, version.rate_cap_lpr_plus_bp),
        penalty_uplift_bp=version.penalty_uplift_bp,
        underwriting=Underwriting(version.underwriting),
        methods=frozenset(RepaymentMethod(m) for m in version.repayment_methods.split()),
        ip_required_above=version.ip_required_above,
        model_basis_without_report=bool(version.model_basis_without_report),
        model_cap_p90_multiple=_decimal(version.model_cap_p90_multiple),
        min_forced_sale_coverage=_decimal(version.min_forced_sale_coverage),
    )


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def versions_of(session: Session, product_id: int) -> list[CreditProductVersion]:
    stmt = select(CreditProductVersion).where(CreditProductVersion.product_id == product_id)
    return list(session.scalars(stmt.order_by(CreditProductVersion.version_no)))


def pending_decision(session: Session, application_id: int, bank_id: int) -> CreditDecision | None:
    stmt = select(CreditDecision).where(
        CreditDecision.application_id == application_id,
        CreditDecision.bank_id == bank_id,
        CreditDecision.status.in_(("pending", "approved")),
    )
    return session.scalars(stmt).first()


def register_rules() -> None:
    """Called by the composition root (``ippledge.bootstrap``), never on import."""
    scope.register(
        CreditProduct,
        scope.ScopeRule(party_columns=("bank_id",), readers=READERS, what_zh="信贷产品", what_en="credit product"),
    )
    scope.register(
        CreditDecision,
        scope.ScopeRule(party_columns=("bank_id",), readers=READERS, what_zh="授信决定", what_en="credit decision"),
    )
    scope.register(
        CreditAttestation,
        scope.ScopeRule(
            party_columns=("bank_id",), readers=READERS, what_zh="银行报送信息", what_en="bank attestation"
        ),
    )
