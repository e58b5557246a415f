"""Posting, idempotent retries, balances and bulk posting on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access import audit
from ippledge.access.tables import AuditRecord
from ippledge.kernel.errors import ConflictError
from ippledge.ledger import service
from ippledge.ledger.model import EntryDraft, LedgerError, Posting
from ippledge.ledger.tables import JournalEntry, JournalPosting, LedgerAccount
from tests.ledger.factories import DAY, accrual, disbursement, parties


def count(s: Session, model: type) -> int:
    return s.scalar(select(func.count()).select_from(model)) or 0


def test_post_balanced_entry(session_factory: sessionmaker[Session]) -> None:
    bank, firm = parties(session_factory)
    with session_factory.begin() as s:
        entry = service.post(s, "user:1", disbursement(bank, firm, 42, "1000000.00", key="disb-42"))
        entry_id = entry.id
        assert sorted((p.account.code, p.amount) for p in entry.postings) == [
            (f"P{bank}:loan:42:principal", Decimal("1000000.00")),
            (f"P{firm}:settlement", Decimal("-1000000.00")),
        ]
    with session_factory() as s:
        assert service.balance(s, f"P{bank}:loan:42:principal") == Decimal("1000000.00")
        assert service.balance(s, f"P{firm}:settlement") == Decimal("1000000.00")  # liability: natural sign
        assert service.balance(s, f"P{bank}:loan:42:principal", as_of=DAY - dt.timedelta(days=1)) == Decimal("0.00")
        assert service.balance(s, f"P{bank}:loan:99:principal") == Decimal("0.00")
        [view] = service.entries_for(s, "loan", 42)
        assert view.id == entry_id and view.memo == "放款" and view.created_by == "user:1"
        types = dict(s.execute(select(LedgerAccount.code, LedgerAccount.type)).all())
        assert types == {f"P{bank}:loan:42:principal": "asset", f"P{firm}:settlement": "liability"}
        actions = s.scalars(select(AuditRecord.action)).all()
        assert actions.count("ledger.post") == 1
        assert audit.verify(s)[1] == []


def test_unbalanced_entry_writes_nothing(session_factory: sessionmaker[Session]) -> None:
    bank, firm = parties(session_factory)
    bad = EntryDraft(
        DAY,
        "loan.disbursement",
        (Posting(f"P{bank}:loan:1:principal", Decimal("10")), Posting(f"P{firm}:settlement", Decimal("-9.99"))),
    )
    with pytest.raises(LedgerError) as exc, session_factory.begin() as s:
        service.post(s, "user:1", bad)
    assert exc.value.code == "ledger.unbalanced" and exc.value.details["problems"][0]["difference"] == "0.01"
    with session_factory() as s:
        assert (count(s, JournalEntry), count(s, JournalPosting), count(s, LedgerAccount)) == (0, 0, 0)


def test_unknown_owner_party_is_refused(session_factory: sessionmaker[Session]) -> None:
    with pytest.raises(LedgerError) as exc, session_factory.begin() as s:
        service.post(s, "user:1", disbursement(999_999, 999_998, 1, "5.00"))
    assert exc.value.code == "ledger.unknown_party"


def test_idempotent_retry_returns_first_entry(session_factory: sessionmaker[Session]) -> None:
    bank, firm = parties(session_factory)
    with session_factory.begin() as s:
        first = service.post(s, "user:1", disbursement(bank, firm, 1, "500.00", key="k1")).id
    with session_factory.begin() as s:
        again = service.post(s, "user:2", disbursement(bank, firm, 1, "500.00", key="k1")).id
    assert again == first
    with pytest.raises(ConflictError) as exc, session_factory.begin() as s:
        service.post(s, "user:1", disbursement(bank, firm, 1, "600.00", key="k1"))
    assert exc.value.code == "ledger.idempotency_mismatch" and exc.value.status == 409
    with session_factory() as s:
        assert count(s, JournalEntry) == 1
        assert service.balance(s, f"P{bank}:loan:1:principal") == Decimal("500.00")


def test_balances_by_prefix(session_factory: sessionmaker[Session]) -> None:
    bank, firm = parties(session_factory)
    with session_factory.begin() as s:
        service.post(s, "u", disbursement(bank, firm, 1, "100.00"))
        service.post(s, "u", disbursement(bank, firm, 2, "250.50"))
        service.post(s, "u", accrual(bank, 1, "0.37", DAY))
    with session_factory() as s:
        assert service.balances(s, f"P{bank}:loan:") == {
            f"P{bank}:loan:1:interest": Decimal("0.37"),
            f"P{bank}:loan:1:principal": Decimal("100.00"),
            f"P{bank}:loan:2:principal": Decimal("250.50"),
        }
        assert service.balances(s, f"P{bank}:income:") == {f"P{bank}:income:interest": Decimal("0.37")}
        assert service.balance(s, f"P{firm}:settlement") == Decimal("350.50")


def test_post_many_bulk_and_rerun(session_factory: sessionmaker[Session]) -> None:
    bank, _firm = parties(session_factory)
    day = dt.date(2025, 4, 1)
    drafts = [accrual(bank, n, f"{n % 7 + 1}.23", day, key=f"accrual:{n}:{day}") for n in range(1, 301)]
    with session_factory.begin() as s:
        result = service.post_many(s, "system:close", drafts)
    assert result.created == 300 and result.replayed == 0 and len(set(result.entry_ids)) == 300
    with session_factory.begin() as s:
        again = service.post_many(s, "system:close", drafts)
    assert again.entry_ids == result.entry_ids and again.created == 0 and again.replayed == 300
    with session_factory() as s:
        assert count(s, JournalEntry) == 300 and count(s, JournalPosting) == 600
        income = service.balance(s, f"P{bank}:income:interest")
        assert income == sum((Decimal(f"{n % 7 + 1}.23") for n in range(1, 301)), Decimal(0))
        assert s.scalars(select(AuditRecord.action)).all().count("ledger.post_many") == 1
        first = service.entries_for(s, "loan", 1)[0]
        assert first.idempotency_key == f"accrual:1:{day}"


def test_post_many_is_all_or_nothing(session_factory: sessionmaker[Session]) -> None:
    bank, _firm = parties(session_factory)
    drafts = [
        accrual(bank, 1, "1.00", DAY, key="a"),
        accrual(bank, 2, "1.001", DAY),
        accrual(bank, 3, "1.00", DAY, key="a"),
    ]
    with pytest.raises(LedgerError) as exc, session_factory.begin() as s:
        service.post_many(s, "u", drafts)
    found = {(p["code"], p.get("entry")) for p in exc.value.details["problems"]}
    assert ("ledger.sub_fen", 1) in found and ("ledger.duplicate_key", None) in found
    with session_factory.begin() as s:
        service.post_many(s, "u", [accrual(bank, 1, "1.00", DAY, key="a")])
    with pytest.raises(ConflictError) as conflict, session_factory.begin() as s:
        service.post_many(s, "u", [accrual(bank, 1, "2.00", DAY, key="a"), accrual(bank, 5, "1.00", DAY, key="b")])
    assert conflict.value.code == "ledger.idempotency_mismatch"
    with session_factory() as s:
        assert count(s, JournalEntry) == 1
