"""The registry officer (登记审查员): the queue of submitted pledge filings, register or refuse with the ground, and an
IP's register page with its legal events and pledges.

Registering and refusing go through ``pledge.api.register`` / ``pledge.api.refuse``: the pre-check runs again at the
decision, a ground the pre-check did not find is refused (``pledge.other`` needs the officer's note), and another
registry's filing is the 404 page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from ippledge.access import queries as access_queries
from ippledge.access.model import Role
from ippledge.console import i18n
from ippledge.console.pages.base import PREFIX, back, render, router, submit_once
from ippledge.console.pages.filings import filing_ctx
from ippledge.console.pages.lists import Column, ListState, check_format, export, page_ctx, view
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.pledge import api as pledge_api
from ippledge.pledge.schemas import FilingOut, RefuseIn
from ippledge.registry import api as registry_api
from ippledge.web.deps import SessionDep, TodayDep


def _queue_columns(names: dict[int, str]) -> list[Column[FilingOut]]:
    return [
        Column("no", "ui.number", lambda f: f.filing_no),
        Column("firm", "ui.firm", lambda f: names.get(f.pledgor_id, "")),
        Column("bank", "ui.bank", lambda f: names.get(f.pledgee_id, "")),
        Column("ip", "ui.ip", lambda f: "；".join(f"{i.title} ({i.number})" for i in f.items), sortable=False),
        Column("amount", "ui.amount", lambda f: f.debt_amount, money=True),
        Column("submitted", "ui.submitted_on", lambda f: f.submitted_on),
        Column("due", "ui.due", lambda f: f.due_on),
    ]


def _queue(
    request: Request, viewer: Viewer, session: Session, today: dt.date
) -> tuple[ListState, list[FilingOut], list[Column[FilingOut]], dict[int, str]]:
    p = viewer.principal
    p.require(Role.REGISTRY_OFFICER)
    state = ListState.of(request, viewer.lang, extra=("overdue",))
    overdue = state.extra.get("overdue") == "1"
    rows = sorted(pledge_api.officer_queue(p, session, today, overdue), key=lambda f: (f.due_on or today, f.id))
    names = access_queries.names_of(session, [i for f in rows for i in (f.pledgor_id, f.pledgee_id)])
    columns = _queue_columns(names)

    def fields(f: FilingOut) -> list[Any]:
        parties = [f.filing_no, names.get(f.pledgor_id, ""), names.get(f.pledgee_id, "")]
        return parties + [x for i in f.items for x in (i.number, i.title)]

    return state, view(rows, state, columns, fields, day=lambda f: f.submitted_on), columns, names


@router.get("/registry/queue")
def registry_queue(request: Request, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    """Submitted filings, oldest deadline first (or by any column), searchable over number, parties and IP, filtered
    by submission date and overdue, downloadable."""
    state, rows, columns, names = _queue(request, viewer, session, today)
    ctx = page_ctx(rows, state, columns, f"{PREFIX}/registry/queue")
    ctx |= {"names": names, "overdue_only": state.extra.get("overdue") == "1", "today": today}
    return render(request, viewer, "registry_queue.html", ctx)


@router.get("/registry/queue.{fmt}")
def registry_queue_file(
    request: Request, fmt: str, viewer: ViewerDep, session: SessionDep, today: TodayDep
) -> Response:
    """The queue as the officer searched, filtered and sorted it, as CSV or Excel."""
    check_format(request, fmt)
    _, rows, columns, _ = _queue(request, viewer, session, today)
    return export(fmt, f"registry-queue-{today}", columns, rows, viewer.lang)


@router.post("/filings/{filing_id}/register")
def register(
    filing_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep, csrf: str = Form("", max_length=100)
) -> Response:
    """准予登记: refused with every ground when the pre-check at the decision finds any."""
    viewer.check_csrf(csrf)
    pledge_api.register(filing_id, viewer.principal, session, today)
    return back(f"{PREFIX}/filings/{filing_id}")


@router.post("/filings/{filing_id}/refuse")
def refuse(
    request: Request,
    filing_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    codes: list[str] = Form(default_factory=list),
    note: str = Form("", max_length=2000),
) -> Response:
    """不予登记 on the grounds ticked; no ground ticked, or a refused ground, re-renders the page with the message."""
    viewer.check_csrf(csrf)
    p = viewer.principal
    errors: dict[str, str] = {}

    def again(form_error: str | None = None) -> Response:
        ctx = filing_ctx(session, viewer, filing_id, today) | {
            "errors": errors,
            "form_error": form_error,
            "typed": {"codes": codes, "note": note},
        }
        return render(request, viewer, "filing.html", ctx, status=422)

    try:
        body = RefuseIn(codes=codes, note=note.strip() or None)
    except ValidationError:
        errors["codes"] = i18n.both(i18n.FIELD_ERRORS["codes"], viewer.lang)
        return again()
    return submit_once(  # a refused refusal writes nothing
        session,
        viewer,
        lambda: pledge_api.refuse(filing_id, body, p, session, today),
        lambda _: back(f"{PREFIX}/filings/{filing_id}"),
        again,
        passes=(404,),
    )


@router.get("/ip-assets/{asset_id}")
def ip_asset(request: Request, asset_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    """An IP's register page (登记簿): facts, owners, legal events oldest first, pledges in force and released."""
    p = viewer.principal
    asset = registry_api.get_asset(asset_id, p, session, today)  # the 404 page when not the viewer's to read
    events = registry_api.history(asset_id, p, session)
    pledges = pledge_api.asset_pledges(asset_id, p, session, on=None)
    parties = [x.pledgee_id for x in pledges] + [x.pledgor_id for x in pledges] + [o.party_id for o in asset.owners]
    names = access_queries.names_of(session, parties)
    ctx = {"asset": asset, "events": events, "pledges": pledges, "names": names}
    return render(request, viewer, "ip_asset.html", ctx)
