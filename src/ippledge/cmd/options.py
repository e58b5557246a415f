"""Shared CLI options and database setup (命令行公共选项): one ``--database-url``, one way to open a session.

Every command of every capability takes the database the same way and gets one unit of work from
:func:`session_scope`; the engine is disposed when the command ends, so no command leaks connections.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ippledge.config import Settings
from ippledge.db import make_engine, make_session_factory, unit_of_work

DbUrl = Annotated[str | None, typer.Option("--database-url", envvar="IPPLEDGE_DATABASE_URL", help="SQLAlchemy URL")]
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
