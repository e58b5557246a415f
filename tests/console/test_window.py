"""The centre's window in the console (decision 0035): the one-time checklist (一次性告知), accept or return with a
reason; a refused decision writes nothing; the firm sees the notice once, with every missing document."""

from __future__ import annotations

import re

from ippledge.intake.model import BASE_DOCUMENTS, required_documents, window_missing
from tests.console.factories import seed
from tests.console.test_pages import csrf_of, sign_in


def test_checklist_rule_lists_every_missing_document_once() -> None:
    docs = required_documents([(7, "patent", "ZL1"), (8, "trademark", "T2")])
    assert [d.code for d in docs][-2:] == ["ip:7", "ip:8"] and docs[-1].zh == "商标注册证" and docs[-2].ref == "ZL1"
    missing = window_missing(docs, ["business_licence", "ip:7"], accept=False)
    assert [d.code for d in missing] == ["legal_rep_id", "financials", "resolution", "ip:8"]
    try:
        window_missing(docs, ["business_licence"], accept=True)
    except Exception as exc:  # accepting with documents missing is refused, naming them all
        assert "营业执照" not in str(exc.message_zh) and "商标注册证" in exc.message_zh  # type: ignore[attr-defined]
    else:
        raise AssertionError("accepted with documents missing")
    try:
        window_missing(docs, ["nonsense"], accept=False)
    except Exception as exc:
        assert exc.code == "intake.window_document"  # type: ignore[attr-defined]
    else:
        raise AssertionError("an unknown document was taken")


def test_window_returns_with_the_whole_list_then_accepts_another(world, app) -> None:
    s = seed(world, app)
    d = s.desk
    c = sign_in(app, d.operator)
    queue = c.get("/console/window/queue").text
    assert f'href="/console/window/applications/{s.application_id}"' in queue
    desk = c.get(f"/console/window/applications/{s.application_id}")
    assert desk.status_code == 200 and "申请材料清单" in desk.text and "营业执照" in desk.text
    assert "银行审查" in desk.text  # the hand-off to the bank on the timeline
    codes = re.findall(r'name="presented" value="([^"]+)"', desk.text)
    assert codes[: len(BASE_DOCUMENTS)] == [b.code for b in BASE_DOCUMENTS] and codes[-1].startswith("ip:")
    form = {"csrf": csrf_of(desk.text)}
    some = form | {"presented": codes[:2]}
    early = c.post(f"/console/window/applications/{s.application_id}/decision", data=some | {"outcome": "accept"})
    assert early.status_code == 422 and 'id="documents-error"' in early.text and "材料不全" in early.text
    assert early.text.count("checked") == 2  # what was ticked stays ticked
    no_reason = c.post(f"/console/window/applications/{s.application_id}/decision", data=some | {"outcome": "return"})
    assert no_reason.status_code == 422 and 'id="reason-error"' in no_reason.text
    assert sign_in(app, d.firm).get(f"/console/applications/{s.application_id}").text.count("window-notice") == 0
    r = c.post(
        f"/console/window/applications/{s.application_id}/decision",
        data=some | {"outcome": "return", "reason": "缺财务报表和决议"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    back = c.get(r.headers["location"]).text
    assert "已退回补正" in back and 'name="presented"' not in back  # returned: nothing more to decide
    firm = sign_in(app, d.firm).get(f"/console/applications/{s.application_id}").text
    notice = firm.split('id="window-notice"')[1].split("</section>")[0]
    assert "一次性告知书" in notice and "缺财务报表和决议" in notice
    for doc in ("近两年财务报表", "股东会或董事会决议", "专利证书"):
        assert notice.count(doc) == 1  # every missing document, told once
    assert "营业执照" not in notice and "法定代表人身份证明" not in notice  # presented
    assert "已撤回" in firm  # returned: closed like a withdrawal, the banks' tasks cancelled
    again = c.post(
        f"/console/window/applications/{s.application_id}/decision",
        data=form | {"presented": codes, "outcome": "accept"},
    )
    assert again.status_code == 422 and "不能再受理" in again.text
    # a complete file is accepted once
    a = d.apply([s.free_assets[0]], consents=[d.bank.id])
    page = c.get(f"/console/window/applications/{a['id']}").text
    every = re.findall(r'name="presented" value="([^"]+)"', page)
    ok = c.post(
        f"/console/window/applications/{a['id']}/decision",
        data={"csrf": csrf_of(page), "presented": every, "outcome": "accept"},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and "窗口已受理" in c.get(ok.headers["location"]).text
    twice = c.post(
        f"/console/window/applications/{a['id']}/decision",
        data={"csrf": csrf_of(page), "presented": every, "outcome": "accept"},
    )
    assert twice.status_code == 422 and "已对该申请作出处理" in twice.text
    assert sign_in(app, d.firm).get(f"/console/window/applications/{a['id']}").status_code == 403
    assert (
        sign_in(app, d.bank.officer)
        .post(f"/console/window/applications/{a['id']}/decision", data={"csrf": "x", "outcome": "accept"})
        .status_code
        == 403
    )


def test_window_inbox_lists_unhandled_applications_overdue_first(world, app) -> None:
    import datetime as dt

    from ippledge.intake import queries as intake_queries
    from ippledge.intake.model import WINDOW_LIMIT_DAYS

    s = seed(world, app)
    d = s.desk
    with world.factory() as session:
        pending = intake_queries.unhandled_at_window(session, d.operator.principal, d.clock.today)
        assert s.application_id in {w.application_id for w in pending}
        w = next(w for w in pending if w.application_id == s.application_id)
        assert w.due_on > w.submitted_on and WINDOW_LIMIT_DAYS == 1
        late = intake_queries.unhandled_at_window(session, d.operator.principal, w.due_on + dt.timedelta(days=1))
        assert late[0].overdue and late[0].application_id == s.application_id
    c = sign_in(app, d.operator)
    home = c.get("/console/").text
    assert f'href="/console/window/applications/{s.application_id}"' in home and "窗口待受理" in home
    c.cookies.set("ippledge_lang", "en")
    assert "Awaiting the window" in c.get("/console/").text
    # the bank's officer and the firm get no window items; the window's decision takes the item off
    assert "/console/window/applications/" not in sign_in(app, d.bank.officer).get("/console/").text
    assert "/console/window/applications/" not in sign_in(app, d.firm).get("/console/").text
    c.cookies.set("ippledge_lang", "zh")
    desk = c.get(f"/console/window/applications/{s.application_id}").text
    codes = re.findall(r'name="presented" value="([^"]+)"', desk)
    form = {"csrf": csrf_of(desk), "presented": codes, "outcome": "accept"}
    assert c.post(f"/console/window/applications/{s.application_id}/decision", data=form).status_code == 200
    assert f'href="/console/window/applications/{s.application_id}"' not in c.get("/console/").text
    with world.factory() as session:
        assert s.application_id not in {
            w.application_id for w in intake_queries.unhandled_at_window(session, d.operator.principal, d.clock.today)
        }
