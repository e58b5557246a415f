"""Request dependencies (请求依赖): the unit of work and the authenticated caller."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from ippledge.access import errors as access_errors
from ippledge.access import service as access_service
from ippledge.access.model import Principal
from ippledge.db import unit_of_work, utcnow
from ippledge.kernel import clock


def get_session(request: Request) -> Iterator[Session]:
    """One request, one transaction. Routes flush through services; the commit happens here."""
    with unit_of_work(request.app.state.session_factory) as session:
        yield session


# scope="function": commit before the response is sent, so a failed commit is reported, never a false 200.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def current_principal(request: Request, session: SessionDep) -> Principal:
    """Bearer token (people) or ``X-API-Key`` (systems); anything else is 401."""
    key = request.headers.get("x-api-key")
    if key:
        return access_service.authenticate_api_key(session, key, utcnow())
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise access_errors.AUTH_REQUIRED()
    return access_service.authenticate_token(session, token.strip(), utcnow())


PrincipalDep = Annotated[Principal, Depends(current_principal)]


CHINA = clock.CHINA  # China Standard Time, no daylight saving


async def business_date() -> dt.date:
    """The business date (营业日) at the edge: today in China. Rules never read the clock; they take this.

    ``async`` because it does no I/O: a sync dependency costs a hop to the worker thread pool and back on every
    request (decision 0022). Code outside a request asks ``kernel.clock.business_date``."""
    return clock.business_date()


TodayDep = Annotated[dt.date, Depends(business_date)]
