"""The later desks in a real browser (decision 0036): a bank works a pushed firm from its inbox to a follow-up, and
a registered bidder bids on a lot (an early bid's reason beside the field, then an accepted bid), an officer proposes
an extension (展期) that another approver approves from the inbox (decision 0038); every request
stays on 127.0.0.1. Screenshots go to ``IPPLEDGE_CONSOLE_SCREENSHOTS`` when set (as in test_browser)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from ippledge.disposal.api import server_time
from tests.access.factories import PASSWORD
from tests.console.factories import seed
from tests.console.test_browser import CHROMIUM, Visit, browser, server  # noqa: F401  (fixtures)
from tests.console.test_desks_disposal import H, lot_with_round
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
