"""Post-loan actions on the bank's loan page (decision 0036): the officer proposes 代缴年费 for a pledged patent's
annuity due soon (a pick not on the list is refused beside the field, nothing written), the proposal is in another
approver's inbox, who rejects without a reason (refused beside the field) and then approves; another bank's action
is the 404 page."""

from __future__ import annotations

from ippledge.registry.tables import Annuity
from tests.console.test_pages import csrf_of, sign_in
from tests.monitoring.test_actions import _desk


def test_officer_proposes_annuity_payment_approver_decides(world, app, session_factory) -> None:
    d, lid, aid = _desk(world, app, session_factory)
    officer = sign_in(app, d.bank.officer)
    page = officer.get(f"/console/loans/{lid}").text
    assert f'<option value="{aid}:8"' in page and "代缴年费" in page
    url = f"/console/loans/{lid}/annuity-payments"
    bad = officer.post(url, data={"csrf": csrf_of(page), "annuity": "x"})
    assert bad.status_code == 422 and 'id="annuity-error"' in bad.text
    assert d.get(d.bank.officer, f"/monitoring/actions?loan_id={lid}").json() == []  # nothing written
    ok = officer.post(url, data={"csrf": csrf_of(page), "annuity": f"{aid}:8"}, follow_redirects=False)
    assert ok.status_code == 303
    action = d.get(d.bank.officer, f"/monitoring/actions?loan_id={lid}").json()[0]
    assert action["state"] == "proposed"
    again = officer.post(url, data={"csrf": csrf_of(page), "annuity": f"{aid}:8"})  # one pending proposal per subject
    assert again.status_code == 422 and 'class="form-error"' in again.text
    assert 'data-testid="decide-' not in officer.get(f"/console/loans/{lid}").text  # the maker cannot decide

    approver = sign_in(app, d.bank.approver)
    inbox = approver.get("/console/").text
    assert "待复核的贷后处置" in inbox and f'href="/console/loans/{lid}"' in inbox  # in the approver's inbox
    page = approver.get(f"/console/loans/{lid}").text
    assert f'data-testid="decide-{action["id"]}"' in page
    dec = f"/console/monitoring-actions/{action['id']}/decision"
    no_reason = approver.post(dec, data={"csrf": csrf_of(page), "decision": "reject"})
    assert no_reason.status_code == 422 and f'id="reason-{action["id"]}-error"' in no_reason.text
    other = sign_in(app, d.bank2.approver)
    other_csrf = csrf_of(other.get("/console/").text)  # the sign-out form carries the session's token
    assert other.post(dec, data={"csrf": other_csrf, "decision": "approve"}).status_code == 404
    done = approver.post(dec, data={"csrf": csrf_of(page), "decision": "approve"}, follow_redirects=False)
    assert done.status_code == 303
    assert d.get(d.bank.officer, f"/monitoring/actions/{action['id']}").json()["state"] == "done"
    with session_factory() as s:
        assert s.get(Annuity, (aid, 8)).paid_on is not None  # type: ignore[union-attr]


def test_officer_puts_the_loan_on_the_watch_list(world, app, session_factory) -> None:
    """列入关注名单 from the loan page: the form for the bank's officer and approver only, a missing reason or a long
    owner refused beside the field with the typed values kept (nothing written), another bank's loan the 404 page,
    a second officer entry while one is active the service's refusal beside the reason."""
    d, lid, _ = _desk(world, app, session_factory)
    officer, approver = sign_in(app, d.bank.officer), sign_in(app, d.bank.approver)
    page = officer.get(f"/console/loans/{lid}").text
    assert 'data-testid="watch-open"' in page and "列入关注名单" in page
    stale = approver.get(f"/console/loans/{lid}").text
    assert 'data-testid="watch-open"' in stale
    url = f"/console/loans/{lid}/watch-list"
    bad = officer.post(url, data={"csrf": csrf_of(page), "reason": " ", "owner": "张" * 65})
    assert bad.status_code == 422 and 'id="watch-reason-error"' in bad.text and 'id="watch-owner-error"' in bad.text
    assert "张" * 65 in bad.text  # typed values kept
    assert d.get(d.bank.officer, f"/watch-list?loan_id={lid}").json() == []  # nothing written
    other = sign_in(app, d.bank2.officer)
    other_csrf = csrf_of(other.get("/console/").text)
    assert other.get(f"/console/loans/{lid}").status_code == 404
    assert other.post(url, data={"csrf": other_csrf, "reason": "经营异常"}).status_code == 404
    ok = officer.post(
        url, data={"csrf": csrf_of(page), "reason": "经营异常", "owner": "王经理"}, follow_redirects=False
    )
    assert ok.status_code == 303
    [entry] = d.get(d.bank.officer, f"/watch-list?loan_id={lid}").json()
    assert (entry["rule"], entry["state"], entry["owner"]) == ("officer", "open", "王经理")
    shown = officer.get(f"/console/loans/{lid}").text
    assert f'href="/console/watch-list/{entry["id"]}"' in shown and 'data-testid="watch-open"' not in shown
    twice = approver.post(
        url, data={"csrf": csrf_of(stale), "reason": "再次列入"}
    )  # drawn before the officer listed it
    assert twice.status_code == 422 and 'id="watch-reason-error"' in twice.text and "再次列入" in twice.text
    assert len(d.get(d.bank.officer, f"/watch-list?loan_id={lid}").json()) == 1


def test_overdue_page_lists_post_loan_actions_and_registry_filings(world, app, session_factory) -> None:
    """The overdue page (decision 0036): a site visit past its act-by date counted under its bank, a filing the
    registry has not decided within its limit counted under the registry, for the regulator's analyst and the
    platform; a bank is refused."""
    import datetime as dt

    from ippledge.access.model import PartyKind, Role
    from tests.console.test_desks_disposal import KEY

    d, lid, _ = _desk(world, app, session_factory)
    visit = d.post(d.bank.officer, "/monitoring/actions/site-visits", {"loan_id": lid, "purpose": "核实经营"}, 201)
    filing_id = d.approved().filing_id
    filing = d.get(d.bank.officer, f"/pledge-filings/{filing_id}").json()
    reg = sign_in(app, world.actor(PartyKind.REGULATOR, Role.ANALYST))
    before = reg.get("/console/overdue").text
    assert 'id="overdue-actions"' in before and f"#{visit.json()['id']}<" not in before
    assert filing["filing_no"] not in before
    d.clock.today += dt.timedelta(days=40)
    for who in (reg, sign_in(app, d.operator)):
        late = who.get("/console/overdue").text
        assert f"<td>#{visit.json()['id']}</td>" in late and "现场走访" in late
        assert f"<td>{filing['filing_no']}</td>" in late and "设立登记" in late
        counts = late.split('id="overdue-by-institution"')[1].split("</table>")[0]
        assert d.bank.party.name in counts and d.registry.party.name in counts
    assert sign_in(app, d.bank.officer).get("/console/overdue").status_code == 403
    for lang in ("zh", "en"):
        reg.cookies.set("ippledge_lang", lang)
        r = reg.get("/console/overdue")
        assert r.status_code == 200 and not KEY.search(r.text), (lang, KEY.search(r.text))
