"""Builders for the risk-sharing tests: a fund with reviewer and approvers, a scheme posted as data, a jurisdiction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ippledge.access.model import PartyKind, Role
from ippledge.registry.tables import Enterprise
from ippledge.risk_sharing.model import Jurisdiction, Level
from tests.lending.factories import LoanDesk

JURISDICTION = Jurisdiction("测试市", "Test City", Level.CITY)


def scheme_doc(code: str = "test-city", **over: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": "ippledge.scheme/1",
        "code": code,
        "version": "1",
        "effective_from": "2025-01-01",
        "name_zh": "测试市 风险补偿",
        "name_en": "Test City risk compensation",
        "jurisdiction": {"name_zh": "测试市", "name_en": "Test City", "level": "city", "area_code": None},
        "eligibility": {
            "max_firm_revenue": "200000000",
            "rate_cap": {"kind": "lpr_multiple", "value": "1.4"},
            "max_loan": "5000000",
        },
        "tiers": [{"max_balance": None, "shares": {"fund": 5000, "bank": 2000, "insurer": 3000}}],
        "trigger": {"kind": "write_off", "value": 0},
        "loss_basis": "principal",
        "interest_bearer": "bank",
        "claim_window_days": 180,
        "recovery_clawback": True,
        "annual_budget_cap": "10000000",
        "per_institution_cap": "5000000",
        "overflow_party": "bank",
    }
    doc.update(over)
    return doc


class RiskDesk(LoanDesk):
    """A LoanDesk with a compensation fund (reviewer, approver, and one user with both roles)."""

    def __init__(self, world: Any, app: Any, factory: sessionmaker[Session]) -> None:
        super().__init__(world, app)
        self.factory = factory
        self.fund = world.party(PartyKind.FUND)
        self.reviewer = world.user(self.fund, Role.FUND_REVIEWER)
        self.both = world.user(self.fund, Role.FUND_REVIEWER, Role.APPROVER)
        self.fund_approver = world.user(self.fund, Role.APPROVER)
        self.set_revenue(self.firm.party.id, Decimal("50000000"))

    def set_revenue(self, party_id: int, revenue: Decimal) -> None:
        with self.factory.begin() as s:
            row = s.get(Enterprise, party_id) or Enterprise(party_id=party_id)
            row.annual_revenue_fen = int(revenue * 100)
            row.founded_on = dt.date(2015, 1, 1)
            s.add(row)

    def scheme_with_pool(self, funds: str, code: str = "test-city", **over: Any) -> None:
        self.post(self.operator, "/risk-schemes", scheme_doc(code, **over), 201)
        self.post(self.fund_approver, "/risk-pools", {"scheme_code": code}, 201)
        self.post_key(self.fund_approver, f"/risk-pools/{code}/contributions", {"amount": funds}, 201)

    def loan_insurance(self, loan_id: int, end_on: str = "2026-06-30") -> dict[str, Any]:
        """The body of a per-loan guarantee insurance from today, premium 1% paid by the borrower."""
        return {
            "kind": "loan_insurance",
            "payer_id": self.firm.party.id,
            "premium_rate_bp": 100,
            "loan_id": loan_id,
            "start_on": str(self.clock.today),
            "end_on": end_on,
        }

    def write_off(self, loan_id: int) -> dict[str, Any]:
        """Grade the loan 次级, then write it off (maker-checker); returns the approved write-off."""
        officer = self.bank.approver2
        self.post(officer, f"/loans/{loan_id}/grade", {"grade": "substandard", "reason": "连续两期未还"}, 200)
        wo = self.post(officer, f"/loans/{loan_id}/write-off", {"reason": "处置无果"}, 201).json()
        body = {"approve": True, "reason": "同意"}
        return dict(self.post(self.bank.approver, f"/loan-write-offs/{wo['id']}/decision", body, 200).json())

    def pool_balance(self, code: str = "test-city") -> Decimal:
        return Decimal(self.get(self.fund_approver, f"/risk-pools/{code}").json()["balance"])
