"""The leaks the isolation matrix found, each pinned by a small test on both backends (decision 0016).

A record another party may not see answers exactly as one that does not exist.
"""

from __future__ import annotations

from typing import Any

from ippledge.access.model import PartyKind, Role
from tests.registry.factories import add_patent
from tests.risk_sharing.factories import RiskDesk


def _answer(r: Any) -> tuple[int, str | None]:
    return r.status_code, r.json().get("code")


def test_a_fund_pool_is_hidden_from_parties_outside_it(world: Any, app: Any, session_factory: Any) -> None:
    desk = RiskDesk(world, app, session_factory)
    desk.scheme_with_pool("1000000.00")
    client = world.client
    other_fund = world.actor(PartyKind.FUND, Role.ADMIN, Role.APPROVER)
    bank = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    firm = world.actor(PartyKind.ENTERPRISE, Role.ADMIN)
    for who in (other_fund, bank, firm):
        for method, suffix, body in (
            ("GET", "", None),
            ("POST", "/contributions", {"amount": "10.00"}),
            ("POST", "/co-contributions", {"amount": "10.00"}),
        ):
            seen = client.request(method, f"/risk-pools/test-city{suffix}", json=body, headers=_key(who.headers))
            none = client.request(method, f"/risk-pools/no-such{suffix}", json=body, headers=_key(who.headers))
            assert _answer(seen) == _answer(none) == (404, "risk.pool.missing"), (method, suffix, seen.text)
    # the fund itself and the overseers still read it
    assert client.get("/risk-pools/test-city", headers=desk.fund_approver.headers).status_code == 200
    regulator = world.actor(PartyKind.REGULATOR, Role.ANALYST)
    assert client.get("/risk-pools/test-city", headers=regulator.headers).json()["balance"] == "1000000.00"


_n = iter(range(1, 10_000))


def _key(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Idempotency-Key": f"isolation-leak-{next(_n):06d}"}


def test_pledges_of_an_ip_the_caller_may_not_read_are_a_404(world: Any, session_factory: Any) -> None:
    owner = world.actor(PartyKind.ENTERPRISE, Role.ADMIN)
    asset = add_patent(session_factory, [owner.party.id])
    client = world.client
    for kind, role in (
        (PartyKind.INSURER, Role.UNDERWRITER),
        (PartyKind.VALUER, Role.VALUER),
        (PartyKind.ENTERPRISE, Role.ADMIN),
    ):
        stranger = world.actor(kind, role)
        seen = client.get(f"/ip-assets/{asset.id}/pledges", headers=stranger.headers)
        none = client.get("/ip-assets/987654321/pledges", headers=stranger.headers)
        assert _answer(seen) == _answer(none) and seen.status_code == 404, (kind, seen.text)
        by_number = client.get("/pledges", params={"ip_number": asset.display}, headers=stranger.headers)
        unknown = client.get("/pledges", params={"ip_number": "ZL201910999999.8"}, headers=stranger.headers)
        # the same answer as a number the register lacks (pledge.ip_not_found), never an empty list
        assert by_number.status_code == unknown.status_code and by_number.status_code >= 400, (kind, by_number.text)
        assert by_number.json()["code"] == unknown.json()["code"] == "pledge.ip_not_found"
    # the owner and a register reader (a bank) still get the (empty) list
    for who in (owner, world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)):
        assert client.get(f"/ip-assets/{asset.id}/pledges", headers=who.headers).json() == []
