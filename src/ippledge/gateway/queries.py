"""Gateway reads (数据授权查询): consents and the access log, each limited to the caller's scope.

A firm sees the consents it granted and every read of its data (who read what, when, why); a bank sees the consents
granted to it and its own reads; the regulator sees all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import Principal
from ippledge.gateway.tables import GatewayAccess, GatewayConsent


@dataclass(frozen=True)
class ConsentView:
    id: int
    firm_id: int
    grantee_id: int
    source: str
    fields: list[str]
    purpose: str
    granted_on: dt.date
    expires_on: dt.date
    granted_by: str
    revoked_at: dt.datetime | None
    revoked_by: str | None
    state: str  # active | expired | revoked | pending


def consent_view(row: GatewayConsent, today: dt.date) -> ConsentView:
    if row.revoked_at is not None:
        state = "revoked"
    elif row.expires_on < today:
        state = "expired"
    else:
        state = "active" if row.granted_on <= today else "pending"
    return ConsentView(
        row.id,
        row.firm_id,
        row.grantee_id,
        row.source,
        [f for f in row.fields.split(",") if f],
        row.purpose,
        row.granted_on,
        row.expires_on,
        row.granted_by,
        row.revoked_at,
        row.revoked_by,
        state,
    )


def consents(
    session: Session,
    principal: Principal,
    today: dt.date,
    firm_id: int | None = None,
    grantee_id: int | None = None,
    active_only: bool = False,
) -> list[ConsentView]:
    """The consents the caller may see, newest first."""
    stmt = scope.scoped(GatewayConsent, principal)
    if firm_id is not None:
        stmt = stmt.where(GatewayConsent.firm_id == firm_id)
    if grantee_id is not None:
        stmt = stmt.where(GatewayConsent.grantee_id == grantee_id)
    if active_only:
        stmt = stmt.where(
            GatewayConsent.revoked_at.is_(None), GatewayConsent.expires_on >= today, GatewayConsent.granted_on <= today
        )
    return [consent_view(r, today) for r in session.scalars(stmt.order_by(GatewayConsent.id.desc()))]


def consent(session: Session, principal: Principal, consent_id: int, today: dt.date) -> ConsentView:
    return consent_view(scope.get_visible(session, GatewayConsent, consent_id, principal), today)


@dataclass(frozen=True)
class AccessView:
    id: int
    firm_id: int
    reader_id: int
    actor: str
    consent_id: int | None
    source: str
    field: str
    purpose: str
    business_date: dt.date
    read_at: dt.datetime


def access_log(
    session: Session, principal: Principal, firm_id: int | None = None, limit: int = 200
) -> list[AccessView]:
    """Reads of firms' data the caller may see (a firm: every read of its data), newest first."""
    stmt = scope.scoped(GatewayAccess, principal)
    if firm_id is not None:
        stmt = stmt.where(GatewayAccess.firm_id == firm_id)
    rows = session.scalars(stmt.order_by(GatewayAccess.id.desc()).limit(limit))
    return [
        AccessView(
            r.id,
            r.firm_id,
            r.reader_id,
            r.actor,
            r.consent_id,
            r.source,
            r.field,
            r.purpose,
            r.business_date,
            r.read_at,
        )
        for r in rows
    ]


def post_loan_grants(session: Session, firm_ids: list[int], on: dt.date) -> set[tuple[int, int]]:
    """``(grantee bank, firm)`` pairs with a post-loan consent in force on ``on`` (no caller scoping: the monitoring
    run asks, and reads only through ``service.post_loan_signals``)."""
    from ippledge.gateway import store
    from ippledge.gateway.model import Purpose

    return {(c.grantee_id, c.firm_id) for c in store.live_consents(session, firm_ids, Purpose.POST_LOAN, on)}
