"""Builders for intake, valuation and credit tests: a small market of parties, a bank product, an application."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ippledge.access.model import PartyKind, Role
from ippledge.registry.model import Subtype
from tests.pledge.factories import install_clock
from tests.registry.factories import Asset, add_patent

TODAY = dt.date(2025, 6, 3)  # a Tuesday; LPR 1y in force: 3.00% from 2025-05-20


class Bank:
    def __init__(self, world: Any) -> None:
        self.party = world.party(PartyKind.BANK)
        self.officer = world.user(self.party, Role.CREDIT_OFFICER)
        self.approver = world.user(self.party, Role.APPROVER)
        self.approver2 = world.user(self.party, Role.APPROVER, Role.CREDIT_OFFICER)
        self.id = self.party.id


class Desk:
    """Parties around one loan service centre, with a settable business date."""

    def __init__(self, world: Any, app: Any, today: dt.date = TODAY) -> None:
        self.world = world
        self.client = world.client
        self.clock = install_clock(app, today)
        self.operator = world.actor(PartyKind.PLATFORM, Role.OPERATOR)
        self.bank = Bank(world)
        self.bank2 = Bank(world)
        self.valuer = world.actor(PartyKind.VALUER, Role.VALUER)
        self.valuer2 = world.actor(PartyKind.VALUER, Role.VALUER)
        self.insurer = world.actor(PartyKind.INSURER, Role.UNDERWRITER)
        self.registry = world.actor(PartyKind.REGISTRY, Role.REGISTRY_OFFICER)
        self.firm = world.actor(PartyKind.ENTERPRISE, Role.ENTERPRISE_USER)

    def patent(self, subtype: Subtype = Subtype.INVENTION, owner: Any = None, **kw: Any) -> Asset:
        owner = owner or self.firm
        return add_patent(self.world.factory, [owner.party.id], subtype=subtype, **kw)

    def post(self, who: Any, url: str, body: Any = None, expect: int | None = None) -> Any:
        r = self.client.post(url, json=body if body is not None else {}, headers=who.headers)
        if expect is not None:
            assert r.status_code == expect, r.text
        return r

    def get(self, who: Any, url: str, expect: int | None = 200) -> Any:
        r = self.client.get(url, headers=who.headers)
        if expect is not None:
            assert r.status_code == expect, r.text
        return r

    def product(self, bank: Bank | None = None, kind: str = "pure_ip_pledge", **terms: Any) -> int:
        """A product version in effect from 2025-01-01; returns the version id."""
        bank = bank or self.bank
        n = len(self.get(bank.approver, "/credit-products").json())
        p = self.post(bank.approver, "/credit-products", {"code": f"P{n}", "name": "知识产权质押贷", "kind": kind}, 201)
        body: dict[str, Any] = {
            "effective_from": "2025-01-01",
            "min_amount": "100000",
            "max_amount": "30000000",
            "max_term_months": 36,
            "rate_cap_lpr_multiple": "1.4",
            "penalty_uplift_bp": 5000,
        }
        if kind == "credit_plus_ip":
            body["ip_required_above"] = "3000000"
        body.update(terms)
        v = self.post(bank.approver, f"/credit-products/{p.json()['id']}/versions", body, 201)
        return int(v.json()["id"])

    def apply(
        self,
        assets: list[Asset],
        banks: Any = None,
        consents: list[int] | None = None,
        amount: str = "2000000",
        **kw: Any,
    ) -> dict[str, Any]:
        banks = [self.bank.id] if banks is None else banks
        body: dict[str, Any] = {
            "amount": amount,
            "term_months": 12,
            "purpose": "研发投入与流动资金",
            "ip_asset_ids": [a.id for a in assets],
            "banks": banks,
            "consent_party_ids": consents if consents is not None else ([] if banks == "any" else list(banks)),
        }
        body.update(kw)
        return dict(self.post(self.firm, "/applications", body, 201).json())

    def timeline(self, who: Any, app_id: int) -> dict[str, Any]:
        return dict(self.get(who, f"/applications/{app_id}/timeline").json())

    def valuation(self, app_id: int, assets: list[Asset], values: list[str], valuer: Any = None, **kw: Any) -> int:
        """Bank asks ``valuer`` (or values internally when None), which accepts and reports; returns the report id."""
        body = {"valuer_id": valuer.party.id if valuer is not None else None}
        task = self.post(self.bank.officer, f"/applications/{app_id}/valuation", body, 201).json()
        worker = valuer or self.bank.officer
        self.post(worker, f"/tasks/{task['id']}/accept", None, 200)
        report = {
            "items": [{"ip_asset_id": a.id, "value": v} for a, v in zip(assets, values, strict=True)],
            "method": "income",
            "assumptions": {"royalty_rate": 0.05, "discount_rate": "0.12", "remaining_life_years": 8},
            "valuation_date": str(self.clock.today),
        }
        report.update(kw)
        return int(self.post(worker, f"/tasks/{task['id']}/valuation-report", report, 201).json()["id"])

    def propose(self, app_id: int, version_id: int, amount: str = "1000000", **kw: Any) -> Any:
        body: dict[str, Any] = {
            "application_id": app_id,
            "product_version_id": version_id,
            "amount": amount,
            "term_months": 12,
            "repayment_method": "equal_installment",
            "spread_bp": 50,
        }
        body.update(kw)
        return self.post(self.bank.officer, "/credit-decisions", body)
