"""Risk-sharing events (风险分担事件) for the outbox: who hears of an enrolment, a claim, a payout, a clawback.

A claim's events go to the bank (first), the fund and every party that pays a share of it (insurer, guarantor,
valuer, IP operations institution), so each institution's system learns of what it owes or gets back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from ippledge.outbox import events
from ippledge.risk_sharing.claims import store
from ippledge.risk_sharing.claims.tables import Claim


def claim_event(session: Session, claim: Claim, topic: str, payload: Mapping[str, Any]) -> None:
    """Publish ``topic`` about ``claim`` to its bank, its fund and every party that pays a share of it."""
    payers = [s.party_id for s in store.shares_of(session, claim.id)]
    body = {
        "claim_id": claim.id,
        "loan_id": claim.loan_id,
        "scheme_code": claim.scheme_code,
        "status": claim.status,
        **payload,
    }
    events.publish(session, topic, body, claim.bank_id, also=[claim.fund_id, *payers])
