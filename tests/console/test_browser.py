"""The console in a real browser (浏览器测试): Debian's headless chromium, driven by Playwright, against a server on
127.0.0.1 with a seeded database. Each role's daily path runs end to end; no request may leave 127.0.0.1.

Playwright never downloads a browser here: it launches the system ``chromium`` (``.ci/run`` installs the package).
Set ``IPPLEDGE_CONSOLE_SCREENSHOTS=docs/console`` to refresh the screenshots of each home page in the docs.
"""

from __future__ import annotations

import datetime as dt
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


def test_daily_paths_in_the_browser(
    world: Any, app: Any, server: str, browser: Any, tmp_path: Path, session_factory: Any
) -> None:
    from ippledge.valuation.engine import service as engine_service

    s: Seeded = seed(world, app)
    d = s.desk
    with session_factory.begin() as session:  # the engine values the offered IP: the model's band beside the report
        for asset_id in d.get(d.bank.officer, f"/applications/{s.application_id}").json()["ip_asset_ids"]:
            engine_service.value_one(session, asset_id, d.clock.today)
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
    p.wait_for_selector("#range-chart canvas")  # the band, P50 and the appraisal; what drives the score
    p.wait_for_selector("#drivers-chart-1 canvas")
    assert "法律价值" in p.locator("#drivers-1").inner_text()
    v.shot("valuations-credit-officer")
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
    p.wait_for_selector("#history-chart canvas")  # and the book at each of the last 12 month-ends
    assert p.locator("#history tbody tr").count() == 12
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
    # the first instalment falls due: the firm repays it from the loan's page (the amount due is filled in)
    first = d.get(d.firm, f"/loans/{s.loan_id}").json()["schedule"][0]
    d.clock.today = dt.date.fromisoformat(first["due_date"])
    d.deposit("100000")
    p.get_by_role("link", name="我的贷款").click()
    p.locator(f'a[href="/console/loans/{s.loan_id}"]').click()
    p.wait_for_url(f"{server}/console/loans/{s.loan_id}")
    assert p.locator("#schedule tbody tr").count() == 6
    p.wait_for_selector("#balance-chart canvas")
    p.wait_for_selector("#policy-matches")  # the policy matches arrive after the page (HTMX)
    v.shot("schedule-firm")
    p.get_by_label("还款金额（元）").fill("一万")
    p.get_by_role("button", name="还款").click()
    assert "请输入大于零的金额" in p.locator("#amount-error").inner_text()
    assert p.get_by_label("还款金额（元）").input_value() == "一万"
    p.get_by_label("还款金额（元）").fill(first["payment"])
    p.get_by_role("button", name="还款").click()
    p.wait_for_selector('[data-testid="done"]')
    assert first["due_date"] in p.locator("#schedule tbody tr").first.inner_text()  # settled on its due date
    p.goto(f"{server}/console/decisions/{s.decision_id + 10_000}")
    assert "无权查看" in p.content()  # the 404 page, not JSON
    v.close()

    # offline: every request of every path went to 127.0.0.1, and there were many
    hosts = {urlsplit(u).hostname for u in requests}
    assert hosts == {"127.0.0.1"} and len(requests) > 30, hosts


# -- the other desks (decision 0028): one test per role's path, each on the seeded market ----------------------------


@pytest.fixture
def desks(world: Any, app: Any, session_factory: Any, server: str, browser: Any, tmp_path: Path) -> Iterator[Any]:
    """The market, a way to open a signed-in browser, and the check that nothing left 127.0.0.1."""
    from tests.console.factories import market

    m = market(world, app, session_factory)
    shots = Path(os.environ.get("IPPLEDGE_CONSOLE_SCREENSHOTS") or tmp_path / "shots")
    requests: list[str] = []

    def visit(actor: Any) -> Visit:
        v = Visit(browser, server, shots, requests)
        v.sign_in(actor.user.username, m.password)
        return v

    yield m, visit
    hosts = {urlsplit(u).hostname for u in requests}
    assert hosts == {"127.0.0.1"} and len(requests) > 5, hosts


def test_registry_officer_path(desks: Any, server: str) -> None:
    m, visit = desks
    v = visit(m.desk.registry)
    p = v.page
    assert p.locator(f'#inbox a[href="/console/filings/{m.to_register}"]').count() == 1
    v.shot("home-registry-officer")
    p.get_by_role("link", name="待审登记", exact=True).click()
    p.wait_for_url(f"{server}/console/registry/queue")
    assert p.locator("#registry-queue tbody tr").count() == 2
    p.locator(f'#registry-queue a[href="/console/filings/{m.to_refuse}"]').click()
    p.get_by_role("button", name="不予登记").click()  # no ground ticked: the message beside the field
    assert "请至少选择一项不予登记事由" in p.locator("#codes-error").inner_text()
    p.get_by_label("其他不符合规定的情形", exact=False).check()
    p.get_by_label("说明").fill("合同主体与申请不一致")
    p.get_by_role("button", name="不予登记").click()
    assert p.get_by_test_id("filing-status").inner_text() == "不予登记"
    p.goto(f"{server}/console/filings/{m.to_register}")
    assert "预审未发现不予登记事由" in p.locator("#precheck").inner_text()
    v.shot("filing-registry-officer")
    p.get_by_role("button", name="准予登记").click()
    assert p.get_by_test_id("filing-status").inner_text() == "准予登记"
    p.locator('a[href^="/console/ip-assets/"]').first.click()
    assert p.locator("#pledges tbody tr").count() >= 1 and p.locator("#events").count() == 1
    v.shot("register-registry-officer")
    v.close()


def test_valuer_path(desks: Any, server: str) -> None:
    m, visit = desks
    v = visit(m.desk.valuer)
    p = v.page
    v.shot("home-valuer")
    p.get_by_role("link", name="评估任务", exact=True).click()
    p.get_by_role("button", name="接收任务").click()
    p.wait_for_url(f"{server}/console/valuer/tasks/{m.valuation_task_id}")
    value = p.locator('input[name^="value_"]').first
    value.fill("五百万")
    p.get_by_role("button", name="提交").click()
    assert "请输入大于零的评估值" in p.locator(".field-error").first.inner_text()
    assert p.locator('input[name^="value_"]').first.input_value() == "五百万"
    p.locator('input[name^="value_"]').first.fill("5000000")
    p.get_by_label("评估方法").select_option("market")
    v.shot("report-valuer")
    p.get_by_role("button", name="提交").click()
    p.wait_for_url(f"{server}/console/valuer/tasks?done=1")
    assert p.get_by_test_id(f"task-status-{m.valuation_task_id}").inner_text() == "已完成"
    v.close()


def test_fund_path(desks: Any, server: str) -> None:
    m, visit = desks
    d = m.desk
    for amount, grade in (("800000", None), ("500000", "special_mention")):  # a live enrolled book to simulate
        lid = d.active_loan(amount=amount, months=12)
        d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201)
        if grade:
            d.post(d.bank.approver2, f"/loans/{lid}/grade", {"grade": grade, "reason": "经营下滑"}, 200)
    v = visit(m.desk.reviewer)
    p = v.page
    assert p.locator(f'#inbox a[href="/console/fund/claims/{m.claim_id}"]').count() == 1
    p.get_by_role("link", name="资金池", exact=True).click()
    p.wait_for_selector("#pool-chart canvas")
    p.wait_for_selector("#loss-chart-1 canvas")  # the outlook arrives after the page (HTMX), then draws
    p.wait_for_selector("#outlook-chart-1 canvas")
    assert p.locator("#outlook-1 tbody tr").count() == 5 and "随机种子" in p.locator(".assumptions").inner_text()
    assert "200.00 万元" in p.get_by_test_id("pool-balance").inner_text()
    v.shot("pools-fund")
    p.get_by_role("link", name="补偿申请", exact=True).click()
    p.locator(f'#claims a[href="/console/fund/claims/{m.claim_id}"]').click()
    assert "doc:court-ruling" in p.locator("#evidence").inner_text()
    p.get_by_label("说明").fill("材料齐全")
    p.get_by_role("button", name="提出审核意见（经办）").click()
    assert p.get_by_test_id("claim-status").inner_text() == "待复核"
    v.close()
    v = visit(m.desk.fund_approver)
    p = v.page
    p.locator(f'#inbox a[href="/console/fund/claims/{m.claim_id}"]').click()
    p.get_by_label("意见").fill("同意")
    v.shot("claim-fund")
    p.get_by_role("button", name="批准").click()
    assert p.get_by_test_id("claim-status").inner_text() == "已代偿"
    assert p.locator("#shares tbody tr").count() >= 2
    v.close()


def test_regulator_path(desks: Any, server: str) -> None:
    m, visit = desks
    v = visit(m.analyst)
    p = v.page
    p.get_by_role("link", name="监管统计", exact=True).click()
    p.get_by_label("起始日").fill("2025-01-01")
    p.get_by_role("button", name="查询").click()
    p.wait_for_selector("#bank-chart canvas")  # ECharts drew, from the vendored file
    p.wait_for_selector("#trend-chart canvas")  # the last 12 months by month
    assert "万元" in p.get_by_test_id("disbursed").inner_text()
    p.wait_for_selector("#ranking-table")  # the ranking arrives after the page (HTMX)
    assert p.locator("#banks tbody tr").count() >= 1 and p.locator("#ranking-table tbody tr").count() >= 1
    v.shot("supervision-analyst")
    with p.expect_download() as dl:
        p.locator("#xlsx").click()
    path = dl.value.path()
    assert dl.value.suggested_filename.endswith(".xlsx") and Path(path).read_bytes()[:2] == b"PK"
    v.close()


def test_window_officer_path(desks: Any, server: str) -> None:
    m, visit = desks
    v = visit(m.desk.operator)
    p = v.page
    p.get_by_role("link", name="受理队列", exact=True).click()
    p.wait_for_url(f"{server}/console/window/queue")
    link = p.locator(f'#window-queue a[href="/console/applications/{m.valuation_app_id}"]')
    number = link.inner_text()
    assert "资产评估" in p.locator("#window-queue").inner_text()
    v.shot("queue-window")
    p.get_by_label("搜索").fill(number)
    p.get_by_role("button", name="搜索").click()
    assert p.locator("#window-queue tbody tr").count() == 1
    with p.expect_download() as dl:
        p.get_by_role("link", name="导出 CSV", exact=True).click()
    assert number in Path(dl.value.path()).read_text(encoding="utf-8-sig")
    with p.expect_download() as dl:
        p.get_by_role("link", name="导出 Excel", exact=True).click()
    assert dl.value.suggested_filename == "applications.xlsx" and Path(dl.value.path()).read_bytes()[:2] == b"PK"
    p.get_by_role("link", name="提交日").click()  # sort by the column; the search stays
    assert p.locator('th[aria-sort="ascending"]').count() == 1 and p.get_by_label("搜索").input_value() == number
    p.locator(f'#window-queue a[href="/console/applications/{m.valuation_app_id}"]').click()
    assert p.locator("#checklist").count() == 1 and p.locator("#timeline").count() == 1
    # the window's desk: tick what the firm brought; accepting with documents missing is refused beside the list
    p.goto(f"{server}/console/window/applications/{m.valuation_app_id}")
    assert "资产评估" in p.locator("#timeline").inner_text()  # the hand-off to the valuer
    p.get_by_label("营业执照（副本）").check()
    p.get_by_label("法定代表人身份证明").check()
    p.get_by_role("button", name="受理", exact=True).click()
    assert "材料不全" in p.locator("#documents-error").inner_text()
    assert p.get_by_label("营业执照（副本）").is_checked()
    p.get_by_label("意见").fill("请补齐财务报表、决议和专利证书")
    v.shot("window-desk")
    p.get_by_role("button", name="退回补正").click()
    assert p.get_by_test_id("window-outcome").inner_text() == "已退回补正"
    assert p.locator("#missing li").count() == 3  # every missing document, told once
    v.close()
    v = visit(m.desk.firm)
    v.page.goto(f"{server}/console/applications/{m.valuation_app_id}")
    assert "近两年财务报表" in v.page.locator("#window-notice").inner_text()
    v.close()
