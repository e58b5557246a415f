"""The console in a real browser (浏览器测试): Debian's headless chromium, driven by Playwright, against a server on
127.0.0.1 with a seeded database. Each role's daily path runs end to end; no request may leave 127.0.0.1.

Playwright never downloads a browser here: it launches the system ``chromium`` (``.ci/run`` installs the package).
Set ``IPPLEDGE_CONSOLE_SCREENSHOTS=docs/console`` to refresh the screenshots of each home page in the docs.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.console.factories import Seeded, seed

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(app: Any, engine: Any) -> Iterator[str]:
    if engine.dialect.name != "sqlite":
        pytest.skip("the browser paths run on SQLite (make test); the pages' rules are tested on both backends")
    import uvicorn

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield b
        b.close()


class Visit:
    """One signed-in user in a fresh browser context; every request the page makes is recorded."""

    def __init__(self, browser: Any, base: str, shots: Path, requests: list[str]) -> None:
        self.context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.on("request", lambda r: requests.append(r.url))
        self.base = base
        self.shots = shots

    def sign_in(self, username: str, password: str) -> None:
        p = self.page
        p.goto(f"{self.base}/console/")  # no session: sent to the sign-in form
        assert p.url.startswith(f"{self.base}/console/login")
        p.get_by_label("用户名").fill(username)
        p.get_by_label("密码").fill(password)
        p.get_by_role("button", name="登录").click()
        p.wait_for_url(f"{self.base}/console/")

    def shot(self, name: str) -> None:
        self.shots.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


def test_daily_paths_in_the_browser(world: Any, app: Any, server: str, browser: Any, tmp_path: Path) -> None:
    s: Seeded = seed(world, app)
    d = s.desk
    shots = Path(os.environ.get("IPPLEDGE_CONSOLE_SCREENSHOTS") or tmp_path / "shots")
    requests: list[str] = []

    # -- the bank's credit officer: work queue, the application with its IP and valuations, the decision's rules --
    v = Visit(browser, server, shots, requests)
    v.sign_in(d.bank.officer.user.username, s.password)
    p = v.page
    assert p.locator("#inbox tbody tr").count() >= 1
    v.shot("home-credit-officer")
    p.get_by_role("link", name="工作队列").click()
    p.wait_for_url(f"{server}/console/queue")
    # HTMX: "overdue only" swaps the table in place (nothing is overdue on the seeded business date)
    p.get_by_label("只看已超时").check()
    p.wait_for_selector('#queue[data-overdue-only="1"]')
    assert p.url == f"{server}/console/queue" and "暂无待办事项" in p.locator("#queue").inner_text()
    p.get_by_label("只看已超时").uncheck()
    p.wait_for_selector('#queue[data-overdue-only="0"]')
    p.locator(f'#queue a[href="/console/applications/{s.application_id}"]').first.click()
    assert "模型区间" in p.locator("#valuations").inner_text()  # the appraisal beside the model's band
    assert "万元" in p.locator("#valuations").inner_text()
    p.locator(f'a[href="/console/decisions/{s.decision_id}"]').click()
    p.wait_for_url(f"{server}/console/decisions/{s.decision_id}")
    assert p.get_by_test_id("decision-status").inner_text() == "待审批"
    checks = p.locator("#checks tbody tr")
    assert checks.count() >= 12 and p.locator("#checks .fail").count() == 0
    assert p.get_by_role("button", name="批准").count() == 0  # the maker cannot approve
    v.shot("decision-credit-officer")
    v.close()

    # -- the approver: the inbox holds the decision; approve it; the book shows grades ---------------------------
    v = Visit(browser, server, shots, requests)
    v.sign_in(d.bank.approver.user.username, s.password)
    p = v.page
    v.shot("home-approver")
    p.locator(f'#inbox a[href="/console/decisions/{s.decision_id}"]').click()
    p.get_by_label("意见").fill("同意，按规则通过")
    p.get_by_role("button", name="批准").click()
    assert p.get_by_test_id("decision-status").inner_text() == "已批准"
    p.get_by_role("link", name="贷款台账").click()
    book = p.locator("#book").inner_text()
    assert "正常" in book and "万元" in book
    p.wait_for_selector("#grade-chart canvas")  # ECharts drew, from the vendored file
    v.shot("book-approver")
    v.close()

    # the officer drafts the joint pledge filing on the approved terms (API), for the firm to confirm
    tl = d.timeline(d.firm, s.application_id)
    task = next(x for x in tl["tasks"] if x["kind"] == "pledge_registration")
    filing = d.post(d.bank.officer, f"/tasks/{task['id']}/pledge-filing", {"registry_id": d.registry.party.id}, 201)
    filing_id = filing.json()["filing_id"]

    # -- the firm's finance manager: inbox, its IP, apply (bad input first), timeline, confirm filing, schedule ---
    v = Visit(browser, server, shots, requests)
    v.sign_in(d.firm.user.username, s.password)
    p = v.page
    inbox = p.locator("#inbox").inner_text()
    assert "质押登记" in inbox and "确认" in inbox
    v.shot("home-firm")
    p.get_by_role("link", name="English").click()
    assert p.get_by_role("heading", name="Inbox").count() == 1
    p.get_by_role("link", name="中文").click()
    p.get_by_role("link", name="我的知识产权").click()
    p.wait_for_url(f"{server}/console/ip")
    assert p.locator("tbody tr").count() >= 3 and "有效" in p.locator("tbody").inner_text()
    p.get_by_role("link", name="申请贷款").click()
    p.get_by_label("金额（元）").fill("两百万")
    p.get_by_label("用途").fill("研发投入")
    p.locator(f'input[name="ip_asset_ids"][value="{s.free_assets[0].id}"]').check()
    p.locator(f'input[name="banks"][value="{d.bank.id}"]').check()
    p.get_by_role("button", name="提交").click()
    assert "请输入大于零的金额" in p.locator("#amount-error").inner_text()
    assert p.get_by_label("金额（元）").input_value() == "两百万" and p.get_by_label("用途").input_value() == "研发投入"
    p.get_by_label("金额（元）").fill("2000000")
    p.get_by_role("button", name="提交").click()
    assert p.get_by_test_id("app-status").inner_text() == "已受理"
    assert "银行审查" in p.locator("#timeline").inner_text()
    valuer = d.valuer.party.name
    p.get_by_label("授权以下机构查询本申请").select_option(label=valuer)
    p.get_by_role("button", name="授权").click()
    p.wait_for_selector(f'#consents li:has-text("{valuer}")')
    p.goto(f"{server}/console/applications/{s.application_id}")
    assert p.get_by_test_id("app-status").inner_text() == "已获批"
    p.locator(f'a[href="/console/filings/{filing_id}"]').click()
    p.get_by_role("button", name="确认").click()
    assert p.get_by_test_id("filing-status").inner_text() == "待对方确认"
    p.get_by_role("link", name="我的贷款").click()
    p.locator(f'a[href="/console/loans/{s.loan_id}"]').click()
    p.wait_for_url(f"{server}/console/loans/{s.loan_id}")
    assert p.locator("#schedule tbody tr").count() == 6
    p.wait_for_selector("#balance-chart canvas")
    v.shot("schedule-firm")
    p.goto(f"{server}/console/decisions/{s.decision_id + 10_000}")
    assert "无权查看" in p.content()  # the 404 page, not JSON
    v.close()

    # offline: every request of every path went to 127.0.0.1, and there were many
    hosts = {urlsplit(u).hostname for u in requests}
    assert hosts == {"127.0.0.1"} and len(requests) > 30, hosts
