"""Whitelist push in the console (decision 0036): the platform's second operator publishes a list (the builder
cannot), the bank reads its pushed firms with why each is listed, reports follow-ups (a decline without a reason
code is refused beside the field, nothing written), and sees what is overdue; another bank's firm is the 404 page."""

from __future__ import annotations

import datetime as dt

from tests.console.test_desks_disposal import KEY
from tests.console.test_pages import csrf_of, sign_in
from tests.whitelist.factories import RULES, WhitelistDesk


def test_publish_push_follow_up_and_overdue(world, app, session_factory) -> None:
    d = WhitelistDesk(world, app, session_factory)
    top = d.make_firm(kinds=("ip_demonstration",), inventions=3, score=80)
    d.make_firm(kinds=("specialised",), score=70)
    c = d.criteria(RULES)
    body = {"criteria_id": c["id"], "name": "示范企业白名单", "as_of": str(d.clock.today)}
    body |= {"valid_from": str(d.clock.today), "valid_to": "2025-12-31"}
    lst = d.post(d.operator, "/whitelists", body, 201).json()
    maker = sign_in(app, d.operator)
    assert 'href="/console/whitelists"' in maker.get("/console/").text
    page = maker.get(f"/console/whitelists/{lst['id']}").text
    assert "待复核" in page and "知识产权示范企业" in page and "须由另一名操作员复核" in page
    own = maker.post(f"/console/whitelists/{lst['id']}/review", data={"csrf": csrf_of(page), "decision": "approve"})
    assert own.status_code == 403
    checker = sign_in(app, d.operator2)
    page = checker.get(f"/console/whitelists/{lst['id']}").text
    ok = checker.post(f"/console/whitelists/{lst['id']}/review", data={"csrf": csrf_of(page), "decision": "approve"})
    assert ok.status_code == 200 and 'data-testid="list-status">已发布' in ok.text
    push = {"bank_ids": [d.bank.id, d.bank2.id], "top_n": 10, "first_contact_days": 3, "next_step_days": 5}
    pushes = d.post(d.operator, f"/whitelists/{lst['id']}/pushes", push, 201).json()
    item = pushes[0]["items"][0]["id"]
    other_item = pushes[1]["items"][0]["id"]

    b = sign_in(app, d.bank.officer)
    assert 'href="/console/whitelist/pushes"' in b.get("/console/").text
    listed = b.get("/console/whitelist/pushes").text
    assert f'href="/console/whitelist/items/{item}"' in listed and "已推送" in listed
    assert f"/console/whitelist/items/{other_item}" not in listed
    page = b.get(f"/console/whitelist/items/{item}").text
    assert "入选理由" in page and "知识产权质量评分" in page and "符合" in page
    url = f"/console/whitelist/items/{item}/feedback"
    no_reason = b.post(url, data={"csrf": csrf_of(page), "state": "declined", "note": "暂不需要"})
    assert no_reason.status_code == 422 and 'id="reason_code-error"' in no_reason.text
    assert 'value="暂不需要"' in no_reason.text
    assert 'data-testid="item-state">已推送' in b.get(f"/console/whitelist/items/{item}").text  # nothing written
    data = {"csrf": csrf_of(page), "state": "contacted", "branch": "中关村支行"}
    first = b.post(url, data=data, follow_redirects=False)
    second = b.post(url, data=data, follow_redirects=False)  # a double submit changes nothing
    assert first.status_code == second.status_code == 303
    page = b.get(f"/console/whitelist/items/{item}").text
    assert 'data-testid="item-state">已对接' in page and "中关村支行" in page and page.count("→") == 1
    assert b.get(f"/console/whitelist/items/{other_item}").status_code == 404
    assert b.post(f"/console/whitelist/items/{other_item}/feedback", data=data).status_code == 404
    d.clock.today = dt.date(2025, 7, 31)
    late = b.get("/console/whitelist/pushes?overdue=1").text
    assert "已超时" in late and f'data-testid="overdue-{item}"' in late
    across = sign_in(app, d.regulator).get("/console/overdue").text  # the regulator sees it across banks
    assert across.count("已推送") >= 1 and "超时未跟进的推送企业" in across
    assert b.get("/console/whitelists").status_code == 403
    assert sign_in(app, d.firm).get("/console/whitelist/pushes").status_code == 403
    assert top.id
    for who, paths in (
        (b, ["/console/whitelist/pushes", f"/console/whitelist/items/{item}"]),
        (checker, ["/console/whitelists", f"/console/whitelists/{lst['id']}"]),
    ):
        for lang in ("zh", "en"):
            who.cookies.set("ippledge_lang", lang)
            for path in paths:
                r = who.get(path)
                assert r.status_code == 200 and not KEY.search(r.text), (path, lang, KEY.search(r.text))
