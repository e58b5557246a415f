"""Builders for the disposal tests: a written-off loan whose compensation claim the fund and insurer paid."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ippledge.access.model import PartyKind, Role
from ippledge.risk_sharing import service as risk
from tests.registry.factories import new_uscc
from tests.risk_sharing.factories import RiskDesk


@dataclass
class ClaimedLoan:
    loan_id: int
    claim_id: int
    shares: dict[str, Decimal]
    agent: Any


def claimed_loan(d: RiskDesk) -> ClaimedLoan:
    """A 600,000 loan enrolled and insured, written off, its claim paid by the fund and the insurer, and an IP
    operations institution appointed as disposal agent."""
    d.scheme_with_pool("1000000", liability_limited_to_fund=True)
    lid = d.active_loan(amount="600000", months=6)
    d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201)
    cover = d.post(d.insurer, "/risk-covers", d.loan_insurance(lid), 201).json()
    d.post_key(d.insurer, f"/risk-covers/{cover['id']}/premium", {}, 200)
    d.clock.today = dt.date(2025, 9, 22)
    d.write_off(lid)
    ev = {"loan_id": lid, "statement": "核销后申请补偿", "documents": ["doc:writeoff-approval"]}
    cid = d.post(d.bank.officer, "/risk-claims", ev, 201).json()["id"]
    d.post(d.both, f"/risk-claims/{cid}/review", {"note": "材料齐全"}, 200)
    out = d.post_key(d.fund_approver, f"/risk-claims/{cid}/decision", {"approve": True, "reason": "同意"}, 200).json()
    shares = {k: Decimal(v["amount"]) for k, v in out["shares"].items()}
    agent = d.world.actor(PartyKind.IP_OPERATOR, Role.OPERATOR, uscc=new_uscc())
    with d.factory.begin() as s:
        risk.appoint_disposal_agent(s, d.bank.officer.principal, lid, agent.party.id, "处置代理", d.clock.today)
    return ClaimedLoan(lid, cid, shares, agent)


def bidder(d: RiskDesk) -> Any:
    """An enterprise with a valid USCC and a user to bid with."""
    return d.world.actor(PartyKind.ENTERPRISE, Role.ENTERPRISE_USER, uscc=new_uscc())
