"""按季结息 (quarterly interest settlement on the 20th of March, June, September and December, principal at
maturity): the schedule computed by hand, and a loan of a product offering it disbursed, accrued and repaid through
the API on both backends; servicing that needs monthly periods is refused with the reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ippledge.lending.model.quarterly import settlement_dates
from ippledge.lending.model.schedule import RepaymentMethod, build_schedule
from tests.ledger.factories import assert_ledger_ok
from tests.lending.factories import LoanDesk


def test_quarterly_schedule_by_hand() -> None:
    # 1,000,000 at 3.6% from 10 Feb 2025 for 12 months: 100.00 a day (1,000,000 x 0.036 / 360)
    s = build_schedule(
        Decimal("1000000.00"), Decimal("0.036"), 12, dt.date(2025, 2, 10), RepaymentMethod.INTEREST_QUARTERLY
    )
    rows = [(i.period, i.due_date, i.principal, i.interest) for i in s.instalments]
    d = dt.date
    assert rows == [
        (1, d(2025, 3, 20), Decimal("0.00"), Decimal("3800.00")),  # 18 days of February + 20 of March = 38
        (2, d(2025, 6, 20), Decimal("0.00"), Decimal("9200.00")),  # 11 + 30 + 31 + 20 = 92
        (3, d(2025, 9, 20), Decimal("0.00"), Decimal("9200.00")),  # 10 + 31 + 31 + 20 = 92
        (4, d(2025, 12, 20), Decimal("0.00"), Decimal("9100.00")),  # 10 + 31 + 30 + 20 = 91
        (5, d(2026, 2, 10), Decimal("1000000.00"), Decimal("5200.00")),  # 11 + 31 + 10 = 52 (365 in all)
    ]
    assert s.total_interest == Decimal("36500.00") and s.total_principal == Decimal("1000000.00")
    # disbursed on a settlement day: the first settlement is the next quarter's; a maturity on the 20th is one row
    assert settlement_dates(d(2025, 3, 20), d(2025, 9, 20)) == [d(2025, 6, 20), d(2025, 9, 20)]
    # broken amounts round once per settlement: 333,333.33 x 4.35% / 360 x 38 days = 1,530.5555... -> 1,530.56
    odd = build_schedule(
        Decimal("333333.33"), Decimal("0.0435"), 6, dt.date(2025, 2, 10), RepaymentMethod.INTEREST_QUARTERLY
    )
    assert odd.instalments[0].interest == Decimal("1530.56")


def test_a_quarterly_loan_through_the_api(world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    lid = d.active_loan(amount="600000", months=12, method="interest_quarterly")
    loan = d.get(d.bank.officer, f"/loans/{lid}").json()
    assert loan["method"] == "interest-quarterly"
    start = dt.date.fromisoformat(loan["disbursed_on"])
    dues = [dt.date.fromisoformat(i["due_date"]) for i in loan["schedule"]]
    assert all(x.day == 20 and x.month in (3, 6, 9, 12) for x in dues[:-1]) and dues == settlement_dates(
        start, dues[-1]
    )
    first = loan["schedule"][0]
    rate = Decimal(loan["annual_rate"])
    days = (dues[0] - start).days
    assert Decimal(first["interest"]) == (Decimal("600000") * rate * days / 360).quantize(Decimal("0.01"))
    assert Decimal(first["principal"]) == 0

    # the closes accrue the first settlement's interest day by day; paid on the 20th, the instalment is settled
    d.post(d.operator, "/close", {"date": str(start)}, 200)
    d.clock.today = dues[0] - dt.timedelta(days=1)
    d.post(d.operator, "/close", {"date": str(d.clock.today)}, 200)
    accrued = d.get(d.bank.officer, f"/loans/{lid}").json()["schedule"][0]["interest_accrued"]
    assert accrued == first["interest"]
    d.clock.today = dues[0]
    d.post_key(d.firm, f"/loans/{lid}/repayments", {"amount": first["interest"]}, 201)
    assert d.get(d.bank.officer, f"/loans/{lid}").json()["schedule"][0]["settled_on"] == str(dues[0])
    # servicing that re-amortises by months is refused with the reason, nothing written
    ext = d.post(d.bank.officer, f"/loans/{lid}/extension", {"months": 3, "reason": "x"}, 409).json()
    assert ext["code"] == "lending.not_for_quarterly"
    fl = d.post(d.bank.approver, f"/loans/{lid}/floating-rate", {"every_months": 3}, 409).json()
    assert fl["code"] == "lending.not_for_quarterly"
    assert_ledger_ok(session_factory)
