"""HTTP API (接口): the FastAPI application, error mapping and every capability's routes."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from ippledge import __version__
from ippledge.bootstrap import wire
from ippledge.config import Settings
from ippledge.db import make_engine, make_session_factory
from ippledge.kernel.errors import IppledgeError
from ippledge.web.docs import mount_docs


def _error_response(exc: IppledgeError) -> JSONResponse:
    return JSONResponse(status_code=exc.status, content=exc.to_dict())


async def _ippledge_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IppledgeError)
    return _error_response(exc)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems: list[dict[str, Any]] = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()
    ]
    where = "; ".join(".".join(str(p) for p in pr["loc"]) + ": " + pr["msg"] for pr in problems)
    return JSONResponse(
        status_code=422,
        content={
            "code": "invalid_input",
            "message_zh": f"请求内容无效：{where}",
            "message_en": f"invalid request: {where}",
            "details": {"errors": problems},
        },
    )


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    wire()
    settings = settings or Settings.from_env()
    engine = engine or make_engine(settings.database_url)
    app = FastAPI(
        title="ippledge",
        version=__version__,
        summary="知识产权质押融资平台 · IP pledge financing platform",
        description=(
            "Registry, pledge registration and access control for IP pledge financing. "
            "Every error carries a machine `code` and a Chinese and English message."
        ),
        docs_url=None,  # served from vendored files by mount_docs: the defaults load from a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.add_exception_handler(IppledgeError, _ippledge_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    mount_docs(app)

    from ippledge.parties.api import router as access_router

    app.include_router(access_router)
    for router in _capability_routers():
        app.include_router(router)

    @app.get("/health", tags=["platform"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app


def _capability_routers() -> list[Any]:
    """Routers of the capabilities; each capability owns its ``api.py``."""
    from ippledge.credit.api import router as credit_router
    from ippledge.delivery.api import router as delivery_router
    from ippledge.intake.api import router as intake_router
    from ippledge.ledger.api import router as ledger_router
    from ippledge.lending.api import router as lending_router
    from ippledge.lending.close.api import router as close_router
    from ippledge.lending.provisioning.api import router as provision_router
    from ippledge.pledge.api import router as pledge_router
    from ippledge.registry.api import router as registry_router
    from ippledge.risk_sharing.api import router as risk_router
    from ippledge.valuation.api import router as valuation_router
    from ippledge.valuation.engine.api import router as model_valuation_router
    from ippledge.valuation.governance.api import router as governance_router

    return [
        registry_router,
        pledge_router,
        ledger_router,
        intake_router,
        valuation_router,
        credit_router,
        lending_router,
        close_router,
        provision_router,
        model_valuation_router,
        governance_router,
        risk_router,
        delivery_router,
    ]
