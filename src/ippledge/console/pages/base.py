"""The console's frame (页面框架): the router whose errors become pages, the template context, the role's menu.

Every page calls the same route functions the JSON API serves (in-process, with the viewer's principal), so party
scoping (another party's record is a 404 page), maker-checker and every business rule hold exactly as in the API;
decision records 0021 and 0028. Each role's pages live in their own module of this package. Every form's write goes
through ``submit_once`` (表单提交: a savepoint, the idempotency key, the refusal beside the field).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from ippledge.access.model import PartyKind, Principal, Role
from ippledge.console import i18n
from ippledge.console.pages.desk_menu import desk_menu
from ippledge.console.sessions import CsrfRefused, SignInRequired, Viewer, clear_session_cookie, lang_of
from ippledge.kernel.errors import IppledgeError
from ippledge.web.idempotency import run_once

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent.parent / "templates")
STATIC_DIR = Path(__file__).parent.parent / "static"
PREFIX = "/console"


class ConsoleRoute(APIRoute):
    """Errors become pages: a refused rule is shown in both languages, another party's record is the 404 page, a
    missing or expired session goes to the sign-in form. The request's transaction has already rolled back."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired as exc:
                to = f"{PREFIX}/login" + ("?expired=1" if exc.expired else "")
                response = RedirectResponse(to, status_code=303)
                clear_session_cookie(response, request)
                return response
            except CsrfRefused:
                return error_page(request, 403, i18n.LABELS["ui.forbidden"], "csrf")
            except IppledgeError as exc:
                if exc.status == 404:
                    return error_page(request, 404, i18n.LABELS["ui.not_found"], exc.code)
                return error_page(request, exc.status, (exc.message_zh, exc.message_en), exc.code)

        return page


router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)


def error_page(request: Request, status: int, message: tuple[str, str], code: str) -> HTMLResponse:
    lang = lang_of(request)
    ctx = base_ctx(lang) | {"status": status, "message": i18n.both(message, lang), "code": code, "viewer": None}
    return TEMPLATES.TemplateResponse(request, "error.html", ctx, status_code=status)


def base_ctx(lang: str) -> dict[str, Any]:
    return {
        "lang": lang,
        "t": lambda key: i18n.t(key, lang),
        "yuan": i18n.yuan,
        "wan": i18n.wan,
        "pct": i18n.percent_bp,
        "percent": i18n.percent,
        "fmt": lambda key, **values: i18n.fmt(key, lang, **values),
        "both": lambda pair: i18n.both((pair[0], pair[1]), lang),
        "static": f"{PREFIX}/static",
    }


def menu(p: Principal) -> list[tuple[str, str]]:
    """The role decides the menu: (label key, address)."""
    items = [("ui.home", f"{PREFIX}/")]
    if p.has(Role.ENTERPRISE_USER):
        items += [
            ("ui.my_ip", f"{PREFIX}/ip"),
            ("ui.apply", f"{PREFIX}/apply"),
            ("ui.applications", f"{PREFIX}/applications"),
            ("ui.loans", f"{PREFIX}/book"),
        ]
    if p.party_kind is PartyKind.BANK and p.roles & {Role.CREDIT_OFFICER, Role.APPROVER}:
        items += [("ui.queue", f"{PREFIX}/queue"), ("ui.book", f"{PREFIX}/book")]
    if p.has(Role.REGISTRY_OFFICER):
        items += [("ui.registry_queue", f"{PREFIX}/registry/queue")]
    if p.party_kind is PartyKind.VALUER and p.has(Role.VALUER):
        items += [("ui.valuer_tasks", f"{PREFIX}/valuer/tasks")]
    if p.party_kind is PartyKind.FUND and p.roles & {Role.FUND_REVIEWER, Role.APPROVER}:
        items += [("ui.pools", f"{PREFIX}/fund/pools"), ("ui.claims", f"{PREFIX}/fund/claims")]
        items += [("ui.enrolled", f"{PREFIX}/fund/loans"), ("ui.subsidies", f"{PREFIX}/fund/subsidies")]
    if p.party_kind is PartyKind.PLATFORM and p.has(Role.OPERATOR):
        items += [("ui.window_queue", f"{PREFIX}/window/queue")]
    if (p.party_kind is PartyKind.REGULATOR and p.has(Role.ANALYST)) or (
        p.party_kind is PartyKind.PLATFORM and p.has(Role.OPERATOR)
    ):
        items += [("ui.supervision", f"{PREFIX}/supervision"), ("ui.league", f"{PREFIX}/valuers/league")]
    items += desk_menu(p)
    if p.user_id is not None:
        items += [("ui.password_change", f"{PREFIX}/password")]
    return items


def role_label(role: str, party_kind: str, lang: str) -> str:
    """A role's name at this kind of party: an operator is the centre's window officer at the platform but the
    operations officer at an IP operations institution (``role.<role>.<kind>`` where one is defined)."""
    key = f"role.{role}.{party_kind}"
    return i18n.t(key if key in i18n.LABELS else f"role.{role}", lang)


def render(request: Request, viewer: Viewer, name: str, ctx: dict[str, Any], status: int = 200) -> HTMLResponse:
    p = viewer.principal
    base = base_ctx(viewer.lang) | {
        "viewer": viewer,
        "csrf": viewer.csrf,
        "menu": menu(p),
        "who": p.name,
        "roles": [role_label(r.value, p.party_kind.value, viewer.lang) for r in sorted(p.roles)],
    }
    return TEMPLATES.TemplateResponse(request, name, base | ctx, status_code=status)


def back(to: str) -> RedirectResponse:
    return RedirectResponse(to, status_code=303)


@dataclass(frozen=True)
class Keyed:
    """A money form's idempotency (幂等): the key drawn with the page, the operation and what was asked."""

    key: str
    operation: str
    payload: Mapping[str, Any]
    status: int = 200


@dataclass(frozen=True)
class Refused:
    """A refused rule as a form shows it (驳回): the bilingual message, the status the page keeps (a 409 stays a
    409), the machine code that says which field it belongs beside, and the error's details (a gateway lists each bad
    part with its field)."""

    message: str
    status: int
    code: str
    details: Mapping[str, Any]


def submit_once(
    session: Session,
    viewer: Viewer,
    act: Callable[[], Any],
    done: Callable[[Any], Response],
    again: Callable[[str], Response] | None = None,
    *,
    once: Keyed | None = None,
    passes: tuple[int, ...] = (403, 404),
    refused: Callable[[Refused], Response] | None = None,
) -> Response:
    """A form's write, the one way: ``act`` in a savepoint, so a refusal writes nothing (the key included); with
    ``once``, through ``run_once``, so a double submit acts once and ``done`` gets the first result; then ``done``'s
    page. A refused rule re-renders the form through ``again`` with the bilingual message beside the field (or
    through ``refused``, for a page that also needs the refusal's status or code), except the statuses in ``passes``
    (another party's record, a role refused), which become the error page, as every refusal does when there is no
    ``again`` nor ``refused``."""
    try:
        with session.begin_nested():
            if once is None:
                result = act()
            else:
                p = viewer.principal
                result = run_once(session, p, once.key, once.operation, once.payload, act, once.status).body
    except IppledgeError as exc:
        if (again is None and refused is None) or exc.status in passes:
            raise
        message = i18n.both((exc.message_zh, exc.message_en), viewer.lang)
        if refused is not None:
            return refused(Refused(message, exc.status, exc.code, exc.details))
        assert again is not None
        return again(message)
    return done(result)
