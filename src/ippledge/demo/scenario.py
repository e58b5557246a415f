"""Demo scenario (演示场景): which filings to make, chosen from the loaded market so that most register and each
refused one fails for a different ground of DOMAIN.md §3.

Selection reads the register as any bank could (status, owners, annuities, flags) through ``registry.queries``; the
outcome is then decided by the registry's own pre-check, not by this module: a case only *expects* a ground, and the
summary shows what the officer actually found.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np
from sqlalchemy.orm import Session

from ippledge.access import queries as parties
from ippledge.access.model import PartyKind
from ippledge.pledge import queries as pledges
from ippledge.registry import queries as register
from ippledge.registry.queries import AssetSearch


@dataclass
class Case:
    """One pledge contract to file: who pledges what to whom, and what the demo expects the registry to say."""

    label: str
    pledgor_id: int
    pledgee_id: int
    asset_ids: list[int]
    amount_yuan: int
    term_months: int
    expect: str | None = None  # expected refusal code; None = should register
    registry: str = "patent"
    debt_type: str | None = "流动资金贷款"
    security_scope: str | None = "主债权本金、利息、罚息、违约金及实现质权的费用"
    forfeiture_clause: bool = False
    confirms_same_day_dual: bool = False
    confirms_invalidation_pending: bool = False
    consenting_coowner_ids: list[int] = field(default_factory=list)


class Picker:
    """Draws assets of a given description without reuse."""

    def __init__(self, session: Session, rng: np.random.Generator, start: dt.date, end: dt.date) -> None:
        self.s = session
        self.rng = rng
        self.start = start
        self.end = end
        self.used: set[int] = set()
        self.owner = register.sole_owners(session)  # asset -> owner, for assets with exactly one owner

    def _take(self, ids: list[int], n: int = 1) -> list[int]:
        pool = [i for i in ids if i not in self.used and i in self.owner]
        if len(pool) < n:
            return []
        chosen = [int(x) for x in self.rng.choice(pool, size=n, replace=False)]
        self.used.update(chosen)
        return chosen

    def annuity_due_by(self) -> dt.date:
        """Tidy assets have no unpaid annuity falling due before this: a month after the window."""
        return self.end + dt.timedelta(days=30)

    def far_from_expiry(self) -> dt.date:
        """Tidy assets expire after this."""
        return self.end + dt.timedelta(days=5 * 366)

    def clean(self, kind: str = "patent", limit: int = 4000, annuity_clear_until: dt.date | None = None) -> list[int]:
        """Granted, in force, unencumbered, no annuity falling due inside the demo window, far from expiry."""
        search = AssetSearch(
            kind=kind,
            subtype="invention" if kind == "patent" else None,
            status="in_force",
            preserved=False,
            invalidation_pending=False,
            same_day_twin=False,
            no_unpaid_annuity_due_by=annuity_clear_until or self.annuity_due_by(),
            expires_after=self.far_from_expiry(),
            excluded=pledges.pledged_asset_ids(self.s),
        )
        return register.asset_ids(self.s, search, limit=limit)

    def where(self, search: AssetSearch, n: int = 1, tidy: bool = True) -> list[int]:
        """Assets matching ``search``; ``tidy`` keeps out the other grounds (due annuities, near expiry)."""
        if tidy:
            search = replace(
                search, no_unpaid_annuity_due_by=self.annuity_due_by(), expires_after=self.far_from_expiry()
            )
        return self._take(register.asset_ids(self.s, search), n)

    def portfolio(self, pool: list[int], size: int) -> list[int]:
        """``size`` clean assets of one owner (a firm usually pledges several patents together)."""
        by_owner: dict[int, list[int]] = {}
        for a in pool:
            if a not in self.used and a in self.owner:
                by_owner.setdefault(self.owner[a], []).append(a)
        owners = sorted(o for o, ids in by_owner.items() if len(ids) >= size)
        if not owners:
            return []
        owner = owners[int(self.rng.integers(len(owners)))]
        return self._take(by_owner[owner], size) if len(by_owner[owner]) >= size else []


def plan(session: Session, seed: int, start: dt.date, end: dt.date, good: int = 40) -> list[Case]:
    rng = np.random.default_rng(seed)
    banks = parties.party_ids(session, PartyKind.BANK)
    p = Picker(session, rng, start, end)
    clean = p.clean()

    def bank() -> int:
        return int(banks[int(rng.integers(len(banks)))])

    def amount() -> int:
        # loan sizes: ~72% under 10m CNY (DOMAIN.md §4); lognormal around 3m, in 10k steps
        return int(round(float(rng.lognormal(np.log(3_000_000), 0.9)), -4)) or 1_000_000

    cases: list[Case] = []
    for i in range(good):
        ids = p.portfolio(clean, int(rng.integers(1, 5)))
        if ids:
            cases.append(
                Case(f"正常 ordinary #{i + 1}", p.owner[ids[0]], bank(), ids, amount(), int(rng.integers(12, 37)))
            )

    def refused(label: str, code: str, ids: list[int], **kw: object) -> None:
        if ids:
            owner = int(kw.pop("pledgor")) if "pledgor" in kw else p.owner[ids[0]]  # type: ignore[call-overload]
            cases.append(Case(label, owner, bank(), ids, amount(), 24, expect=code, **kw))  # type: ignore[arg-type]

    # 1 pledgor is not the owner: firm A files B's patent
    stolen = p.portfolio(clean, 1)
    others = [o for o in set(p.owner.values()) if stolen and o != p.owner[stolen[0]]]
    if stolen and others:
        refused("非权利人出质 not the owner", "pledge.not_owner", stolen, pledgor=sorted(others)[0])
    in_force = AssetSearch(status="in_force")
    refused(
        "权利已终止 right terminated",
        "pledge.right_not_alive",
        p.where(AssetSearch(status="terminated"), tidy=False),
    )
    refused("尚未授权 not granted", "pledge.not_granted", p.where(AssetSearch(status="pending"), tidy=False))
    unpaid = replace(
        in_force,
        unpaid_annuity_due_between=(start, start + dt.timedelta(days=20)),
        expires_after=p.far_from_expiry(),
        same_day_twin=False,
        preserved=False,
        invalidation_pending=False,
    )
    refused("年费未缴 annuity unpaid", "pledge.annuity_unpaid", p.where(unpaid, tidy=False))
    refused("被保全 preserved", "pledge.preserved", p.where(replace(in_force, preserved=True)))
    outlives = replace(
        in_force,
        subtype="utility_model",
        expires_before=end + dt.timedelta(days=500),
        expires_after=end,
        no_unpaid_annuity_due_by=p.annuity_due_by(),
    )
    refused("债务期限超过权利期限 debt outlives the right", "pledge.debt_past_expiry", p.where(outlives, tidy=False))
    refused(
        "合同缺少必备条款 contract incomplete", "pledge.contract_incomplete", p.portfolio(clean, 1), security_scope=None
    )
    co_search = replace(
        in_force,
        kind=None,  # any kind of IP
        co_owned=True,
        preserved=False,
        invalidation_pending=False,
        same_day_twin=False,
        no_unpaid_annuity_due_by=p.annuity_due_by(),
        expires_after=p.far_from_expiry(),
    )
    co = [a for a in register.asset_ids(session, co_search, limit=50) if a not in p.used][:1]
    if co:
        p.used.update(co)
        first = register.owner_ids(session, co[0])
        refused("共有人未同意 co-owner has not consented", "pledge.coowner_consent_missing", co, pledgor=first[0])
    refused(
        "同日申请未声明 same-day twin not confirmed",
        "pledge.same_day_dual",
        p.where(replace(in_force, same_day_twin=True, preserved=False)),
    )
    refused(
        "无效宣告审查中未声明 invalidation pending not confirmed",
        "pledge.invalidation_pending",
        p.where(replace(in_force, invalidation_pending=True, preserved=False)),
    )
    if forfeit := p.portfolio(clean, 1):  # a forfeiture clause registers with a warning (Civil Code art. 428)
        cases.append(
            Case(
                "流质条款（提示）forfeiture clause, warned",
                p.owner[forfeit[0]],
                bank(),
                forfeit,
                amount(),
                24,
                forfeiture_clause=True,
            )
        )
    refused(
        "商标误投专利局 trademark filed at the patent office",
        "pledge.other",
        p.where(replace(in_force, kind="trademark")),
    )
    # 9 double pledge: the same patents as the first ordinary case, by another bank, filed after it registered
    if cases and cases[0].expect is None:
        first_case = cases[0]
        cases.append(
            Case(
                "重复质押 double pledge",
                first_case.pledgor_id,
                bank(),
                list(first_case.asset_ids),
                amount(),
                24,
                expect="pledge.already_pledged",
            )
        )
    # trademark pledges at the trademark office
    marks = p.clean("trademark")
    for i in range(3):
        ids = p.portfolio(marks, 2)
        if ids:
            cases.append(
                Case(
                    f"商标质押 trademark pledge #{i + 1}",
                    p.owner[ids[0]],
                    bank(),
                    ids,
                    amount(),
                    24,
                    registry="trademark",
                )
            )
    return cases
