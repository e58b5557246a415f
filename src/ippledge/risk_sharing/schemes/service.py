"""Scheme versions as data (方案版本): store a new version, seed the presets.

A new version closes the one before it (``effective_to`` = the new ``effective_from``): history is never edited.
Who may write: the platform operator or a fund administrator.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import PartyKind, Principal
from ippledge.db import utcnow
from ippledge.risk_sharing.errors import SCHEME_EFFECTIVE_ORDER, SCHEME_VERSION_EXISTS
from ippledge.risk_sharing.model import Scheme
from ippledge.risk_sharing.schemes import documents, presets
from ippledge.risk_sharing.schemes.tables import SchemeVersion

WRITERS = (PartyKind.PLATFORM, PartyKind.FUND)


def seed_rows(conn: Connection) -> None:
    """Insert the preset versions not yet stored (``migrations.tools.seed``)."""
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
                    "body": json.dumps(documents.to_dict(s), ensure_ascii=False),
                    "created_by": "seed",
                    "created_at": utcnow(),
                }
            )
    if rows:
        conn.execute(insert(SchemeVersion), rows)


def add_version(session: Session, principal: Principal, doc: dict[str, Any]) -> SchemeVersion:
    """Store a new version (validated by ``documents.from_dict``: every problem listed, nothing written)."""
    principal.require_kind(*WRITERS)
    scheme = documents.from_dict(doc)
    exists = session.scalars(
        select(SchemeVersion).where(SchemeVersion.code == scheme.code, SchemeVersion.version == scheme.version)
    ).first()
    if exists is not None:
        raise SCHEME_VERSION_EXISTS(code=scheme.code, version=scheme.version)
    current = session.scalars(
        select(SchemeVersion)
        .where(SchemeVersion.code == scheme.code, SchemeVersion.effective_to.is_(None))
        .with_for_update()
    ).first()
    if current is not None:
        if current.effective_from >= scheme.effective_from:
            raise SCHEME_EFFECTIVE_ORDER(in_force_from=str(current.effective_from))
        current.effective_to = scheme.effective_from
    row = SchemeVersion(
        code=scheme.code,
        version=scheme.version,
        effective_from=scheme.effective_from,
        body=json.dumps(documents.to_dict(scheme), ensure_ascii=False),
        created_by=principal.actor[:64],
    )
    session.add(row)
    session.flush()
    audit.record(session, principal, "risk.scheme_version", "risk_scheme", row.id, {"code": row.code, "v": row.version})
    return row
