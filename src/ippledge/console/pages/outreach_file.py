"""Signing firms up to an event from a file (按文件批量报名), the platform operator's page (decision 0040).

The organiser uploads a CSV or Excel (.xlsx) file with a ``uscc`` column (the template has the header row). Every
line is checked first by ``outreach.api.sign_up_file`` (the service's one transaction, in a savepoint here): with the
first button it is **all or nothing** -- any bad line and no firm is signed up, the bad lines listed with their line
number and the bilingual reason. The second button, offered then, signs up **the good lines only** (the file checked
is carried in the form, so it need not be chosen again); the bad ones stay listed. No money moves, so no idempotency
key: a second press finds the firms signed up and refuses those lines.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from ippledge.access.model import PartyKind, Role
from ippledge.console import i18n
from ippledge.console.pages.base import PREFIX, back, render, router, submit_once
from ippledge.console.pages.lists import check_format, csv_response, xlsx_response
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.outreach import api as outreach_api
from ippledge.outreach.schemas import SignupFileIn
from ippledge.web.deps import SessionDep, TodayDep

TEMPLATE_HEADER = ["uscc", "name"]  # ``name`` is for the organiser's eyes; the register's name is what shows
PAGE_MAX_BYTES = 512 * 1024  # an event has at most 5000 places: 5000 lines of ``uscc,name`` are about 250 KB


def _require_operator(viewer: Viewer) -> None:
    """Only the platform's operator signs firms up (the service refuses anyone else too)."""
    viewer.principal.require_kind(PartyKind.PLATFORM)
    viewer.principal.require(Role.OPERATOR)


def _ctx(viewer: Viewer, session: Any, event_id: int) -> dict[str, Any]:
    ev = outreach_api.get_event(event_id, viewer.principal, session)  # the 404 page for an unknown event
    return {"ev": ev, "errors": {}, "result": None, "carried": "", "filename": ""}


@router.get("/events/{event_id}/signup-file")
def signup_file_form(request: Request, event_id: int, viewer: ViewerDep, session: SessionDep) -> HTMLResponse:
    """The upload form, the file's format, the two buttons' rule and the template downloads."""
    _require_operator(viewer)
    return render(request, viewer, "outreach_signup_file.html", _ctx(viewer, session, event_id))


@router.get("/events/{event_id}/signup-template.{fmt}")
def signup_template(request: Request, event_id: int, fmt: str, viewer: ViewerDep, session: SessionDep) -> Response:
    """The template: the header row alone, as CSV or Excel."""
    _require_operator(viewer)
    check_format(request, fmt)
    outreach_api.get_event(event_id, viewer.principal, session)
    if fmt == "xlsx":
        return xlsx_response("signup-template.xlsx", TEMPLATE_HEADER, [], [], viewer.lang)
    return csv_response("signup-template.csv", TEMPLATE_HEADER, [])


async def _content(upload: UploadFile | None, carried: str) -> bytes | None:
    if upload is not None and upload.filename:
        data = await upload.read(PAGE_MAX_BYTES + 1)
        return data if 0 < len(data) <= PAGE_MAX_BYTES else None
    try:
        data = base64.b64decode(carried, validate=True) if carried else b""
    except (binascii.Error, ValueError):
        return None
    return data or None


@router.post("/events/{event_id}/signup-file")
async def signup_file(
    request: Request,
    event_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    mode: str = Form("all", max_length=10),
    carried: str = Form("", max_length=800_000),
    file: UploadFile | None = File(None),
) -> Response:
    """Check every line; all or nothing (``mode=all``), or the good lines only (``mode=good``)."""
    viewer.check_csrf(csrf)
    _require_operator(viewer)
    ctx = _ctx(viewer, session, event_id)
    content = await _content(file, carried)
    status = 422
    if content is None:
        ctx["errors"]["file"] = i18n.both(i18n.FIELD_ERRORS["signup_file"], viewer.lang)
    else:
        encoded = base64.b64encode(content).decode()
        body = SignupFileIn(content_base64=encoded, all_or_nothing=mode != "good")
        ctx["filename"] = file.filename if file is not None and file.filename else ""

        def done(result: Any) -> Response:
            if not result.errors:
                return back(f"{PREFIX}/events/{event_id}")
            ctx.update(result=result, carried=encoded if not result.loaded else "")
            return render(request, viewer, "outreach_signup_file.html", ctx, status=200 if result.loaded else 422)

        def again(message: str) -> Response:
            ctx["errors"]["file"] = message
            return render(request, viewer, "outreach_signup_file.html", ctx, status=422)

        return submit_once(  # the service's one transaction: a refusal writes nothing
            session,
            viewer,
            lambda: outreach_api.sign_up_file(event_id, body, session, viewer.principal, today),
            done,
            again,
        )
    return render(request, viewer, "outreach_signup_file.html", ctx, status=status)
