"""The loan page's servicing forms (decision 0038): 展期 is maker-checker (the officer proposes, another approver
decides from the inbox, the proposer never gets the decision form), 续贷 is the approver's, a fee is charged once per
key, 提前收回 is proposed as monitoring's action; each form shows only to the roles allowed, bad input stays beside
the field with what was typed, an action out of order is the 409 reason beside the field, another bank's loan is the
404 page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import func, select

from ippledge.lending.tables import LoanCharge
from tests.console.factories import seed
from tests.console.test_loan_forms import key_of
from tests.console.test_pages import csrf_of, sign_in

FORMS = ("extension-form", "renewal-form", "charge-form", "recall-form")


def _shown(html: str) -> set[str]:
    return {f for f in FORMS if f'data-testid="{f}"' in html}


def charges(session_factory: Any, loan_id: int) -> int:
    with session_factory() as db:
        return int(db.scalar(select(func.count()).select_from(LoanCharge).where(LoanCharge.loan_id == loan_id)) or 0)


def test_forms_show_to_the_roles_allowed(world, app) -> None:
    s = seed(world, app)
    d = s.desk
    url = f"/console/loans/{s.loan_id}"
    assert _shown(sign_in(app, d.bank.officer).get(url).text) == {"extension-form", "charge-form", "recall-form"}
    assert _shown(sign_in(app, d.bank.approver).get(url).text) == {"renewal-form", "charge-form"}
    assert _shown(sign_in(app, d.firm).get(url).text) == set()
    en = sign_in(app, d.bank.approver2)
    en.cookies.set("ippledge_lang", "en")
    page = en.get(url).text
    assert _shown(page) == set(FORMS) and "Renewal without repaying principal" in page and "Valuation fee" in page
    assert not re.search(r">\s*(ui|ext|fee|collect|payee|renew|act)\.[a-z_]+", page)  # no label key shows
    assert sign_in(app, d.bank2.officer).get(url).status_code == 404


def test_extension_officer_proposes_approver_decides_from_the_inbox(world, app) -> None:
    s = seed(world, app)
    d, lid = s.desk, s.loan_id
    officer = sign_in(app, d.bank.officer)
    page = officer.get(f"/console/loans/{lid}").text
    form = {"csrf": csrf_of(page), "idempotency_key": key_of(page)}
    url = f"/console/loans/{lid}/extension"
    bad = officer.post(url, data=form | {"months": "abc", "reason": "回款周期延长"})
    assert bad.status_code == 422 and 'id="ext_months-error"' in bad.text and "请输入 1 至 36" in bad.text
    assert 'value="abc"' in bad.text and 'value="回款周期延长"' in bad.text  # what was typed is kept
    assert d.get(d.bank.officer, f"/loans/{lid}/extensions").json() == []  # nothing written
    ok = officer.post(url, data=form | {"months": "3", "reason": "回款周期延长"}, follow_redirects=False)
    assert ok.status_code == 303
    ext = d.get(d.bank.officer, f"/loans/{lid}/extensions").json()[0]
    assert ext["status"] == "proposed"
    page = officer.get(f"/console/loans/{lid}").text
    assert "待审批" in page and "extension-form" not in page and "decide-extension-" not in page  # the maker
    again = officer.post(url, data=form | {"months": "2", "reason": "再次申请"})  # out of order: one open proposal
    assert again.status_code == 422 and 'id="ext_months-error"' in again.text and "待审批的展期申请" in again.text
    assert 'value="再次申请"' in again.text

    other = sign_in(app, d.bank2.officer)
    stolen = other.post(url, data={"csrf": csrf_of(other.get("/console/").text), "months": "3", "reason": "x"})
    assert stolen.status_code == 404

    approver = sign_in(app, d.bank.approver)
    inbox = approver.get("/console/").text
    assert "展期待审批" in inbox and f'href="/console/loans/{lid}#extensions"' in inbox
    assert ext["decide_by"] in inbox  # the working-day deadline
    assert "展期待审批" not in officer.get("/console/").text
    page = approver.get(f"/console/loans/{lid}").text
    assert f'data-testid="decide-extension-{ext["id"]}"' in page
    dec = f"/console/loans/{lid}/extensions/{ext['id']}/decision"
    no_reason = approver.post(dec, data={"csrf": csrf_of(page), "decision": "reject"})
    assert no_reason.status_code == 422 and 'id="ext_decision_reason-error"' in no_reason.text
    other_approver = sign_in(app, d.bank2.approver)
    other_csrf = csrf_of(other_approver.get("/console/").text)
    assert other_approver.post(dec, data={"csrf": other_csrf, "decision": "approve"}).status_code == 404
    done = approver.post(dec, data={"csrf": csrf_of(page), "decision": "approve"}, follow_redirects=False)
    assert done.status_code == 303
    out = d.get(d.bank.officer, f"/loans/{lid}/extensions").json()[0]
    assert out["status"] == "approved" and out["to_maturity"] is not None
    twice = approver.post(dec, data={"csrf": csrf_of(page), "decision": "approve"})
    assert twice.status_code == 422 and 'id="ext_decision-error"' not in twice.text  # decided: no form any more
    assert "已处理" in twice.text


def test_a_double_submitted_charge_moves_money_once(world, app, session_factory) -> None:
    s = seed(world, app)
    d, lid = s.desk, s.loan_id
    officer = sign_in(app, d.bank.officer)
    page = officer.get(f"/console/loans/{lid}").text
    form = {"csrf": csrf_of(page), "idempotency_key": key_of(page)}
    url = f"/console/loans/{lid}/charges"
    bad = officer.post(url, data=form | {"kind": "valuation", "amount": "12x", "collect": "receivable"})
    assert bad.status_code == 422 and 'id="ch_amount-error"' in bad.text and 'value="12x"' in bad.text
    assert '<option value="valuation" selected>' in bad.text
    wrong = officer.post(url, data=form | {"kind": "lunch", "amount": "100"})
    assert wrong.status_code == 422 and 'id="ch_kind-error"' in wrong.text
    no_funds = officer.post(url, data=form | {"kind": "insurance", "amount": "8000000", "collect": "paid"})
    assert no_funds.status_code == 422 and 'id="ch_kind-error"' in no_funds.text  # refused beside the field
    assert charges(session_factory, lid) == 0
    fee = form | {"kind": "valuation", "amount": "3,000", "collect": "receivable", "payee": "third_party"}
    one = officer.post(url, data=fee, follow_redirects=False)
    two = officer.post(url, data=fee, follow_redirects=False)
    assert one.status_code == two.status_code == 303 and "done=charge" in one.headers["location"]
    assert charges(session_factory, lid) == 1  # the double submit charged once
    detail = d.get(d.bank.officer, f"/loans/{lid}").json()
    assert [c["amount"] for c in detail["charges"]] == ["3000.00"]
    other = sign_in(app, d.bank2.officer)
    stolen = other.post(url, data=fee | {"csrf": csrf_of(other.get("/console/").text), "idempotency_key": "ch-x-01"})
    assert stolen.status_code == 404 and charges(session_factory, lid) == 1


def test_recall_proposed_and_renewal_refused_out_of_order(world, app) -> None:
    s = seed(world, app)
    d, lid = s.desk, s.loan_id
    officer = sign_in(app, d.bank.officer)
    page = officer.get(f"/console/loans/{lid}").text
    form = {"csrf": csrf_of(page), "idempotency_key": key_of(page)}
    url = f"/console/loans/{lid}/early-recall"
    bad = officer.post(url, data=form | {"recall_on": "2025-13-40", "reason": "挪用贷款"})
    assert bad.status_code == 422 and 'id="rc_on-error"' in bad.text and 'value="挪用贷款"' in bad.text
    past = str(d.clock.today - dt.timedelta(days=1))
    early = officer.post(url, data=form | {"recall_on": past, "reason": "挪用贷款"})
    assert early.status_code == 422 and 'id="rc_reason-error"' in early.text  # the service's refusal, beside
    ok = officer.post(url, data=form | {"reason": "挪用贷款用途"}, follow_redirects=False)
    assert ok.status_code == 303
    actions = d.get(d.bank.officer, f"/monitoring/actions?loan_id={lid}").json()
    assert [a["kind"] for a in actions if a["state"] == "proposed"].count("early_recall") == 1
    approver = sign_in(app, d.bank.approver)
    page = approver.get(f"/console/loans/{lid}").text
    assert "提前收回" in page and 'data-testid="decide-' in page  # decided in the post-loan table

    form = {"csrf": csrf_of(page), "idempotency_key": key_of(page)}
    rn = f"/console/loans/{lid}/renewal"
    bad = approver.post(rn, data=form | {"kind": "repay_first", "months": "99", "reason": "续贷"})
    assert bad.status_code == 422 and 'id="rn_months-error"' in bad.text and 'value="99"' in bad.text
    refused = approver.post(rn, data=form | {"kind": "no_repayment", "months": "12", "reason": "续贷"})
    assert refused.status_code == 422 and 'id="rn_kind-error"' in refused.text  # too early: 409's reason beside
    assert '<option value="no_repayment" selected>' in refused.text
    assert d.get(d.bank.officer, f"/loans/{lid}").json()["status"] == "active"


def test_a_double_submitted_renewal_renews_once(world, app) -> None:
    s = seed(world, app)
    d, lid = s.desk, s.loan_id
    loan = d.get(d.bank.officer, f"/loans/{lid}").json()
    d.clock.today = dt.date.fromisoformat(loan["maturity_date"]) - dt.timedelta(days=10)  # in the renewal window
    d.deposit("2000000")  # the borrower's own funds pay the old loan off first (续贷)
    approver = sign_in(app, d.bank.approver)
    page = approver.get(f"/console/loans/{lid}").text
    form = {"csrf": csrf_of(page), "idempotency_key": key_of(page)}
    body = form | {"kind": "repay_first", "months": "12", "reason": "经营正常，续贷一年"}
    one = approver.post(f"/console/loans/{lid}/renewal", data=body, follow_redirects=False)
    two = approver.post(f"/console/loans/{lid}/renewal", data=body, follow_redirects=False)
    assert one.status_code == two.status_code == 303 and one.headers["location"] == two.headers["location"]
    new_id = int(one.headers["location"].split("/loans/")[1].split("?")[0])
    assert new_id != lid and d.get(d.bank.officer, f"/loans/{lid}").json()["status"] == "repaid"
    assert d.get(d.bank.officer, f"/loans/{new_id}").json()["status"] == "active"
    assert "已办理" in approver.get(one.headers["location"]).text
