"""Any other address under /console: the 404 page, on a router of its own that ``mount_console`` includes after
every page's router, so the catch-all never shadows a page however the modules are imported."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ippledge.console import i18n
from ippledge.console.pages.base import PREFIX, ConsoleRoute, error_page

fallback_router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)


@fallback_router.get("/{rest:path}")
def not_found(request: Request, rest: str) -> HTMLResponse:
    """Any other address under /console: the 404 page, in the reader's language."""
    return error_page(request, 404, i18n.LABELS["ui.not_found"], "not_found")
