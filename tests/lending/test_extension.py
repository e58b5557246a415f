"""Extension (展期, 贷款通则 art. 12) through the API on both backends: the bank's credit officer proposes and a
different approver decides (maker-checker: the proposer cannot approve, a rejection writes nothing to the loan or the
pledge); approved, it extends an active loan before maturity; the principal not yet due is re-amortised, a pledge
change extending the registered debt term is filed and (once the pledgor confirms and the registry registers it) the
pledge's term moves; days past due and the grade are kept (arrears stay arrears); a debtor in difficulty makes it a
restructuring, whose observation period refuses an upgrade (409 with the reason); a second extension beyond the
product rule and an extension of a repaid loan are 409; ``ledger check`` passes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ippledge.kernel.calendar import add_months
from ippledge.lending.model.extension import ExtensionRule, extension_refusal, statutory_cap_months
from tests.ledger.factories import assert_ledger_ok
from tests.lending.factories import LoanDesk


def test_statutory_caps_and_the_product_count() -> None:
    assert [statutory_cap_months(m) for m in (6, 12, 13, 24, 60, 61, 120)] == [6, 12, 6, 12, 30, 36, 36]
    assert extension_refusal(6, 0, 0, 6) is None
    assert extension_refusal(6, 0, 0, 7) is not None  # beyond the original term of a short-term loan
    refusal = extension_refusal(24, 3, 1, 3)
    assert refusal is not None and "1" in refusal.en  # one extension allowed by default
    assert extension_refusal(24, 3, 1, 3, ExtensionRule(max_extensions=2)) is None
    assert extension_refusal(24, 9, 1, 6, ExtensionRule(max_extensions=2)) is not None  # 15 > 12


def _extended(d: LoanDesk, lid: int, body: dict[str, object]) -> dict[str, object]:
    """The officer proposes, another approver approves: the approved extension."""
    ext = d.post(d.bank.officer, f"/loans/{lid}/extension", body, 201).json()
    assert (ext["status"], ext["seq"], ext["to_maturity"]) == ("proposed", 0, None)
    url = f"/loans/{lid}/extensions/{ext['id']}/decision"
    return dict(d.post(d.bank.approver, url, {"approve": True}, 200).json())


def _close(d: LoanDesk, day: dt.date) -> None:
    d.clock.today = day
    d.post(d.operator, "/close", {"date": str(day)}, 200)


def test_extension_files_the_pledge_change_and_keeps_arrears(world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    lid = d.active_loan(amount="600000", months=6)
    loan = d.get(d.bank.officer, f"/loans/{lid}").json()
    start = dt.date.fromisoformat(loan["disbursed_on"])
    old_maturity = dt.date.fromisoformat(loan["maturity_date"])
    first_due = dt.date.fromisoformat(loan["schedule"][0]["due_date"])
    _close(d, start)
    _close(d, first_due + dt.timedelta(days=3))  # the first instalment is unpaid: 3 days past due
    before = d.get(d.bank.officer, f"/loans/{lid}").json()
    assert before["dpd"] == 3 and before["grade"] == "special_mention"

    url = f"/loans/{lid}/extension"
    body = {"months": 3, "reason": "订单回款周期延长，借款人申请展期"}
    d.post(d.bank2.officer, url, body, 404)  # not the bank's loan
    d.post(d.firm, url, body, 403)
    assert d.post(d.bank.approver, url, body).status_code == 403  # the credit officer proposes
    assert d.post(d.bank.officer, url, {**body, "months": 7}, 409).json()["code"] == "lending.extension_limit"
    ext = _extended(d, lid, body)
    assert ext["seq"] == 1 and ext["from_maturity"] == str(old_maturity)
    assert ext["to_maturity"] == str(add_months(start, 9)) and len(ext["pledge_change_filings"]) == 1

    after = d.get(d.bank.officer, f"/loans/{lid}").json()
    assert after["maturity_date"] == ext["to_maturity"] and after["term_months"] == 9
    assert (after["dpd"], after["grade"]) == (3, "special_mention")  # arrears are not cured by an extension
    assert after.get("restructured_on") is None
    schedule = after["schedule"]
    assert len(schedule) == 9 and schedule[0] == before["schedule"][0]  # the overdue instalment is untouched
    assert sum(Decimal(i["principal"]) for i in schedule) == Decimal("600000.00")
    # 9 periods: the 8 not yet due carry the rest at the same rate (equal instalments), the last one ends the loan
    rest = [Decimal(i["payment"]) for i in schedule[1:-1]]
    assert max(rest) - min(rest) <= Decimal("0.01")
    _close(d, first_due + dt.timedelta(days=4))
    assert d.get(d.bank.officer, f"/loans/{lid}").json()["dpd"] == 4  # still counting

    # the pledge change: the bank confirmed it; the pledgor's confirmation is its written consent; then registered
    fid = ext["pledge_change_filings"][0]
    d.post(d.firm, f"/pledge-filings/{fid}/confirm", None, 200)
    d.post(d.firm, f"/pledge-filings/{fid}/submit", None, 200)
    d.post(d.registry, f"/pledge-filings/{fid}/register", None, 200)
    pid = after["pledge_ids"][0]
    assert d.get(d.bank.officer, f"/pledges/{pid}").json()["debt_end"] == ext["to_maturity"]

    second = d.post(d.bank.officer, url, {**body, "months": 1}, 409).json()
    assert second["code"] == "lending.extension_limit" and "1" in second["message_en"]
    assert [e["seq"] for e in d.get(d.bank.officer, f"/loans/{lid}/extensions").json()] == [1]
    d.get(d.bank2.officer, f"/loans/{lid}/extensions", expect=404)
    assert_ledger_ok(session_factory)


def test_extension_for_a_debtor_in_difficulty_restructures_and_a_repaid_loan_is_refused(
    world, app, session_factory
) -> None:
    d = LoanDesk(world, app)
    lid = d.active_loan(amount="600000", months=12)
    body = {"months": 6, "reason": "债务人经营困难，调整还款期限", "debtor_in_difficulty": True}
    _extended(d, lid, body)
    loan = d.get(d.bank.officer, f"/loans/{lid}").json()
    assert loan["restructured_on"] == str(d.clock.today) and loan["grade"] == "special_mention"
    up = d.post(d.bank.approver2, f"/loans/{lid}/grade", {"grade": "normal", "reason": "还款正常"}, 409).json()
    assert up["code"] == "lending.upgrade_in_observation"
    assert str(add_months(d.clock.today, 12)) in up["message_en"]

    other = d.active_loan(amount="300000", months=6)
    d.deposit("400000")
    d.post_key(d.firm, f"/loans/{other}/payoff", {}, 201)
    assert d.get(d.bank.officer, f"/loans/{other}").json()["status"] == "repaid"
    refused = d.post(d.bank.officer, f"/loans/{other}/extension", {"months": 1, "reason": "展期"}, 409).json()
    assert refused["code"] == "lending.extension_state"
    assert d.get(d.bank.officer, f"/loans/{other}/extensions").json() == []
    assert_ledger_ok(session_factory)


def test_extension_maker_checker_the_proposer_cannot_approve_and_a_rejection_writes_nothing(
    world, app, session_factory
) -> None:
    d = LoanDesk(world, app)
    lid = d.active_loan(amount="600000", months=6)
    before = d.get(d.bank.officer, f"/loans/{lid}").json()
    pid = before["pledge_ids"][0]
    pledge_before = d.get(d.bank.officer, f"/pledges/{pid}").json()
    body = {"months": 3, "reason": "借款人申请展期"}
    ext = d.post(d.bank.officer, f"/loans/{lid}/extension", body, 201).json()
    assert ext["decide_by"] > str(d.clock.today) and ext["proposed_by"]
    pending = d.post(d.bank.officer, f"/loans/{lid}/extension", body, 409).json()
    assert pending["code"] == "lending.extension_pending"
    url = f"/loans/{lid}/extensions/{ext['id']}/decision"
    d.post(d.bank2.approver, url, {"approve": True}, 404)  # another bank
    d.post(d.bank.officer, url, {"approve": True}, 403)  # a credit officer does not decide
    d.post(d.bank.approver, f"/loans/{lid}/extensions/{ext['id'] + 999}/decision", {"approve": True}, 404)
    rejected = d.post(d.bank.approver, url, {"approve": False}, 422).json()  # a rejection needs its reason
    assert rejected["code"] == "approval.reason_required"
    out = d.post(d.bank.approver, url, {"approve": False, "reason": "经营未见改善"}, 200).json()
    assert (out["status"], out["to_maturity"], out["pledge_change_filings"]) == ("rejected", None, [])
    d.post(d.bank.approver, url, {"approve": True}, 409)  # decided already
    after = d.get(d.bank.officer, f"/loans/{lid}").json()
    assert after["maturity_date"] == before["maturity_date"] and after["schedule"] == before["schedule"]
    assert d.get(d.bank.officer, f"/pledges/{pid}").json() == pledge_before  # nothing filed on the pledge

    # a new proposal; its proposer, also an approver, still cannot approve its own
    again = d.post(d.bank.approver2, f"/loans/{lid}/extension", body, 201).json()
    url = f"/loans/{lid}/extensions/{again['id']}/decision"
    assert d.post(d.bank.approver2, url, {"approve": True}).json()["code"] == "access.self_approval"
    done = d.post(d.bank.approver, url, {"approve": True}, 200).json()
    assert done["status"] == "approved" and done["seq"] == 1
    assert [e["status"] for e in d.get(d.bank.officer, f"/loans/{lid}/extensions").json()] == ["rejected", "approved"]
    assert_ledger_ok(session_factory)
