"""Each desk's pages over the same services as the API (decision 0028): the registry officer registers and refuses,
the valuer reports, the fund reviews and pays a claim under maker-checker, the regulator reads statistics and the
workbook, the window officer reads the intake queue; lists search, page and export; the password changes."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import func, select

from ippledge.access.model import PartyKind, Role
from tests.console.factories import Market, market
from tests.console.test_pages import csrf_of, sign_in


def test_registry_officer_registers_and_refuses(world, app, session_factory) -> None:
    m: Market = market(world, app, session_factory)
    c = sign_in(app, m.desk.registry)
    home = c.get("/console/").text
    assert f'href="/console/filings/{m.to_register}"' in home and "待审登记" in home
    q = c.get("/console/registry/queue").text
    assert f'href="/console/filings/{m.to_register}"' in q and f'href="/console/filings/{m.to_refuse}"' in q
    page = c.get(f"/console/filings/{m.to_refuse}").text
    assert "预审未发现不予登记事由" in page and "不予登记事由" in page
    # no ground ticked: the message beside the field, nothing written
    bad = c.post(f"/console/filings/{m.to_refuse}/refuse", data={"csrf": csrf_of(page), "note": "材料不符"})
    assert bad.status_code == 422 and "请至少选择一项不予登记事由" in bad.text and 'value="材料不符"' in bad.text
    # a ground the pre-check did not find is refused with the service's message
    wrong = c.post(
        f"/console/filings/{m.to_refuse}/refuse", data={"csrf": csrf_of(page), "codes": ["pledge.annuity_unpaid"]}
    )
    assert wrong.status_code == 422 and "form-error" in wrong.text
    assert "已提交登记机关" in c.get(f"/console/filings/{m.to_refuse}").text
    done = c.post(
        f"/console/filings/{m.to_refuse}/refuse",
        data={"csrf": csrf_of(page), "codes": ["pledge.other"], "note": "合同主体与申请不一致"},
    )
    assert done.status_code == 200 and "不予登记" in done.text and "合同主体与申请不一致" in done.text
    page = c.get(f"/console/filings/{m.to_register}").text
    ok = c.post(f"/console/filings/{m.to_register}/register", data={"csrf": csrf_of(page)})
    assert ok.status_code == 200 and "准予登记" in ok.text and 'data-testid="registration-no"' in ok.text
    reg = c.get(f"/console/ip-assets/{m.registered_asset_id}").text
    assert "法律状态事件" in reg and "质押记录" in reg and 'id="pledges"' in reg
    assert "暂无待办事项" in c.get("/console/registry/queue").text  # both decided: the queue is empty
    # another party (a firm) cannot decide
    firm = sign_in(app, m.desk.firm)
    fpage = firm.get(f"/console/filings/{m.to_register}").text
    assert firm.post(f"/console/filings/{m.to_register}/register", data={"csrf": csrf_of(fpage)}).status_code == 403


def test_valuer_accepts_and_reports_once(world, app, session_factory) -> None:
    m = market(world, app, session_factory)
    c = sign_in(app, m.desk.valuer)
    tasks = c.get("/console/valuer/tasks").text
    assert "接收任务" in tasks and "我的评估预警" in tasks
    r = c.post(f"/console/valuer/tasks/{m.valuation_task_id}/accept", data={"csrf": csrf_of(tasks)})
    assert r.status_code == 200 and "提交评估报告" in r.text
    form = r.text
    key = form.split('name="idempotency_key" value="')[1].split('"')[0]
    field = form.split('name="value_')[1].split('"')[0]
    data: dict[str, Any] = {"csrf": csrf_of(form), "idempotency_key": key, "method": "income"}
    bad = c.post(
        f"/console/valuer/tasks/{m.valuation_task_id}/report",
        data=data | {f"value_{field}": "很多", "valuation_date": "2025-09-23"},
    )
    assert bad.status_code == 422 and "请输入大于零的评估值" in bad.text and 'value="很多"' in bad.text
    good = data | {f"value_{field}": "5000000", "valuation_date": "2025-09-23"}
    first = c.post(f"/console/valuer/tasks/{m.valuation_task_id}/report", data=good, follow_redirects=False)
    second = c.post(f"/console/valuer/tasks/{m.valuation_task_id}/report", data=good, follow_redirects=False)
    assert first.status_code == second.status_code == 303, first.text[-2000:]
    reports = m.desk.get(m.desk.bank.officer, f"/applications/{m.valuation_app_id}/valuation-reports").json()
    assert len(reports) == 1  # the double submit filed one report
    assert "接收任务" not in c.get("/console/valuer/tasks").text  # finished tasks are hidden
    assert "已完成" in c.get("/console/valuer/tasks?done=1").text
    assert c.get("/console/valuers/league").status_code == 403  # the league table is the governance readers'


def test_fund_reviews_and_a_different_approver_pays_once(world, app, session_factory) -> None:
    m = market(world, app, session_factory)
    d = m.desk
    both = sign_in(app, d.both)
    pools = both.get("/console/fund/pools").text
    assert "test-city" in pools and "资金池余额" in pools and "200.00 万元" in pools
    claims = both.get("/console/fund/claims").text
    assert f'href="/console/fund/claims/{m.claim_id}"' in claims
    page = both.get(f"/console/fund/claims/{m.claim_id}").text
    assert "doc:court-ruling" in page and "提出审核意见" in page
    r = both.post(f"/console/fund/claims/{m.claim_id}/review", data={"csrf": csrf_of(page), "note": "材料齐全"})
    assert r.status_code == 200 and "待复核" in r.text
    key = r.text.split('name="idempotency_key" value="')[1].split('"')[0]
    own = both.post(
        f"/console/fund/claims/{m.claim_id}/decision",
        data={"csrf": csrf_of(r.text), "idempotency_key": key, "approve": "1"},
    )
    assert own.status_code == 403  # the maker cannot check its own proposal
    approver = sign_in(app, d.fund_approver)
    assert f'href="/console/fund/claims/{m.claim_id}"' in approver.get("/console/").text  # in the checker's inbox
    page = approver.get(f"/console/fund/claims/{m.claim_id}").text
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    data = {"csrf": csrf_of(page), "idempotency_key": key, "approve": "1", "reason": "同意"}
    first = approver.post(f"/console/fund/claims/{m.claim_id}/decision", data=data, follow_redirects=False)
    second = approver.post(f"/console/fund/claims/{m.claim_id}/decision", data=data, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert d.pool_balance() == 2000000 - 300000  # the fund's 50% of 600,000, paid once
    assert "已代偿" in approver.get(f"/console/fund/claims/{m.claim_id}").text
    assert f"/console/fund/claims/{m.claim_id}" not in approver.get("/console/fund/claims").text  # decided: hidden
    export = approver.get("/console/fund/claims.csv?done=1")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert export.headers["content-type"].startswith("text/csv") and rows[0][0] == "编号" and len(rows) == 2
    loans = approver.get("/console/fund/loans").text
    assert loans.count("<tr><td>") == 1 and "test-city" in loans and "已核销" in loans  # the enrolled, written-off loan
    assert "共 0 条" in approver.get("/console/fund/subsidies").text
    other = world.actor(PartyKind.FUND, Role.FUND_REVIEWER, Role.APPROVER)
    stranger = sign_in(app, other)
    assert stranger.get(f"/console/fund/claims/{m.claim_id}").status_code == 404
    assert "共 0 条" in stranger.get("/console/fund/loans").text  # another fund's enrolments are not its to see


def test_regulator_statistics_chart_and_workbook(world, app, session_factory) -> None:
    m = market(world, app, session_factory)
    c = sign_in(app, m.analyst)
    page = c.get("/console/supervision?start=2025-01-01&end=2025-09-23")
    assert page.status_code == 200 and "累放金额" in page.text and 'id="bank-chart"' in page.text
    assert (
        "echarts.min.js" in page.text
        and "银行排名" in page.text
        and 'hx-get="/console/supervision/ranking' in page.text
    )
    ranking = c.get("/console/supervision/ranking?start=2025-01-01&end=2025-09-23&rule=growth_within_tolerance")
    assert ranking.status_code == 200 and 'id="ranking-table"' in ranking.text and "未参与排名" in ranking.text
    xlsx = c.get("/console/supervision/statistics.xlsx?start=2025-01-01&end=2025-09-23")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"  # a zip: the xlsx workbook
    bad = c.get("/console/supervision?start=2025-13-01")
    assert bad.status_code == 422 and "text/html" in bad.headers["content-type"]  # the bilingual error page
    bank = sign_in(app, m.desk.bank.officer)
    assert bank.get("/console/supervision").status_code == 403
    assert bank.get("/console/supervision/ranking").status_code == 403
    league = sign_in(app, m.desk.operator).get("/console/valuers/league")
    assert league.status_code == 200 and "评估机构排行" in league.text


def test_window_officer_queue_search_and_checklist(world, app, session_factory) -> None:
    m = market(world, app, session_factory)
    c = sign_in(app, m.desk.operator)
    q = c.get("/console/window/queue")
    assert (
        q.status_code == 200 and "受理队列" in q.text and f'href="/console/applications/{m.valuation_app_id}"' in q.text
    )
    assert "资产评估" in q.text  # the open valuation task, with who holds it
    number = q.text.split(f'href="/console/applications/{m.valuation_app_id}">')[1].split("<")[0]
    found = c.get(f"/console/window/queue?q={number}").text
    assert found.count('href="/console/applications/') == 1 and "共 1 条" in found
    app_page = c.get(f"/console/applications/{m.valuation_app_id}")
    assert app_page.status_code == 200 and "登记预审" in app_page.text
    export = c.get("/console/window/queue.csv")
    assert export.status_code == 200 and number in export.content.decode("utf-8-sig")
    assert sign_in(app, m.desk.firm).get("/console/window/queue").status_code == 403


def test_password_change(world, app, session_factory) -> None:
    from ippledge.access.tables import AccessToken

    m = market(world, app, session_factory)
    c = sign_in(app, m.desk.firm)
    page = c.get("/console/password").text
    differ = {"csrf": csrf_of(page), "old_password": m.password, "new_password": "N3w-pass-2025!x"}
    r = c.post("/console/password", data=differ | {"new_password_again": "other"})
    assert r.status_code == 422 and "两次输入的新密码不一致" in r.text and m.password not in r.text
    wrong = c.post("/console/password", data=differ | {"old_password": "nope", "new_password_again": "N3w-pass-2025!x"})
    assert wrong.status_code == 422 and "原密码不正确" in wrong.text
    with session_factory() as db:
        live = select(func.count()).select_from(AccessToken).where(AccessToken.revoked_at.is_(None))
        before = db.scalar(live)
    ok = c.post("/console/password", data=differ | {"new_password_again": "N3w-pass-2025!x"}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/console/login?changed=1"
    assert c.get("/console/", follow_redirects=False).status_code == 303  # this session ended too
    with session_factory() as db:
        assert (db.scalar(live) or 0) < (before or 0)
    form = c.get("/console/login?changed=1").text
    assert "密码已修改" in form
    again = c.post(
        "/console/login",
        data={"username": m.desk.firm.user.username, "password": "N3w-pass-2025!x", "csrf": csrf_of(form)},
        follow_redirects=False,
    )
    assert again.status_code == 303


def test_every_desk_page_has_its_words_in_both_languages(world, app, session_factory) -> None:
    """No page shows a label's key instead of its words, in Chinese or English."""
    import re

    m = market(world, app, session_factory)
    d = m.desk
    registry = [
        "/console/registry/queue",
        f"/console/filings/{m.to_register}",
        f"/console/ip-assets/{m.registered_asset_id}",
    ]
    pages = [
        (d.registry, ["/console/", *registry]),
        (d.valuer, ["/console/", "/console/valuer/tasks", "/console/valuer/tasks?done=1", "/console/password"]),
        (d.both, ["/console/", "/console/fund/pools", "/console/fund/claims", f"/console/fund/claims/{m.claim_id}"]),
        (d.both, ["/console/fund/loans", "/console/fund/subsidies"]),
        (m.analyst, ["/console/", "/console/supervision", "/console/supervision/ranking", "/console/valuers/league"]),
        (d.operator, ["/console/", "/console/window/queue", f"/console/applications/{m.valuation_app_id}"]),
    ]
    key = re.compile(r">[^<]*\b(?:ui|claim|task|tstatus|flag|method|watch|role|app|filing|grade|loan|dec)\.[a-z_]+")
    for actor, paths in pages:
        c = sign_in(app, actor)
        for lang in ("zh", "en"):
            c.cookies.set("ippledge_lang", lang)
            for path in paths:
                r = c.get(path)
                assert r.status_code == 200, (path, lang, r.status_code)
                assert not key.search(r.text), (path, lang, key.search(r.text))
