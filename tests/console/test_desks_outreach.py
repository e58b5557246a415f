"""Outreach events in the console (对接活动, decision 0036): the operator announces an event (a bad form keeps what was
typed and names each bad field, nothing written), a firm signs up once with the button and sees only its own
sign-up, the operator marks attendance and opens the banks' follow-up tasks, a bank finds its task from the event;
an unknown event is the 404 page and a firm cannot mark attendance."""

from __future__ import annotations

import datetime as dt
import re

from tests.console.test_pages import csrf_of, sign_in
from tests.whitelist.factories import WhitelistDesk

KEY = re.compile(r">[^<]*\b(?:ui|evkind|fb|wl|decline|outcome)\.[a-z_]+")
HELD = dt.date(2025, 6, 10)


def test_announce_sign_up_attend_follow_up(world, app, session_factory) -> None:
    d = WhitelistDesk(world, app, session_factory)
    other = d.make_firm()
    op = sign_in(app, d.operator)
    assert 'href="/console/events"' in op.get("/console/").text  # in the menu
    page = op.get("/console/events").text
    assert "发布活动" in page and d.bank.party.name in page
    form = {"csrf": csrf_of(page), "kind": "park_campaign", "title": "中关村软件园入园惠企", "held_on": "2025-01-01"}
    form |= {"capacity": "0", "park": "中关村软件园", "region_code": "11", "bank_ids": [str(d.bank.id)]}
    bad = op.post("/console/events", data=form)
    assert bad.status_code == 422
    for field in ("held_on", "capacity", "region_code"):
        assert f'id="{field}-error"' in bad.text, field
    assert 'value="中关村软件园入园惠企"' in bad.text and 'value="11"' in bad.text  # what was typed is kept
    assert d.get(d.operator, "/outreach-events").json() == []  # nothing written
    form |= {
        "held_on": str(HELD),
        "capacity": "5",
        "region_code": "110108",
        "bank_ids": [str(d.bank.id), str(d.bank2.id)],
    }
    made = op.post("/console/events", data=form, follow_redirects=False)
    assert made.status_code == 303
    url = made.headers["location"]
    ev = int(url.rsplit("/", 1)[1])

    firm = sign_in(app, d.firm)
    listed = firm.get("/console/events").text
    assert f'href="/console/events/{ev}"' in listed and "入园惠企" in listed and "报名中" in listed
    page = firm.get(url).text
    assert "报名参加" in page
    first = firm.post(f"{url}/signup", data={"csrf": csrf_of(page)}, follow_redirects=False)
    second = firm.post(f"{url}/signup", data={"csrf": csrf_of(page)}, follow_redirects=False)  # a double press
    assert first.status_code == second.status_code == 303
    page = firm.get(url).text
    assert 'data-testid="signed"' in page and 'data-testid="places-left">4<' in page
    d.post(d.operator, f"/outreach-events/{ev}/signups", {"enterprise_id": other.id}, 201)
    assert firm.get(url).text.count('data-testid="signup"') == 1  # only its own sign-up, not the other firm's
    assert f'data-testid="signed-{ev}"' in firm.get("/console/events").text
    assert 'href="/console/events/' in firm.get("/console/").text  # the coming event in its inbox
    assert firm.get("/console/events/999999").status_code == 404
    assert (
        firm.post(f"{url}/attendance", data={"csrf": csrf_of(page), "came": [str(d.firm.party.id)]}).status_code == 403
    )

    d.clock.today = HELD
    page = op.get(url).text
    assert 'name="came"' in page and d.firm.party.name in page
    marked = op.post(f"{url}/attendance", data={"csrf": csrf_of(page), "came": [str(d.firm.party.id)]})
    assert marked.status_code == 200 and 'data-testid="attended">1<' in marked.text
    assert f'href="/console/events/{ev}"' in op.get("/console/").text  # follow-ups to open, in the inbox
    opened = op.post(f"{url}/follow-ups", data={"csrf": csrf_of(page)})
    assert opened.status_code == 200 and f'data-testid="follow-ups">{HELD}<' in opened.text
    assert "向银行派发跟进任务" not in opened.text  # once per event

    b = sign_in(app, d.bank.officer)
    assert 'href="/console/events"' in b.get("/console/").text
    tasks = b.get(f"/console/whitelist/pushes?event_id={ev}&done=1").text
    assert d.firm.party.name in tasks and "已推送" in tasks
    assert f'name="event_id" value="{ev}"' in tasks  # a search stays within the event's tasks
    assert "已推送" not in b.get("/console/whitelist/pushes?event_id=999999").text.split('id="pushed-firms"')[1]

    for who, paths in ((op, ["/console/events", url]), (firm, ["/console/events", url]), (b, ["/console/events", url])):
        for lang in ("zh", "en"):
            who.cookies.set("ippledge_lang", lang)
            for path in paths:
                r = who.get(path)
                assert r.status_code == 200 and not KEY.search(r.text), (path, lang, KEY.search(r.text))
