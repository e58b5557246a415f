"""Schemes and pools as data (方案与资金池): versions of a scheme, the seed of presets, pools and contributions.

A new version closes the one before it (``effective_to`` = the new ``effective_from``): history is never edited.
Who may write: the platform operator or a fund administrator for schemes; the fund for its pool.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.db import utcnow
from ippledge.kernel.errors import ConflictError
from ippledge.kernel.money import positive_money, to_fen
from ippledge.ledger import service as ledger
from ippledge.risk_sharing import debts, ledger_entries, presets, schemes, store
from ippledge.risk_sharing.model import Scheme
from ippledge.risk_sharing.tables import FundContribution, FundPool, SchemeVersion

WRITERS = (PartyKind.PLATFORM, PartyKind.FUND)


def seed_rows(conn: Connection) -> None:
    """Insert the preset versions not yet stored (``db_tools.seed``)."""
    have = {(c, v) for c, v in conn.execute(select(SchemeVersion.code, SchemeVersion.version))}
    rows: list[dict[str, Any]] = []
    by_code: dict[str, list[Scheme]] = {}
    for s in presets.presets():
        by_code.setdefault(s.code, []).append(s)
    for versions in by_code.values():
        versions.sort(key=lambda s: s.effective_from)
        for i, s in enumerate(versions):
            if (s.code, s.version) in have:
                continue
            end = versions[i + 1].effective_from if i + 1 < len(versions) else None
            rows.append(
                {
                    "code": s.code,
                    "version": s.version,
                    "effective_from": s.effective_from,
                    "effective_to": end,
                    "body": json.dumps(schemes.to_dict(s), ensure_ascii=False),
                    "created_by": "seed",
                    "created_at": utcnow(),
                }
            )
    if rows:
        conn.execute(insert(SchemeVersion), rows)


def add_version(session: Session, principal: Principal, doc: dict[str, Any]) -> SchemeVersion:
    """Store a new version (validated by ``schemes.from_dict``: every problem listed, nothing written)."""
    principal.require_kind(*WRITERS)
    scheme = schemes.from_dict(doc)
    exists = session.scalars(
        select(SchemeVersion).where(SchemeVersion.code == scheme.code, SchemeVersion.version == scheme.version)
    ).first()
    if exists is not None:
        raise ConflictError(
            f"方案 {scheme.code} 版本 {scheme.version} 已存在",
            f"scheme {scheme.code} version {scheme.version} exists",
            code="risk.scheme.version_exists",
        )
    current = session.scalars(
        select(SchemeVersion)
        .where(SchemeVersion.code == scheme.code, SchemeVersion.effective_to.is_(None))
        .with_for_update()
    ).first()
    if current is not None:
        if current.effective_from >= scheme.effective_from:
            raise ConflictError(
                "新版本的生效日须晚于现行版本",
                f"a new version must start after the version in force ({current.effective_from})",
                code="risk.scheme.effective_order",
            )
        current.effective_to = scheme.effective_from
    row = SchemeVersion(
        code=scheme.code,
        version=scheme.version,
        effective_from=scheme.effective_from,
        body=json.dumps(schemes.to_dict(scheme), ensure_ascii=False),
        created_by=principal.actor[:64],
    )
    session.add(row)
    session.flush()
    audit.record(session, principal, "risk.scheme_version", "risk_scheme", row.id, {"code": row.code, "v": row.version})
    return row


def create_pool(session: Session, principal: Principal, scheme_code: str) -> FundPool:
    """The fund administrator sets up the pool of a scheme (one pool per scheme)."""
    principal.require_kind(PartyKind.FUND)
    principal.require(Role.ADMIN, Role.APPROVER)
    store.version_row(session, scheme_code)
    if session.scalars(select(FundPool).where(FundPool.scheme_code == scheme_code)).first() is not None:
        raise ConflictError("该方案已有资金池", "the scheme already has a pool", code="risk.pool.exists")
    row = FundPool(scheme_code=scheme_code, fund_id=principal.party_id)
    session.add(row)
    session.flush()
    audit.record(session, principal, "risk.pool_created", "risk_fund_pool", row.id, {"scheme": scheme_code})
    return row


def contribute(
    session: Session, principal: Principal, scheme_code: str, amount: Decimal | str, day: dt.date, key: str
) -> Decimal:
    """注资: money paid into the pool (a ledger entry); what the fund owes banks on claims is then paid out of it,
    oldest first (``debts.pay_down``), in the same transaction; returns the new pool balance."""
    row = store.pool(session, scheme_code, lock=True)
    if principal.party_id != row.fund_id:
        raise store.unknown_scheme(scheme_code)
    principal.require(Role.ADMIN, Role.APPROVER)
    value = positive_money(amount)
    draft = ledger_entries.contribution(row.fund_id, scheme_code, value, day, row.id, f"risk.contribution:{key}")
    entry = ledger.post(session, principal, draft)
    if session.scalars(select(FundContribution).where(FundContribution.entry_id == entry.id)).first() is None:
        session.add(FundContribution(pool_id=row.id, value_date=day, amount_fen=to_fen(value), entry_id=entry.id))
        session.flush()
        audit.record(session, principal, "risk.contribution", "risk_fund_pool", row.id, {"amount": str(value)})
        debts.pay_down(session, principal, row, day)
    return store.pool_balance(session, row)
