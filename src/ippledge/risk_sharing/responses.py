"""Risk-sharing responses (风险分担接口应答): plain JSON-ready dicts with amounts as yuan strings."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy.orm import Session

from ippledge.kernel.money import from_fen
from ippledge.risk_sharing.claims import store as claims
from ippledge.risk_sharing.claims.model import Allocation, advance_amount
from ippledge.risk_sharing.claims.tables import Claim
from ippledge.risk_sharing.covers.tables import Cover
from ippledge.risk_sharing.enrolments.tables import Enrolment
from ippledge.risk_sharing.model import Scheme
from ippledge.risk_sharing.pools import store as pools
from ippledge.risk_sharing.pools.tables import FundPool
from ippledge.risk_sharing.schemes.tables import SchemeVersion
from ippledge.risk_sharing.subsidies.tables import SubsidyApplication


def version(row: SchemeVersion) -> dict[str, Any]:
    return {
        "code": row.code,
        "version": row.version,
        "effective_from": str(row.effective_from),
        "effective_to": None if row.effective_to is None else str(row.effective_to),
        "scheme": json.loads(row.body),
    }


def split(scheme: Scheme, a: Allocation) -> dict[str, Any]:
    """A loss split (分担测算): each party's share to the fen, before the caps, which caps bound, the advance."""
    return {
        "scheme": scheme.code,
        "version": scheme.version,
        "loss": str(a.loss),
        "interest": str(a.interest),
        "tier": a.tier_index,
        "shares": {p.value: str(v) for p, v in a.shares.items()},
        "uncapped": {p.value: str(v) for p, v in a.uncapped.items()},
        "capped_by": {p.value: list(v) for p, v in a.capped_by.items()},
        "compensation": str(a.compensation),
        "advance": str(advance_amount(scheme, a)),
    }


def pool(session: Session, row: FundPool) -> dict[str, Any]:
    """A pool: its cash (``balance``, never negative) and what its fund still owes banks on claims (``owed``)."""
    return {
        "scheme_code": row.scheme_code,
        "fund_id": row.fund_id,
        "balance": str(pools.pool_balance(session, row)),
        "owed": str(claims.owed(session, row.scheme_code)),
    }


def enrolment(row: Enrolment) -> dict[str, Any]:
    return {
        "id": row.id,
        "loan_id": row.loan_id,
        "scheme_code": row.scheme_code,
        "scheme_version": row.scheme_version,
        "enrolled_on": str(row.enrolled_on),
        "facts": json.loads(row.facts),
    }


def cover(row: Cover) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "provider_id": row.provider_id,
        "payer_id": row.payer_id,
        "loan_id": row.loan_id,
        "scheme_code": row.scheme_code,
        "premium_rate_bp": row.premium_rate_bp,
        "premium": str(from_fen(row.premium_fen)),
        "paid": str(from_fen(row.paid_fen)),
    }


def claim(session: Session, row: Claim, today: dt.date | None = None) -> dict[str, Any]:
    """``overdue``: the fund has not decided by ``review_due`` (working-day time limit) as of ``today``; ``fund_owed``
    (and each share's ``owed``): what the fund still owes the bank because its pool was short (应付代偿)."""
    shares = claims.shares_of(session, row.id)
    return {
        "id": row.id,
        "loan_id": row.loan_id,
        "scheme_code": row.scheme_code,
        "scheme_version": row.scheme_version,
        "bank_id": row.bank_id,
        "fund_id": row.fund_id,
        "status": row.status,
        "trigger": row.trigger_kind,
        "triggered_on": str(row.triggered_on),
        "filed_on": str(row.filed_on),
        "review_due": str(row.review_due),
        "overdue": today is not None and row.status in ("filed", "proposed", "settling") and today > row.review_due,
        "evidence": json.loads(row.evidence),
        "loss": str(from_fen(row.loss_fen)),
        "interest": str(from_fen(row.interest_fen)),
        "recovered": str(from_fen(row.recovered_fen)),
        "settled_on": None if row.settled_on is None else str(row.settled_on),
        "fund_owed": str(from_fen(sum(s.owed_fen for s in shares))),
        "shares": {
            s.role: {
                "party_id": s.party_id,
                "amount": str(from_fen(s.amount_fen)),
                "uncapped": str(from_fen(s.uncapped_fen)),
                "capped_by": [c for c in s.capped_by.split(",") if c],
                "clawed_back": str(from_fen(s.clawed_back_fen)),
                "advanced": str(from_fen(s.advanced_fen)),
                "owed": str(from_fen(s.owed_fen)),
            }
            for s in shares
        },
    }


def subsidy(row: SubsidyApplication) -> dict[str, Any]:
    return {
        "id": row.id,
        "rule_id": row.rule_id,
        "loan_id": row.loan_id,
        "year": row.year,
        "status": row.status,
        "basis": str(from_fen(row.basis_fen)),
        "computed": str(from_fen(row.computed_fen)),
        "amount": str(from_fen(row.amount_fen)),
        "workings": json.loads(row.workings),
    }
