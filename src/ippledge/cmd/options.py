"""Shared CLI options and database setup (命令行公共选项): one ``--database-url``, one way to open a session.

Every command of every capability takes the database the same way and gets one unit of work from
:func:`session_scope`; the engine is disposed when the command ends, so no command leaks connections.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ippledge.config import Settings
from ippledge.db import make_engine, make_session_factory, unit_of_work
from ippledge.kernel.errors import IppledgeError

if TYPE_CHECKING:
    from ippledge.access.model import Principal

DbUrl = Annotated[str | None, typer.Option("--database-url", envvar="IPPLEDGE_DATABASE_URL", help="SQLAlchemy URL")]
AsUser = Annotated[str, typer.Option("--as", help="username to act as (e.g. ent0001.admin, bank1.officer)")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="business date YYYY-MM-DD (default: today in China)")]

CHINA = dt.timezone(dt.timedelta(hours=8))  # China Standard Time, no daylight saving


def settings_for(database_url: str | None) -> Settings:
    """The settings from the environment, with ``--database-url`` taking precedence over the database only (the token
    lifetime and the rest still come from the environment)."""
    base = Settings.from_env()
    return dataclasses.replace(base, database_url=database_url) if database_url else base


def engine_for(database_url: str | None) -> Engine:
    return make_engine(settings_for(database_url).database_url)


@contextmanager
def session_factory(database_url: str | None) -> Iterator[sessionmaker[Session]]:
    """A session factory on the command's database; the engine is disposed afterwards."""
    engine = engine_for(database_url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


@contextmanager
def session_scope(database_url: str | None) -> Iterator[Session]:
    """One unit of work on the command's database: committed if the block ends normally, rolled back if not."""
    with session_factory(database_url) as factory, unit_of_work(factory) as session:
        yield session


def business_day(as_of: str | None) -> dt.date:
    """``--as-of`` as a date, or today in China; a malformed date ends the command with exit code 2."""
    if not as_of:
        return dt.datetime.now(CHINA).date()
    try:
        return dt.date.fromisoformat(as_of)
    except ValueError:
        typer.echo(f"--as-of 日期无效 invalid date: {as_of}", err=True)
        raise typer.Exit(2) from None


def fail(exc: IppledgeError) -> typer.Exit:
    """A catalogued error on standard error in both languages (with the accepted values where it lists them); the
    command then exits with code 2: ``raise fail(exc) from exc``."""
    known = exc.details.get("known")
    hint = f" (known: {', '.join(map(str, known))})" if isinstance(known, list) else ""
    typer.echo(f"错误 error [{exc.code}]: {exc.message_zh} / {exc.message_en}{hint}", err=True)
    return typer.Exit(2)


def parse_date(text: str, what: str = "date") -> dt.date:
    """A ``YYYY-MM-DD`` option as a date; anything else ends the command with exit code 2, naming the option."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        typer.echo(f"错误 error: {what} 日期格式应为YYYY-MM-DD / {what} must be YYYY-MM-DD: {text!r}", err=True)
        raise typer.Exit(2) from None


def principal_named(session: Session, username: str) -> Principal:
    """The user ``--as`` names, as the API would see them after logging in; an unknown name ends the command."""
    from ippledge.access import queries as access  # the edge reads the access face; imported late to keep startup light

    principal = access.principal_of(session, username)
    if principal is None:
        typer.echo(f"错误 error: 用户不存在 no such user: {username}", err=True)
        raise typer.Exit(2)
    return principal
