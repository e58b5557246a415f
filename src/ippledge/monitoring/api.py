"""Monitoring routes (贷后监测接口): ``POST /monitoring/runs`` (the platform operator), ``GET /monitoring/alerts``,
and the watch list (关注名单): ``GET/POST /watch-list``, ``GET /watch-list/{id}``, ``POST /watch-list/{id}/moves``.

A bank sees and moves only its own entries (another bank's is a 404); a move out of order is a 409.
"""

from __future__ import annotations

import dataclasses

from fastapi import APIRouter, Query

from ippledge.access.model import PartyKind, Principal, Role
from ippledge.monitoring import queries, service
from ippledge.monitoring.schemas import AlertOut, RunIn, RunOut, WatchMoveIn, WatchOpenIn, WatchOut
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.ids import IdPath

router = APIRouter(tags=["monitoring"])


def _require_operator(principal: Principal) -> None:
    principal.require_kind(PartyKind.PLATFORM)
    principal.require(Role.OPERATOR, Role.ADMIN)


def _watch(v: queries.WatchView) -> WatchOut:
    return WatchOut.model_validate(dataclasses.asdict(v))


@router.post("/monitoring/runs", response_model=list[RunOut])
def run(body: RunIn, session: SessionDep, principal: PrincipalDep) -> list[RunOut]:
    """Monitor a closed business date (normally the close does it), catching up missed dates first."""
    _require_operator(principal)
    return [RunOut.model_validate(r.to_dict()) for r in service.run_through(session, body.date)]


@router.get("/monitoring/alerts", response_model=list[AlertOut])
def list_alerts(
    session: SessionDep,
    principal: PrincipalDep,
    loan_id: int | None = None,
    limit: int = Query(200, ge=1, le=1000),
) -> list[AlertOut]:
    """The alerts on the caller's bank's loans, newest first (others hear them through the event feed)."""
    return [AlertOut.model_validate(dataclasses.asdict(a)) for a in queries.alerts(session, principal, loan_id, limit)]


@router.get("/watch-list", response_model=list[WatchOut])
def watch_list(
    session: SessionDep, principal: PrincipalDep, state: str | None = None, loan_id: int | None = None
) -> list[WatchOut]:
    """The watch list (关注名单) of the caller's bank, with each entry's history."""
    return [_watch(v) for v in queries.watch_list(session, principal, state, loan_id)]


@router.post("/watch-list", response_model=WatchOut, status_code=201)
def open_entry(body: WatchOpenIn, session: SessionDep, principal: PrincipalDep, today: TodayDep) -> WatchOut:
    """An officer lists one of its bank's loans (rule ``officer``)."""
    entry = service.open_entry(session, principal, body.loan_id, body.reason, today, body.owner)
    return _watch(queries.view(session, entry))


@router.get("/watch-list/{entry_id}", response_model=WatchOut)
def get_entry(entry_id: IdPath, session: SessionDep, principal: PrincipalDep) -> WatchOut:
    return _watch(queries.watch_entry(session, principal, entry_id))


@router.post("/watch-list/{entry_id}/moves", response_model=WatchOut)
def move(
    entry_id: IdPath, body: WatchMoveIn, session: SessionDep, principal: PrincipalDep, today: TodayDep
) -> WatchOut:
    """Move an entry (open → acting → cured/escalated → closed) with what was done."""
    entry = service.move_entry(session, principal, entry_id, body.to, body.note, today, body.owner)
    return _watch(queries.view(session, entry))
