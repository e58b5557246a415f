"""One money movement under retries (幂等记账): 20 identical posts racing on PostgreSQL write one entry."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ippledge.db import unit_of_work
from ippledge.ledger import check, service
from ippledge.ledger.tables import JournalEntry, JournalPosting, LedgerAccount
from tests.ledger.factories import disbursement, parties

N = 20


@pytest.mark.postgres
@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_twenty_concurrent_posts_with_one_key(engine, session_factory: sessionmaker[Session]) -> None:  # type: ignore[no-untyped-def]
    bank, firm = parties(session_factory)
    barrier = threading.Barrier(N)

    def attempt(_: int) -> int:
        barrier.wait()
        with unit_of_work(session_factory) as s:
            return service.post(s, "api", disbursement(bank, firm, 77, "300000.00", key="disburse-77")).id

    with ThreadPoolExecutor(max_workers=N) as pool:
        ids = list(pool.map(attempt, range(N)))

    assert len(set(ids)) == 1
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(JournalEntry)) == 1
        assert s.scalar(select(func.count()).select_from(JournalPosting)) == 2
        assert s.scalar(select(func.count()).select_from(LedgerAccount)) == 2
        assert service.balance(s, f"P{bank}:loan:77:principal") == Decimal("300000.00")
        assert check.check_ledger(s, providers={}).ok
