"""Builders for loan tests: drive one application through the API to a contracted loan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ippledge.pledge.tables import PledgeFiling
from tests.intake.factories import Desk
from tests.registry.factories import Asset

_keys = iter(range(1, 10**9))


def key(prefix: str = "k") -> dict[str, str]:
    return {"Idempotency-Key": f"{prefix}-{next(_keys):08d}"}


@dataclass
class Deal:
    application_id: int
    decision_id: int
    filing_id: int
    assets: list[Asset]


class LoanDesk(Desk):
    """A Desk with the steps from application to contracted loan, each through the API."""

    def post_key(self, who: Any, url: str, body: Any, expect: int | None = None, k: str | None = None) -> Any:
        headers = {**who.headers, **({"Idempotency-Key": k} if k else key())}
        r = self.client.post(url, json=body, headers=headers)
        if expect is not None:
            assert r.status_code == expect, r.text
        return r

    def approved(
        self, amount: str = "1200000", months: int = 6, method: str = "equal_installment", internal: bool = False
    ) -> Deal:
        """Application -> valuation report (by ``self.valuer``, or the bank itself when ``internal``) -> decision
        proposed and approved -> pledge filing drafted, confirmed and submitted (not yet registered)."""
        inv = self.patent()
        version = self.product()
        a = self.apply([inv], consents=[self.bank.id, self.valuer.party.id], term_months=months)
        self.valuation(a["id"], [inv], ["8000000"], valuer=None if internal else self.valuer)
        r = self.propose(a["id"], version, amount=amount, term_months=months, repayment_method=method)
        assert r.status_code == 201, r.text
        dec = r.json()
        self.post(self.bank.approver, f"/credit-decisions/{dec['id']}/approve", {"reason": "同意"}, 200)
        tl = self.timeline(self.firm, a["id"])
        task = next(x for x in tl["tasks"] if x["kind"] == "pledge_registration")
        body = {"registry_id": self.registry.party.id}
        f = self.post(self.bank.officer, f"/tasks/{task['id']}/pledge-filing", body, 201).json()
        fid = f["filing_id"]
        self.post(self.firm, f"/pledge-filings/{fid}/confirm", None, 200)
        self.post(self.bank.officer, f"/pledge-filings/{fid}/confirm", None, 200)
        self.post(self.firm, f"/pledge-filings/{fid}/submit", None, 200)
        return Deal(a["id"], dec["id"], fid, [inv])

    def register(self, filing_id: int) -> dict[str, Any]:
        return dict(self.post(self.registry, f"/pledge-filings/{filing_id}/register", None, 200).json())

    def contract(self, deal: Deal) -> dict[str, Any]:
        return dict(self.post(self.bank.officer, "/loans", {"decision_id": deal.decision_id}, 201).json())

    def active_loan(
        self, amount: str = "1200000", months: int = 6, method: str = "equal_installment", internal: bool = False
    ) -> int:
        """A registered, contracted and disbursed loan (value date = the business date)."""
        deal = self.approved(amount, months, method, internal)
        self.register(deal.filing_id)
        loan = self.contract(deal)
        self.post_key(self.bank.officer, f"/loans/{loan['id']}/disbursement", {}, 200)
        return int(loan["id"])

    def deposit(self, amount: str, on: dt.date | None = None) -> Any:
        body = {"borrower_id": self.firm.party.id, "amount": amount, "value_date": str(on or self.clock.today)}
        return self.post_key(self.bank.officer, "/deposits", body, 201)


def release_filings(factory: sessionmaker[Session]) -> list[PledgeFiling]:
    with factory() as s:
        rows = list(s.scalars(select(PledgeFiling).where(PledgeFiling.kind == "release")))
        for r in rows:
            s.expunge(r)
        return rows
