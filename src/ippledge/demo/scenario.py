"""Demo scenario (演示场景): which filings to make, chosen from the loaded market so that most register and each
refused one fails for a different ground of DOMAIN.md §3.

Selection reads the register as any bank could (status, owners, annuities, flags); the outcome is then decided by
the registry's own pre-check, not by this module: a case only *expects* a ground, and the summary shows what the
officer actually found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.access.model import PartyKind
from ippledge.access.tables import Party
from ippledge.pledge.tables import PledgeItem
from ippledge.registry.tables import Annuity, IpAsset, IpOwner


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


def _sole_owned(session: Session) -> Iterator[tuple[int, int]]:
    """(asset id, owner) of assets with exactly one owner."""
    stmt = (
        select(IpOwner.ip_asset_id, func.min(IpOwner.party_id)).group_by(IpOwner.ip_asset_id).having(func.count() == 1)
    )
    for asset_id, owner in session.execute(stmt):
        yield int(asset_id), int(owner)


class Picker:
    """Draws assets of a given description without reuse."""

    def __init__(self, session: Session, rng: np.random.Generator, start: dt.date, end: dt.date) -> None:
        self.s = session
        self.rng = rng
        self.start = start
        self.end = end
        self.used: set[int] = set()
        self.owner = dict(_sole_owned(session))

    def _take(self, ids: list[int], n: int = 1) -> list[int]:
        pool = [i for i in ids if i not in self.used and i in self.owner]
        if len(pool) < n:
            return []
        chosen = [int(x) for x in self.rng.choice(pool, size=n, replace=False)]
        self.used.update(chosen)
        return chosen

    def no_due_annuity(self, until: dt.date | None = None) -> object:
        """No unpaid annuity falls due before ``until`` (default: a month after the window)."""
        due_soon = select(Annuity.ip_asset_id).where(
            Annuity.paid_on.is_(None), Annuity.due_date <= (until or self.end + dt.timedelta(days=30))
        )
        return IpAsset.id.not_in(due_soon)

    def far_from_expiry(self) -> object:
        return IpAsset.expiry_date > self.end + dt.timedelta(days=5 * 366)

    def clean(self, kind: str = "patent", limit: int = 4000, annuity_clear_until: dt.date | None = None) -> list[int]:
        """Granted, in force, unencumbered, no annuity falling due inside the demo window, far from expiry."""
        conds = [
            IpAsset.kind == kind,
            IpAsset.status == "in_force",
            IpAsset.preserved.is_(False),
            IpAsset.invalidation_pending.is_(False),
            IpAsset.same_day_twin.is_(None),
            self.no_due_annuity(annuity_clear_until),
            self.far_from_expiry(),
            IpAsset.id.not_in(select(PledgeItem.ip_asset_id).where(PledgeItem.in_force)),
        ]
        if kind == "patent":
            conds.append(IpAsset.subtype == "invention")
        stmt = select(IpAsset.id).where(*conds).order_by(IpAsset.id).limit(limit)  # type: ignore[arg-type]
        return list(self.s.scalars(stmt))

    def where(self, *conds: object, n: int = 1, kind: str = "patent", tidy: bool = True) -> list[int]:
        """Assets matching ``conds``; ``tidy`` keeps out the other grounds (due annuities, near expiry)."""
        extra = [self.no_due_annuity(), self.far_from_expiry()] if tidy else []
        stmt = select(IpAsset.id).where(IpAsset.kind == kind, *conds, *extra).order_by(IpAsset.id)  # type: ignore[arg-type]
        return self._take(list(self.s.scalars(stmt)), n)

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
    banks = list(session.scalars(select(Party.id).where(Party.kind == PartyKind.BANK.value).order_by(Party.id)))
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
    refused(
        "权利已终止 right terminated", "pledge.right_not_alive", p.where(IpAsset.status == "terminated", tidy=False)
    )
    refused("尚未授权 not granted", "pledge.not_granted", p.where(IpAsset.status == "pending", tidy=False))
    unpaid = select(Annuity.ip_asset_id).where(
        Annuity.paid_on.is_(None), Annuity.due_date > start, Annuity.due_date < start + dt.timedelta(days=20)
    )
    refused(
        "年费未缴 annuity unpaid",
        "pledge.annuity_unpaid",
        p.where(IpAsset.status == "in_force", IpAsset.id.in_(unpaid), p.far_from_expiry(), tidy=False),
    )
    refused("被保全 preserved", "pledge.preserved", p.where(IpAsset.status == "in_force", IpAsset.preserved.is_(True)))
    refused(
        "债务期限超过权利期限 debt outlives the right",
        "pledge.debt_past_expiry",
        p.where(
            IpAsset.status == "in_force",
            IpAsset.subtype == "utility_model",
            IpAsset.expiry_date < end + dt.timedelta(days=500),
            IpAsset.expiry_date > end,
            p.no_due_annuity(),
            tidy=False,
        ),
    )
    refused(
        "合同缺少必备条款 contract incomplete", "pledge.contract_incomplete", p.portfolio(clean, 1), security_scope=None
    )
    co_owned = select(IpOwner.ip_asset_id).group_by(IpOwner.ip_asset_id).having(func.count() > 1)
    co_stmt = select(IpAsset.id).where(
        IpAsset.status == "in_force",
        IpAsset.id.in_(co_owned),
        IpAsset.preserved.is_(False),
        IpAsset.invalidation_pending.is_(False),
        IpAsset.same_day_twin.is_(None),
        p.no_due_annuity(),  # type: ignore[arg-type]
        p.far_from_expiry(),  # type: ignore[arg-type]
    )
    co = list(session.scalars(co_stmt.order_by(IpAsset.id).limit(50)))
    co = [a for a in co if a not in p.used][:1]
    if co:
        p.used.update(co)
        first = session.scalars(select(IpOwner.party_id).where(IpOwner.ip_asset_id == co[0]).order_by(IpOwner.party_id))
        refused(
            "共有人未同意 co-owner has not consented", "pledge.coowner_consent_missing", co, pledgor=next(iter(first))
        )
    refused(
        "同日申请未声明 same-day twin not confirmed",
        "pledge.same_day_dual",
        p.where(IpAsset.status == "in_force", IpAsset.same_day_twin.is_not(None), IpAsset.preserved.is_(False)),
    )
    refused(
        "无效宣告审查中未声明 invalidation pending not confirmed",
        "pledge.invalidation_pending",
        p.where(IpAsset.status == "in_force", IpAsset.invalidation_pending.is_(True), IpAsset.preserved.is_(False)),
    )
    refused("流质条款 forfeiture clause", "pledge.forfeiture_clause", p.portfolio(clean, 1), forfeiture_clause=True)
    refused(
        "商标误投专利局 trademark filed at the patent office",
        "pledge.other",
        p.where(IpAsset.status == "in_force", kind="trademark"),
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
