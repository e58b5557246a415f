"""Renewal (续贷 / 无还本续贷) through the API on both backends: a new loan on the same pledge without release.

无还本续贷: the new loan's proceeds repay the old principal (balanced entries, no cash to the borrower, who pays
only the old loan's interest from its own funds); the pledge stays in force, a change filing moves its secured
amount and term. 续贷: the old loan is repaid from the borrower's funds first, then the new loan is disbursed. A
debtor in difficulty makes the renewal a restructuring. Refused: too early, past due beyond the rule, another
amount for a no-repayment renewal, a repaid loan; another bank's loan is a 404. ``ledger check`` passes."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from typer.testing import CliRunner

from ippledge.cli import app as cli_app
from ippledge.ledger.accounts import account_code
from ippledge.ledger.store import balance
from ippledge.lending.model.classification import Grade
from ippledge.lending.model.renewal import RenewalKind, renewal_refusal
from tests.ledger.factories import assert_ledger_ok
from tests.lending.factories import LoanDesk, release_filings

MAT = dt.date(2025, 12, 3)


def test_renewal_rules() -> None:
    ok = (MAT, 0, Grade.NORMAL, 12, Decimal("100"), Decimal("100"), Decimal("100"))
    nr = RenewalKind.NO_REPAYMENT
    assert renewal_refusal(nr, MAT - dt.timedelta(days=30), *ok) is None
    assert renewal_refusal(nr, MAT - dt.timedelta(days=31), *ok) is not None  # before the window
    late = renewal_refusal(nr, MAT, MAT, 1, Grade.SPECIAL_MENTION, 12, Decimal("100"), Decimal("100"), Decimal("100"))
    assert late is not None and "1 days past due" in late.en
    assert renewal_refusal(nr, MAT, MAT, 0, Grade.SUBSTANDARD, 12, *ok[4:]) is not None  # NPL: restructure instead
    assert renewal_refusal(nr, MAT, MAT, 0, Grade.NORMAL, 12, Decimal("90"), Decimal("100"), Decimal("100"))
    more = renewal_refusal(
        RenewalKind.REPAY_FIRST, MAT, MAT, 0, Grade.NORMAL, 12, Decimal("101"), Decimal("0"), Decimal("100")
    )
    assert more is not None and "new decision" in more.en


def _close(d: LoanDesk, day: dt.date) -> None:
    d.clock.today = day
    d.post(d.operator, "/close", {"date": str(day)}, 200)


def _settlement(session_factory, d: LoanDesk) -> Decimal:  # type: ignore[no-untyped-def]
    with session_factory() as s:
        return balance(s, account_code(d.firm.party.id, "settlement"))


def test_no_repayment_renewal_keeps_the_pledge_and_moves_no_cash(world, app, session_factory, database_url) -> None:
    d = LoanDesk(world, app)
    lid = d.active_loan(amount="600000", months=6, method="bullet")
    old = d.get(d.bank.officer, f"/loans/{lid}").json()
    maturity = dt.date.fromisoformat(old["maturity_date"])
    _close(d, d.clock.today)
    url = f"/loans/{lid}/renewal"
    body = {"kind": "no_repayment", "months": 12, "reason": "经营正常，申请无还本续贷"}
    r = d.post(d.bank.approver, url, body, 409).json()  # months before maturity: too early
    assert r["code"] == "lending.renewal_refused"
    _close(d, maturity - dt.timedelta(days=10))
    d.post(d.bank2.approver, url, body, 404)
    d.post(d.firm, url, body, 403)
    assert d.post(d.bank.officer, url, body).status_code == 403  # the approver decides
    assert d.post(d.bank.approver, url, {**body, "amount": "500000"}, 409).json()["code"] == "lending.renewal_refused"

    quote = d.get(d.firm, f"/loans/{lid}/payoff-quote").json()
    interest = Decimal(quote["total"]) - Decimal("600000.00")
    assert interest > 0
    before = _settlement(session_factory, d)
    renewal = d.post(d.bank.approver, url, body, 201).json()
    assert renewal["kind"] == "no_repayment" and Decimal(renewal["amount"]) == Decimal("600000.00")
    # no cash to the borrower: its account paid only the old loan's interest
    assert _settlement(session_factory, d) == before - interest
    gone = d.get(d.bank.officer, f"/loans/{lid}").json()
    new = d.get(d.bank.officer, f"/loans/{renewal['new_loan_id']}").json()
    assert gone["status"] == "repaid" and Decimal(gone["outstanding_principal"]) == 0
    assert new["status"] == "active" and Decimal(new["outstanding_principal"]) == Decimal("600000.00")
    assert new["pledge_ids"] == old["pledge_ids"] and new["term_months"] == 12
    assert new["grade"] == "normal" and new.get("restructured_on") is None
    assert release_filings(session_factory) == []  # the pledge stays in force
    pid = old["pledge_ids"][0]
    assert d.get(d.bank.officer, f"/pledges/{pid}").json()["status"] == "in_force"
    # the change filing: the pledgor consents by confirming, the registry registers the new term
    fid = renewal["pledge_change_filings"][0]
    d.post(d.firm, f"/pledge-filings/{fid}/confirm", None, 200)
    d.post(d.firm, f"/pledge-filings/{fid}/submit", None, 200)
    d.register(fid)
    assert d.get(d.bank.officer, f"/pledges/{pid}").json()["debt_end"] == new["maturity_date"]
    assert d.post(d.bank.approver, url, body, 409).json()["code"] == "lending.renewal_state"  # repaid already
    assert_ledger_ok(session_factory)
    # ippledge loan servicing: both loans, each naming the renewal
    r = CliRunner().invoke(cli_app, ["loan", "servicing", "--json", "--database-url", database_url])
    assert r.exit_code == 0, r.output
    listed = {x["loan_id"]: x["renewal"] for x in json.loads(r.output)}
    assert (
        listed[lid]["new_loan_id"] == renewal["new_loan_id"]
        and listed[renewal["new_loan_id"]]["kind"] == "no_repayment"
    )


def test_renewal_repaid_first_for_a_debtor_in_difficulty_is_a_restructuring(world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    lid = d.active_loan(amount="600000", months=6, method="bullet")
    late = d.active_loan(amount="600000", months=6, method="bullet")
    maturity = dt.date.fromisoformat(d.get(d.bank.officer, f"/loans/{lid}").json()["maturity_date"])
    _close(d, d.clock.today)
    _close(d, maturity - dt.timedelta(days=1))
    body = {"kind": "repay_first", "months": 6, "reason": "订单延迟", "amount": "500000", "debtor_in_difficulty": True}
    quote = d.get(d.firm, f"/loans/{lid}/payoff-quote").json()
    before = _settlement(session_factory, d)
    renewal = d.post(d.bank.approver, f"/loans/{lid}/renewal", body, 201).json()
    # repaid first from the borrower's funds, then 500,000 lent anew
    assert _settlement(session_factory, d) == before - Decimal(quote["total"]) + Decimal("500000.00")
    new = d.get(d.bank.officer, f"/loans/{renewal['new_loan_id']}").json()
    assert Decimal(new["principal"]) == Decimal("500000.00")
    assert new["restructured_on"] == str(maturity - dt.timedelta(days=1))
    assert new["grade"] == "special_mention"  # a restructuring: at least 关注 during the observation period
    assert release_filings(session_factory) == []

    _close(d, maturity + dt.timedelta(days=2))  # the other loan unpaid at maturity: 2 days past due
    r = d.post(d.bank.approver, f"/loans/{late}/renewal", body, 409).json()
    assert r["code"] == "lending.renewal_refused" and "past due" in r["message_en"]
    assert d.get(d.bank.officer, f"/loans/{late}").json()["status"] == "active"  # nothing written
    assert_ledger_ok(session_factory)
