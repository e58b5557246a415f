"""The later desks in a real browser (decisions 0036, 0038, 0039, 0040): a bank works a pushed firm from its inbox to
a follow-up, a registered bidder bids on a lot (an early bid's reason beside the field, then an accepted bid), the
disposal agent announces a round (a start price below the rules' floor refused beside the field) and closes it, an
officer proposes an extension (展期) that another approver approves from the inbox, and the insurer goes from its inbox
to its covers and to a decided claim with its own share; every request stays on 127.0.0.1. Screenshots go to
``IPPLEDGE_CONSOLE_SCREENSHOTS`` when set (as in test_browser)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from ippledge.access.model import Role
from ippledge.disposal import service
from ippledge.disposal.api import server_time
from ippledge.disposal.tables import DisposalAuction
from tests.access.factories import PASSWORD
from tests.console.factories import seed
from tests.console.test_browser import CHROMIUM, Visit, browser, server  # noqa: F401  (fixtures)
from tests.console.test_desks_disposal import H, lot_with_round
from tests.disposal.factories import claimed_loan
from tests.risk_sharing.factories import RiskDesk
from tests.whitelist.factories import RULES, WhitelistDesk

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium)")


def _shots(tmp_path: Path) -> Path:
    return Path(os.environ.get("IPPLEDGE_CONSOLE_SCREENSHOTS") or tmp_path / "shots")


def test_bank_follows_up_a_pushed_firm(world, app, session_factory, server: str, browser: Any, tmp_path) -> None:  # noqa: F811
    d = WhitelistDesk(world, app, session_factory)
    d.make_firm(kinds=("ip_demonstration",), inventions=3, score=80)
    lst = d.published(RULES)
    push = {"bank_ids": [d.bank.id], "top_n": 10, "first_contact_days": 3, "next_step_days": 5}
    item = d.post(d.operator, f"/whitelists/{lst['id']}/pushes", push, 201).json()[0]["items"][0]["id"]
    requests: list[str] = []
    v = Visit(browser, server, _shots(tmp_path), requests)
    v.sign_in(d.bank.officer.user.username, PASSWORD)
    p = v.page
    p.locator(f'#inbox a[href="/console/whitelist/items/{item}"]').click()
    p.wait_for_url(f"{server}/console/whitelist/items/{item}")
    assert "知识产权质量评分" in p.locator("#reasons").inner_text()
    p.get_by_label("下一步").select_option("declined")
    p.get_by_role("button", name="提交").click()  # a decline without a reason: the message beside the field
    assert "未合作原因" in p.locator("#reason_code-error").inner_text()
    p.get_by_label("下一步").select_option("contacted")
    p.get_by_label("承办支行").fill("中关村支行")
    v.shot("whitelist-push-bank")
    p.get_by_role("button", name="提交").click()
    assert p.get_by_test_id("item-state").inner_text() == "已对接"
    p.get_by_role("link", name="白名单推送").click()
    assert "中关村支行" in p.locator("#pushed-firms").inner_text()
    v.close()
    hosts = {urlsplit(u).hostname for u in requests}
    assert hosts == {"127.0.0.1"} and len(requests) > 5, hosts


def test_bidder_bids_on_a_lot(world, app, session_factory, server: str, browser: Any, tmp_path) -> None:  # noqa: F811
    _, lot_id, rid, bidder, opens = lot_with_round(world, app, session_factory)
    requests: list[str] = []
    v = Visit(browser, server, _shots(tmp_path), requests)
    v.sign_in(bidder.user.username, PASSWORD)
    p = v.page
    app.dependency_overrides[server_time] = lambda: opens - H
    try:
        p.get_by_role("link", name="处置标的").click()
        p.locator(f'#lots a[href="/console/disposal/lots/{lot_id}"]').click()
        p.get_by_label("出价金额（元）").fill("5600000")
        p.get_by_role("button", name="出价").last.click()  # still in the notice period: refused beside the field
        assert p.locator("#amount-error").inner_text()
        app.dependency_overrides[server_time] = lambda: opens + H
        p.get_by_role("button", name="出价").last.click()  # the typed amount was kept
        p.wait_for_selector(f"#bids-{rid}")
        assert "我的出价" in p.locator(f"#bids-{rid}").inner_text()
        assert "5,600,000.00 元" in p.get_by_test_id(f"current-price-{rid}").inner_text()
        v.shot("disposal-lot-bidder")
    finally:
        app.dependency_overrides.pop(server_time, None)
    v.close()
    hosts = {urlsplit(u).hostname for u in requests}
    assert hosts == {"127.0.0.1"} and len(requests) > 5, hosts


def test_agent_announces_and_closes_a_round(world, app, session_factory, server: str, browser: Any, tmp_path) -> None:  # noqa: F811
    d = RiskDesk(world, app, session_factory)
    c = claimed_loan(d)
    with session_factory.begin() as s:
        lot_id = service.open_lot(s, c.agent.principal, c.loan_id, d.clock.today).id
    requests: list[str] = []
    v = Visit(browser, server, _shots(tmp_path), requests)
    v.sign_in(c.agent.user.username, PASSWORD)
    p = v.page
    p.get_by_role("link", name="处置标的").click()
    p.locator(f'#lots a[href="/console/disposal/lots/{lot_id}"]').click()
    assert "560.00 万元" in p.locator("#round-limits").inner_text()  # the rule set's lowest start price
    p.get_by_label("起拍价（万元，空白为规则最低价）").fill("100")
    p.get_by_role("button", name="发布拍卖公告").click()  # below the rules' floor: the reason beside the field
    assert "最低价" in p.locator("#start_price-error").inner_text()
    assert p.get_by_label("起拍价（万元，空白为规则最低价）").input_value() == "100"
    p.get_by_label("起拍价（万元，空白为规则最低价）").fill("600")
    p.get_by_role("button", name="发布拍卖公告").click()
    p.wait_for_selector("#bidders-h")
    v.shot("disposal-agent")
    with session_factory() as s:
        ends = s.scalars(select(DisposalAuction)).one().ends_at
    app.dependency_overrides[server_time] = lambda: ends
    try:
        p.get_by_role("button", name="结束本轮竞价").click()
        p.wait_for_selector("#round-h")  # failed without bids: the next round may be announced
        assert "流拍" in p.locator("#rounds").inner_text()
    finally:
        app.dependency_overrides.pop(server_time, None)


def test_insurer_from_inbox_to_covers_and_a_claims_share(
    world,
    app,
    session_factory,
    server: str,  # noqa: F811
    browser: Any,  # noqa: F811
    tmp_path,
) -> None:
    d = RiskDesk(world, app, session_factory)
    d.scheme_with_pool("1000000", liability_limited_to_fund=True)
    lid = d.active_loan(amount="600000", months=6)
    d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201)
    cover = d.post(d.insurer, "/risk-covers", d.loan_insurance(lid), 201).json()
    d.post_key(d.insurer, f"/risk-covers/{cover['id']}/premium", {}, 200)
    d.clock.today = dt.date(2025, 9, 22)
    d.write_off(lid)
    ev = {"loan_id": lid, "statement": "核销后申请补偿", "documents": ["doc:writeoff-approval"]}
    cid = d.post(d.bank.officer, "/risk-claims", ev, 201).json()["id"]
    d.post(d.both, f"/risk-claims/{cid}/review", {"note": "材料齐全"}, 200)
    underwriter = world.user(d.insurer.party, Role.UNDERWRITER, username="insurer1.underwriter")  # as in the demo
    requests: list[str] = []
    v = Visit(browser, server, _shots(tmp_path), requests)
    v.sign_in(underwriter.user.username, PASSWORD)
    p = v.page
    assert p.locator(f'#inbox a[href="/console/insurer/claims/{cid}"]').count() == 1  # the claim under review
    v.shot("home-insurer")
    p.get_by_role("link", name="承保贷款").first.click()
    p.wait_for_url(f"{server}/console/insurer/loans")
    assert "贷款保证保险" in p.locator("#covers").inner_text()
    out = d.post_key(d.fund_approver, f"/risk-claims/{cid}/decision", {"approve": True, "reason": "同意"}, 200).json()
    share = f"{float(out['shares']['insurer']['amount']):,.2f} 元"
    p.get_by_role("link", name="保险理赔审核").first.click()
    p.get_by_role("link", name="显示已办结").click()
    p.locator(f'#covered-claims a[href="/console/insurer/claims/{cid}"]').click()
    p.wait_for_url(f"{server}/console/insurer/claims/{cid}")
    assert p.get_by_test_id("my-share").inner_text().startswith(share)
    v.shot("claim-insurer")
    v.close()


def test_extension_approved_from_the_inbox(world, app, server: str, browser: Any, tmp_path) -> None:  # noqa: F811
    s = seed(world, app)
    d, lid = s.desk, s.loan_id
    requests: list[str] = []
    v = Visit(browser, server, _shots(tmp_path), requests)
    v.sign_in(d.bank.officer.user.username, PASSWORD)
    p = v.page
    p.goto(f"{server}/console/loans/{lid}")
    p.get_by_label("展期月数").fill("三")
    p.get_by_role("button", name="提交展期申请").click()  # not a number: the message beside the field
    assert "请输入 1 至 36" in p.locator("#ext_months-error").inner_text()
    assert p.get_by_label("展期月数").input_value() == "三"
    p.get_by_label("展期月数").fill("3")
    p.locator("#ext-reason").fill("主要客户回款周期延长")
    p.get_by_role("button", name="提交展期申请").click()
    assert "待审批" in p.locator("#extensions").inner_text()
    v.close()

    v = Visit(browser, server, _shots(tmp_path), requests)
    v.sign_in(d.bank.approver.user.username, PASSWORD)
    p = v.page
    p.locator(f'#inbox a[href="/console/loans/{lid}#extensions"]').click()
    p.wait_for_url(f"{server}/console/loans/{lid}#extensions")
    v.shot("loan-extension-approver")
    p.locator("#extensions").get_by_role("button", name="批准").click()
    p.wait_for_selector('[data-testid="done"]')
    assert "已批准" in p.locator("#extensions").inner_text()
    v.close()
    assert d.get(d.bank.officer, f"/loans/{lid}/extensions").json()[0]["status"] == "approved"
    hosts = {urlsplit(u).hostname for u in requests}
    assert hosts == {"127.0.0.1"} and len(requests) > 5, hosts
