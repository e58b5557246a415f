"""Published read face (查询接口) of lending: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

# Reads for the edges (the demo's year in numbers).
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access.model import Principal
from ippledge.kernel.money import from_fen
from ippledge.lending.tables import Loan


@dataclass(frozen=True)
class LoanFigures:
    """A loan's headline figures (贷款概况): who lent, its state and grade, and its amounts in yuan."""

    loan_id: int
    bank_id: int
    status: str
    grade: str  # five-tier grade code (``normal`` ... ``loss``)
    disbursed_on: dt.date | None
    principal: Decimal
    outstanding: Decimal
    allowance: Decimal  # loan-loss allowance held (贷款损失准备)


def loan_figures(session: Session, status: str | None = None) -> list[LoanFigures]:
    """Every loan (of ``status`` when given) with its headline figures, in id order. Unscoped: for the platform's
    own reports (the demo), never for a caller's request."""
    stmt = select(Loan).order_by(Loan.id)
    if status is not None:
        stmt = stmt.where(Loan.status == status)
    return [
        LoanFigures(
            loan_id=ln.id,
            bank_id=ln.bank_id,
            status=ln.status,
            grade=ln.grade,
            disbursed_on=ln.disbursed_on,
            principal=from_fen(ln.principal_fen),
            outstanding=from_fen(ln.outstanding_principal_fen),
            allowance=from_fen(ln.allowance_fen),
        )
        for ln in session.scalars(stmt)
    ]


@dataclass(frozen=True)
class GradeLabel:
    """One tier of the five-tier classification (五级分类): its code and Chinese name, best first."""

    code: str
    zh: str


def grade_labels() -> list[GradeLabel]:
    """The five tiers, from normal (正常) to loss (损失)."""
    from ippledge.lending.classification import Grade

    return [GradeLabel(g.code, g.zh) for g in Grade]


@dataclass(frozen=True)
class ProvisionTotals:
    """The allowance rates by grade and the two regulatory ratios with their floors, over every bank one sees."""

    rates: dict[str, Decimal | None]  # grade code -> allowance rate
    provision_coverage: Decimal | None  # 拨备覆盖率; None without non-performing loans
    provision_coverage_min: Decimal
    provision_coverage_breach: bool
    loan_provision_ratio: Decimal | None  # 贷款拨备率
    loan_provision_ratio_min: Decimal
    loan_provision_ratio_breach: bool


def provision_totals(session: Session, principal: Principal, today: dt.date) -> ProvisionTotals:
    """The provisioning report's total (贷款损失准备) as ``principal`` sees it, with the policies of ``today``."""
    from ippledge.lending import provisions

    total = provisions.report(session, principal, today)["total"]
    q = total["ratios"]

    def dec(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    return ProvisionTotals(
        rates={g["grade"]: dec(g["rate"]) for g in total["grades"]},
        provision_coverage=dec(q["provision_coverage"]),
        provision_coverage_min=Decimal(q["provision_coverage_min"]),
        provision_coverage_breach=bool(q["provision_coverage_breach"]),
        loan_provision_ratio=dec(q["loan_provision_ratio"]),
        loan_provision_ratio_min=Decimal(q["loan_provision_ratio_min"]),
        loan_provision_ratio_breach=bool(q["loan_provision_ratio_breach"]),
    )
