"""追加担保 (additional security) and 提前收回 (early recall) as maker-checker post-loan actions, through the API on
both backends.

追加担保: the officer requests, another approver approves (the request goes to the borrower with its own working-day
limit); the borrower's offered IP goes into a pledge change filing the bank drafts and confirms; the pledgor confirms
and submits; a withdrawn filing puts the request back to ``requested``; the registered change puts the IP under the
same pledge, the action is done at the next pass and the watch entry it answered is cured.

提前收回: approving accelerates the loan: every principal not yet due falls due on the recall date with the
interest to that date (computed by hand here), days past due then count from it; a repaid loan is refused (409).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from typer.testing import CliRunner

from ippledge.access.model import PartyKind, Role
from ippledge.cli import app as cli_app
from ippledge.kernel.calendar import default_calendar
from tests.ledger.factories import assert_ledger_ok
from tests.lending.factories import LoanDesk


def _close(d: LoanDesk, day: dt.date) -> None:
    d.clock.today = day
    d.post(d.operator, "/close", {"date": str(day)}, 200)


def _action(d: LoanDesk, aid: int) -> dict[str, Any]:
    return dict(d.get(d.bank.officer, f"/monitoring/actions/{aid}").json())


def test_additional_security_adds_ip_to_the_pledge_by_a_registered_change(world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    lid = d.active_loan(amount="600000", months=6)
    loan = d.get(d.bank.officer, f"/loans/{lid}").json()
    pid = loan["pledge_ids"][0]
    start = d.clock.today
    _close(d, start)
    entry = d.post(d.bank.officer, "/watch-list", {"loan_id": lid, "reason": "质押率偏高"}, 201).json()

    url = "/monitoring/actions/additional-security"
    body = {"loan_id": lid, "reason": "重估后质押率超过触发线，要求补充质押", "watch_entry_id": entry["id"]}
    d.post(d.bank2.officer, url, body, 404)  # not the bank's loan
    d.post(d.firm, url, body, 403)
    d.post(d.bank.officer, url, {**body, "watch_entry_id": 10**9}, 404)
    action = d.post(d.bank.officer, url, body, 201).json()
    assert (action["kind"], action["state"]) == ("additional_security", "proposed")
    d.post(d.bank.officer, url, body, 409)  # one open request per loan
    aid = action["id"]
    patent = d.patent()
    offer = {"asset_ids": [patent.id]}
    d.post(d.bank.officer, f"/monitoring/actions/{aid}/security-offer", offer, 409)  # not approved yet
    d.post(d.bank.officer, f"/monitoring/actions/{aid}/decision", {"approve": True}, 403)  # the maker never decides
    d.post(d.bank2.approver, f"/monitoring/actions/{aid}/decision", {"approve": True}, 404)
    approved = d.post(d.bank.approver, f"/monitoring/actions/{aid}/decision", {"approve": True}, 200).json()
    assert approved["state"] == "requested" and approved["escalated_on"] is None
    assert approved["act_by"] == str(default_calendar().add_working_days(start, 15))

    # an offer of IP already under the pledge is refused by the pledge capability, nothing written
    under = d.get(d.bank.officer, f"/pledges/{pid}").json()["items"]
    same = {"asset_ids": [under[0]["ip_asset_id"]]}
    r = d.post(d.bank.officer, f"/monitoring/actions/{aid}/security-offer", same, 409)
    assert r.json()["code"] == "pledge.already_under_pledge"
    assert _action(d, aid)["state"] == "requested"
    d.post(d.bank2.officer, f"/monitoring/actions/{aid}/security-offer", offer, 404)
    filed = d.post(d.bank.officer, f"/monitoring/actions/{aid}/security-offer", offer, 200).json()
    assert filed["state"] == "filed" and filed["details"]["offered_asset_ids"] == [patent.id]
    fid = filed["details"]["filing_id"]
    # the pledgor withdraws instead of confirming: at the next pass the request is open again
    d.post(d.firm, f"/pledge-filings/{fid}/withdraw", None, 200)
    _close(d, start + dt.timedelta(days=1))
    again = _action(d, aid)
    assert again["state"] == "requested" and again["details"]["failed_filings"][0]["status"] == "withdrawn"

    filed = d.post(d.bank.officer, f"/monitoring/actions/{aid}/security-offer", offer, 200).json()
    fid = filed["details"]["filing_id"]
    d.post(d.firm, f"/pledge-filings/{fid}/confirm", None, 200)  # the pledgor's written consent
    d.post(d.firm, f"/pledge-filings/{fid}/submit", None, 200)
    _close(d, start + dt.timedelta(days=2))
    assert _action(d, aid)["state"] == "filed"  # still with the registry
    d.register(fid)
    _close(d, start + dt.timedelta(days=3))
    done = _action(d, aid)
    assert done["state"] == "done" and done["details"]["cured_watch_entry_id"] == entry["id"]
    assert d.get(d.bank.officer, f"/watch-list/{entry['id']}").json()["state"] == "cured"
    pledge = d.get(d.bank.officer, f"/pledges/{pid}").json()
    assert patent.id in [i["ip_asset_id"] for i in pledge["items"]]
    assert pledge["status"] == "in_force" and pledge["version"] == 2
    # the same IP offered again is refused: it is under the pledge now
    second = d.post(d.bank.officer, url, {"loan_id": lid, "reason": "再次要求"}, 201).json()
    d.post(d.bank.approver, f"/monitoring/actions/{second['id']}/decision", {"approve": True}, 200)
    r = d.post(d.bank.officer, f"/monitoring/actions/{second['id']}/security-offer", offer, 409)
    assert r.json()["code"] == "pledge.already_under_pledge"
    assert_ledger_ok(session_factory)


def test_offered_ip_of_another_owner_is_refused_and_an_open_request_escalates(world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    lid = d.active_loan(amount="600000", months=6)
    start = d.clock.today
    _close(d, start)
    action = d.post(
        d.bank.officer, "/monitoring/actions/additional-security", {"loan_id": lid, "reason": "质物被保全"}, 201
    ).json()
    aid = action["id"]
    approved = d.post(d.bank.approver, f"/monitoring/actions/{aid}/decision", {"approve": True}, 200).json()
    stranger = world.actor(PartyKind.ENTERPRISE, Role.ENTERPRISE_USER)
    foreign = d.patent(owner=stranger)
    filed = d.post(d.bank.officer, f"/monitoring/actions/{aid}/security-offer", {"asset_ids": [foreign.id]}, 200)
    fid = filed.json()["details"]["filing_id"]
    d.post(d.firm, f"/pledge-filings/{fid}/confirm", None, 200)
    d.post(d.firm, f"/pledge-filings/{fid}/submit", None, 200)
    assert d.post(d.registry, f"/pledge-filings/{fid}/register", None).status_code == 409  # not the pledgor's IP
    # nothing registered; past its limit the pass escalates the request once
    act_by = dt.date.fromisoformat(approved["act_by"])
    _close(d, act_by + dt.timedelta(days=1))
    got = _action(d, aid)
    assert got["state"] == "filed" and got["escalated_on"] == str(act_by + dt.timedelta(days=1))


def _repay_first(d: LoanDesk, lid: int) -> dict[str, Any]:
    loan = d.get(d.bank.officer, f"/loans/{lid}").json()
    first = loan["schedule"][0]
    due = dt.date.fromisoformat(first["due_date"])
    _close(d, due - dt.timedelta(days=1))
    d.clock.today = due  # paid on the due date, before its close (a close of the due date would charge penalty)
    d.deposit(first["payment"], due)
    d.post_key(d.firm, f"/loans/{lid}/repayments", {"amount": first["payment"], "value_date": str(due)}, 201)
    return dict(d.get(d.bank.officer, f"/loans/{lid}").json())


def test_early_recall_makes_all_principal_due_with_interest_to_the_recall_date(
    world, app, session_factory, database_url
) -> None:
    d = LoanDesk(world, app)
    lid = d.active_loan(amount="600000", months=6)
    _close(d, d.clock.today)
    loan = _repay_first(d, lid)
    assert loan["schedule"][0]["settled_on"] is not None, loan["schedule"][:2]
    second = loan["schedule"][1]
    period_start = dt.date.fromisoformat(second["start_date"])
    recall_day = period_start + dt.timedelta(days=10)
    _close(d, recall_day)

    url = "/monitoring/actions/early-recalls"
    body = {"loan_id": lid, "reason": "借款人主要质物被宣告无效，宣布贷款提前到期"}
    d.post(d.bank2.officer, url, body, 404)
    d.post(d.firm, url, body, 403)
    d.post(d.bank.officer, url, {**body, "recall_on": str(recall_day - dt.timedelta(days=1))}, 422)
    action = d.post(d.bank.officer, url, body, 201).json()
    assert (action["kind"], action["state"]) == ("early_recall", "proposed")
    d.post(d.bank.officer, url, body, 409)  # pending
    before = d.get(d.bank.officer, f"/loans/{lid}").json()
    assert before["recalled_on"] is None
    done = d.post(d.bank.approver, f"/monitoring/actions/{action['id']}/decision", {"approve": True}, 200).json()
    assert done["state"] == "done" and done["details"]["recalled_on"] == str(recall_day)

    # by hand: the principal not yet due is the loan less the first instalment's principal; interest on it at
    # annual / 360 for the 10 days from the period's start to the recall date (算头不算尾), rounded half-up once
    rest = Decimal("600000.00") - Decimal(loan["schedule"][0]["principal"])
    rate = Decimal(loan["annual_rate"])
    interest = (rest * rate * 10 / 360).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    after = d.get(d.bank.officer, f"/loans/{lid}").json()
    assert after["recalled_on"] == str(recall_day) and after["maturity_date"] == str(recall_day)
    assert len(after["schedule"]) == 2 and after["schedule"][0] == loan["schedule"][0]
    row = after["schedule"][1]
    assert row["due_date"] == str(recall_day) and Decimal(row["principal"]) == rest
    assert Decimal(row["interest"]) == interest and Decimal(row["interest_accrued"]) == interest
    assert Decimal(done["details"]["interest"]) == interest
    assert_ledger_ok(session_factory)

    r = CliRunner().invoke(
        cli_app, ["loan", "servicing", "--loan-id", str(lid), "--json", "--database-url", database_url]
    )
    assert r.exit_code == 0 and json.loads(r.output)[0]["recalled_on"] == str(recall_day)
    r = CliRunner().invoke(cli_app, ["monitor", "actions", "--json", "--database-url", database_url])
    assert [(a["kind"], a["state"]) for a in json.loads(r.output) if a["loan_id"] == lid][-1] == (
        "early_recall",
        "done",
    )

    # unpaid, the recalled principal is past due from the recall date
    _close(d, recall_day + dt.timedelta(days=5))
    late = d.get(d.bank.officer, f"/loans/{lid}").json()
    assert late["dpd"] == 5 and late["grade"] == "special_mention"
    # a second recall is refused at the decision and the decision rolls back whole
    again = d.post(d.bank.officer, url, body, 201).json()
    r = d.post(d.bank.approver, f"/monitoring/actions/{again['id']}/decision", {"approve": True}, 409)
    assert r.json()["code"] == "lending.recalled_already"
    assert _action(d, again["id"])["state"] == "proposed"
    # paid off, the loan can no longer be recalled
    quote = d.get(d.firm, f"/loans/{lid}/payoff-quote").json()
    d.deposit(str(Decimal(quote["total"]) + 1000))
    d.post_key(d.firm, f"/loans/{lid}/payoff", {}, 201)
    assert d.get(d.bank.officer, f"/loans/{lid}").json()["status"] == "repaid"
    r = d.post(d.bank.approver, f"/monitoring/actions/{again['id']}/decision", {"approve": True}, 409)
    assert r.json()["code"] == "monitoring.loan_not_active"
    assert d.post(d.bank.officer, url, body, 409).json()["code"] == "monitoring.loan_not_active"
    assert_ledger_ok(session_factory)
