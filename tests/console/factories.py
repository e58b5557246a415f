"""A seeded market for console tests: a firm with an active loan, a second application whose decision awaits the
approver, and IP free to apply with; every step through the JSON API, as a real desk would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.access.factories import PASSWORD
from tests.lending.factories import LoanDesk
from tests.registry.factories import Asset


@dataclass
class Seeded:
    desk: LoanDesk
    loan_id: int
    application_id: int
    decision_id: int
    free_assets: list[Asset]
    password: str = PASSWORD


def seed(world: Any, app: Any) -> Seeded:
    d = LoanDesk(world, app)
    loan_id = d.active_loan()
    inv = d.patent()
    version = d.product()
    a = d.apply([inv], consents=[d.bank.id, d.valuer.party.id])
    d.valuation(a["id"], [inv], ["6000000"], valuer=d.valuer)
    r = d.propose(a["id"], version, amount="1500000")
    assert r.status_code == 201, r.text
    free = [d.patent(), d.patent()]
    return Seeded(d, loan_id, a["id"], r.json()["id"], free)


def username(actor: Any) -> str:
    return str(actor.username)
