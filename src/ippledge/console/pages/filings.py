"""Pledge filings (质押登记申请) as the pledgor and pledgee see them: the filing and each side's confirmation."""

from __future__ import annotations

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response

from ippledge.access import queries as access_queries
from ippledge.console.pages.base import PREFIX, back, render, router
from ippledge.console.sessions import ViewerDep
from ippledge.pledge import api as pledge_api
from ippledge.web.deps import SessionDep, TodayDep


@router.get("/filings/{filing_id}")
def filing(request: Request, filing_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    f = pledge_api.get_filing(filing_id, viewer.principal, session, today)
    names = access_queries.names_of(session, [f.pledgor_id, f.pledgee_id, f.registry_id])
    return render(request, viewer, "filing.html", {"f": f, "names": names})


@router.post("/filings/{filing_id}/confirm")
def confirm_filing(
    filing_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep, csrf: str = Form("", max_length=100)
) -> Response:
    viewer.check_csrf(csrf)
    pledge_api.confirm(filing_id, viewer.principal, session, today)
    return back(f"{PREFIX}/filings/{filing_id}")
