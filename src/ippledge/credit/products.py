"""Credit products as versioned data (信贷产品及版本): a bank admin or approver defines them; each change a version.

A new version from a date closes the open-ended version before it on the previous day, so a decision always finds
exactly one version in effect and records which one it used.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.credit import errors, store
from ippledge.credit.model import DEFAULT_LTV_BP, ProductKind, ProductRules, RateCap, RepaymentMethod, Underwriting
from ippledge.credit.tables import CreditProduct, CreditProductVersion
from ippledge.kernel.errors import ErrorCode, not_found
from ippledge.kernel.money import CNY, money, positive_money

E = TypeVar("E", bound=Enum)


@dataclass(frozen=True)
class VersionTerms:
    effective_from: dt.date
    min_amount: Decimal | str | int
    max_amount: Decimal | str | int
    max_term_months: int = 36
    ltv_bp: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_LTV_BP))
    rate_cap_lpr_multiple: Decimal | str | None = None
    rate_cap_lpr_plus_bp: int | None = None
    penalty_uplift_bp: int = 5000
    underwriting: str = Underwriting.NONE.value
    repayment_methods: Sequence[str] = tuple(m.value for m in RepaymentMethod)
    ip_required_above: Decimal | str | int | None = None
    effective_to: dt.date | None = None
    currency: str = CNY
    model_basis_without_report: bool = False
    model_cap_p90_multiple: Decimal | str | None = None
    min_forced_sale_coverage: Decimal | str | None = None


def _product_admin(principal: Principal) -> None:
    principal.require_kind(PartyKind.BANK)
    principal.require(Role.ADMIN, Role.APPROVER)


def choice(kind: type[E], value: str, refusal: ErrorCode) -> E:
    """``value`` as a member of the enum ``kind``; anything else is refused with ``refusal(value=...)``."""
    try:
        return kind(value)
    except ValueError:
        raise refusal(value=value) from None


def create_product(session: Session, principal: Principal, code: str, name: str, kind: str) -> CreditProduct:
    _product_admin(principal)
    pkind = choice(ProductKind, kind, errors.PRODUCT_KIND)
    if not code.strip() or not name.strip():
        raise errors.PRODUCT_NAME()
    dup = select(CreditProduct.id).where(
        CreditProduct.bank_id == principal.party_id, CreditProduct.code == code.strip()
    )
    if session.scalar(dup) is not None:
        raise errors.PRODUCT_EXISTS(product_code=code)
    row = CreditProduct(
        bank_id=principal.party_id, code=code.strip(), name=name.strip(), kind=pkind.value, created_by=principal.actor
    )
    session.add(row)
    session.flush()
    audit.record(
        session, principal, "credit.product_created", "credit_product", row.id, {"code": row.code, "kind": row.kind}
    )
    return row


def add_version(session: Session, principal: Principal, product_id: int, t: VersionTerms) -> CreditProductVersion:
    """Record the terms in force from ``t.effective_from`` (validated as a whole before anything is written)."""
    _product_admin(principal)
    product = scope.get_visible(session, CreditProduct, product_id, principal)
    if product.bank_id != principal.party_id:
        raise not_found("信贷产品", "credit product", id=product_id)
    methods = frozenset(choice(RepaymentMethod, m, errors.METHOD_UNKNOWN) for m in t.repayment_methods)
    multiple = None if t.rate_cap_lpr_multiple is None else Decimal(str(t.rate_cap_lpr_multiple))
    above = None if t.ip_required_above is None else money(t.ip_required_above, t.currency)
    k = _fraction(t.model_cap_p90_multiple, "model_cap_p90_multiple")
    coverage = _fraction(t.min_forced_sale_coverage, "min_forced_sale_coverage")
    rules = ProductRules(
        kind=ProductKind(product.kind),
        ltv_bp=dict(t.ltv_bp),
        min_amount=positive_money(t.min_amount, t.currency),
        max_amount=positive_money(t.max_amount, t.currency),
        max_term_months=t.max_term_months,
        rate_cap=RateCap(multiple, t.rate_cap_lpr_plus_bp),
        penalty_uplift_bp=t.penalty_uplift_bp,
        underwriting=choice(Underwriting, t.underwriting, errors.UNDERWRITING_KIND),
        methods=methods,
        ip_required_above=above,
        model_basis_without_report=t.model_basis_without_report,
        model_cap_p90_multiple=k,
        min_forced_sale_coverage=coverage,
    ).validate()
    if t.effective_to is not None and t.effective_to < t.effective_from:
        raise errors.VERSION_DATES()
    previous = store.versions_of(session, product.id)
    for v in previous:
        if v.effective_to is None and v.effective_from < t.effective_from:
            v.effective_to = t.effective_from - dt.timedelta(days=1)
        elif v.status == "active" and v.effective_from >= t.effective_from:
            raise errors.VERSION_OVERLAP()
    number = (
        session.scalar(
            select(func.max(CreditProductVersion.version_no)).where(CreditProductVersion.product_id == product.id)
        )
        or 0
    ) + 1
    row = CreditProductVersion(
        product_id=product.id,
        version_no=number,
        status="active",
        effective_from=t.effective_from,
        effective_to=t.effective_to,
        ltv_caps=json.dumps(dict(sorted(rules.ltv_bp.items()))),
        min_amount=rules.min_amount,
        max_amount=rules.max_amount,
        currency=t.currency,
        max_term_months=rules.max_term_months,
        rate_cap_lpr_multiple=None if multiple is None else str(multiple),
        rate_cap_lpr_plus_bp=t.rate_cap_lpr_plus_bp,
        penalty_uplift_bp=rules.penalty_uplift_bp,
        underwriting=rules.underwriting.value,
        repayment_methods=" ".join(sorted(m.value for m in methods)),
        ip_required_above=above,
        model_basis_without_report=t.model_basis_without_report,
        model_cap_p90_multiple=None if k is None else str(k),
        min_forced_sale_coverage=None if coverage is None else str(coverage),
        created_by=principal.actor,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "credit.product_version_added",
        "credit_product",
        product.id,
        {"version_id": row.id, "version_no": number, "from": t.effective_from.isoformat()},
    )
    return row


def _fraction(value: Decimal | str | None, name: str) -> Decimal | None:
    """A decimal product parameter stored as text (at most 4 places, so that it fits its column)."""
    if value is None:
        return None
    try:
        d = Decimal(str(value))
    except ArithmeticError:
        raise errors.PRODUCT_INVALID(problems=[name], summary=name) from None
    if not d.is_finite() or d != d.quantize(Decimal("0.0001")):
        raise errors.PRODUCT_INVALID(problems=[name], summary=name)
    return d


def visible_version(
    session: Session, principal: Principal, version_id: int
) -> tuple[CreditProduct, CreditProductVersion]:
    """A version of one of the caller's products; anything else is 404."""
    version = session.get(CreditProductVersion, version_id)
    product = None if version is None else session.get(CreditProduct, version.product_id)
    if version is None or product is None or product.bank_id != principal.party_id:
        raise not_found("产品版本", "product version", id=version_id)
    return product, version
