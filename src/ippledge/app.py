"""HTTP API (接口): the FastAPI application, error mapping and every capability's routes."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from ippledge import __version__
from ippledge.bootstrap import wire
from ippledge.config import Settings
from ippledge.console import mount_console
from ippledge.db import make_engine, make_session_factory
from ippledge.kernel.errors import IppledgeError
from ippledge.web import edge
from ippledge.web.admission import Admission
from ippledge.web.docs import mount_docs
from ippledge.web.errors import SCHEMA_OUTDATED, SERVICE_UNAVAILABLE_DB
from ippledge.web.openapi import document_errors
from ippledge.web.request_log import RequestLog


def _error_response(exc: IppledgeError) -> JSONResponse:
    return JSONResponse(status_code=exc.status, content=exc.to_dict())


async def _ippledge_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IppledgeError)
    return _error_response(exc)


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    wire()
    settings = settings or Settings.from_env()
    if engine is None:
        pool = (
            {}
            if settings.database_url.startswith("sqlite")
            else {
                "pool_size": settings.db_pool_size,
                "max_overflow": settings.db_max_overflow,
            }
        )
        engine = make_engine(settings.database_url, **pool)
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
        dependencies=[Depends(edge.check_integer_parameters)],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.add_exception_handler(IppledgeError, _ippledge_error)
    edge.install(app)
    mount_docs(app)

    from ippledge.parties.api import router as access_router

    app.include_router(access_router)
    for router in _capability_routers():
        app.include_router(router)

    mount_console(app)  # the web console (网页工作台) on the same services
    # inside the log, so a request's logged time includes its wait to be admitted
    app.add_middleware(Admission, limit=settings.admission_limit)
    app.add_middleware(RequestLog)
    document_errors(app)  # 403/404/409/422 and the required Idempotency-Key in /openapi.json

    @app.get("/health", tags=["platform"])
    def health() -> dict[str, str]:
        """Liveness: the process answers. A load balancer restarts it when this fails."""
        return {"status": "ok", "version": __version__}

    @app.get(
        "/ready",
        tags=["platform"],
        response_model=ReadyOut,
        responses={503: {"description": "not ready: the database is unreachable or its schema is not the code's"}},
    )
    def ready() -> JSONResponse:
        """Readiness: the database answers and its schema is the code's; until then send no traffic here."""
        return _readiness(engine)

    return app


class ReadyOut(BaseModel):
    status: str
    database: str
    revision: str | None


def app_from_env() -> FastAPI:
    """The application factory ``ippledge serve --workers N`` gives uvicorn: each worker builds its own from the
    environment (its own engine and pool)."""
    import os

    from ippledge.web.request_log import configure_logging

    if fmt := os.environ.get("IPPLEDGE_LOG_FORMAT"):  # a spawned worker does not inherit the parent's handlers
        configure_logging(fmt)
    return create_app(Settings.from_env())


def _readiness(engine: Engine) -> JSONResponse:
    from ippledge.migrations.tools import schema_revisions

    try:
        current, head = schema_revisions(engine)
    except SQLAlchemyError:
        err = SERVICE_UNAVAILABLE_DB()
        return JSONResponse(status_code=503, content=err.to_dict())
    if current != head:
        err = SCHEMA_OUTDATED(current=current, head=head)
        return JSONResponse(status_code=503, content=err.to_dict())
    return JSONResponse({"status": "ready", "database": engine.dialect.name, "revision": current})


def _capability_routers() -> list[Any]:
    """Routers of the capabilities; each capability owns its ``api.py``."""
    from ippledge.credit.api import router as credit_router
    from ippledge.delivery.api import router as delivery_router
    from ippledge.demand.api import router as demand_router
    from ippledge.disposal.api import router as disposal_router
    from ippledge.gateway.api import router as gateway_router
    from ippledge.intake.api import router as intake_router
    from ippledge.ledger.api import router as ledger_router
    from ippledge.lending.api import router as lending_router
    from ippledge.lending.close.api import router as close_router
    from ippledge.lending.provisioning.api import router as provision_router
    from ippledge.monitoring.api import router as monitoring_router
    from ippledge.outreach.api import router as outreach_router
    from ippledge.pledge.api import router as pledge_router
    from ippledge.policy.api import router as policy_router
    from ippledge.registry.api import router as registry_router
    from ippledge.risk_sharing.api import router as risk_router
    from ippledge.supervision.api import router as supervision_router
    from ippledge.valuation.api import router as valuation_router
    from ippledge.valuation.engine.api import router as model_valuation_router
    from ippledge.valuation.governance.api import router as governance_router
    from ippledge.whitelist.api import router as whitelist_router

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
        supervision_router,
        monitoring_router,
        delivery_router,
        disposal_router,
        gateway_router,
        policy_router,
        whitelist_router,
        outreach_router,
        demand_router,
    ]
