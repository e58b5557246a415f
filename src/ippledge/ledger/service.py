"""Posting to the ledger (记账): one balanced entry per business fact, written once per idempotency key.

``post`` validates (nothing is written for an invalid entry), creates the accounts it names on first use, and writes
the entry and its postings. Retrying with the same ``idempotency_key`` returns the first entry if the content (kind,
reference, postings; not the memo or the date) is the same and raises ``ledger.idempotency_mismatch`` (409)
otherwise. Account creation and the entry insert both use ``INSERT .. ON CONFLICT DO NOTHING`` against a UNIQUE
column and then read the winner: on PostgreSQL a concurrent insert of the same key waits for the other transaction
and then yields to it, so exactly one entry exists however many retries race, and no savepoint is needed.
``post_many`` (``ledger.bulk``) is the bulk path for the daily close.
"""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.db import utcnow
from ippledge.ledger import errors
from ippledge.ledger.bulk import PostManyResult, post_many
from ippledge.ledger.model import EntryDraft, require_valid
from ippledge.ledger.store import (
    Actor,
    EntryView,
    actor_name,
    balance,
    balances,
    balances_of,
    by_key,
    ensure_accounts,
    entries_for,
    entry_row,
    posting_rows,
    replay,
    upsert,
    view,
)
from ippledge.ledger.tables import ENTRY_TABLE, POSTING_TABLE, JournalEntry


def post(session: Session, actor: Actor, draft: EntryDraft) -> JournalEntry:
    """Write one balanced entry (or return the one already written under its idempotency key)."""
    require_valid(draft)
    key = draft.idempotency_key
    if key is not None and (existing := by_key(session, key)) is not None:
        return replay(existing, draft)
    accounts = ensure_accounts(session, [p.account for p in draft.postings])
    row = entry_row(draft, actor_name(actor), utcnow())
    stmt = upsert(session, ENTRY_TABLE).values(**row)
    if key is not None:
        stmt = stmt.on_conflict_do_nothing(index_elements=["idempotency_key"])
    entry_id = session.execute(stmt.returning(ENTRY_TABLE.c.id)).scalar()
    if entry_id is None:  # a concurrent request with the same key won; it has committed by now
        existing = by_key(session, key) if key is not None else None
        if existing is None:
            raise errors.CONFLICT()
        return replay(existing, draft)
    session.execute(insert(POSTING_TABLE), posting_rows(entry_id, draft, accounts))
    audit.record(
        session,
        actor,
        "ledger.post",
        "journal_entry",
        entry_id,
        {
            "kind": draft.kind,
            "ref": [draft.ref_type, draft.ref_id],
            "date": draft.entry_date.isoformat(),
            "postings": [[p.account, str(p.amount)] for p in draft.postings],
        },
    )
    entry = session.get(JournalEntry, entry_id)
    assert entry is not None
    return entry


__all__ = [
    "Actor",
    "EntryView",
    "PostManyResult",
    "balance",
    "balances",
    "balances_of",
    "ensure_accounts",
    "entries_for",
    "post",
    "post_many",
    "view",
]
