"""Run the demo's filings (办理质押登记) through the real services, one unit of work per step, on business dates.

Each filing is drafted by the bank's credit officer, confirmed by the enterprise and by the bank, submitted, and
decided by the registry officer a few working days later. When the pre-check finds refusal grounds the officer
refuses on exactly those grounds. A couple of registered pledges are then changed and released.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access import queries as parties
from ippledge.access.model import Principal
from ippledge.db import unit_of_work
from ippledge.demo.scenario import Case
from ippledge.kernel.calendar import WorkingCalendar, add_months
from ippledge.kernel.errors import IppledgeError
from ippledge.pledge import decision, registry_settings
from ippledge.pledge import queries as pledges
from ippledge.pledge import service as filings
from ippledge.pledge.service import NewFiling, PledgeChangeRequest

T = TypeVar("T")

# Decision time limits by registry (DOMAIN.md §3): CNIPA 3 working days for patent pledges; the trademark office is
# assumed to match (unverified); the Copyright Protection Centre 10 calendar days.
REGISTRY_SETTINGS = {
    "patent": (3, "98", ["patent"], "working"),
    "trademark": (3, "97", ["trademark"], "working"),
    "copyright": (10, "96", ["copyright"], "calendar"),
}


@dataclass
class Outcome:
    case: Case
    filing_no: str = ""
    status: str = ""
    submitted_on: dt.date | None = None
    due_on: dt.date | None = None
    decided_on: dt.date | None = None
    working_days: int | None = None
    limit: int = 0
    registration_no: str | None = None
    pledge_id: int | None = None
    reasons: list[dict[str, object]] = field(default_factory=list)
    error: str | None = None


class Actors:
    """Principals of the demo users, looked up by username (``bank3.officer`` ...)."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self._cache: dict[str, Principal] = {}

    def user(self, username: str) -> Principal:
        if username not in self._cache:
            principal = parties.principal_of(self.s, username)
            if principal is None:
                raise LookupError(f"demo user {username} missing")
            self._cache[username] = principal
        return self._cache[username]

    def for_party(self, party_id: int, suffix: str) -> Principal:
        username = parties.first_username_with_suffix(self.s, party_id, suffix)
        if username is None:
            raise LookupError(f"no {suffix} user for party {party_id}")
        return self.user(username)


def _step(factory: sessionmaker[Session], fn: Callable[[Session], T]) -> T:
    with unit_of_work(factory) as s:
        return fn(s)


def configure_registries(factory: sessionmaker[Session], actors: Actors) -> dict[str, int]:
    ids: dict[str, int] = {}
    for what, (days, code, kinds, basis) in REGISTRY_SETTINGS.items():
        admin = actors.user(f"registry.{what}.admin")
        _step(factory, lambda s, a=admin, d=days, c=code, k=kinds, b=basis: registry_settings.update(s, a, d, c, k, b))  # type: ignore[misc]
        ids[what] = admin.party_id
    return ids


def file_all(
    factory: sessionmaker[Session],
    cases: list[Case],
    start: dt.date,
    calendar: WorkingCalendar,
    seed: int,
) -> list[Outcome]:
    rng = np.random.default_rng(seed + 1)
    with factory() as s:
        actors = Actors(s)
        registries = configure_registries(factory, actors)
        day = calendar.next_working_day(start - dt.timedelta(days=1)) if not calendar.is_working_day(start) else start
        outcomes: list[Outcome] = []
        for i, case in enumerate(cases):
            if i and i % 3 == 0:  # about three new filings a working day
                day = calendar.next_working_day(day)
            outcomes.append(_file_one(factory, actors, registries, case, day, calendar, rng))
    return outcomes


def _file_one(
    factory: sessionmaker[Session],
    actors: Actors,
    registries: dict[str, int],
    case: Case,
    day: dt.date,
    calendar: WorkingCalendar,
    rng: np.random.Generator,
) -> Outcome:
    out = Outcome(case)
    officer = actors.for_party(case.pledgee_id, "officer")
    owner = actors.for_party(case.pledgor_id, "admin")
    registry_officer = actors.user(f"registry.{case.registry}.officer")
    new = NewFiling(
        registry_id=registries[case.registry],
        pledgor_id=case.pledgor_id,
        pledgee_id=case.pledgee_id,
        ip_asset_ids=case.asset_ids,
        debt_type=case.debt_type,
        debt_amount=case.amount_yuan,
        debt_start=day,
        debt_end=add_months(day, case.term_months),
        security_scope=case.security_scope,
        forfeiture_clause=case.forfeiture_clause,
        confirms_same_day_dual=case.confirms_same_day_dual,
        confirms_invalidation_pending=case.confirms_invalidation_pending,
        consenting_coowner_ids=case.consenting_coowner_ids,
    )
    try:
        fid = _step(factory, lambda s: filings.create_filing(s, officer, new, day).id)
        _step(factory, lambda s: filings.confirm(s, owner, fid))
        _step(factory, lambda s: filings.confirm(s, officer, fid))
        f = _step(factory, lambda s: filings.submit(s, officer, fid, day))
        out.filing_no, out.submitted_on, out.due_on = f.filing_no, f.submitted_on, f.due_on
        out.limit = REGISTRY_SETTINGS[case.registry][0]
        # most officers decide within the limit; a few files wait longer
        lag = int(rng.choice([0, 1, 1, 2, 2, 3, 3, 4], p=[0.1, 0.2, 0.2, 0.15, 0.15, 0.08, 0.07, 0.05]))
        decided = calendar.add_working_days(day, lag) if lag else day
        try:
            f = _step(factory, lambda s: decision.register(s, registry_officer, fid, decided))
        except IppledgeError as refused:
            out.reasons = list(refused.details.get("reasons", [{"code": refused.code}]))
            codes, note = sorted({str(r["code"]) for r in out.reasons}), refused.message_zh
            f = _step(factory, lambda s: decision.refuse(s, registry_officer, fid, codes, note, decided))
        out.status, out.decided_on, out.pledge_id = f.status, f.decided_on, f.pledge_id
        out.working_days = calendar.working_days_between(day, decided)
        if f.pledge_id is not None:
            with factory() as s:
                out.registration_no = pledges.registration_no(s, f.pledge_id)
    except IppledgeError as err:  # a step the demo did not expect to fail: show it, go on
        out.error = f"{err.code}: {err.message_en}"
    return out


@dataclass
class Aftercare:
    changed: str | None = None
    released: str | None = None
    change_day: dt.date | None = None
    release_day: dt.date | None = None


def change_and_release(
    factory: sessionmaker[Session], outcomes: list[Outcome], day: dt.date, calendar: WorkingCalendar
) -> Aftercare:
    """Raise the secured amount of one pledge (变更) and release another after repayment (注销)."""
    done = Aftercare()
    registered = [o for o in outcomes if o.pledge_id and o.case.registry == "patent" and o.case.expect is None]
    if len(registered) < 3:
        return done
    with factory() as s:
        actors = Actors(s)
        officer_reg = actors.user("registry.patent.officer")
        grow, repaid = registered[1], registered[2]
        bank = actors.for_party(grow.case.pledgee_id, "officer")
        owner = actors.for_party(grow.case.pledgor_id, "admin")
        change = PledgeChangeRequest(debt_amount=grow.case.amount_yuan + 1_000_000)
        assert grow.pledge_id is not None and repaid.pledge_id is not None
        pid_grow, pid_repaid = grow.pledge_id, repaid.pledge_id
        fid = _step(factory, lambda s2: filings.create_change_filing(s2, bank, pid_grow, change, day).id)
        _step(factory, lambda s2: filings.confirm(s2, owner, fid))
        _step(factory, lambda s2: filings.confirm(s2, bank, fid))
        _step(factory, lambda s2: filings.submit(s2, bank, fid, day))
        decided = calendar.add_working_days(day, 1)
        _step(factory, lambda s2: decision.register(s2, officer_reg, fid, decided))
        done.changed, done.change_day = grow.registration_no, decided

        bank2 = actors.for_party(repaid.case.pledgee_id, "officer")
        rid = _step(factory, lambda s2: filings.release_for_repayment(s2, bank2, pid_repaid, day, "DEMO-LOAN").id)
        _step(factory, lambda s2: decision.register(s2, officer_reg, rid, decided))
        done.released, done.release_day = repaid.registration_no, decided
    return done
