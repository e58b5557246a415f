"""Console sign-in (登录会话): a cookie holding the access token, CSRF on every form, expiry with the token.

The cookie carries the same bearer token ``access.service.login`` issues to API clients, so a console session
expires, is revoked at sign-out and is checked (user active, party active) exactly as an API token is. The cookie is
HttpOnly (no script reads it), SameSite=Lax (no cross-site POST carries it) and Secure when the request came over TLS.
Every form also carries a CSRF token: an HMAC of the session token, so it needs no server-side storage and dies with
the session. The sign-in form, before any session exists, uses a double-submit cookie instead.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from ippledge.access import service as access_service
from ippledge.access.model import Principal
from ippledge.db import utcnow
from ippledge.kernel.errors import IppledgeError
from ippledge.web.deps import SessionDep

COOKIE = "ippledge_session"
LANG_COOKIE = "ippledge_lang"
LOGIN_CSRF_COOKIE = "ippledge_login_csrf"


class SignInRequired(Exception):
    """No session, or the session's token expired or was revoked: the page answers with the sign-in form."""

    def __init__(self, expired: bool) -> None:
        super().__init__("sign-in required")
        self.expired = expired


class CsrfRefused(Exception):
    """A form without this session's CSRF token: refused before anything is read or written."""


def csrf_for(token: str) -> str:
    """The session's CSRF token: HMAC-SHA256 keyed by the session token (never sent back to the server alone)."""
    return hmac.new(token.encode(), b"ippledge-console-csrf", hashlib.sha256).hexdigest()


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)


def lang_of(request: Request) -> str:
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "zh"


def secure(request: Request) -> bool:
    """Secure cookies behind TLS (uvicorn's proxy headers set the scheme when a TLS proxy is in front)."""
    return request.url.scheme == "https"


def set_session_cookie(response: Response, request: Request, token: str, max_age: int) -> None:
    response.set_cookie(
        COOKIE, token, max_age=max_age, httponly=True, samesite="lax", secure=secure(request), path="/console"
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(COOKIE, path="/console", httponly=True, samesite="lax", secure=secure(request))


@dataclass(frozen=True)
class Viewer:
    """Who is looking at the page: the principal, the session's token and CSRF token, and the chosen language."""

    principal: Principal
    token: str
    lang: str

    @property
    def csrf(self) -> str:
        return csrf_for(self.token)

    def check_csrf(self, submitted: str | None) -> None:
        if not submitted or not hmac.compare_digest(submitted, self.csrf):
            raise CsrfRefused()


def current_viewer(request: Request, session: SessionDep) -> Viewer:
    token = request.cookies.get(COOKIE)
    if not token:
        raise SignInRequired(expired=False)
    try:
        principal = access_service.authenticate_token(session, token, utcnow())
    except IppledgeError:
        raise SignInRequired(expired=True) from None
    return Viewer(principal, token, lang_of(request))


ViewerDep = Annotated[Viewer, Depends(current_viewer)]
