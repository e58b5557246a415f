"""The fund's debt to the bank (应付代偿): under a scheme whose liability is not limited to the fund, the part of the
fund's share its pool cannot pay is owed (fund payable / bank receivable) and paid first-in-first-out out of the next
contributions; a recovery shared back while the fund owes reduces the debt. Under a scheme limited to the fund
(Haikou) the rest falls to the bank and nothing is owed. The pool never goes negative; ``ledger check`` after every
money step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select

from ippledge.ledger.store import balance
from ippledge.ledger.tables import JournalEntry
from tests.ledger.factories import assert_ledger_ok
from tests.risk_sharing.factories import RiskDesk

D = Decimal


def _claim_paid(d: RiskDesk, lid: int) -> dict:
    cid = d.post(d.bank.officer, "/risk-claims", {"loan_id": lid, "statement": "核销后申请补偿"}, 201).json()["id"]
    d.post(d.reviewer, f"/risk-claims/{cid}/review", {"note": "材料齐全"}, 200)
    return dict(d.post_key(d.fund_approver, f"/risk-claims/{cid}/decision", {"approve": True}, 200).json())


def _entries(factory, kind: str) -> int:  # type: ignore[no-untyped-def]
    with factory() as s:
        return int(s.scalar(select(func.count()).select_from(JournalEntry).where(JournalEntry.kind == kind)) or 0)


def _owed(d: RiskDesk, claim_id: int) -> Decimal:
    out = d.get(d.fund_approver, f"/risk-claims/{claim_id}").json()
    assert D(out["fund_owed"]) == D(out["shares"]["fund"]["owed"])
    return D(out["fund_owed"])


def test_unpaid_fund_share_is_owed_and_paid_from_the_next_contributions(session_factory, risk_desk: RiskDesk) -> None:
    d = risk_desk
    d.scheme_with_pool("200000")  # liability not limited to the fund
    lids = [d.active_loan(amount=a, months=6) for a in ("600000", "400000")]
    for lid in lids:
        d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201)
    d.clock.today = dt.date(2025, 9, 22)
    for lid in lids:
        d.write_off(lid)

    first = _claim_paid(d, lids[0])  # fund 50% = 300,000; the pool holds 200,000: 100,000 owed
    fund = first["shares"]["fund"]
    assert (D(fund["amount"]), D(fund["owed"]), fund["capped_by"]) == (D(300000), D(100000), [])
    assert D(first["fund_owed"]) == D(100000)
    assert d.pool_balance() == 0
    pool = d.get(d.fund_approver, "/risk-pools/test-city").json()
    assert (D(pool["balance"]), D(pool["owed"])) == (0, D(100000))
    with session_factory() as s:
        assert balance(s, f"P{d.fund.id}:fund:test-city:payable") == D(100000)
        assert balance(s, f"P{d.bank.id}:receivable:compensation") == D(100000)
        assert balance(s, f"P{d.bank.id}:income:compensation") == D(300000)  # earned in full, part still receivable
        assert balance(s, f"P{d.fund.id}:fund:test-city:compensation") == D(300000)
    assert_ledger_ok(session_factory, loans=2)

    second = _claim_paid(d, lids[1])  # the pool is empty: the fund's whole 200,000 is owed
    assert (D(second["shares"]["fund"]["amount"]), D(second["fund_owed"])) == (D(200000), D(200000))
    assert d.pool_balance() == 0
    assert_ledger_ok(session_factory, loans=2)

    # 150,000 paid in: the older claim's 100,000 first, then 50,000 of the newer one
    d.clock.today = dt.date(2025, 10, 15)
    paid_in = d.post_key(d.fund_approver, "/risk-pools/test-city/contributions", {"amount": "150000"}, 201).json()
    assert (D(paid_in["balance"]), D(paid_in["owed"])) == (0, D(150000))
    assert (_owed(d, first["id"]), _owed(d, second["id"])) == (0, D(150000))
    assert _entries(session_factory, "risk.debt_payment") == 2
    with session_factory() as s:
        assert balance(s, f"P{d.bank.id}:receivable:compensation") == D(150000)
    assert_ledger_ok(session_factory, loans=2)

    # a recovery on the newer claim: the fund's part reduces what it owes; no cash reaches the (empty) pool
    rec = d.post_key(d.bank.officer, f"/risk-claims/{second['id']}/recoveries", {"amount": "40000"}, 201).json()
    total = D(second["loss"]) + D(second["interest"])
    back = D(rec["shares"]["fund"]["clawed_back"])
    assert abs(back - D(40000) * D(200000) / total) <= D("0.01")
    assert _owed(d, second["id"]) == D(150000) - back
    assert d.pool_balance() == 0 and _entries(session_factory, "risk.clawback_offset") == 1
    assert_ledger_ok(session_factory, loans=2)

    # the next contribution clears the debt; the rest stays in the pool
    left = D(150000) - back
    paid_in = d.post_key(d.fund_approver, "/risk-pools/test-city/contributions", {"amount": "500000"}, 201).json()
    assert (D(paid_in["balance"]), D(paid_in["owed"])) == (D(500000) - left, 0)
    assert _owed(d, second["id"]) == 0 and _entries(session_factory, "risk.debt_payment") == 3
    with session_factory() as s:
        assert balance(s, f"P{d.bank.id}:receivable:compensation") == 0
        assert balance(s, f"P{d.fund.id}:fund:test-city:payable") == 0
    assert_ledger_ok(session_factory, loans=2)


def test_scheme_limited_to_the_fund_owes_nothing(session_factory, risk_desk: RiskDesk) -> None:
    d = risk_desk
    d.scheme_with_pool("100000", liability_limited_to_fund=True)  # as Haikou
    lid = d.active_loan(amount="600000", months=6)
    d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201)
    d.clock.today = dt.date(2025, 9, 22)
    d.write_off(lid)
    out = _claim_paid(d, lid)
    fund = out["shares"]["fund"]
    assert (D(fund["amount"]), D(fund["owed"]), fund["capped_by"]) == (D(100000), 0, ["fund_balance"])
    assert D(out["fund_owed"]) == 0 and d.pool_balance() == 0
    # the rest of the fund's 300,000 fell to the bank, for good: a later contribution stays in the pool
    paid_in = d.post_key(d.fund_approver, "/risk-pools/test-city/contributions", {"amount": "50000"}, 201).json()
    assert (D(paid_in["balance"]), D(paid_in["owed"])) == (D(50000), 0)
    assert _entries(session_factory, "risk.debt_payment") == 0 == _entries(session_factory, "risk.fund_debt")
    assert_ledger_ok(session_factory, loans=1)
