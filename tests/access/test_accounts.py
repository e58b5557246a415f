"""Accounts (账户安全): login throttling, failed-login audit, password change and rules, deactivation, API key scope and
expiry, who may manage whose users, and safe names. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access import credentials, service
from ippledge.access.model import LoginPolicy, PartyKind, Role
from ippledge.access.tables import AuditRecord, LoginThrottle
from ippledge.app import create_app
from ippledge.config import Settings
from ippledge.db import utcnow
from ippledge.kernel.errors import IppledgeError
from tests.access.factories import PASSWORD, Actor, World

NEW_PASSWORD = "a different horse, stapled"


@pytest.fixture
def small_world(engine, session_factory) -> Any:  # type: ignore[no-untyped-def]
    """A world whose app pauses logins after 3 failures per account and 5 per address."""
    settings = Settings(database_url=str(engine.url), login_account_threshold=3, login_address_threshold=5)
    with TestClient(create_app(settings, engine=engine)) as client:
        yield World(session_factory, client)


def _login(world: World, username: str, password: str) -> Any:
    return world.client.post("/auth/login", json={"username": username, "password": password})


def _audit(session_factory: sessionmaker[Session], action: str) -> list[AuditRecord]:
    with session_factory() as s:
        return list(s.scalars(select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.seq)))


# --- login throttling (登录限速) -------------------------------------------------------------------------------------


def test_repeated_failures_pause_the_account_even_for_the_right_password(small_world, session_factory) -> None:
    bank = small_world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    name = bank.user.username
    codes = [_login(small_world, name, f"wrong-{i}").json()["code"] for i in range(3)]
    assert codes == ["auth.bad_credentials"] * 3
    r = _login(small_world, name, PASSWORD)
    assert r.status_code == 429 and r.json()["code"] == "auth.locked"
    assert 0 < r.json()["details"]["retry_after"] <= 30
    # Each checked failure is audited (who, why, from where), never with the password typed.
    failed = _audit(session_factory, "auth.login_failed")
    assert [json.loads(a.payload)["reason"] for a in failed] == ["wrong_password"] * 3
    assert all(a.subject_id == str(bank.user.id) for a in failed)
    assert all(json.loads(a.payload)["address"] == "testclient" for a in failed)
    assert not any("wrong-" in a.payload for a in failed)


def test_the_pause_ends_and_doubles_with_each_further_failure(world, session_factory) -> None:
    bank = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    name, policy, t0 = bank.user.username, LoginPolicy(account_threshold=2, base_seconds=30), utcnow()

    def attempt(at: dt.datetime, password: str) -> IppledgeError | None:
        with session_factory() as s:
            try:
                service.login(s, name, password, at, 60, "10.0.0.1", policy)
                return None
            except IppledgeError as exc:
                return exc
            finally:
                s.commit()  # a failure is kept, as the route keeps it

    assert attempt(t0, "nope").code == "auth.bad_credentials"  # type: ignore[union-attr]
    assert attempt(t0, "nope").code == "auth.bad_credentials"  # type: ignore[union-attr]  # 2nd: 30 s pause
    locked = attempt(t0 + dt.timedelta(seconds=29), PASSWORD)
    assert locked is not None and locked.code == "auth.locked" and locked.details["retry_after"] == 1
    assert attempt(t0 + dt.timedelta(seconds=31), "nope").code == "auth.bad_credentials"  # type: ignore[union-attr]
    # The 3rd failure pauses for 60 s, counted from it.
    locked = attempt(t0 + dt.timedelta(seconds=31 + 59), PASSWORD)
    assert locked is not None and locked.details["retry_after"] == 1
    assert attempt(t0 + dt.timedelta(seconds=31 + 61), PASSWORD) is None
    # Success clears the account's count; the address's count stays.
    with session_factory() as s:
        rows = {(r.scope, r.subject): r.failures for r in s.scalars(select(LoginThrottle))}
    assert rows == {("address", "10.0.0.1"): 3}


def test_one_address_spraying_many_usernames_is_paused(small_world) -> None:
    victim = small_world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    for i in range(5):
        assert _login(small_world, f"guess{i}", "password1").json()["code"] == "auth.bad_credentials"
    r = _login(small_world, victim.user.username, PASSWORD)  # from the same address, right password: still paused
    assert r.status_code == 429 and r.json()["code"] == "auth.locked"


def test_unknown_users_cost_a_password_verification_too(world, monkeypatch) -> None:
    """Timing equality, checked without timing: both answers verify one argon2 hash of the current cost."""
    bank = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    calls: list[str] = []
    real_verify = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: str, password: str) -> bool:
        calls.append(hash)
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    known = _login(world, bank.user.username, "wrong password")
    unknown = _login(world, "nobody-by-this-name", "wrong password")
    assert known.json() == unknown.json() and known.status_code == unknown.status_code == 401
    assert len(calls) == 2
    dummy = calls[1]
    assert not credentials._hasher.check_needs_rehash(dummy)  # same cost as the hashes of real users


# --- password change and rules (修改密码与密码规则) ------------------------------------------------------------------


def test_change_password_needs_the_old_one_and_ends_other_sessions(world) -> None:
    bank = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    name = bank.user.username
    other_session = {"Authorization": f"Bearer {_login(world, name, PASSWORD).json()['access_token']}"}
    r = world.client.post(
        "/auth/password", headers=bank.headers, json={"old_password": "guess", "new_password": NEW_PASSWORD}
    )
    assert r.status_code == 401 and r.json()["code"] == "auth.wrong_password"
    for new, code in [
        ("short", "user.password_too_short"),
        (f"x{name}x-long-enough", "user.password_has_username"),
        ("iloveyou", "user.password_too_short"),
        ("Password123", "user.password_common"),
        (PASSWORD, "user.password_unchanged"),
    ]:
        r = world.client.post(
            "/auth/password", headers=bank.headers, json={"old_password": PASSWORD, "new_password": new}
        )
        assert r.status_code == 422 and r.json()["code"] == code, (new, r.text)
    r = world.client.post(
        "/auth/password", headers=bank.headers, json={"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert r.status_code == 204, r.text
    assert world.client.get("/me", headers=bank.headers).status_code == 200  # this session goes on
    assert world.client.get("/me", headers=other_session).json()["code"] == "auth.bad_token"
    assert _login(world, name, PASSWORD).status_code == 401
    assert _login(world, name, NEW_PASSWORD).status_code == 200


def test_new_users_get_the_password_rules(world) -> None:
    admin = world.actor(PartyKind.BANK, Role.ADMIN)
    for password, code in [("12345678", "user.password_too_short"), ("li.wang.2024!", "user.password_has_username")]:
        r = world.client.post(
            f"/parties/{admin.party.id}/users",
            headers=admin.headers,
            json={"username": "li.wang", "password": password, "roles": ["credit_officer"]},
        )
        assert r.status_code == 422 and r.json()["code"] == code


def test_an_api_key_cannot_change_a_password(world) -> None:
    admin = world.actor(PartyKind.BANK, Role.ADMIN, Role.CREDIT_OFFICER)
    key = _key(world, admin, ["credit_officer"])
    r = world.client.post(
        "/auth/password", headers={"X-API-Key": key}, json={"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert r.status_code == 403 and r.json()["code"] == "access.human_required"


# --- deactivation (停用) ---------------------------------------------------------------------------------------------


def _key(world: World, maker: Actor, roles: list[str], **extra: Any) -> str:
    r = world.client.post("/api-keys", headers=maker.headers, json={"name": "core", "roles": roles, **extra})
    assert r.status_code == 201, r.text
    return str(r.json()["key"])


def test_deactivation_revokes_sessions_and_keys_at_once(world, session_factory) -> None:
    bank = world.party(PartyKind.BANK)
    admin = world.user(bank, Role.ADMIN)
    officer = world.user(bank, Role.ADMIN, Role.CREDIT_OFFICER)
    key = _key(world, officer, ["credit_officer"])
    url = f"/parties/{bank.id}/users/{officer.user.id}"
    r = world.client.post(f"{url}/deactivate", headers=admin.headers)
    assert r.status_code == 200 and r.json()["active"] is False
    assert world.client.get("/me", headers=officer.headers).status_code == 401
    assert world.client.get("/me", headers={"X-API-Key": key}).json()["code"] == "auth.bad_api_key"
    assert _login(world, officer.user.username, PASSWORD).json()["code"] == "auth.bad_credentials"
    (done,) = _audit(session_factory, "user.deactivated")
    assert json.loads(done.payload) == {"tokens_revoked": 1, "keys_revoked": 1}

    assert world.client.post(f"{url}/activate", headers=admin.headers).json()["active"] is True
    assert world.client.get("/me", headers=officer.headers).status_code == 401  # old sessions stay ended
    assert world.client.get("/me", headers={"X-API-Key": key}).status_code == 401
    assert _login(world, officer.user.username, PASSWORD).status_code == 200


def test_deactivation_is_for_the_own_partys_admin_only(world) -> None:
    bank = world.party(PartyKind.BANK)
    admin = world.user(bank, Role.ADMIN)
    officer = world.user(bank, Role.CREDIT_OFFICER)
    other_admin = world.actor(PartyKind.BANK, Role.ADMIN)
    platform_admin = world.actor(PartyKind.PLATFORM, Role.ADMIN)
    url = f"/parties/{bank.id}/users/{officer.user.id}/deactivate"
    assert world.client.post(url, headers=officer.headers).json()["code"] == "access.role_required"
    assert world.client.post(url, headers=other_admin.headers).status_code == 404
    assert world.client.post(url, headers=platform_admin.headers).status_code == 404
    r = world.client.post(f"/parties/{bank.id}/users/{admin.user.id}/deactivate", headers=admin.headers)
    assert r.status_code == 409 and r.json()["code"] == "user.self_deactivation"
    key = _key(world, admin, ["admin"])
    r = world.client.post(url, headers={"X-API-Key": key})
    assert r.status_code == 403 and r.json()["code"] == "access.human_required"


def test_taking_a_role_away_revokes_the_keys_that_carry_it(world) -> None:
    bank = world.party(PartyKind.BANK)
    admin = world.user(bank, Role.ADMIN)
    officer = world.user(bank, Role.ADMIN, Role.CREDIT_OFFICER)
    key = _key(world, officer, ["credit_officer"])
    admin_key = _key(world, officer, ["admin"])
    r = world.client.put(
        f"/parties/{bank.id}/users/{officer.user.id}/roles", headers=admin.headers, json={"roles": ["admin"]}
    )
    assert r.status_code == 200 and r.json()["roles"] == ["admin"]
    assert world.client.get("/me", headers={"X-API-Key": key}).status_code == 401
    assert world.client.get("/me", headers={"X-API-Key": admin_key}).status_code == 200


# --- who may manage whose users (谁能管理谁的用户) ------------------------------------------------------------------


def _add_user(world: World, who: dict[str, str], party_id: int, username: str, roles: list[str]) -> Any:
    return world.client.post(
        f"/parties/{party_id}/users",
        headers=who,
        json={"username": username, "password": PASSWORD, "roles": roles},
    )


def test_the_platform_admin_only_opens_a_new_partys_first_admin(world) -> None:
    platform = world.actor(PartyKind.PLATFORM, Role.ADMIN)
    new_bank = world.party(PartyKind.BANK)
    r = _add_user(world, platform.headers, new_bank.id, "newbank.approver", ["admin", "approver"])
    assert r.status_code == 403 and r.json()["code"] == "access.role_not_held"
    r = _add_user(world, platform.headers, new_bank.id, "newbank.admin", ["admin"])
    assert r.status_code == 201, r.text
    for roles in (["admin"], ["approver"]):
        r = _add_user(world, platform.headers, new_bank.id, f"newbank.{roles[0]}2", roles)
        assert r.status_code == 403, r.text
        assert r.json()["code"] in {"access.first_admin_only", "access.role_not_held"}


def test_the_platform_admin_cannot_staff_an_existing_bank_or_the_regulator(world) -> None:
    """The finding: the platform admin made an approver in a bank (and approved its write-off) and an admin at the
    regulator."""
    platform = world.actor(PartyKind.PLATFORM, Role.ADMIN)
    bank = world.party(PartyKind.BANK)
    world.user(bank, Role.ADMIN)
    regulator = world.party(PartyKind.REGULATOR)
    world.user(regulator, Role.ANALYST)
    r = _add_user(world, platform.headers, bank.id, "sneaky.approver", ["approver"])
    assert r.status_code == 403 and r.json()["code"] == "access.role_not_held"
    r = _add_user(world, platform.headers, regulator.id, "sneaky.admin", ["admin"])
    assert r.status_code == 403 and r.json()["code"] == "access.first_admin_only"


def test_a_partys_admin_staffs_its_own_party(world) -> None:
    admin = world.actor(PartyKind.BANK, Role.ADMIN)
    r = _add_user(world, admin.headers, admin.party.id, "bank.approver", ["approver"])
    assert r.status_code == 201 and r.json()["roles"] == ["approver"]


def test_an_api_key_never_creates_people(world) -> None:
    admin = world.actor(PartyKind.BANK, Role.ADMIN)
    key = _key(world, admin, ["admin"])
    r = _add_user(world, {"X-API-Key": key}, admin.party.id, "minted.by.key", ["admin"])
    assert r.status_code == 403 and r.json()["code"] == "access.human_required"
    r = world.client.post("/api-keys", headers={"X-API-Key": key}, json={"name": "child", "roles": ["admin"]})
    assert r.status_code == 403 and r.json()["code"] == "access.human_required"


# --- API keys: roles and expiry (接口密钥的角色与期限) --------------------------------------------------------------


def test_a_key_carries_only_roles_its_maker_holds(world) -> None:
    admin = world.actor(PartyKind.BANK, Role.ADMIN)
    r = world.client.post("/api-keys", headers=admin.headers, json={"name": "core", "roles": ["approver"]})
    assert r.status_code == 403 and r.json()["code"] == "access.role_not_held"
    assert r.json()["details"]["roles"] == ["approver"]


def test_keys_expire(world, session_factory) -> None:
    admin = world.actor(PartyKind.BANK, Role.ADMIN, Role.CREDIT_OFFICER)
    now = utcnow()
    r = world.client.post("/api-keys", headers=admin.headers, json={"name": "core", "roles": ["credit_officer"]})
    made = r.json()
    default_expiry = dt.datetime.fromisoformat(made["expires_at"])
    assert dt.timedelta(days=364) < default_expiry - now <= dt.timedelta(days=366)
    for when in (now - dt.timedelta(minutes=1), now + dt.timedelta(days=400)):
        r = world.client.post(
            "/api-keys",
            headers=admin.headers,
            json={"name": "core", "roles": ["credit_officer"], "expires_at": when.isoformat()},
        )
        assert r.status_code == 422 and r.json()["code"] == "api_key.expiry"
    soon = _key(world, admin, ["credit_officer"], expires_at=(now + dt.timedelta(days=1)).isoformat())
    assert world.client.get("/me", headers={"X-API-Key": soon}).status_code == 200
    with session_factory() as s, pytest.raises(IppledgeError) as info:
        service.authenticate_api_key(s, soon, now + dt.timedelta(days=1, seconds=1))
    assert info.value.code == "auth.api_key_expired"


def test_tokens_expire_as_configured(engine, session_factory) -> None:
    settings = dataclasses.replace(Settings(database_url=str(engine.url)), token_ttl_minutes=15)
    with TestClient(create_app(settings, engine=engine)) as client:
        world = World(session_factory, client)
        bank = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
        r = _login(world, bank.user.username, PASSWORD)
        assert r.json()["expires_in"] == 15 * 60
    token = r.json()["access_token"]
    with session_factory() as s:
        service.authenticate_token(s, token, utcnow() + dt.timedelta(minutes=14))
        with pytest.raises(IppledgeError) as info:
            service.authenticate_token(s, token, utcnow() + dt.timedelta(minutes=16))
    assert info.value.code == "auth.bad_token"


# --- no secrets in responses or the audit trail (响应与审计不含口令与密钥) ------------------------------------------


def test_no_password_hash_token_or_key_in_responses_or_audit(world, session_factory) -> None:
    bank = world.party(PartyKind.BANK)
    admin = world.user(bank, Role.ADMIN, Role.CREDIT_OFFICER)
    r = _add_user(world, admin.headers, bank.id, "li.secret", ["credit_officer"])
    assert set(r.json()) == {"id", "party_id", "username", "display_name", "roles", "active"}
    key = _key(world, admin, ["credit_officer"])
    _login(world, "li.secret", "not the password")
    token = _login(world, "li.secret", PASSWORD).json()["access_token"]
    world.client.post(
        "/auth/password",
        headers={"Authorization": f"Bearer {token}"},
        json={"old_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    listed = world.client.get(f"/parties/{bank.id}/users", headers=admin.headers).text
    listed += world.client.get("/api-keys", headers=admin.headers).text
    with session_factory() as s:
        trail = " ".join(f"{a.actor} {a.subject_id} {a.payload}" for a in s.scalars(select(AuditRecord)))
    for secret in (PASSWORD, NEW_PASSWORD, "not the password", token, key, key.rsplit("_", 1)[1], "$argon2"):
        assert secret not in trail and secret not in listed


# --- names (名称) -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["Bank\u202eknaB", "Ba\u200bnk", "Bank\x00", "Bank\x1b[2J"])
def test_names_refuse_hidden_and_control_characters(world, bad: str) -> None:
    platform = world.actor(PartyKind.PLATFORM, Role.ADMIN)
    r = world.client.post("/parties", headers=platform.headers, json={"kind": "bank", "name": bad})
    assert r.status_code == 422 and "text.unsafe_char" in r.text and "U+" in r.text
    admin = world.actor(PartyKind.BANK, Role.ADMIN)
    r = world.client.post(
        f"/parties/{admin.party.id}/users",
        headers=admin.headers,
        json={"username": "li.name", "password": PASSWORD, "roles": ["approver"], "display_name": bad},
    )
    assert r.status_code == 422 and "text.unsafe_char" in r.text
    r = world.client.post("/api-keys", headers=admin.headers, json={"name": bad, "roles": ["admin"]})
    assert r.status_code == 422 and "text.unsafe_char" in r.text
    with world.factory() as s, pytest.raises(IppledgeError) as info:
        service.create_party(s, "test", PartyKind.BANK, bad)
    assert info.value.code == "text.unsafe_char"


def test_concurrent_failures_are_all_counted(world, session_factory) -> None:
    """Failures arriving together for one account and address each count (the row is created race-free and locked)."""
    from concurrent.futures import ThreadPoolExecutor

    bank = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    policy, now = LoginPolicy(account_threshold=100, address_threshold=100), utcnow()

    def fail(i: int) -> str:
        with session_factory() as s:
            try:
                service.login(s, bank.user.username, f"wrong-{i}", now, 60, "10.9.9.9", policy)
            except IppledgeError as exc:
                s.commit()
                return exc.code
        return "logged in"

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(pool.map(fail, range(12)))
    assert codes == ["auth.bad_credentials"] * 12
    with session_factory() as s:
        counts = {r.scope: r.failures for r in s.scalars(select(LoginThrottle))}
    assert counts == {"account": 12, "address": 12}
    assert len(_audit(session_factory, "auth.login_failed")) == 12


def test_the_password_minimum_is_the_setting(engine, session_factory) -> None:
    settings = Settings(database_url=str(engine.url), password_min_length=30)
    with TestClient(create_app(settings, engine=engine)) as client:
        world = World(session_factory, client)
        admin = world.actor(PartyKind.BANK, Role.ADMIN)
        r = _add_user(world, admin.headers, admin.party.id, "li.long", ["approver"])
    assert r.status_code == 422 and r.json()["details"] == {"min_length": 30}
