"""Web console (网页工作台): server-rendered pages on the API's application, for people rather than programs.

``mount_console(app)`` adds the pages under ``/console`` and their static files (vendored htmx and ECharts, the
stylesheet) under ``/console/static``; nothing is loaded from outside, so the console works on an offline intranet.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles


def mount_console(app: FastAPI) -> None:
    from ippledge.console.pages import PREFIX, STATIC_DIR, fallback_router, router

    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC_DIR), name="console-static")
    app.include_router(router)
    app.include_router(fallback_router)  # the 404 page for any other address, after every page

    @app.get(PREFIX, include_in_schema=False)
    def console_root() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/", status_code=307)
