"""Lending's published read face (``lending.queries``): typed reads of loans, pledges, receipts, grades, write-offs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ippledge.access.model import PartyKind, Principal, Role
from ippledge.kernel.errors import NotFoundError
from ippledge.lending import queries
from tests.lending.factories import LoanDesk


def test_the_read_face_follows_a_loan_to_write_off_and_recovery(world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    lid = d.active_loan(amount="600000", months=6)
    first = d.get(d.bank.officer, f"/loans/{lid}").json()["schedule"][0]
    due = dt.date.fromisoformat(first["due_date"])
    d.clock.today = due
    d.deposit(first["interest"])
    d.post_key(d.firm, f"/loans/{lid}/repayments", {"amount": first["payment"]}, 201)

    with session_factory() as s:
        loan = queries.loan_summary(s, lid)
        assert loan is not None and loan.status == "active" and loan.principal == Decimal("600000.00")
        assert loan.outstanding_principal == Decimal("600000.00") - Decimal(first["principal"])
        assert loan.bank_id == d.bank.id and loan.borrower_id == d.firm.party.id and loan.grade == "normal"
        assert queries.loan_summaries(s, [lid, 10**9]) == {lid: loan}
        assert [x.id for x in queries.loans(s, "active")] == [lid]
        pledges = queries.pledges_of_loan(s, lid)
        assert len(pledges) == 1
        assert queries.outstanding_by_pledge(s, pledges) == {pledges[0]: loan.outstanding_principal}
        assert queries.interest_paid(s, lid, due, due) == Decimal(first["interest"])
        assert queries.interest_paid(s, lid, due + dt.timedelta(days=1), dt.date(2099, 1, 1)) == Decimal("0.00")
        stranger = Principal(party_id=d.bank2.id, party_kind=PartyKind.BANK, roles=frozenset({Role.CREDIT_OFFICER}))
        with pytest.raises(NotFoundError):
            queries.visible_loan(s, stranger, lid)
        assert queries.approved_write_off(s, lid) is None and queries.first_npl_on(s, lid) is None

    d.clock.today = dt.date(2025, 9, 20)
    officer = d.bank.approver2
    d.post(officer, f"/loans/{lid}/grade", {"grade": "substandard", "reason": "企业停产"}, 200)
    wo = d.post(officer, f"/loans/{lid}/write-off", {"reason": "申请核销"}, 201).json()
    d.post(d.bank.approver, f"/loan-write-offs/{wo['id']}/decision", {"approve": True, "reason": "同意"}, 200)
    d.post_key(d.bank.officer, f"/loans/{lid}/recoveries", {"amount": "50000"}, 201)
    d.post_key(d.bank.officer, f"/loans/{lid}/recoveries", {"amount": "1000.50"}, 201)

    with session_factory() as s:
        [change] = queries.grade_changes(s, lid)
        assert (change.from_grade, change.to_grade, change.on) == ("normal", "substandard", dt.date(2025, 9, 20))
        assert queries.first_npl_on(s, lid) == dt.date(2025, 9, 20)
        facts = queries.approved_write_off(s, lid)
        assert facts is not None and facts.approved_on == dt.date(2025, 9, 20)
        assert facts.principal == Decimal("600000.00") - Decimal(first["principal"])
        got = queries.recoveries(s, lid)
        assert got.total == Decimal("51000.50") and got.last_id > 0
        assert queries.recoveries(s, lid, after_id=got.last_id) == queries.Recoveries(Decimal("0.00"), 0)
        assert queries.outstanding_by_pledge(s, queries.pledges_of_loan(s, lid)) == {}
        assert queries.visible_loan(s, Principal(d.bank.id, PartyKind.BANK, frozenset()), lid).status == "written_off"
