"""Audit trail (审计留痕): every state change appends a hash-chained record in the same transaction.

Services call :func:`record`; the records are chained just before commit, under a lock on the single
``audit_head`` row, so concurrent transactions append in a strict order and the lock is held only briefly.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from ippledge.access.audit_chain import (
    GENESIS,
    AuditEntry,
    ChainProblem,
    canonical_json,
    entry_hash,
    verify_chain,
)
from ippledge.access.model import Principal
from ippledge.access.tables import AuditHead, AuditRecord
from ippledge.db import utcnow

_PENDING = "ippledge.audit_pending"


@dataclass(frozen=True)
class _Pending:
    actor: str
    party_id: int | None
    action: str
    subject_type: str
    subject_id: str
    payload: str


def record(
    session: Session,
    actor: Principal | str,
    action: str,
    subject_type: str,
    subject_id: object,
    payload: Mapping[str, Any] | None = None,
) -> None:
    """Queue one audit record; it is written and chained when the transaction commits."""
    if isinstance(actor, Principal):
        actor_name, party_id = actor.actor, actor.party_id or None
    else:
        actor_name, party_id = actor, None
    session.info.setdefault(_PENDING, []).append(
        _Pending(actor_name, party_id, action, subject_type, str(subject_id), canonical_json(payload or {}))
    )


def flush_pending(session: Session) -> int:
    """Chain and insert queued records. Called from the ``before_commit`` hook; returns how many were written."""
    pending: list[_Pending] = session.info.pop(_PENDING, [])
    if not pending:
        return 0
    # Taking the row lock with an UPDATE (not a SELECT) makes SQLite take its write lock at once too.
    row = session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + len(pending))
        .returning(AuditHead.seq, AuditHead.hash)
    ).one_or_none()
    if row is None:
        raise RuntimeError("audit_head row missing: run `ippledge db upgrade`")
    last_seq, prev_hash = row
    seq = last_seq - len(pending)
    at = utcnow().isoformat()
    for p in pending:
        seq += 1
        h = entry_hash(prev_hash, seq, at, p.actor, p.party_id, p.action, p.subject_type, p.subject_id, p.payload)
        session.add(
            AuditRecord(
                seq=seq,
                at=at,
                actor=p.actor,
                party_id=p.party_id,
                action=p.action,
                subject_type=p.subject_type,
                subject_id=p.subject_id,
                payload=p.payload,
                prev_hash=prev_hash,
                hash=h,
            )
        )
        prev_hash = h
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=prev_hash))
    session.flush()
    return len(pending)


def discard_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _entries(session: Session, batch: int = 10_000) -> Iterator[AuditEntry]:
    stmt = select(AuditRecord).order_by(AuditRecord.seq).execution_options(yield_per=batch)
    for r in session.scalars(stmt):
        yield AuditEntry(
            r.seq,
            r.at,
            r.actor,
            r.party_id,
            r.action,
            r.subject_type,
            r.subject_id,
            r.payload,
            r.prev_hash,
            r.hash,
        )


def verify(session: Session) -> tuple[int, list[ChainProblem]]:
    """Walk the whole trail; returns (records checked, problems)."""
    head = session.get(AuditHead, 1)
    count = 0

    def counted() -> Iterator[AuditEntry]:
        nonlocal count
        for e in _entries(session):
            count += 1
            yield e

    problems = verify_chain(counted(), head.seq if head else None, head.hash if head else GENESIS)
    return count, problems


def _before_commit(session: Session) -> None:
    flush_pending(session)


def _after_rollback(session: Session) -> None:
    discard_pending(session)


def install_hooks() -> None:
    """Chain pending audit records at every commit (called by the composition root, ``ippledge.bootstrap``)."""
    if not event.contains(Session, "before_commit", _before_commit):
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_rollback", _after_rollback)
