"""Loan-loss provisions (贷款损失准备) as other capabilities read them: the allowance rates by grade and the two
regulatory ratios with their floors, as a caller sees them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from ippledge.access.model import Principal


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
    from ippledge.lending.provisioning import queries as provisioning

    total = provisioning.report(session, principal, today)["total"]
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
