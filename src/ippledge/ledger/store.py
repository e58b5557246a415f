"""Ledger queries and shared write helpers (账务查询): accounts (get-or-create), balances, entries by reference.

Balances are *natural* (see ``ledger.accounts``): positive on the normal side of the account's type.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ippledge.access import queries as access_queries
from ippledge.access.model import Principal
from ippledge.db import is_postgres, utcnow
from ippledge.ledger import errors
from ippledge.ledger.accounts import parse_account
from ippledge.ledger.model import EntryDraft, LedgerError, LedgerProblem, Posting, problem
from ippledge.ledger.tables import (
    ACCOUNT_TABLE,
    JournalEntry,
    JournalPosting,
    LedgerAccount,
)

_CHUNK = 5_000
_ZERO = Decimal("0.00")
Actor = Principal | str


@dataclass(frozen=True)
class EntryView:
    """An entry as read back: its postings carry account codes and Decimal amounts."""

    id: int
    entry_date: dt.date
    kind: str
    ref_type: str | None
    ref_id: str | None
    memo: str
    idempotency_key: str | None
    created_by: str
    created_at: dt.datetime
    postings: tuple[Posting, ...]

    def content(self) -> tuple[str, str | None, str | None, frozenset[tuple[str, Decimal]]]:
        return self.kind, self.ref_type, self.ref_id, frozenset((p.account, p.amount) for p in self.postings)


def view(entry: JournalEntry) -> EntryView:
    return EntryView(
        id=entry.id,
        entry_date=entry.entry_date,
        kind=entry.kind,
        ref_type=entry.ref_type,
        ref_id=entry.ref_id,
        memo=entry.memo,
        idempotency_key=entry.idempotency_key,
        created_by=entry.created_by,
        created_at=entry.created_at,
        postings=tuple(Posting(p.account.code, p.amount) for p in entry.postings),
    )


def actor_name(actor: Actor) -> str:
    return (actor.actor if isinstance(actor, Principal) else actor)[:64]


def upsert(session: Session, table: Any) -> Any:
    return (postgresql.insert if is_postgres(session) else sqlite.insert)(table)


def chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _account_ids(session: Session, codes: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in chunks(codes):
        stmt = select(LedgerAccount.code, LedgerAccount.id).where(LedgerAccount.code.in_(list(chunk)))
        found.update({code: ident for code, ident in session.execute(stmt)})
    return found


def ensure_accounts(session: Session, codes: Iterable[str]) -> dict[str, int]:
    """``code -> account id`` for every code, creating missing accounts (race-safe get-or-create).

    Codes must be valid (``parse_account``); an owner that is not a known party is ``ledger.unknown_party``.
    """
    wanted = sorted(set(codes))  # a fixed order keeps concurrent creators from deadlocking
    found = _account_ids(session, wanted)
    missing = [c for c in wanted if c not in found]
    if not missing:
        return found
    parsed = [parse_account(c) for c in missing]
    if any(p is None for p in parsed):
        raise LedgerError.from_problems([LedgerProblem(errors.ACCOUNT_FORMAT.code, "科目代码无效", "bad account code")])
    owners = sorted({p.owner_party_id for p in parsed if p is not None})
    known = set(access_queries.parties(session, owners))
    unknown = [o for o in owners if o not in known]
    if unknown:
        raise LedgerError.from_problems([problem(errors.UNKNOWN_PARTY, {"party_ids": unknown})])
    now = utcnow()
    rows = [
        {"code": p.code, "owner_party_id": p.owner_party_id, "type": p.type.value, "currency": "CNY", "created_at": now}
        for p in parsed
        if p is not None
    ]
    stmt = upsert(session, ACCOUNT_TABLE).on_conflict_do_nothing(index_elements=["code"])
    for chunk in chunks(rows):
        session.execute(stmt, list(chunk))
    found.update(_account_ids(session, missing))
    return found


def by_key(session: Session, key: str) -> JournalEntry | None:
    return session.scalars(select(JournalEntry).where(JournalEntry.idempotency_key == key)).first()


def replay(existing: JournalEntry, draft: EntryDraft) -> JournalEntry:
    if view(existing).content() != draft.content():
        raise errors.IDEMPOTENCY_MISMATCH(entry_id=existing.id, idempotency_key=draft.idempotency_key)
    return existing


def entry_row(draft: EntryDraft, actor: str, now: dt.datetime) -> dict[str, Any]:
    return {
        "entry_date": draft.entry_date,
        "kind": draft.kind,
        "ref_type": draft.ref_type,
        "ref_id": draft.ref_id,
        "memo": draft.memo,
        "idempotency_key": draft.idempotency_key,
        "created_at": now,
        "created_by": actor,
    }


def posting_rows(entry_id: int, draft: EntryDraft, accounts: dict[str, int]) -> list[dict[str, Any]]:
    # Core rows bind through the column's type (``db.Fen``): amounts go in as Decimal yuan, stored as integer fen.
    return [{"entry_id": entry_id, "account_id": accounts[p.account], "amount_fen": p.amount} for p in draft.postings]


def _natural(code: str, amount: Decimal) -> Decimal:
    parsed = parse_account(code)
    return amount if parsed is None or parsed.type.debit_normal else -amount


def _check_code(code: str) -> None:
    if parse_account(code) is None:
        zh, en = f"科目代码无效：{code!r}", f"not an account code: {code!r}"
        raise LedgerError.from_problems([LedgerProblem(errors.ACCOUNT_FORMAT.code, zh, en)])


def balance(session: Session, account_code: str, as_of: dt.date | None = None) -> Decimal:
    """Natural balance of one account (see ``ledger.accounts``), from entries dated on or before ``as_of``."""
    _check_code(account_code)
    return balances_of(session, [account_code], as_of)[account_code]


def balances_of(session: Session, codes: Iterable[str], as_of: dt.date | None = None) -> dict[str, Decimal]:
    """Natural balances of the given accounts; an account never posted to has 0.00."""
    wanted = sorted(set(codes))
    raw: dict[str, Decimal] = {}
    for chunk in chunks(wanted):
        stmt = (
            select(LedgerAccount.code, func.sum(JournalPosting.amount))
            .join(JournalPosting, JournalPosting.account_id == LedgerAccount.id)
            .where(LedgerAccount.code.in_(list(chunk)))
            .group_by(LedgerAccount.code)
        )
        if as_of is not None:
            stmt = stmt.join(JournalEntry, JournalEntry.id == JournalPosting.entry_id).where(
                JournalEntry.entry_date <= as_of
            )
        raw.update({code: total for code, total in session.execute(stmt) if total is not None})
    return {code: _natural(code, raw.get(code, _ZERO)) for code in wanted}


def balances(session: Session, prefix: str, as_of: dt.date | None = None) -> dict[str, Decimal]:
    """Natural balances of every account whose code starts with ``prefix`` (e.g. ``"P7:loan:"``)."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    stmt = (
        select(LedgerAccount.code, func.sum(JournalPosting.amount))
        .join(JournalPosting, JournalPosting.account_id == LedgerAccount.id)
        .where(LedgerAccount.code.like(f"{escaped}%", escape="\\"))
        .group_by(LedgerAccount.code)
        .order_by(LedgerAccount.code)
    )
    if as_of is not None:
        stmt = stmt.join(JournalEntry, JournalEntry.id == JournalPosting.entry_id).where(
            JournalEntry.entry_date <= as_of
        )
    return {code: _natural(code, _ZERO if total is None else total) for code, total in session.execute(stmt)}


def entries_for(session: Session, ref_type: str, ref_id: object) -> list[EntryView]:
    """Every entry about one business record, oldest first."""
    stmt = (
        select(JournalEntry)
        .where(JournalEntry.ref_type == ref_type, JournalEntry.ref_id == str(ref_id))
        .order_by(JournalEntry.id)
    )
    return [view(e) for e in session.scalars(stmt)]
