"""Disposal in the console (decision 0036): the lots list, a lot's page with rounds and bids, a registered bidder's
bid form (a refused bid's reason beside the field, a double submit bids once), and the listings search."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from ippledge.disposal import service
from ippledge.disposal.api import server_time
from ippledge.disposal.tables import DisposalBid
from tests.console.test_pages import csrf_of, sign_in
from tests.disposal.factories import bidder, claimed_loan
from tests.risk_sharing.factories import RiskDesk

H = dt.timedelta(hours=1)


def lot_with_round(world: Any, app: Any, f: Any) -> tuple[RiskDesk, int, int, Any, dt.datetime]:
    """A lot with its first round announced and one registered bidder; returns the round's opening instant."""
    d = RiskDesk(world, app, f)
    c = claimed_loan(d)
    with f.begin() as s:
        lot_id = service.open_lot(s, c.agent.principal, c.loan_id, d.clock.today).id
    with f.begin() as s:
        r = service.schedule_round(s, c.agent.principal, lot_id, d.clock.today)
        rid, opens = r.id, r.opens_at
    a = bidder(d)
    with f.begin() as s:
        service.register_bidder(s, c.agent.principal, rid, a.party.id, opens - H)
    return d, lot_id, rid, a, opens


def test_bidder_bids_once_and_sees_refusals_beside_the_field(world, app, session_factory) -> None:
    d, lot_id, rid, a, opens = lot_with_round(world, app, session_factory)
    c = sign_in(app, a)
    assert 'href="/console/disposal/lots"' in c.get("/console/").text  # in the menu
    lots = c.get("/console/disposal/lots").text
    assert f'href="/console/disposal/lots/{lot_id}"' in lots and "处置中" in lots
    app.dependency_overrides[server_time] = lambda: opens - H  # still in the notice period
    try:
        page = c.get(f"/console/disposal/lots/{lot_id}").text
        assert "起拍价" in page and "5,600,000.00 元" in page and "我已报名" in page and 'name="amount"' in page
        key = page.split('name="idempotency_key" value="')[1].split('"')[0]
        data = {"csrf": csrf_of(page), "idempotency_key": key}
        url = f"/console/disposal/lots/{lot_id}/rounds/{rid}/bid"
        bad = c.post(url, data=data | {"amount": "很多"})
        assert bad.status_code == 422 and "请输入大于零的出价金额" in bad.text and 'value="很多"' in bad.text
        early = c.post(url, data=data | {"amount": "5600000"})
        assert early.status_code == 409 and 'id="amount-error"' in early.text and 'value="5600000"' in early.text
        app.dependency_overrides[server_time] = lambda: opens + H
        first = c.post(url, data=data | {"amount": "5600000"}, follow_redirects=False)
        second = c.post(url, data=data | {"amount": "5600000"}, follow_redirects=False)
        assert first.status_code == second.status_code == 303, first.text[-1500:]
        with session_factory() as s:
            assert s.scalar(select(func.count()).select_from(DisposalBid)) == 1  # the double submit bid once
        page = c.get(f"/console/disposal/lots/{lot_id}").text
        assert f'id="bids-{rid}"' in page and "我的出价" in page
        key = page.split('name="idempotency_key" value="')[1].split('"')[0]
        low = c.post(url, data={"csrf": csrf_of(page), "idempotency_key": key, "amount": "5600000"})
        assert low.status_code == 409 and "field-error" in low.text  # not above the current price
        # a party that did not register has no form; its bid is refused with the reason
        other = sign_in(app, d.firm)
        page = other.get(f"/console/disposal/lots/{lot_id}").text
        assert 'name="amount"' not in page and "我的出价" not in page
        key = "k-" + "1" * 20
        r = other.post(url, data={"csrf": csrf_of(page), "idempotency_key": key, "amount": "9000000"})
        assert r.status_code == 409 and "form-error" in r.text
    finally:
        app.dependency_overrides.pop(server_time, None)
    assert c.get("/console/disposal/lots/999999").status_code == 404
    mine = csrf_of(c.get("/console/disposal/lots").text)
    assert c.post(f"/console/disposal/lots/{lot_id}/rounds/999999/bid", data={"csrf": mine}).status_code == 404


def test_listings_search_and_bad_fields(world, app, session_factory) -> None:
    d, lot_id, _, _a, _ = lot_with_round(world, app, session_factory)
    c = sign_in(app, d.bank.officer)
    found = c.get("/console/disposal/listings?ip_kind=patent&price_min=100&price_max=1000")
    assert found.status_code == 200 and f'href="/console/disposal/lots/{lot_id}"' in found.text
    none = c.get("/console/disposal/listings?price_min=1000")
    assert none.status_code == 200 and f"/console/disposal/lots/{lot_id}" not in none.text
    bad = c.get("/console/disposal/listings?region=北京&price_max=many&ipc=G06F")
    assert bad.status_code == 422 and "行政区划代码" in bad.text and 'value="北京"' in bad.text
    assert 'id="price_max-error"' in bad.text and 'value="G06F"' in bad.text
    for lang in ("zh", "en"):
        c.cookies.set("ippledge_lang", lang)
        for path in ("/console/disposal/lots", f"/console/disposal/lots/{lot_id}", "/console/disposal/listings"):
            r = c.get(path)
            assert r.status_code == 200 and not KEY.search(r.text), (path, lang, KEY.search(r.text))


KEY = __import__("re").compile(
    r">[^<]*\b(?:ui|lot|channel|stage|format|round|ipkind|ip|gwsource|gwfield|purpose|consent|wl|fb|decline|outcome|finding|wrule|watch|cover|coverstatus|claim|tenor|ichannel|task|bidder|dfiling|sharer|arisk|work)\.[a-z_]+"
)
