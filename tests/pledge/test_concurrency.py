"""No double pledge under a race (禁止重复质押): 50 registrations of one patent fired at PostgreSQL at once.

Each thread is one officer decision in its own transaction. Exactly one succeeds; every other gets
``pledge.already_pledged`` (from the pre-check if the winner had committed before it looked, otherwise from the
database's partial unique index), and nothing half-written remains.
"""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access import audit
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.access.service import create_party, create_user, principal_for_user
from ippledge.db import unit_of_work
from ippledge.kernel.errors import ConflictError
from ippledge.outbox.events import OutboxEvent
from ippledge.pledge import decision, service
from ippledge.pledge.tables import Pledge, PledgeFiling, PledgeItem
from ippledge.registry.tables import LegalStatusEvent
from tests.registry.factories import add_patent

N = 50
TODAY = dt.date(2024, 10, 8)


def _principal(factory: sessionmaker[Session], kind: PartyKind, role: Role, name: str) -> Principal:
    with factory.begin() as s:
        party = create_party(s, "test", kind, name)
        user = create_user(s, "test", party, f"{name}-user", "correct horse battery", [role])
        return principal_for_user(s, user)


@pytest.mark.postgres
@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_fifty_concurrent_registrations_of_one_patent(engine, session_factory) -> None:
    officer = _principal(session_factory, PartyKind.REGISTRY, Role.REGISTRY_OFFICER, "cnipa")
    firm = _principal(session_factory, PartyKind.ENTERPRISE, Role.ENTERPRISE_USER, "firm")
    banks = [_principal(session_factory, PartyKind.BANK, Role.CREDIT_OFFICER, f"bank{i}") for i in range(N)]
    patent = add_patent(session_factory, [firm.party_id])

    filing_ids: list[int] = []
    with unit_of_work(session_factory) as s:
        for bank in banks:
            data = service.NewFiling(
                registry_id=officer.party_id,
                pledgor_id=firm.party_id,
                pledgee_id=bank.party_id,
                ip_numbers=[patent.display],
                debt_type="流动资金贷款",
                debt_amount="1000000.00",
                debt_end=dt.date(2026, 9, 30),
                security_scope="本金及利息",
            )
            f = service.create_filing(s, bank, data, dt.date(2024, 9, 30))
            service.confirm(s, bank, f.id)
            service.confirm(s, firm, f.id)
            service.submit(s, bank, f.id, dt.date(2024, 9, 30))
            filing_ids.append(f.id)

    barrier = threading.Barrier(N)

    def decide(filing_id: int) -> str:
        barrier.wait()
        try:
            with unit_of_work(session_factory) as s:
                decision.register(s, officer, filing_id, TODAY)
            return "ok"
        except ConflictError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=N) as pool:
        outcomes = list(pool.map(decide, filing_ids))

    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) == {"ok", "pledge.already_pledged"}, outcomes
    winner = filing_ids[outcomes.index("ok")]

    with session_factory() as s:
        pledges = s.scalars(select(Pledge)).all()
        assert len(pledges) == 1 and pledges[0].registration_no == "Y2024980000001"
        items = s.scalars(select(PledgeItem)).all()
        assert [(i.pledge_id, i.ip_asset_id, i.in_force) for i in items] == [(pledges[0].id, patent.id, True)]
        statuses = {fid: st for fid, st in s.execute(select(PledgeFiling.id, PledgeFiling.status))}
        assert statuses[winner] == "registered"
        assert {v for k, v in statuses.items() if k != winner} == {"submitted"}
        assert s.scalar(select(PledgeFiling.pledge_id).where(PledgeFiling.id == winner)) == pledges[0].id
        assert s.scalar(select(func.count()).select_from(PledgeFiling).where(PledgeFiling.pledge_id.is_not(None))) == 1
        pe01 = s.scalar(select(func.count()).select_from(LegalStatusEvent).where(LegalStatusEvent.code == "PE01"))
        assert pe01 == 1
        topics = s.scalars(select(OutboxEvent.topic).where(OutboxEvent.topic == "pledge.registered")).all()
        assert len(topics) == 1
        count, problems = audit.verify(s)
        assert problems == [] and count > N
