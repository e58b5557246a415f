"""Request log (访问日志): a request id on every request and one structured line per request.

The id comes from the caller's ``X-Request-ID`` when it is a plain token (a gateway or load balancer set it), or is
made here; it is returned on the response and written on the log line, so one request can be followed from the
reverse proxy through the application log. Only the method, path, status and duration are logged: never the query
string, headers or body, which can carry credentials.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
_PLAIN_TOKEN = re.compile(r"[A-Za-z0-9._-]{1,64}")
_FIELDS = ("request_id", "method", "path", "status", "duration_ms", "client")

logger = logging.getLogger("ippledge.request")


def request_id_from(raw: str | None) -> str:
    """The caller's id when it is safe to echo and log, otherwise a fresh one."""
    if raw and _PLAIN_TOKEN.fullmatch(raw):
        return raw
    return uuid.uuid4().hex


class RequestLog:
    """ASGI middleware: sets ``scope['state']['request_id']``, adds the response header, logs one line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), None)
        rid = request_id_from(raw)
        scope.setdefault("state", {})["request_id"] = rid
        started = time.perf_counter()
        status = 500  # what the client sees if the app dies before answering

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                MutableHeaders(scope=message).append(REQUEST_ID_HEADER, rid)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            client = scope.get("client")
            logger.info(
                "request",
                extra={
                    "request_id": rid,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "client": client[0] if client else None,
                },
            )


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message and the request fields when present."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for name in _FIELDS:
            if name in record.__dict__:
                line[name] = record.__dict__[name]
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(fmt: str = "json", level: str = "info") -> None:
    """Route ippledge's and uvicorn's loggers to stderr in one format (``json`` for collectors, ``text`` for people)."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter() if fmt == "json" else logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    )
    for name in ("ippledge", "uvicorn", "uvicorn.error"):
        log = logging.getLogger(name)
        log.handlers[:] = [handler]
        log.setLevel(level.upper())
        log.propagate = False
    logging.getLogger("uvicorn.access").disabled = True  # our request line replaces it (it would log query strings)
