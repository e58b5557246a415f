"""Persistence (持久化): SQLAlchemy engine, declarative base and the unit of work.

A use case runs inside one ``unit_of_work``: services add and flush, never commit; the edge (API request, CLI
command) commits once at the end or rolls everything back. SQLite is the embedded default; PostgreSQL is used in
production by setting ``IPPLEDGE_DATABASE_URL``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import (
    BigInteger,
    Connection,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.sql import ColumnElement, Select, bindparam
from sqlalchemy.types import TypeDecorator

from ippledge.kernel.money import from_fen, to_fen

# Stable constraint names so that Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments INTEGER PRIMARY KEY; BIGINT elsewhere.
BigId = BigInteger().with_variant(sqlite.INTEGER(), "sqlite")


class Fen(TypeDecorator[Decimal]):
    """An amount stored as integer fen (分) and read as ``Decimal`` yuan: the one place money crosses into storage.

    ``principal: Mapped[Decimal] = mapped_column("principal_fen", Fen)`` keeps the column an integer while the
    domain never sees fen. Writing an amount with digits below the fen is refused (``money.precision``), never rounded.
    """

    impl = BigInteger
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        # The same column type as every other integer amount: BIGINT, INTEGER on SQLite (see ``BigId``).
        return dialect.type_descriptor(sqlite.INTEGER() if dialect.name == "sqlite" else BigInteger())

    def process_bind_param(self, value: Decimal | int | None, dialect: Any) -> int | None:
        if value is None:
            return None
        return to_fen(Decimal(value))

    def process_result_value(self, value: int | None, dialect: Any) -> Decimal | None:
        return None if value is None else from_fen(int(value))


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC instants on both backends (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC instant is required")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012  (SQLAlchemy reads it from the class)
        dt.datetime: UTCDateTime(),
        int: BigInteger().with_variant(sqlite.INTEGER(), "sqlite"),
        str: String(),
    }


class IdMixin:
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)


def utcnow() -> dt.datetime:
    """Event instants (not business dates) come from here, so tests can see where time enters."""
    return dt.datetime.now(dt.UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_from_hint(_compiler: Any, _table: Any, text: str) -> str:
    return text


# SQLAlchemy's SQLite compiler drops table hints; with this one ``Select.with_hint(t, "INDEXED BY ix", "sqlite")``
# reaches SQLite (PostgreSQL and others never see it). Used by :func:`sqlite_index` only.
SQLiteCompiler.get_from_hint_text = _sqlite_from_hint  # type: ignore[method-assign,assignment]

_S = TypeVar("_S", bound=Select[Any])


def sqlite_index(stmt: _S, entity: Any, index: str) -> _S:
    """``stmt`` reading ``entity`` through ``index`` on SQLite (``INDEXED BY``); unchanged elsewhere.

    For a narrow partial index the planner would not pick without statistics: SQLite otherwise prefers the integer
    primary key (the wide row) or a broader index (decision 0033). The index must exist, or SQLite refuses the query.
    """
    return stmt.with_hint(entity, f"INDEXED BY {index}", "sqlite")


def among(column: Any, values: Iterable[int | str]) -> ColumnElement[bool]:
    """``column IN (values)`` for sets of thousands of ids, in ONE query whatever their number: the values are written
    into the SQL when it runs (SQLAlchemy's ``literal_execute``), not bound one parameter each, so there is no
    backend parameter limit to chunk under (SQLite 32,766; PostgreSQL 65,535) and no per-value parameter naming,
    while the planner still sees the exact list (a ``json_each``/``unnest`` subquery hides its size from SQLite's
    planner, which then picks a broader index). The statement stays cached; only the list is rendered each time.
    Values are ints or strings (escaped by the column type's literal rendering). Decision 0033."""
    return cast(ColumnElement[bool], column.in_(bindparam(None, list(values), expanding=True, literal_execute=True)))


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Engine with the pragmas and pool settings each backend needs."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 60)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, autoflush=True)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One use case, one transaction: commit when the block ends cleanly, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_postgres(engine_or_session: Engine | Session) -> bool:
    bind = engine_or_session.get_bind() if isinstance(engine_or_session, Session) else engine_or_session
    return bind.dialect.name == "postgresql"


__all__ = [
    "Base",
    "BigId",
    "IdMixin",
    "is_postgres",
    "make_engine",
    "make_session_factory",
    "unit_of_work",
    "utcnow",
]


def insert_ids(conn: Session | Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert ``rows`` into ``table`` (integer ``id`` primary key) and return their ids in the rows' order.

    PostgreSQL: ``INSERT ... RETURNING`` in pages, paired by SQLAlchemy's ordering (``sort_by_parameter_order``).
    SQLite: SQLAlchemy pairs ordered ``RETURNING`` by running one statement per row (a third of the monitoring pass,
    decision 0041), so the ids are given explicitly after the table's largest (what SQLite itself would assign: no
    table uses ``AUTOINCREMENT``) and the rows go in one executemany. SQLite has a single writer; a connection that
    wrote between the read of the largest id and the insert makes the insert fail on the primary key, never pairs a
    row with another's id."""
    if not rows:
        return []
    dialect = conn.get_bind().dialect if isinstance(conn, Session) else conn.dialect
    if dialect.name != "sqlite":
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return [int(i) for i in conn.execute(stmt, list(rows)).scalars()]
    top = int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())
    ids = list(range(top + 1, top + 1 + len(rows)))
    conn.execute(insert(table), [{**r, "id": i} for r, i in zip(rows, ids, strict=True)])
    return ids


# Bulk copy (批量装载): rows straight through the driver, for loaders of millions of rows (the simulated market).
RowChunks = Iterable[Sequence[tuple[Any, ...]]]


def bulk_copy(
    session: Session,
    table: str,
    columns: Sequence[str],
    chunks: RowChunks,
    advance: Callable[[int], None] | None = None,
    *,
    reset_id_sequence: bool = False,
) -> int:
    """Write ``chunks`` of plain tuples (in ``columns`` order) into ``table`` inside the session's transaction:
    SQLite ``executemany``, PostgreSQL ``COPY``. Dates travel as ISO strings, missing values as ``None``; amounts as
    the integers the columns store. ``advance(n)`` is called after each chunk. With ``reset_id_sequence`` the
    PostgreSQL id sequence is moved past the explicit ids written. Returns the rows written."""
    conn = session.connection()
    raw: Any = conn.connection.dbapi_connection
    sqlite_db = conn.dialect.name == "sqlite"
    cur = raw.cursor()
    cols = ", ".join(columns)
    written = 0
    try:
        if sqlite_db:
            sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(columns))})"
            for chunk in chunks:
                cur.executemany(sql, chunk)
                written += len(chunk)
                if advance is not None:
                    advance(len(chunk))
        else:
            with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for chunk in chunks:
                    for row in chunk:
                        copy.write_row(row)
                    written += len(chunk)
                    if advance is not None:
                        advance(len(chunk))
    finally:
        cur.close()
    if reset_id_sequence and not sqlite_db and written:
        conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    return written


def bulk_timestamp(session: Session, instant: dt.datetime | None = None) -> str:
    """An instant (default: now) as ``bulk_copy`` writes it into a timestamp column of the session's backend."""
    now = instant or utcnow()
    return now.strftime("%Y-%m-%d %H:%M:%S.%f") if session.get_bind().dialect.name == "sqlite" else now.isoformat()
