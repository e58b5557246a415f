"""Access: login, tokens, API keys, role checks, maker-checker, and the audit chain under tampering."""

from __future__ import annotations

from sqlalchemy import text

from ippledge.access import audit, service
from ippledge.access.model import PartyKind, Role
from tests.access.factories import PASSWORD


def test_login_and_me(world) -> None:
    bank = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    r = world.client.get("/me", headers=bank.headers)
    assert r.status_code == 200
    assert r.json()["party_kind"] == "bank"
    assert r.json()["roles"] == ["credit_officer"]


def test_wrong_password_is_401_with_bilingual_message(world) -> None:
    bank = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    r = world.client.post("/auth/login", json={"username": bank.user.username, "password": PASSWORD + "x"})
    assert r.status_code == 401
    body = r.json()
    assert body["code"] == "auth.bad_credentials"
    assert body["message_zh"] and body["message_en"]


def test_no_token_and_bad_token(world) -> None:
    assert world.client.get("/me").json()["code"] == "auth.required"
    r = world.client.get("/me", headers={"Authorization": "Bearer ipt_nope"})
    assert r.status_code == 401 and r.json()["code"] == "auth.bad_token"


def test_logout_revokes_token(world) -> None:
    bank = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    assert world.client.post("/auth/logout", headers=bank.headers).status_code == 204
    assert world.client.get("/me", headers=bank.headers).status_code == 401


def test_api_key_acts_for_its_party(world) -> None:
    admin = world.actor(PartyKind.BANK, Role.ADMIN, Role.CREDIT_OFFICER)
    r = world.client.post("/api-keys", headers=admin.headers, json={"name": "core", "roles": ["credit_officer"]})
    assert r.status_code == 201, r.text
    key = r.json()["key"]
    me = world.client.get("/me", headers={"X-API-Key": key}).json()
    assert me["party_id"] == admin.party.id and me["roles"] == ["credit_officer"] and me["user_id"] is None
    assert world.client.get("/api-keys", headers=admin.headers).json()[0]["key"] is None  # never shown again
    assert world.client.delete(f"/api-keys/{r.json()['id']}", headers=admin.headers).status_code == 204
    assert world.client.get("/me", headers={"X-API-Key": key}).status_code == 401


def test_role_not_allowed_for_party_kind(world) -> None:
    admin = world.actor(PartyKind.BANK, Role.ADMIN)
    r = world.client.post(
        f"/parties/{admin.party.id}/users",
        headers=admin.headers,
        json={"username": "sneaky", "password": PASSWORD, "roles": ["registry_officer"]},
    )
    assert r.status_code == 403 and r.json()["code"] == "access.role_not_allowed"


def test_admin_cannot_add_users_to_another_party(world) -> None:
    a = world.actor(PartyKind.BANK, Role.ADMIN)
    b = world.party(PartyKind.BANK)
    r = world.client.post(
        f"/parties/{b.id}/users",
        headers=a.headers,
        json={"username": "x1x", "password": PASSWORD, "roles": ["admin"]},
    )
    assert r.status_code == 404


def test_maker_checker(world, session_factory) -> None:
    bank = world.party(PartyKind.BANK)
    maker = world.user(bank, Role.CREDIT_OFFICER, Role.APPROVER)
    checker = world.user(bank, Role.APPROVER)
    other_bank_approver = world.actor(PartyKind.BANK, Role.APPROVER)
    with session_factory.begin() as s:
        approval = service.propose(s, maker.principal, "loan", 1, "write_off", {"amount": "100.00"})
        aid = approval.id
    queue = world.client.get("/approvals", headers=checker.headers).json()
    assert [a["id"] for a in queue] == [aid]
    assert world.client.get("/approvals", headers=other_bank_approver.headers).json() == []
    r = world.client.post(f"/approvals/{aid}/decision", headers=maker.headers, json={"approve": True})
    assert r.status_code == 403 and r.json()["code"] == "access.self_approval"
    r = world.client.post(f"/approvals/{aid}/decision", headers=other_bank_approver.headers, json={"approve": True})
    assert r.status_code == 404
    r = world.client.post(f"/approvals/{aid}/decision", headers=checker.headers, json={"approve": True})
    assert r.status_code == 200 and r.json()["status"] == "approved"


def test_audit_chain_detects_alteration_removal_and_reordering(world, session_factory, engine) -> None:
    for _ in range(3):
        world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    with session_factory() as s:
        count, problems = audit.verify(s)
    assert count >= 9 and problems == []

    with engine.begin() as conn:
        conn.execute(text('UPDATE audit_record SET payload = \'{"kind":"fund"}\' WHERE seq = 2'))
    with session_factory() as s:
        _, problems = audit.verify(s)
    assert [p.code for p in problems] == ["audit.altered", "audit.broken_link"] or "audit.altered" in {
        p.code for p in problems
    }
    assert problems[0].seq == 2


def test_audit_chain_detects_removed_tail(world, session_factory, engine) -> None:
    world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_record WHERE seq = (SELECT MAX(seq) FROM audit_record)"))
    with session_factory() as s:
        _, problems = audit.verify(s)
    assert [p.code for p in problems] == ["audit.head_mismatch"]


def test_rolled_back_work_leaves_no_audit(world, session_factory) -> None:
    with session_factory() as s:
        before, _ = audit.verify(s)
    try:
        with session_factory.begin() as s:
            service.create_party(s, "test", PartyKind.BANK, "will roll back")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with session_factory() as s:
        after, problems = audit.verify(s)
    assert after == before and problems == []
