"""Post-loan borrower signals through the gateway: where the borrower consented to its lending bank's post-loan
monitoring, the close's monitoring run reads its tax arrears and NPLs elsewhere (logged as the bank's reads) and
raises a borrower-signal alert on that bank's loan -- not on another lender's; without the consent nothing is
read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access.tables import Party
from ippledge.gateway.fakes import FAKE
from ippledge.gateway.model import CreditBureauRecord, Source, TaxRecord
from tests.gateway.factories import new_uscc
from tests.risk_sharing.factories import RiskDesk


@pytest.fixture
def desk(world: Any, app: Any, session_factory: sessionmaker[Session]) -> Any:
    yield RiskDesk(world, app, session_factory)
    FAKE.clear()


def test_consented_arrears_raise_a_signal_on_the_banks_loan(desk: RiskDesk) -> None:
    d = desk
    code = new_uscc()
    with d.factory.begin() as s:
        row = s.get(Party, d.firm.party.id)
        assert row is not None
        row.uscc = code
    FAKE.pin(Source.TAX, code, TaxRecord("C", Decimal("20000000"), Decimal("120000.00")))
    FAKE.pin(Source.CREDIT_BUREAU, code, CreditBureauRecord(Decimal("1"), Decimal("0"), Decimal("0")))
    lid = d.active_loan(amount="1000000", months=6)
    d.bank, d.bank2 = d.bank2, d.bank  # the same firm also borrows from a second bank, which has no consent
    other = d.active_loan(amount="500000", months=6)
    d.bank, d.bank2 = d.bank2, d.bank
    day = d.clock.today
    d.post(d.operator, "/close", {"date": str(day)}, 200)
    assert d.get(d.firm, "/access-log").json() == []  # no consent: nothing read
    for source, fields in (("tax", ["arrears"]), ("credit_bureau", ["npl_elsewhere"])):
        body = {"grantee_id": d.bank.id, "source": source, "fields": fields, "purpose": "post_loan"}
        d.post(d.firm, "/consents", {**body, "expires_on": "2026-06-02"}, 201)
    nxt = day + dt.timedelta(days=1)
    d.clock.today = nxt
    d.post(d.operator, "/close", {"date": str(nxt)}, 200)
    alerts = d.get(d.bank.officer, f"/monitoring/alerts?loan_id={lid}").json()
    signals = [a["payload"]["details"]["kind"] for a in alerts if a["finding"] == "borrower_signal"]
    assert signals == ["tax_arrears"]  # the bureau shows no NPL elsewhere
    theirs = d.get(d.bank2.officer, f"/monitoring/alerts?loan_id={other}").json()
    assert [a for a in theirs if a["finding"] == "borrower_signal"] == []  # read under another bank's consent
    log = d.get(d.firm, "/access-log").json()
    assert sorted((a["reader_id"], a["field"], a["purpose"]) for a in log) == [
        (d.bank.id, "arrears", "post_loan"),
        (d.bank.id, "npl_elsewhere", "post_loan"),
    ]
