"""Builders for whitelist and demand tests: firms with designations, patents, model scores and flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ippledge.access.model import PartyKind, Role
from ippledge.registry import designations
from ippledge.registry.model import LegalState, Subtype
from ippledge.registry.tables import Annuity
from ippledge.valuation.engine.tables import ModelValuation
from tests.intake.factories import Desk
from tests.registry.factories import add_patent, new_uscc


@dataclass(frozen=True)
class Firm:
    id: int
    uscc: str
    patents: list[int]


def score_asset(factory: sessionmaker[Session], asset_id: int, score: float, as_of: dt.date) -> None:
    """A model valuation row as the batch engine leaves it (only the score matters here)."""
    with factory.begin() as s:
        s.add(
            ModelValuation(
                ip_asset_id=asset_id,
                as_of=as_of,
                model_version="test",
                seed=1,
                score=score,
                value_p10_fen=100_000_00,
                value_p50_fen=300_000_00,
                value_p90_fen=600_000_00,
                collateral_value_fen=150_000_00,
                cost_value_fen=50_000_00,
                assumptions="{}",
                explanation="{}",
            )
        )


class WhitelistDesk(Desk):
    """A Desk with a second operator (the checker), a regulator and firms made to measure."""

    def __init__(self, world: Any, app: Any, factory: sessionmaker[Session]) -> None:
        super().__init__(world, app)
        self.factory = factory
        self.operator2 = world.user(self.operator.party, Role.OPERATOR)
        self.regulator = world.actor(PartyKind.REGULATOR, Role.ANALYST)

    def make_firm(
        self,
        *,
        kinds: tuple[str, ...] = (),
        park: str | None = None,
        inventions: int = 1,
        utility: int = 0,
        score: float | None = None,
        abnormal: bool = False,
        unpaid_due: dt.date | None = None,
        region: str = "110108",
    ) -> Firm:
        code = new_uscc()
        party = self.world.party(PartyKind.ENTERPRISE, uscc=code, region_code=region)
        patents = [add_patent(self.factory, [party.id]).id for _ in range(inventions)]
        patents += [add_patent(self.factory, [party.id], subtype=Subtype.UTILITY_MODEL).id for _ in range(utility)]
        if not patents:  # a profile without IP
            add_patent(self.factory, [party.id], status=LegalState.TERMINATED)
        with self.factory.begin() as s:
            who = self.registry.principal
            for k in kinds:
                designations.record_designation(s, who, party.id, k, dt.date(2024, 1, 1), "测试名单")
            if park:
                designations.record_designation(s, who, party.id, "park", dt.date(2024, 1, 1), "园区名录", detail=park)
            if abnormal and patents:
                designations.flag_abnormal(s, who, patents[0], dt.date(2025, 3, 1), "国知局非正常申请通知")
            if unpaid_due is not None and patents:
                s.add(Annuity(ip_asset_id=patents[0], year_no=99, due_date=unpaid_due, amount=Decimal("900")))
        if score is not None:
            for i, aid in enumerate(patents):
                score_asset(self.factory, aid, score - i, self.clock.today - dt.timedelta(days=30))
        return Firm(party.id, code, patents)

    def criteria(self, doc: dict[str, Any], code: str = "demo") -> dict[str, Any]:
        body = {"code": code, "name": "示范企业白名单标准", "effective_from": "2025-01-01", "rules": doc}
        return dict(self.post(self.operator, "/whitelist-criteria", body, 201).json())

    def published(self, doc: dict[str, Any]) -> dict[str, Any]:
        c = self.criteria(doc)
        body = {
            "criteria_id": c["id"],
            "name": "2025年知识产权示范企业白名单",
            "as_of": str(self.clock.today),
            "valid_from": str(self.clock.today),
            "valid_to": "2025-12-31",
        }
        lst = self.post(self.operator, "/whitelists", body, 201).json()
        return dict(self.post(self.operator2, f"/whitelists/{lst['id']}/review", {"decision": "approve"}, 200).json())


RULES: dict[str, Any] = {
    "require": [
        {"fact": "abnormal_applications", "op": "<=", "value": 0},
        {"fact": "ip_score", "op": ">=", "value": 50},
    ],
    "any_of": [
        {"fact": "ip_demonstration", "op": "is", "value": True},
        {"fact": "ip_advantage", "op": "is", "value": True},
        {"fact": "specialised", "op": "is", "value": True},
    ],
    "weights": {"ip_score": 1, "ip_demonstration": 10, "valid_inventions": 1},
}
