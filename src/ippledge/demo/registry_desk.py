"""Registry desk in the demo (登记机关): ages the register before the filings, brings the trademark grounds into the
filing batch, and decides the release filings that repayments lodge during the year and the change filings of an
extension.

The trademark cases are made the way they arise: the trademark office records a revocation (TM02), a cancellation
(TM03) and a court's freezing order (PP01) on live marks, and records a second mark of one firm's with the same text
in the same Nice class; a mark past its term is picked from the register. Each case then goes through the ordinary
joint filing, and the registry's own pre-check decides it (``run._file_one``); the case only *expects* a ground.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access import queries as parties
from ippledge.access.model import PartyKind, Principal
from ippledge.db import unit_of_work
from ippledge.demo.desk import Desk
from ippledge.demo.scenario import Case
from ippledge.pledge import queries as pledges
from ippledge.pledge.model import similar_marks
from ippledge.registry import ageing, legal_status
from ippledge.registry import queries as register
from ippledge.registry import service as registry_service
from ippledge.registry.model import EventCode, IpKind, LegalState, Subtype
from ippledge.registry.queries import AssetSearch

TRADEMARK_OFFICER = "registry.trademark.officer"


def _officer(session: Session, username: str) -> Principal:
    principal = parties.principal_of(session, username)
    if principal is None:
        raise LookupError(f"demo user {username} missing")
    return principal


def age_register(factory: sessionmaker[Session], day: dt.date) -> ageing.AgeingReport:
    """The register's ageing run on ``day`` (登记簿老化), before anyone files against it."""
    with unit_of_work(factory) as s:
        return ageing.age_register(s, _officer(s, "registry.patent.officer"), day)


def trademark_cases(
    factory: sessionmaker[Session], cases: list[Case], seed: int, day: dt.date, far: dt.date
) -> list[Case]:
    """One filing per trademark ground (13-17), on marks no other case uses; register events dated ``day``.

    ``far``: live marks chosen expire after it, so that only the intended ground applies."""
    rng = np.random.default_rng(seed + 7)
    taken = {a for c in cases for a in c.asset_ids}
    with factory() as s:
        sole = register.sole_owners(s)
        banks = parties.party_ids(s, PartyKind.BANK)
        pledged = pledges.pledged_asset_ids(s)
        live = AssetSearch(
            kind="trademark",
            status="in_force",
            preserved=False,
            expires_after=far,
            excluded=frozenset(taken | pledged),
        )
        pool = [a for a in register.asset_ids(s, live, limit=2000) if a in sole]
        recently_expired = AssetSearch(
            kind="trademark", status="in_force", expires_before=day, expires_after=day - dt.timedelta(days=180)
        )
        lapsed = [a for a in register.asset_ids(s, recently_expired, limit=50) if a in sole and a not in taken]
        if not lapsed:
            lapsed = [
                a
                for a in register.asset_ids(s, AssetSearch(kind="trademark", status="expired"), limit=50)
                if a in sole and a not in taken
            ]
        lapsed = [a for a in lapsed if not _has_similar_live_mark(s, a, sole[a], day)]
    if len(pool) < 4 or not banks:
        return []
    picked = [int(x) for x in rng.choice(pool, size=4, replace=False)]

    def case(label: str, code: str, asset_id: int) -> Case:
        bank = int(banks[int(rng.integers(len(banks)))])
        return Case(label, sole[asset_id], bank, [asset_id], 2_000_000, 24, expect=code, registry="trademark")

    out: list[Case] = []
    with unit_of_work(factory) as s:
        officer = _officer(s, TRADEMARK_OFFICER)
        revoked, cancelled, frozen, twin_of = picked
        note = {"source": "demo"}
        legal_status.record_event(s, officer, revoked, EventCode.TM02, day, {"reason": "连续三年不使用", **note})
        out.append(case("商标已撤销 mark revoked", "pledge.mark_revoked", revoked))
        legal_status.record_event(s, officer, cancelled, EventCode.TM03, day, {"reason": "权利人申请注销", **note})
        out.append(case("商标已注销 mark cancelled", "pledge.mark_cancelled", cancelled))
        legal_status.record_event(s, officer, frozen, EventCode.PP01, day, {"court": "（2024）京73执保1号", **note})
        out.append(case("商标被查封冻结 mark sealed", "pledge.mark_sealed", frozen))
        if lapsed:
            out.append(case("商标期满未续展 mark expired, not renewed", "pledge.mark_expired", lapsed[0]))
        out.append(case("近似商标未一并出质 similar mark left out", "pledge.similar_marks_apart", twin_of))
        _similar_mark(s, officer, twin_of, day)
    return out


def _has_similar_live_mark(session: Session, asset_id: int, owner_id: int, day: dt.date) -> bool:
    """Whether the owner holds another live mark like this one (the case should show ground 15 alone)."""
    ids = register.owned_asset_ids(session, owner_id, IpKind.TRADEMARK, LegalState.IN_FORCE)
    facts = register.load_facts(session, [asset_id, *ids], day)
    mine = facts[asset_id]
    return any(similar_marks(mine, f) for i, f in facts.items() if i != asset_id)


def _similar_mark(session: Session, officer: Principal, asset_id: int, day: dt.date) -> None:
    """Record a second mark of the same owner with the same text in the same Nice class (a defensive filing)."""
    (facts,) = register.load_facts(session, [asset_id], day).values()
    number = str(90_000_000 + asset_id)  # outside the simulated market's numbering
    registry_service.record_asset(
        session,
        officer,
        kind=IpKind.TRADEMARK,
        subtype=Subtype.MARK,
        number=number,
        title=facts.title,
        filing_date=facts.filing_date,
        owners=[registry_service.OwnerShare(o.party_id, o.share_bp) for o in facts.owners],
        as_of=day,
        grant_date=facts.grant_date,
        expiry_date=facts.expiry_date,
        nice_classes=sorted(facts.nice_classes),
    )


def decide_filings(desk: Desk, registries: tuple[str, ...] = ("registry.patent",)) -> int:
    """Each registry officer registers the release filings (注销登记) and change filings (变更登记, an extension's
    longer debt term) in its queue on the desk's day; neither needs a pre-check beyond the parties' confirmations
    (and, for a release, the proof the debt is extinguished)."""
    done = 0
    for registry in registries:
        officer = f"{registry}.officer"
        for f in desk.get(officer, "/registry/pledge-filings"):
            if f["kind"] in ("release", "change"):
                desk.post(officer, f"/pledge-filings/{f['id']}/register")
                done += 1
    return done
