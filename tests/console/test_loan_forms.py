"""A loan's money forms in the console (decision 0035): the firm repays, the bank writes off (maker-checker) and
records recoveries; bad input stays beside the field with what was typed, a double submit moves money once, another
party's loan is the 404 page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from ippledge.access.model import PartyKind, Role
from ippledge.lending.tables import LoanRepayment
from tests.console.factories import seed
from tests.console.test_pages import csrf_of, sign_in


def key_of(html: str) -> str:
    return html.split('name="idempotency_key" value="')[1].split('"')[0]


def receipts(session_factory: Any, loan_id: int, kind: str | None = None) -> int:
    with session_factory() as db:
        stmt = select(func.count()).select_from(LoanRepayment).where(LoanRepayment.loan_id == loan_id)
        if kind:
            stmt = stmt.where(LoanRepayment.kind == kind)
        return int(db.scalar(stmt) or 0)


def test_firm_repays_once_and_bad_input_stays_beside_the_field(world, app, session_factory) -> None:
    s = seed(world, app)
    d = s.desk
    first = d.get(d.firm, f"/loans/{s.loan_id}").json()["schedule"][0]
    d.clock.today = dt.date.fromisoformat(first["due_date"])
    c = sign_in(app, d.firm)
    page = c.get(f"/console/loans/{s.loan_id}")
    assert page.status_code == 200 and "还款" in page.text and 'name="idempotency_key"' in page.text
    form = {"csrf": csrf_of(page.text), "idempotency_key": key_of(page.text)}
    before = receipts(session_factory, s.loan_id)
    bad = c.post(f"/console/loans/{s.loan_id}/repay", data=form | {"amount": "12abc"})
    assert bad.status_code == 422 and 'id="amount-error"' in bad.text and "请输入大于零的金额" in bad.text
    assert 'value="12abc"' in bad.text and key_of(bad.text) == form["idempotency_key"]  # typed value and key kept
    over = c.post(f"/console/loans/{s.loan_id}/repay", data=form | {"amount": "9999999"})
    assert over.status_code == 422 and 'class="form-error"' in over.text  # more than is due, and no prepayment
    assert receipts(session_factory, s.loan_id) == before
    d.deposit("500000")
    one = c.post(f"/console/loans/{s.loan_id}/repay", data=form | {"amount": first["payment"]}, follow_redirects=False)
    two = c.post(f"/console/loans/{s.loan_id}/repay", data=form | {"amount": first["payment"]}, follow_redirects=False)
    assert one.status_code == two.status_code == 303 and one.headers["location"] == two.headers["location"]
    assert receipts(session_factory, s.loan_id) == before + 1  # the double submit repaid once
    after = c.get(one.headers["location"]).text
    assert "已办理" in after and first["due_date"] in after
    other = sign_in(app, world.actor(PartyKind.ENTERPRISE, Role.ENTERPRISE_USER))
    assert other.get(f"/console/loans/{s.loan_id}").status_code == 404
    stolen = other.post(
        f"/console/loans/{s.loan_id}/repay",
        data={"csrf": csrf_of(other.get("/console/").text)} | {"idempotency_key": "other-key-001", "amount": "100"},
    )
    assert stolen.status_code == 404 and receipts(session_factory, s.loan_id) == before + 1


def test_write_off_maker_checker_and_recoveries_once(world, app, session_factory) -> None:
    s = seed(world, app)
    d = s.desk
    officer = sign_in(app, d.bank.officer)
    assert "提出核销" not in officer.get(f"/console/loans/{s.loan_id}").text  # a performing loan
    d.post(d.bank.officer, f"/loans/{s.loan_id}/grade", {"grade": "substandard", "reason": "连续两期未还"}, 200)
    page = officer.get(f"/console/loans/{s.loan_id}").text
    assert "提出核销" in page
    form = {"csrf": csrf_of(page), "idempotency_key": key_of(page)}
    empty = officer.post(f"/console/loans/{s.loan_id}/write-off", data=form | {"reason": "  "})
    assert empty.status_code == 422 and 'id="reason-error"' in empty.text and "请填写理由" in empty.text
    ok = officer.post(
        f"/console/loans/{s.loan_id}/write-off", data=form | {"reason": "处置无果"}, follow_redirects=False
    )
    assert ok.status_code == 303
    proposed = officer.get(f"/console/loans/{s.loan_id}").text
    assert "核销待复核" in proposed and "loan-write-offs/" not in proposed  # the maker gets no decision form
    wo_id = int(
        sign_in(app, d.bank.approver)
        .get(f"/console/loans/{s.loan_id}")
        .text.split("/console/loan-write-offs/")[1]
        .split("/")[0]
    )
    other_bank = sign_in(app, d.bank2.approver)
    ob = other_bank.get("/console/").text
    r = other_bank.post(
        f"/console/loan-write-offs/{wo_id}/decision",
        data={"csrf": csrf_of(ob), "idempotency_key": "wo-other-01", "approve": "1"},
    )
    assert r.status_code == 404
    approver = sign_in(app, d.bank.approver)
    page = approver.get(f"/console/loans/{s.loan_id}").text
    decide = {"csrf": csrf_of(page), "idempotency_key": key_of(page), "approve": "1", "reason": "同意"}
    one = approver.post(f"/console/loan-write-offs/{wo_id}/decision", data=decide, follow_redirects=False)
    two = approver.post(f"/console/loan-write-offs/{wo_id}/decision", data=decide, follow_redirects=False)
    assert one.status_code == two.status_code == 303
    assert "已核销" in approver.get(f"/console/loans/{s.loan_id}").text
    page = officer.get(f"/console/loans/{s.loan_id}").text
    assert "登记收回" in page
    rec = {"csrf": csrf_of(page), "idempotency_key": key_of(page)}
    bad = officer.post(f"/console/loans/{s.loan_id}/recoveries", data=rec | {"amount": "-5"})
    assert bad.status_code == 422 and 'value="-5"' in bad.text and "请输入大于零的金额" in bad.text
    for _ in range(2):
        r = officer.post(
            f"/console/loans/{s.loan_id}/recoveries", data=rec | {"amount": "30000"}, follow_redirects=False
        )
        assert r.status_code == 303
    assert receipts(session_factory, s.loan_id, "recovery") == 1
    assert "30,000.00" in officer.get(f"/console/loans/{s.loan_id}").text


def test_loan_page_loads_policy_matches_and_subsidies_for_its_parties_only(world, app) -> None:
    s = seed(world, app)
    d = s.desk
    firm = sign_in(app, d.firm)
    page = firm.get(f"/console/loans/{s.loan_id}").text
    assert f'hx-get="/console/loans/{s.loan_id}/policy"' in page
    part = firm.get(f"/console/loans/{s.loan_id}/policy")
    assert part.status_code == 200 and "政策匹配" in part.text and 'id="loan-subsidies"' in part.text
    assert "<html" not in part.text  # a partial, swapped into the page
    firm.cookies.set("ippledge_lang", "en")
    assert "Policy matches" in firm.get(f"/console/loans/{s.loan_id}/policy").text
    other = sign_in(app, world.actor(PartyKind.ENTERPRISE, Role.ENTERPRISE_USER))
    assert other.get(f"/console/loans/{s.loan_id}/policy").status_code == 404


def test_officer_plans_a_site_visit_on_the_loan_page(world, app) -> None:
    s = seed(world, app)
    d = s.desk
    officer = sign_in(app, d.bank.officer)
    page = officer.get(f"/console/loans/{s.loan_id}").text
    assert "安排现场走访" in page
    form = {"csrf": csrf_of(page), "idempotency_key": key_of(page)}
    empty = officer.post(f"/console/loans/{s.loan_id}/site-visits", data=form | {"purpose": " "})
    assert empty.status_code == 422 and 'id="purpose-error"' in empty.text and "请填写走访目的" in empty.text
    ok = officer.post(
        f"/console/loans/{s.loan_id}/site-visits", data=form | {"purpose": "核实经营"}, follow_redirects=False
    )
    assert ok.status_code == 303
    after = officer.get(f"/console/loans/{s.loan_id}").text
    table = after.split('id="post-loan"')[1].split("</table>")[0]
    assert "现场走访" in table and "待办理" in table
    assert 'id="post-loan"' not in sign_in(app, d.firm).get(f"/console/loans/{s.loan_id}").text  # the bank's own work
    other = sign_in(app, d.bank2.officer)
    r = other.post(
        f"/console/loans/{s.loan_id}/site-visits",
        data={"csrf": csrf_of(other.get("/console/").text), "purpose": "窥探"},
    )
    assert r.status_code == 404
