"""Bulk posting (批量记账): thousands of entries in a few statements, for the daily close.

``post_many`` validates every draft first (nothing is written if any is invalid, and the error lists every problem
with its position), skips drafts whose idempotency key is already in the ledger with the same content (a rerun of
a close changes nothing), fetches or creates all accounts in one pass, and inserts entries and postings with Core
executemany. One audit record covers the batch. A concurrent batch inserting the same keys makes the later one fail
with ``ledger.concurrent_batch`` (409) and write nothing; rerunning it then skips what the other wrote.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.db import utcnow
from ippledge.ledger import errors
from ippledge.ledger.model import EntryDraft, LedgerError, LedgerProblem, problem, validate_entry
from ippledge.ledger.store import Actor, actor_name, chunks, ensure_accounts, entry_row
from ippledge.ledger.tables import (
    ENTRY_TABLE,
    POSTING_TABLE,
    JournalEntry,
    JournalPosting,
    LedgerAccount,
)

Content = tuple[str, str | None, str | None, frozenset[tuple[str, Decimal]]]


@dataclass(frozen=True)
class PostManyResult:
    entry_ids: tuple[int, ...]  # one per draft, in input order (the existing entry for a replayed key)
    created: int
    replayed: int


def _problems(drafts: Sequence[EntryDraft]) -> list[LedgerProblem]:
    out: list[LedgerProblem] = []
    for i, d in enumerate(drafts):
        for p in validate_entry(d):
            out.append(
                LedgerProblem(
                    p.code, f"第{i + 1}条：{p.message_zh}", f"entry {i + 1}: {p.message_en}", {"entry": i, **p.details}
                )
            )
    counts = Counter(d.idempotency_key for d in drafts if d.idempotency_key is not None)
    for key, n in counts.items():
        if n > 1:
            out.append(problem(errors.DUPLICATE_KEY, {"idempotency_key": key}))
    return out


def _existing(session: Session, keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in chunks(keys):
        stmt = select(JournalEntry.idempotency_key, JournalEntry.id).where(
            JournalEntry.idempotency_key.in_(list(chunk))
        )
        found.update({k: i for k, i in session.execute(stmt) if k is not None})
    return found


def _contents(session: Session, ids: list[int]) -> dict[int, Content]:
    heads: dict[int, tuple[str, str | None, str | None]] = {}
    lines: dict[int, set[tuple[str, Decimal]]] = defaultdict(set)
    for chunk in chunks(ids):
        ids_ = list(chunk)
        stmt = select(JournalEntry.id, JournalEntry.kind, JournalEntry.ref_type, JournalEntry.ref_id)
        heads.update({i: (k, rt, ri) for i, k, rt, ri in session.execute(stmt.where(JournalEntry.id.in_(ids_)))})
        plines = (
            select(JournalPosting.entry_id, LedgerAccount.code, JournalPosting.amount)
            .join(LedgerAccount, LedgerAccount.id == JournalPosting.account_id)
            .where(JournalPosting.entry_id.in_(ids_))
        )
        for entry_id, code, amount in session.execute(plines):
            lines[entry_id].add((code, amount))
    return {i: (*h, frozenset(lines[i])) for i, h in heads.items()}


def _check_replays(session: Session, drafts: Sequence[EntryDraft], existing: dict[str, int]) -> None:
    contents = _contents(session, sorted(existing.values()))
    bad = [
        d.idempotency_key
        for d in drafts
        if d.idempotency_key in existing and contents.get(existing[d.idempotency_key]) != d.content()
    ]
    if bad:
        listed = ", ".join(str(k) for k in bad[:10])
        raise errors.IDEMPOTENCY_MISMATCH.kind(
            f"{len(bad)}个幂等键已用于内容不同的分录：{listed}",
            f"{len(bad)} idempotency key(s) were used for different entries: {listed}",
            code=errors.IDEMPOTENCY_MISMATCH.code,
            details={"idempotency_keys": bad},
        )


def post_many(session: Session, actor: Actor, drafts: Sequence[EntryDraft]) -> PostManyResult:
    """Post many entries at once (all or nothing); see the module docstring."""
    problems = _problems(drafts)
    if problems:
        shown = problems[:20]  # the message stays readable; details of the error carry the first 20
        raise LedgerError.from_problems(shown, where=f"{len(problems)} problem(s) in {len(drafts)} entries")
    existing = _existing(session, [d.idempotency_key for d in drafts if d.idempotency_key is not None])
    if existing:
        _check_replays(session, drafts, existing)
    todo = [d for d in drafts if d.idempotency_key not in existing]
    new_ids: list[int] = []
    if todo:
        accounts = ensure_accounts(session, (p.account for d in todo for p in d.postings))
        name, now = actor_name(actor), utcnow()
        table = ENTRY_TABLE
        try:
            with session.begin_nested():
                returning = insert(table).returning(table.c.id, sort_by_parameter_order=True)
                for chunk in chunks([entry_row(d, name, now) for d in todo]):
                    new_ids.extend(session.execute(returning, list(chunk)).scalars())
                rows: list[dict[str, Any]] = [
                    {"entry_id": eid, "account_id": accounts[p.account], "amount_fen": p.amount}  # bound by db.Fen
                    for eid, d in zip(new_ids, todo, strict=True)
                    for p in d.postings
                ]
                for chunk in chunks(rows):
                    session.execute(insert(POSTING_TABLE), list(chunk))
        except IntegrityError:
            raise errors.CONCURRENT_BATCH() from None
        kinds = Counter(d.kind for d in todo)
        audit.record(
            session,
            actor,
            "ledger.post_many",
            "journal_entry",
            f"{new_ids[0]}-{new_ids[-1]}",
            {"created": len(todo), "replayed": len(existing), "kinds": dict(sorted(kinds.items()))},
        )
    fresh = iter(new_ids)
    ids = tuple(existing[d.idempotency_key] if d.idempotency_key in existing else next(fresh) for d in drafts)
    return PostManyResult(entry_ids=ids, created=len(todo), replayed=len(drafts) - len(todo))
