"""Offline API docs (离线接口文档): ``/docs`` (Swagger UI) and ``/redoc`` from vendored files, never a CDN.

A bank's intranet often has no internet; FastAPI's default pages load their scripts from jsDelivr, a favicon from
fastapi.tiangolo.com and Redoc's fonts from Google, so they show a blank page there (and tell third parties who
reads the docs). The files under ``static/vendor`` are the unmodified npm distributions (see its README).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

VENDOR_DIR = Path(__file__).parent / "static" / "vendor"
VENDOR_URL = "/static/vendor"
SWAGGER = f"{VENDOR_URL}/swagger-ui-dist-5.35.0"
REDOC = f"{VENDOR_URL}/redoc-2.5.4"
FAVICON = f"{SWAGGER}/favicon-32x32.png"

# validatorUrl None: Swagger UI otherwise sends the spec to validator.swagger.io and shows its badge image.
SWAGGER_PARAMETERS = {"deepLinking": True, "showExtensions": True, "showCommonExtensions": True, "validatorUrl": None}


def mount_docs(app: FastAPI, docs_url: str = "/docs", redoc_url: str = "/redoc") -> None:
    """Register the docs pages on an app created with ``docs_url=None, redoc_url=None``."""
    openapi_url = app.openapi_url or "/openapi.json"
    oauth2_redirect = f"{docs_url}/oauth2-redirect"
    app.mount(VENDOR_URL, StaticFiles(directory=VENDOR_DIR), name="vendor")

    @app.get(docs_url, include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} · API",
            swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER}/swagger-ui.css",
            swagger_favicon_url=FAVICON,
            oauth2_redirect_url=oauth2_redirect,
            swagger_ui_parameters=SWAGGER_PARAMETERS,
        )

    @app.get(oauth2_redirect, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(redoc_url, include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title} · API",
            redoc_js_url=f"{REDOC}/redoc.standalone.js",
            redoc_favicon_url=FAVICON,
            with_google_fonts=False,
        )
