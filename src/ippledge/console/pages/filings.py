"""Pledge filings (质押登记申请): the filing as the pledgor, the pledgee and the registry see it; each side's
confirmation. The registry officer's decision forms are drawn here and posted to ``pages.registry``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ippledge.access import queries as access_queries
from ippledge.access.model import Role
from ippledge.console.pages.base import PREFIX, back, render, router
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.pledge import api as pledge_api
from ippledge.pledge.model import RefusalGround
from ippledge.web.deps import SessionDep, TodayDep


def filing_ctx(session: Session, viewer: Viewer, filing_id: int, today: dt.date) -> dict[str, Any]:
    """The filing with today's pre-check; for the registry officer deciding it, the grounds it may refuse on (those
    the pre-check found, and 其他 with a note)."""
    p = viewer.principal
    f = pledge_api.get_filing(filing_id, p, session, today)  # the 404 page when not the viewer's
    names = access_queries.names_of(session, [f.pledgor_id, f.pledgee_id, f.registry_id])
    can_decide = f.status == "submitted" and p.has(Role.REGISTRY_OFFICER) and p.party_id == f.registry_id
    grounds: list[tuple[str, int, str, str]] = []
    if can_decide:
        found = {r.code for r in f.precheck or []}
        grounds = [
            (g.value, g.number, g.title_zh, g.title_en)
            for g in RefusalGround
            if g.value in found or g is RefusalGround.OTHER
        ]
    return {
        "f": f,
        "names": names,
        "can_decide": can_decide,
        "grounds": grounds,
        "errors": {},
        "form_error": None,
        "typed": {"codes": sorted({r.code for r in f.precheck or []}), "note": ""},
    }


@router.get("/filings/{filing_id}")
def filing(request: Request, filing_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    return render(request, viewer, "filing.html", filing_ctx(session, viewer, filing_id, today))


@router.post("/filings/{filing_id}/confirm")
def confirm_filing(
    filing_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep, csrf: str = Form("", max_length=100)
) -> Response:
    viewer.check_csrf(csrf)
    pledge_api.confirm(filing_id, viewer.principal, session, today)
    return back(f"{PREFIX}/filings/{filing_id}")
