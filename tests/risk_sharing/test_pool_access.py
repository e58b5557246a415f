"""Who reads a fund pool (资金池查阅范围), issue 11 (low): ``GET /risk-pools/{code}`` was readable by every party.

Now the scheme's parties (its fund, banks with enrolled loans, cover providers, liability insurers and institutions,
co-funders), the regulator and the platform read it; anyone else gets the same 404 as for a scheme without a pool.
"""

from __future__ import annotations

from ippledge.access.model import PartyKind, Role
from tests.risk_sharing.factories import RiskDesk


def _answer(d: RiskDesk, who: object, code: str) -> tuple[int, str]:
    r = d.client.get(f"/risk-pools/{code}", headers=who.headers)  # type: ignore[attr-defined]
    return r.status_code, r.json().get("code", "ok")


def test_the_pool_is_read_by_the_scheme_parties_and_overseers_only(risk_desk: RiskDesk, world) -> None:
    d = risk_desk
    d.scheme_with_pool("200000")
    regulator = world.actor(PartyKind.REGULATOR, Role.ANALYST)
    platform = world.actor(PartyKind.PLATFORM, Role.OPERATOR)
    outsiders = [
        world.actor(PartyKind.BANK, Role.CREDIT_OFFICER),
        world.actor(PartyKind.ENTERPRISE, Role.ENTERPRISE_USER),
        world.actor(PartyKind.INSURER, Role.UNDERWRITER),
        world.actor(PartyKind.FUND, Role.APPROVER),  # another fund
    ]
    for who in (d.fund_approver, d.reviewer, regulator, platform):
        assert _answer(d, who, "test-city") == (200, "ok")
    for who in outsiders:
        # exactly what a scheme without a pool answers: no oracle
        assert _answer(d, who, "test-city") == _answer(d, who, "no-such-scheme") == (404, "risk.pool.missing")
    # a bank becomes a party of the scheme by enrolling a loan in it
    assert _answer(d, d.bank.officer, "test-city") == (404, "risk.pool.missing")
    lid = d.active_loan(amount="600000", months=6)
    d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201)
    assert _answer(d, d.bank.officer, "test-city") == (200, "ok")
