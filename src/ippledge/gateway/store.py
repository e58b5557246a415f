"""Gateway rows (数据授权存取): consents as the rules read them, and the access log. Private to the package.

An access-log row must outlive the request that read: a read whose request then fails (an enrolment refused with
the facts it read, a later error) still happened. Rows are added to the request's transaction and remembered in
``session.info``; if that transaction rolls back, :func:`install_hooks`' listener writes them again in a transaction of
their own, after the rollback has released every lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ippledge.db import utcnow
from ippledge.gateway import model
from ippledge.gateway.tables import GatewayAccess, GatewayConsent

_CHUNK = 5_000


def as_consent(row: GatewayConsent) -> model.Consent:
    return model.Consent(
        id=row.id,
        firm_id=row.firm_id,
        grantee_id=row.grantee_id,
        source=model.Source(row.source),
        fields=frozenset(f for f in row.fields.split(",") if f),
        purpose=model.Purpose(row.purpose),
        granted_on=row.granted_on,
        expires_on=row.expires_on,
        revoked=row.revoked_at is not None,
    )


def consents_between(
    session: Session, firm_id: int, grantee_id: int, source: model.Source | None = None
) -> list[model.Consent]:
    """Every consent (revoked and expired included: the rules tell) of ``firm_id`` to ``grantee_id``."""
    stmt = select(GatewayConsent).where(GatewayConsent.firm_id == firm_id, GatewayConsent.grantee_id == grantee_id)
    if source is not None:
        stmt = stmt.where(GatewayConsent.source == source.value)
    return [as_consent(r) for r in session.scalars(stmt)]


def live_consents(
    session: Session, firm_ids: Iterable[int], purpose: model.Purpose, on: dt.date
) -> list[model.Consent]:
    """Unrevoked consents of these firms for ``purpose`` in force on ``on`` (chunked: a whitelist build asks for every
    firm on the register, beyond SQLite's bound-parameter limit)."""
    ids = sorted(set(firm_ids))
    out: list[model.Consent] = []
    for start in range(0, len(ids), _CHUNK):
        stmt = select(GatewayConsent).where(
            GatewayConsent.firm_id.in_(ids[start : start + _CHUNK]),
            GatewayConsent.purpose == purpose.value,
            GatewayConsent.revoked_at.is_(None),
            GatewayConsent.granted_on <= on,
            GatewayConsent.expires_on >= on,
        )
        out.extend(as_consent(r) for r in session.scalars(stmt))
    return out


def log_reads(
    session: Session,
    firm_id: int,
    reader_id: int,
    actor: str,
    source: model.Source,
    purpose: model.Purpose,
    by_field: dict[str, int | None],
    on: dt.date,
) -> None:
    """One access-log row per field read, with the consent that allowed it."""
    rows = [
        {
            "firm_id": firm_id,
            "reader_id": reader_id,
            "actor": actor[:64],
            "consent_id": consent_id,
            "source": source.value,
            "field": name,
            "purpose": purpose.value,
            "business_date": on,
            "read_at": utcnow(),
        }
        for name, consent_id in sorted(by_field.items())
    ]
    session.add_all(GatewayAccess(**r) for r in rows)
    session.info.setdefault(_PENDING, []).extend(rows)
    session.flush()


_PENDING = "gateway.reads"


def _after_commit(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _after_rollback(session: Session) -> None:
    rows: list[dict[str, Any]] | None = session.info.pop(_PENDING, None)
    if not rows:
        return
    with Session(bind=session.get_bind()) as own, own.begin():
        own.add_all(GatewayAccess(**r) for r in rows)


def install_hooks() -> None:
    """Keep access-log rows of rolled-back requests (called by the composition root, ``ippledge.bootstrap``)."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
