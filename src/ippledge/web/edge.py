"""The request edge (请求边界): bilingual errors for what never reaches a route, and the safety net under the routes.

Unreadable JSON, a body in another format, an unknown route or a wrong method answer in the catalogue's shape
(``code``, ``message_zh``, ``message_en``, ``details``) rather than the framework's bare ``{"detail": ...}``.
Values no column can hold (an id of 2^63 or more, a NUL in text on PostgreSQL, a number beyond the decimal context)
are refused as 4xx: the transaction of the request rolls back, so nothing is written partially.
"""

from __future__ import annotations

import logging
from decimal import InvalidOperation
from typing import Any, get_args

from fastapi import FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ippledge.kernel.errors import IppledgeError
from ippledge.web.errors import (
    HTTP_ERROR,
    INTEGER_OUT_OF_RANGE,
    JSON_TOO_DEEP,
    MALFORMED_JSON,
    METHOD_NOT_ALLOWED,
    NUL_CHARACTER,
    UNKNOWN_ROUTE,
    UNSUPPORTED_MEDIA_TYPE,
    VALUE_OUT_OF_RANGE,
)
from ippledge.web.ids import MAX_ID  # every integer column is a signed 64-bit BIGINT: larger ids name nothing
from ippledge.web.money import catalogue_code

log = logging.getLogger(__name__)

_BODY_FORMATS = ("application/json", "+json", "multipart/form-data", "application/x-www-form-urlencoded")


def _respond(err: IppledgeError, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=err.status, content=err.to_dict(), headers=headers)


def _is_integer(annotation: Any) -> bool:
    """``int``, ``int | None``, ``list[int]`` and the like (``bool`` is not an id)."""
    if annotation is int:
        return True
    return any(_is_integer(arg) for arg in get_args(annotation))


def _integer_parameters(dependant: Dependant) -> frozenset[str]:
    """The names (aliases) of a route's path and query parameters declared as integers, its dependencies' included."""
    names = {f.alias for f in [*dependant.path_params, *dependant.query_params] if _is_integer(f.field_info.annotation)}
    for sub in dependant.dependencies:
        names |= _integer_parameters(sub)
    return frozenset(names)


_INTEGERS: dict[int, frozenset[str]] = {}  # route id -> its integer parameters; routes live as long as the app


async def check_integer_parameters(request: Request) -> None:
    """An app-wide dependency: a path or query integer beyond BIGINT is a 422 on both backends (SQLite cannot even
    bind it) instead of a driver error. Only parameters the route declares as integers are checked: a string that
    happens to be all digits (a registration number) is the route's to judge. ``async`` (no I/O): a sync one would
    cost every request a hop to the worker thread pool and back (decision 0022)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    names = _INTEGERS.get(id(route))
    if names is None:
        names = _INTEGERS[id(route)] = _integer_parameters(route.dependant)
    for name, value in [*request.path_params.items(), *request.query_params.multi_items()]:
        if name not in names:
            continue
        text = str(value).strip()
        digits = text[1:] if text[:1] in "+-" else text
        if digits.isascii() and digits.isdigit() and abs(int(text)) > MAX_ID:
            raise INTEGER_OUT_OF_RANGE(field=name)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 404:
        return _respond(UNKNOWN_ROUTE(path=request.url.path), headers)
    if exc.status_code == 405:
        return _respond(METHOD_NOT_ALLOWED(path=request.url.path, method=request.method), headers)
    err = HTTP_ERROR(reason=str(exc.detail))
    return JSONResponse(status_code=exc.status_code, content=err.to_dict(), headers=headers)


def _json_body(request: Request) -> bool:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return not kind or any(kind == f or (f.startswith("+") and kind.endswith(f)) for f in _BODY_FORMATS)


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    """422 with every problem listed; an unreadable body or a body in another format is named as such."""
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    for e in errors:
        if e.get("type") == "json_invalid":
            loc = list(e.get("loc", ()))
            return _respond(MALFORMED_JSON(position=loc[-1] if loc else 0))
    if not _json_body(request) and any(tuple(e.get("loc", ()))[:1] == ("body",) for e in errors):
        return _respond(UNSUPPORTED_MEDIA_TYPE(content_type=request.headers.get("content-type", "")))
    problems: list[dict[str, Any]] = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in errors
    ]
    where = "; ".join(".".join(str(p) for p in pr["loc"]) + ": " + pr["msg"] for pr in problems)
    return JSONResponse(
        status_code=422,
        content={
            # one catalogued code when all problems share it (money.precision, date.invalid ...): clients branch on it
            "code": catalogue_code([pr["type"] for pr in problems]) or "invalid_input",
            "message_zh": f"请求内容无效：{where}",
            "message_en": f"invalid request: {where}",
            "details": {"errors": problems},
        },
    )


async def _unstorable(request: Request, exc: Exception) -> JSONResponse:
    """A value that passed the schemas but no column or decimal context can hold: the caller's input, so a 422."""
    log.warning("refused an unstorable value on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    if isinstance(exc, DataError) and "NUL" in str(exc.orig):
        return _respond(NUL_CHARACTER())
    return _respond(VALUE_OUT_OF_RANGE())


async def _too_deep(_request: Request, _exc: Exception) -> JSONResponse:
    return _respond(JSON_TOO_DEEP())


def install(app: FastAPI) -> None:
    """Register the edge's handlers on ``app``."""
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for kind in (DataError, OverflowError, InvalidOperation):
        app.add_exception_handler(kind, _unstorable)
    app.add_exception_handler(RecursionError, _too_deep)
