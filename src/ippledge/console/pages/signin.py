"""Sign-in, sign-out and language (登录、退出、语言); the password change form."""

from __future__ import annotations

import secrets

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response

from ippledge.access import service as access_service
from ippledge.console import i18n
from ippledge.console.pages.base import PREFIX, TEMPLATES, back, base_ctx, render, router
from ippledge.console.sessions import (
    LANG_COOKIE,
    LOGIN_CSRF_COOKIE,
    CsrfRefused,
    Viewer,
    ViewerDep,
    clear_session_cookie,
    lang_of,
    new_login_csrf,
    secure,
    set_session_cookie,
)
from ippledge.db import utcnow
from ippledge.kernel.errors import IppledgeError
from ippledge.web.deps import SessionDep


@router.get("/login")
def login_form(request: Request, expired: int = 0, out: int = 0, changed: int = 0) -> HTMLResponse:
    lang = lang_of(request)
    token = new_login_csrf()
    note = "ui.expired" if expired else "ui.password_changed" if changed else "ui.signed_out" if out else None
    ctx = base_ctx(lang) | {"viewer": None, "login_csrf": token, "note": note, "error": None, "username": ""}
    response = TEMPLATES.TemplateResponse(request, "login.html", ctx)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", secure=secure(request), path=PREFIX)
    return response


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    username: str = Form("", max_length=200),
    password: str = Form("", max_length=200),
    csrf: str = Form("", max_length=100),
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, csrf):
        raise CsrfRefused()
    settings = request.app.state.settings
    address = request.client.host if request.client else None
    try:
        # the failure count is flushed before the error: this route commits it, as the API's login does
        token, _user = access_service.login(session, username, password, utcnow(), settings.token_ttl_minutes, address)
    except IppledgeError as exc:
        lang = lang_of(request)
        fresh = new_login_csrf()
        ctx = base_ctx(lang) | {
            "viewer": None,
            "login_csrf": fresh,
            "note": None,
            "error": i18n.both((exc.message_zh, exc.message_en), lang),
            "username": username,
        }
        page = TEMPLATES.TemplateResponse(request, "login.html", ctx, status_code=exc.status)
        page.set_cookie(LOGIN_CSRF_COOKIE, fresh, httponly=True, samesite="lax", secure=secure(request), path=PREFIX)
        return page
    response = back(f"{PREFIX}/")
    set_session_cookie(response, request, token, settings.token_ttl_minutes * 60)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=PREFIX)
    return response


@router.post("/logout")
def logout(request: Request, viewer: ViewerDep, session: SessionDep, csrf: str = Form("", max_length=100)) -> Response:
    viewer.check_csrf(csrf)
    access_service.logout(session, viewer.token, utcnow())
    response = back(f"{PREFIX}/login?out=1")
    clear_session_cookie(response, request)
    return response


@router.get("/lang/{lang}")
def switch_language(request: Request, lang: str) -> Response:
    """中文 / English: remembered in a cookie; the page reloads in the chosen language."""
    to = request.headers.get("referer") or f"{PREFIX}/"
    if not to.startswith(str(request.base_url).rstrip("/") + PREFIX):
        to = f"{PREFIX}/"  # never redirect off this site
    response = back(to)
    response.set_cookie(LANG_COOKIE, "en" if lang == "en" else "zh", samesite="lax", secure=secure(request), path="/")
    return response


# -- password change ----------------------------------------------------------------------------------------------


def _password_page(request: Request, viewer: Viewer, errors: dict[str, str], status: int = 200) -> HTMLResponse:
    return render(request, viewer, "password.html", {"errors": errors}, status=status)


@router.get("/password")
def password_form(request: Request, viewer: ViewerDep) -> HTMLResponse:
    return _password_page(request, viewer, {})


@router.post("/password")
def change_password(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    csrf: str = Form("", max_length=100),
    old_password: str = Form("", max_length=200),
    new_password: str = Form("", max_length=200),
    new_password_again: str = Form("", max_length=200),
) -> Response:
    """修改密码: the old password proves it is the user; every other session of the user ends; this one goes to the
    sign-in form so the new password is used at once. Passwords are never written back into the form."""
    viewer.check_csrf(csrf)
    if new_password != new_password_again:
        errors = {"new_password_again": i18n.both(i18n.FIELD_ERRORS["new_password"], viewer.lang)}
        return _password_page(request, viewer, errors, 422)
    try:
        # a wrong old password counts as a failed login; the service flushes that count before the error, and the
        # request's transaction commits it as the API's password change does
        access_service.change_password(session, viewer.principal, old_password, new_password, utcnow(), viewer.token)
    except IppledgeError as exc:
        field = "old_password" if exc.code in ("auth.wrong_password", "auth.locked") else "new_password"
        return _password_page(request, viewer, {field: i18n.both((exc.message_zh, exc.message_en), viewer.lang)}, 422)
    access_service.logout(session, viewer.token, utcnow())
    response = back(f"{PREFIX}/login?changed=1")
    clear_session_cookie(response, request)
    return response
