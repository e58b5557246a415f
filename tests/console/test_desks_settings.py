"""Settings in the console (decision 0036): the platform's operator records an LPR fixing and sets a time limit (a
bad field is shown beside it, nothing written; a fixing twice is refused), reads the schemes' rule versions; the
regulator reads without forms; a bank is refused."""

from __future__ import annotations

from ippledge.access.model import PartyKind, Role
from tests.console.factories import market
from tests.console.test_desks_disposal import KEY
from tests.console.test_pages import csrf_of, sign_in


def test_operator_records_lpr_and_a_time_limit_regulator_reads(world, app, session_factory) -> None:
    m = market(world, app, session_factory)
    op = sign_in(app, m.desk.operator)
    assert 'href="/console/settings"' in op.get("/console/").text
    page = op.get("/console/settings").text
    assert "贷款市场报价利率" in page and "办理时限" in page and 'href="/console/settings/schemes/test-city"' in page
    form = {"csrf": csrf_of(page), "effective_date": "2025-09-22", "tenor": "1y"}
    bad = op.post("/console/settings/lpr", data=form | {"rate": "三点四五"})
    assert bad.status_code == 422 and 'id="lpr_rate-error"' in bad.text and 'value="三点四五"' in bad.text
    ok = op.post(
        "/console/settings/lpr", data=form | {"rate": "3.45", "source": "中国人民银行授权全国银行间同业拆借中心"}
    )
    assert ok.status_code == 200 and "3.45%" in ok.text
    again = op.post("/console/settings/lpr", data=form | {"rate": "3.40"})
    assert again.status_code == 422 and 'id="lpr_date-error"' in again.text
    assert "3.40%" not in op.get("/console/settings").text
    limit = {"csrf": csrf_of(page), "task_kind": "valuation", "channel": "standard", "effective_from": str(m.today)}
    bad = op.post("/console/settings/time-limits", data=limit | {"working_days": "99"})
    assert bad.status_code == 422 and 'id="working_days-error"' in bad.text and 'value="99"' in bad.text
    ok = op.post("/console/settings/time-limits", data=limit | {"working_days": "7"})
    assert ok.status_code == 200
    limits = m.desk.get(m.desk.operator, "/task-time-limits").json()
    assert {(x["task_kind"], x["channel"]): x["working_days"] for x in limits}[("valuation", "standard")] == 7
    scheme = op.get("/console/settings/schemes/test-city")
    assert scheme.status_code == 200 and "test-city" in scheme.text and "<pre" in scheme.text
    assert op.get("/console/settings/schemes/nope").status_code == 404
    reg = sign_in(app, m.analyst)
    page = reg.get("/console/settings").text
    assert "3.45%" in page and 'action="/console/settings/lpr"' not in page
    assert reg.post("/console/settings/lpr", data=form | {"csrf": csrf_of(page), "rate": "3.1"}).status_code == 403
    assert sign_in(app, world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)).get("/console/settings").status_code == 403
    for lang in ("zh", "en"):
        op.cookies.set("ippledge_lang", lang)
        for path in ("/console/settings", "/console/settings/schemes/test-city"):
            r = op.get(path)
            assert r.status_code == 200 and not KEY.search(r.text), (path, lang, KEY.search(r.text))


def test_overdue_work_across_institutions(world, app, session_factory) -> None:
    """The regulator's analyst sees the fund's claim once past its review limit, counted under the fund."""
    import datetime as dt

    m = market(world, app, session_factory)
    reg = sign_in(app, m.analyst)
    assert 'href="/console/overdue"' in reg.get("/console/").text
    page = reg.get("/console/overdue")
    assert page.status_code == 200 and "超时事项" in page.text and f"#{m.claim_id}" not in page.text
    m.desk.clock.today = m.today + dt.timedelta(days=120)
    late = reg.get("/console/overdue").text
    assert f"#{m.claim_id}" in late and 'id="overdue-by-institution"' in late
    assert f'href="/console/applications/{m.valuation_app_id}"' in late  # the valuer's task past its limit
    assert sign_in(app, m.desk.bank.officer).get("/console/overdue").status_code == 403
    for lang in ("zh", "en"):
        reg.cookies.set("ippledge_lang", lang)
        r = reg.get("/console/overdue")
        assert r.status_code == 200 and not KEY.search(r.text), (lang, KEY.search(r.text))
