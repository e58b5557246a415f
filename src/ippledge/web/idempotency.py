"""Idempotent requests (幂等请求): a retried money-moving request returns the first result and never acts twice.

The caller sends an ``Idempotency-Key`` header. The first request with a key inserts a row keyed on (party, key)
before it acts, in the request's own transaction: the row commits with the action and its stored response, or not
at all (a failed or killed request leaves no key behind, so its retry acts). A concurrent duplicate blocks on that
unique row until the first commits, then replays its stored response. A key reused with a different request body is
a conflict, not a replay. Keys are scoped per party, so two banks can never collide or read each other's responses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Integer, String, Text, UniqueConstraint, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from ippledge.access.audit_chain import canonical_json
from ippledge.access.model import Principal
from ippledge.db import Base, IdMixin, is_postgres, utcnow
from ippledge.web import errors
from ippledge.web.deps import PrincipalDep, SessionDep


class IdempotencyRecord(IdMixin, Base):
    __tablename__ = "idempotency_record"

    party_id: Mapped[int]
    key: Mapped[str] = mapped_column(String(100))
    operation: Mapped[str] = mapped_column(String(100))  # e.g. "POST /loans/{id}/disbursement"
    request_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("party_id", "key"),)


IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="required on money-moving requests; a retry returns the first result"),
]


@dataclass(frozen=True)
class Outcome:
    status_code: int
    body: Any
    replayed: bool

    def response(self) -> JSONResponse:
        """The HTTP answer: the first result's status and body, whether this call acted or replayed."""
        return JSONResponse(status_code=self.status_code, content=self.body)


def _require_key(key: str | None) -> str:
    if key is None or not 8 <= len(key.strip()) <= 100:
        raise errors.IDEMPOTENCY_KEY_REQUIRED()
    return key.strip()


def _sha(operation: str, payload: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json({"op": operation, "body": payload}).encode()).hexdigest()


def _replay(row: IdempotencyRecord, sha: str) -> Outcome:
    if row.request_sha256 != sha:
        raise errors.IDEMPOTENCY_MISMATCH(key=row.key, operation=row.operation)
    return Outcome(row.status_code or 200, json.loads(row.response or "null"), replayed=True)


def _claim_key(session: Session, claim: Any) -> None:
    """Insert the key's row in the request's own transaction, so it commits with the action or not at all.

    On PostgreSQL a failed statement aborts the transaction, so the INSERT runs in a savepoint. On SQLite a savepoint
    opened before any write is the outermost transaction (the driver has not begun one yet) and its release would
    commit the key before the action ran; there a failed INSERT fails only itself, so it runs in the outer transaction.
    """
    if is_postgres(session):
        with session.begin_nested():
            session.execute(claim)
    else:
        session.execute(claim)


def run_once(
    session: Session,
    principal: Principal,
    key: str | None,
    operation: str,
    payload: Mapping[str, Any],
    act: Callable[[], Any],
    status_code: int = 200,
) -> Outcome:
    """Run ``act`` once per (party, key); ``act`` returns a JSON-ready body stored for replays."""
    key = _require_key(key)
    sha = _sha(operation, payload)
    find = select(IdempotencyRecord).where(
        IdempotencyRecord.party_id == principal.party_id, IdempotencyRecord.key == key
    )
    existing = session.scalars(find).first()
    if existing is not None:
        return _replay(existing, sha)
    claim = insert(IdempotencyRecord).values(
        party_id=principal.party_id, key=key, operation=operation, request_sha256=sha, created_at=utcnow()
    )
    try:
        _claim_key(session, claim)
    except IntegrityError:
        # A concurrent request with this key committed first (our INSERT waited for it): replay its result.
        first = session.scalars(find.execution_options(populate_existing=True)).one()
        return _replay(first, sha)
    body = act()
    session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.party_id == principal.party_id, IdempotencyRecord.key == key)
        .values(status_code=status_code, response=json.dumps(body, ensure_ascii=False, default=str))
    )
    return Outcome(status_code, body, replayed=False)


@dataclass(frozen=True)
class Once:
    """An idempotent money route's runner: ``once(payload, act)`` answers the first result of ``act`` for this key.

    The operation is the route's method and path template (``POST /loans/{loan_id}/repayments``), so two routes can
    never replay each other's results.
    """

    session: Session
    principal: Principal
    key: str | None
    operation: str

    def __call__(self, payload: Mapping[str, Any], act: Callable[[], Any], status_code: int = 200) -> JSONResponse:
        body = json.loads(json.dumps(dict(payload), default=str))  # dates and amounts as the stored request
        return run_once(self.session, self.principal, self.key, self.operation, body, act, status_code).response()


def _once(request: Request, principal: PrincipalDep, session: SessionDep, key: IdempotencyKey = None) -> Once:
    route = request.scope.get("route")
    path = getattr(route, "path", request.url.path)
    return Once(session, principal, key, f"{request.method} {path}")


OnceDep = Annotated[Once, Depends(_once)]
