"""Concurrent sign-ups against the last places (报名并发): the event row is locked, so exactly ``capacity`` firms get
in and every other one is told the event is full (PostgreSQL, where the sessions really run at once)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import Engine

from ippledge.access.model import PartyKind, Principal, Role
from ippledge.kernel.errors import IppledgeError
from ippledge.outreach import service
from ippledge.outreach.model import EventKind
from tests.whitelist.factories import WhitelistDesk

TODAY = dt.date(2025, 6, 3)


def test_last_place_goes_to_one_firm(world, app, session_factory, engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers itself; the row lock matters on PostgreSQL")
    d = WhitelistDesk(world, app, session_factory)
    firms = [d.make_firm() for _ in range(6)]
    op = Principal(d.operator.party.id, PartyKind.PLATFORM, frozenset({Role.OPERATOR}), name="race")
    with session_factory.begin() as s:
        ev = service.create_event(
            s,
            op,
            kind=EventKind.ROADSHOW,
            title="路演",
            held_on=TODAY,
            capacity=2,
            bank_ids=[d.bank.id],
            today=TODAY,
        )
        event_id = ev.id
    gate = threading.Barrier(len(firms))
    outcomes: list[str] = []
    lock = threading.Lock()

    def sign(firm_id: int) -> None:
        gate.wait()
        try:
            with session_factory.begin() as s:
                service.sign_up(s, op, event_id, TODAY, firm_id)
            got = "in"
        except IppledgeError as exc:
            got = exc.code
        with lock:
            outcomes.append(got)

    threads = [threading.Thread(target=sign, args=(f.id,)) for f in firms]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["in", "in"] + ["outreach.event_full"] * 4
