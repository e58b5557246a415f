"""The console's pages over the same services as the API: sessions, CSRF, scoping, bad input, idempotent forms."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from ippledge.access.model import PartyKind, Role
from ippledge.access.tables import AccessToken
from ippledge.intake.tables import Application
from tests.access.factories import PASSWORD
from tests.console.factories import Seeded, seed


def browser(app: Any) -> TestClient:
    return TestClient(app, base_url="http://testserver")


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, html
    return m.group(1)


def sign_in(app: Any, actor: Any) -> TestClient:
    c = browser(app)
    form = c.get("/console/login")
    r = c.post(
        "/console/login",
        data={"username": actor.user.username, "password": PASSWORD, "csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/console/", r.text
    return c


def test_sign_in_cookie_flags_bad_password_and_sign_out(world, app) -> None:
    s = seed(world, app)
    c = browser(app)
    form = c.get("/console/login")
    assert form.status_code == 200 and "登录" in form.text
    bad = c.post(
        "/console/login",
        data={"username": s.desk.firm.user.username, "password": "wrong one", "csrf": csrf_of(form.text)},
    )
    assert bad.status_code == 401 and "用户名或密码错误" in bad.text and "wrong username or password" in bad.text
    assert f'value="{s.desk.firm.user.username}"' in bad.text  # what was typed is kept
    ok = c.post(
        "/console/login",
        data={"username": s.desk.firm.user.username, "password": PASSWORD, "csrf": csrf_of(bad.text)},
        follow_redirects=False,
    )
    cookie = ok.headers["set-cookie"].lower()
    assert "ippledge_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # plain HTTP here; Secure is set behind TLS
    home = c.get("/console/")
    assert home.status_code == 200 and "待办事项" in home.text
    out = c.post("/console/logout", data={"csrf": csrf_of(home.text)}, follow_redirects=False)
    assert out.status_code == 303
    c.cookies.set("ippledge_session", ok.cookies["ippledge_session"], path="/console")  # a stolen, revoked cookie
    again = c.get("/console/", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/console/login")


def test_login_form_needs_its_csrf_cookie(world, app) -> None:
    s = seed(world, app)
    r = browser(app).post("/console/login", data={"username": s.desk.firm.user.username, "password": PASSWORD})
    assert r.status_code == 403


def test_expired_session_goes_to_sign_in(world, app, session_factory) -> None:
    s = seed(world, app)
    c = sign_in(app, s.desk.firm)
    with session_factory.begin() as db:
        db.execute(update(AccessToken).values(expires_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)))
    r = c.get("/console/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/console/login?expired=1"
    assert "会话已过期" in c.get(r.headers["location"]).text


def test_role_decides_menu_and_inbox(world, app) -> None:
    s = seed(world, app)
    firm = sign_in(app, s.desk.firm).get("/console/").text
    assert "申请贷款" in firm and "工作队列" not in firm
    officer = sign_in(app, s.desk.bank.officer).get("/console/").text
    assert "工作队列" in officer and "申请贷款" not in officer
    approver = sign_in(app, s.desk.bank.approver).get("/console/").text
    assert f'href="/console/decisions/{s.decision_id}"' in approver  # the approver's inbox holds the decision


def test_another_partys_record_is_a_404_page(world, app) -> None:
    s = seed(world, app)
    other = world.actor(PartyKind.ENTERPRISE, Role.ENTERPRISE_USER)
    c = sign_in(app, other)
    for path in (
        f"/console/applications/{s.application_id}",
        f"/console/decisions/{s.decision_id}",
        f"/console/loans/{s.loan_id}",
    ):
        r = c.get(path)
        assert r.status_code == 404 and "text/html" in r.headers["content-type"] and "无权查看" in r.text, path
    nowhere = c.get("/console/no/such/page")
    assert nowhere.status_code == 404 and "无权查看" in nowhere.text
    bank2 = sign_in(app, s.desk.bank2.approver)
    assert bank2.get(f"/console/decisions/{s.decision_id}").status_code == 404


def _count_apps(session_factory: Any) -> int:
    with session_factory() as db:
        return int(db.scalar(select(func.count()).select_from(Application)) or 0)


def test_bad_input_shown_beside_field_and_kept(world, app, session_factory) -> None:
    s = seed(world, app)
    c = sign_in(app, s.desk.firm)
    form = c.get("/console/apply").text
    before = _count_apps(session_factory)
    r = c.post(
        "/console/apply",
        data={
            "csrf": csrf_of(form),
            "idempotency_key": "form-key-bad1",
            "amount": "12abc",
            "term_months": "12",
            "purpose": "研发",
            "ip_asset_ids": [str(s.free_assets[0].id)],
            "banks": [str(s.desk.bank.id)],
        },
    )
    assert r.status_code == 422
    assert 'id="amount-error"' in r.text and "请输入大于零的金额" in r.text and "Enter an amount" in r.text
    assert 'value="12abc"' in r.text and 'value="研发"' in r.text  # typed values kept
    assert 'id="term-error"' not in r.text
    assert _count_apps(session_factory) == before


def test_csrf_and_double_submit(world, app, session_factory) -> None:
    s = seed(world, app)
    c = sign_in(app, s.desk.firm)
    form = c.get("/console/apply").text
    data: dict[str, Any] = {
        "idempotency_key": "form-key-0001",
        "amount": "2000000",
        "term_months": "12",
        "purpose": "研发投入",
        "ip_asset_ids": [str(s.free_assets[0].id)],
        "banks": [str(s.desk.bank.id)],
    }
    before = _count_apps(session_factory)
    assert c.post("/console/apply", data=data | {"csrf": "forged"}).status_code == 403
    assert _count_apps(session_factory) == before
    first = c.post("/console/apply", data=data | {"csrf": csrf_of(form)}, follow_redirects=False)
    second = c.post("/console/apply", data=data | {"csrf": csrf_of(form)}, follow_redirects=False)
    assert first.status_code == second.status_code == 303, first.text[-3000:]
    assert first.headers["location"] == second.headers["location"]
    assert _count_apps(session_factory) == before + 1


def test_maker_checker_in_the_console(world, app) -> None:
    s: Seeded = seed(world, app)
    officer = sign_in(app, s.desk.bank.officer)
    page = officer.get(f"/console/decisions/{s.decision_id}")
    assert page.status_code == 200 and "批准" not in page.text  # no approve button for the maker
    r = officer.post(f"/console/decisions/{s.decision_id}/approve", data={"csrf": csrf_of(page.text)})
    assert r.status_code == 403
    approver = sign_in(app, s.desk.bank.approver)
    page = approver.get(f"/console/decisions/{s.decision_id}")
    assert "规则检查" in page.text and "通过" in page.text
    done = approver.post(f"/console/decisions/{s.decision_id}/approve", data={"csrf": csrf_of(page.text)})
    assert done.status_code == 200 and "已批准" in done.text


def test_cookie_is_secure_behind_tls(world, app) -> None:
    s = seed(world, app)
    c = TestClient(app, base_url="https://testserver")
    form = c.get("/console/login")
    r = c.post(
        "/console/login",
        data={"username": s.desk.firm.user.username, "password": PASSWORD, "csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "secure" in r.headers["set-cookie"].lower()


def test_inbox_shows_the_banks_watch_list_and_queue_hides_finished(world, app) -> None:
    s = seed(world, app)
    d = s.desk
    entry = d.post(d.bank.officer, "/watch-list", {"loan_id": s.loan_id, "reason": "年费将到期"}, 201).json()["id"]
    home = sign_in(app, d.bank.approver).get("/console/").text
    assert "关注名单" in home and "年费将到期" in home and f'href="/console/watch-list/{entry}"' in home
    assert "年费将到期" not in sign_in(app, d.bank2.officer).get("/console/").text  # another bank's list
    officer = sign_in(app, d.bank.officer)
    live = officer.get("/console/queue").text.split('id="queue"')[1]  # the table (the status filter names 已完成)
    every = officer.get("/console/queue?done=1").text.split('id="queue"')[1]
    assert "已完成" not in live and "已完成" in every  # the active loan's finished tasks show only on request
