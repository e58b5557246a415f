"""Idempotency keys: a retried request returns the first result and acts once, even when retries race."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from ippledge.access import service
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.access.tables import Party
from ippledge.db import unit_of_work
from ippledge.kernel.errors import ConflictError, ValidationError
from ippledge.web import idempotency

BANK_A = Principal(party_id=1, party_kind=PartyKind.BANK, roles=frozenset({Role.CREDIT_OFFICER}), user_id=1)
BANK_B = Principal(party_id=2, party_kind=PartyKind.BANK, roles=frozenset({Role.CREDIT_OFFICER}), user_id=2)


def _act(session, name: str):  # type: ignore[no-untyped-def]
    def act() -> dict[str, object]:
        party = service.create_party(session, "test", PartyKind.ENTERPRISE, name)
        return {"party_id": party.id}

    return act


def _parties(session_factory, name: str) -> int:  # type: ignore[no-untyped-def]
    with session_factory() as s:
        return int(s.scalar(select(func.count()).select_from(Party).where(Party.name == name)) or 0)


def test_retry_replays_the_first_result(session_factory) -> None:
    with unit_of_work(session_factory) as s:
        first = idempotency.run_once(s, BANK_A, "key-0001-abc", "POST /x", {"a": 1}, _act(s, "甲"), 201)
    with unit_of_work(session_factory) as s:
        again = idempotency.run_once(s, BANK_A, "key-0001-abc", "POST /x", {"a": 1}, _act(s, "甲"), 201)
    assert not first.replayed and again.replayed
    assert again.body == first.body and again.status_code == 201
    assert _parties(session_factory, "甲") == 1


def test_same_key_different_request_is_a_conflict(session_factory) -> None:
    with unit_of_work(session_factory) as s:
        idempotency.run_once(s, BANK_A, "key-0002-abc", "POST /x", {"a": 1}, _act(s, "乙"))
    with pytest.raises(ConflictError) as err, unit_of_work(session_factory) as s:
        idempotency.run_once(s, BANK_A, "key-0002-abc", "POST /x", {"a": 2}, _act(s, "乙"))
    assert err.value.code == "idempotency.mismatch"


def test_keys_are_per_party_and_required(session_factory) -> None:
    with unit_of_work(session_factory) as s:
        a = idempotency.run_once(s, BANK_A, "shared-key-1", "POST /x", {}, _act(s, "丙"))
        b = idempotency.run_once(s, BANK_B, "shared-key-1", "POST /x", {}, _act(s, "丙"))
    assert not a.replayed and not b.replayed and a.body != b.body
    with pytest.raises(ValidationError) as err, unit_of_work(session_factory) as s:
        idempotency.run_once(s, BANK_A, None, "POST /x", {}, _act(s, "丁"))
    assert err.value.code == "idempotency.key_required"


def test_a_failed_request_leaves_no_key_behind(session_factory) -> None:
    """The key is written in the request's own transaction: when the action fails, a retry acts (never ``200 null``)."""

    def fail() -> dict[str, object]:
        raise ConflictError("暂时失败", "failed for now", code="test.failed")

    with pytest.raises(ConflictError), unit_of_work(session_factory) as s:
        idempotency.run_once(s, BANK_A, "retry-after-failure-1", "POST /x", {"v": 1}, fail, 201)
    with unit_of_work(session_factory) as s:
        out = idempotency.run_once(s, BANK_A, "retry-after-failure-1", "POST /x", {"v": 1}, _act(s, "己"), 201)
    assert not out.replayed and out.body is not None and out.status_code == 201
    assert _parties(session_factory, "己") == 1


def test_twenty_concurrent_retries_act_once(engine, session_factory) -> None:
    n = 20
    barrier = threading.Barrier(n)

    def call(_: int) -> tuple[bool, object]:
        barrier.wait()
        with unit_of_work(session_factory) as s:
            out = idempotency.run_once(s, BANK_A, "race-key-0001", "POST /x", {"v": 1}, _act(s, "戊"), 201)
        return out.replayed, out.body

    with ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(call, range(n)))
    assert sum(1 for replayed, _ in results if not replayed) == 1
    assert len({str(body) for _, body in results}) == 1
    assert _parties(session_factory, "戊") == 1
