"""Racing disbursements on PostgreSQL: one retried request moves money once; rival requests, exactly one wins.

Twenty threads post through the HTTP app (each request is its own transaction): with one Idempotency-Key the
idempotency row serialises them and every response is the first one; with twenty keys the loan row lock lets one
disburse and the rest see ``lending.already_disbursed``.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from ippledge.ledger.tables import JournalEntry
from ippledge.lending.tables import LoanInstalment
from tests.ledger.factories import assert_ledger_ok
from tests.lending.factories import LoanDesk

N = 20


def _contracted(d: LoanDesk) -> int:
    deal = d.approved()
    d.register(deal.filing_id)
    return int(d.contract(deal)["id"])


def _race(d: LoanDesk, lid: int, keys: list[str]) -> list[tuple[int, dict]]:
    barrier = threading.Barrier(N)

    def call(k: str) -> tuple[int, dict]:
        barrier.wait()
        headers = {**d.bank.officer.headers, "Idempotency-Key": k}
        r = d.client.post(f"/loans/{lid}/disbursement", json={}, headers=headers)
        return r.status_code, r.json()

    with ThreadPoolExecutor(max_workers=N) as pool:
        return list(pool.map(call, keys))


def _disbursements(factory, lid: int) -> int:  # type: ignore[no-untyped-def]
    with factory() as s:
        stmt = select(func.count()).where(JournalEntry.kind == "loan.disbursement", JournalEntry.ref_id == str(lid))
        return int(s.scalar(stmt) or 0)


@pytest.mark.postgres
@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_same_disbursement_twenty_times_moves_money_once(engine, world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    lid = _contracted(d)
    results = _race(d, lid, ["same-key-0001"] * N)
    assert {status for status, _ in results} == {200}, results
    assert len({str(body) for _, body in results}) == 1
    assert _disbursements(session_factory, lid) == 1
    with session_factory() as s:
        assert s.scalar(select(func.count()).where(LoanInstalment.loan_id == lid)) == 6
    assert_ledger_ok(session_factory, loans=1)


@pytest.mark.postgres
@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_twenty_rival_disbursements_one_wins(engine, world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    lid = _contracted(d)
    results = _race(d, lid, [f"rival-key-{i:04d}" for i in range(N)])
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * (N - 1), results
    assert {body["code"] for status, body in results if status == 409} == {"lending.already_disbursed"}
    assert _disbursements(session_factory, lid) == 1
    assert_ledger_ok(session_factory, loans=1)
