"""A bank's alerts and watch list in the console (decision 0036): a borrower signal after the close is an alert and
a watch-list entry; the officer moves the entry with what was done (a note missing or a move out of order is refused
beside the field, nothing written); another bank's entry is the 404 page."""

from __future__ import annotations

import datetime as dt

from ippledge.monitoring import ports
from ippledge.monitoring.ports import BorrowerSignal
from tests.console.test_desks_disposal import KEY
from tests.console.test_pages import csrf_of, sign_in
from tests.risk_sharing.factories import RiskDesk


def test_alert_entry_and_its_moves(world, app, session_factory) -> None:
    d = RiskDesk(world, app, session_factory)
    lid = d.active_loan(amount="1000000", months=6)
    day = d.clock.today
    d.post(d.operator, "/close", {"date": str(day)}, 200)
    later = day + dt.timedelta(days=3)
    ports.FAKE.add(BorrowerSignal(d.firm.party.id, later - dt.timedelta(days=1), "tax_arrears", "t-1", "欠税12万元"))
    try:
        d.clock.today = later
        d.post(d.operator, "/close", {"date": str(later)}, 200)
    finally:
        ports.FAKE.clear()
    c = sign_in(app, d.bank.officer)
    home = c.get("/console/").text
    assert 'href="/console/alerts"' in home and 'href="/console/watch-list"' in home
    alerts = c.get("/console/alerts").text
    assert "借款人预警信号" in alerts and f'href="/console/loans/{lid}"' in alerts
    assert "共 0 条" in c.get("/console/alerts?finding=ltv_breach").text
    listed = c.get("/console/watch-list").text
    entry = int(listed.split('href="/console/watch-list/')[1].split('"')[0])
    page = c.get(f"/console/watch-list/{entry}").text
    assert 'data-testid="watch-state">已列入' in page and "借款人预警信号" in page
    url = f"/console/watch-list/{entry}/moves"
    no_note = c.post(url, data={"csrf": csrf_of(page), "to": "acting", "owner": "张三"})
    assert no_note.status_code == 422 and 'id="note-error"' in no_note.text and 'value="张三"' in no_note.text
    closed = c.post(url, data={"csrf": csrf_of(page), "to": "closed", "note": "直接移出"})
    assert closed.status_code == 409 and 'id="to-error"' in closed.text and 'value="直接移出"' in closed.text
    assert 'data-testid="watch-state">已列入' in c.get(f"/console/watch-list/{entry}").text  # nothing written
    data = {"csrf": csrf_of(page), "to": "acting", "note": "已实地走访"}
    first = c.post(url, data=data, follow_redirects=False)
    second = c.post(url, data=data, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    page = c.get(f"/console/watch-list/{entry}").text
    assert 'data-testid="watch-state">处置中' in page and "已实地走访" in page and page.count("→") == 2
    other = sign_in(app, d.bank2.officer)
    assert other.get(f"/console/watch-list/{entry}").status_code == 404
    assert "共 0 条" in other.get("/console/alerts").text
    assert sign_in(app, d.firm).get("/console/alerts").status_code == 403
    for lang in ("zh", "en"):
        c.cookies.set("ippledge_lang", lang)
        for path in ("/console/alerts", "/console/watch-list?done=1", f"/console/watch-list/{entry}"):
            r = c.get(path)
            assert r.status_code == 200 and not KEY.search(r.text), (path, lang, KEY.search(r.text))
