"""Bulk loader (批量装载) of a generated market: parties, enterprises, users, IP assets, owners, annuities, events.

One transaction: the market is loaded entirely or not at all. Rows go through the DB-API directly (SQLite
``executemany`` with plain tuples in chunks, ``synchronous=OFF`` for the load only; PostgreSQL ``COPY``), with
explicit ids so that owners, annuities and events can refer to assets without reading ids back. The load is
audited once (spec, seed, counts). An empty database is required unless ``append`` is set.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from rich.progress import Progress
from sqlalchemy import Connection, Engine, func, insert, select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.credentials import hash_public_password
from ippledge.access.tables import Party, User, UserRole
from ippledge.db import make_session_factory, utcnow
from ippledge.kernel.errors import ConflictError
from ippledge.registry.tables import IpAsset, LegalStatusEvent
from ippledge.simulation.accounts import DEMO_PASSWORD, Account, enterprise_account, institution_accounts
from ippledge.simulation.columns import (
    annuity_rows,
    asset_rows,
    enterprise_rows,
    event_rows,
    owner_rows,
    party_rows,
)
from ippledge.simulation.generate import Market

CHUNK = 50_000
Rows = Callable[[int, int], list[tuple[Any, ...]]]


@dataclass(frozen=True)
class LoadSummary:
    """Rows written per table and the seconds the load took."""

    counts: dict[str, int]
    seconds: float
    backend: str


class _Writer:
    """Writes rows to one table through the raw driver connection of the session's transaction."""

    def __init__(self, conn: Connection, progress: Progress | None) -> None:
        self.raw: Any = conn.connection.dbapi_connection
        self.sqlite = conn.dialect.name == "sqlite"
        self.progress = progress

    def write(self, table: str, columns: Sequence[str], total: int, rows: Rows) -> int:
        task = self.progress.add_task(f"装载 load {table}", total=total) if self.progress else None
        cur = self.raw.cursor()
        cols = ", ".join(columns)
        try:
            if self.sqlite:
                sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(columns))})"
                for _start, chunk in _chunks(total, rows):
                    cur.executemany(sql, chunk)
                    self._advance(task, len(chunk))
            else:
                with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for _start, chunk in _chunks(total, rows):
                        for row in chunk:
                            copy.write_row(row)
                        self._advance(task, len(chunk))
        finally:
            cur.close()
        return total

    def _advance(self, task: Any, n: int) -> None:
        if self.progress is not None and task is not None:
            self.progress.advance(task, n)


def _chunks(total: int, rows: Rows) -> Iterator[tuple[int, list[tuple[Any, ...]]]]:
    for start in range(0, total, CHUNK):
        yield start, rows(start, min(total, start + CHUNK))


def load(engine: Engine, market: Market, *, append: bool = False, progress: Progress | None = None) -> LoadSummary:
    """Load ``market`` into the database behind ``engine``; refuses a non-empty database unless ``append``."""
    started = time.perf_counter()
    sqlite = engine.dialect.name == "sqlite"
    factory = make_session_factory(engine)
    with factory() as session:
        prefix = _check_target(session, market, append)
        conn = session.connection()
        if sqlite:
            # Bulk load only: a crash mid-load may corrupt the file, which a fresh simulate run rebuilds anyway.
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
            conn.exec_driver_sql("PRAGMA cache_size=-262144")
        try:
            counts = _write_all(session, conn, market, prefix, progress)
            audit.record(
                session,
                "system:simulator",
                "simulation.loaded",
                "market",
                f"{market.spec.name}:{market.seed}",
                {"spec": market.spec.name, "seed": market.seed, "as_of": market.spec.as_of.isoformat(), **counts},
            )
            if not sqlite:
                for table in ("party", "app_user", "ip_asset", "legal_status_event"):
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                    )
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            if sqlite:
                session.connection().exec_driver_sql("PRAGMA synchronous=NORMAL")
    return LoadSummary(counts, round(time.perf_counter() - started, 2), engine.dialect.name)


def _next_id(session: Session, column: Any) -> int:
    return int(session.scalar(select(func.coalesce(func.max(column), 0))) or 0) + 1


def _write_all(
    session: Session, conn: Connection, market: Market, prefix: str, progress: Progress | None
) -> dict[str, int]:
    writer = _Writer(conn, progress)
    now = utcnow()
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f") if writer.sqlite else now.isoformat()
    party0 = _next_id(session, Party.id)
    asset0 = _next_id(session, IpAsset.id)
    event0 = _next_id(session, LegalStatusEvent.id)
    n_inst, n_firms = len(market.institutions), len(market.enterprises["name"])
    n_assets = len(market.assets["number"])
    firm0 = party0 + n_inst
    counts: dict[str, int] = {}
    counts["party"] = writer.write(
        "party",
        ("id", "kind", "name", "uscc", "region_code", "active", "created_at"),
        n_inst + n_firms,
        party_rows(market, party0, stamp),
    )
    counts["enterprise"] = writer.write(
        "enterprise",
        ("party_id", "industry", "size", "annual_revenue_fen", "revenue_year", "employees", "founded_on", "high_tech"),
        n_firms,
        enterprise_rows(market, firm0),
    )
    counts["app_user"] = _write_users(session, market, party0, prefix)
    counts["ip_asset"] = writer.write(
        "ip_asset",
        (
            "id", "kind", "subtype", "number", "title", "filing_date", "grant_date", "expiry_date", "status",
            "ipc_main", "ipc_all", "nice_classes", "claims", "forward_citations", "backward_citations",
            "family_size", "preserved", "invalidation_pending", "same_day_twin", "status_date", "updated_at",
        ),
        n_assets,
        asset_rows(market, asset0, stamp),
    )  # fmt: skip
    owners = owner_rows(market, asset0, firm0)
    counts["ip_owner"] = writer.write("ip_owner", ("ip_asset_id", "party_id", "share_bp", "since"), *owners)
    counts["annuity"] = writer.write(
        "annuity",
        ("ip_asset_id", "year_no", "due_date", "amount_fen", "paid_on", "paid_fen"),
        len(market.annuities["asset"]),
        annuity_rows(market, asset0),
    )
    counts["legal_status_event"] = writer.write(
        "legal_status_event",
        ("id", "ip_asset_id", "code", "effective_date", "details", "source", "recorded_at"),
        len(market.events["asset"]),
        event_rows(market, asset0, event0, stamp),
    )
    return counts


def _accounts(market: Market, prefix: str) -> list[tuple[int, Account]]:
    """(party index, account) for every demo user."""
    out = [
        (i, a)
        for i, inst in enumerate(market.institutions)
        for a in institution_accounts(inst.key, inst.kind, inst.name, prefix)
    ]
    if market.spec.enterprise_users:
        n_inst = len(market.institutions)
        names = market.enterprises["name"].tolist()
        out += [(n_inst + j, enterprise_account(j, name, prefix)) for j, name in enumerate(names)]
    return out


def _write_users(session: Session, market: Market, party0: int, prefix: str) -> int:
    accounts = _accounts(market, prefix)
    password_hash = hash_public_password(DEMO_PASSWORD)  # once; the demo password is public, so a cheap cost
    user0 = _next_id(session, User.id)
    users = [
        {
            "id": user0 + k,
            "party_id": party0 + idx,
            "username": a.username,
            "display_name": a.display_name,
            "password_hash": password_hash,
        }
        for k, (idx, a) in enumerate(accounts)
    ]
    roles = [{"user_id": user0 + k, "role": r.value} for k, (_, a) in enumerate(accounts) for r in sorted(a.roles)]
    if users:
        session.execute(insert(User), users)
        session.execute(insert(UserRole), roles)
    return len(users)


def _check_target(session: Session, market: Market, append: bool) -> str:
    """Refuse a non-empty database (unless appending); when appending, refuse clashing codes and numbers."""
    has_data = session.scalar(select(Party.id).limit(1)) is not None
    if not has_data:
        return ""
    if not append:
        raise ConflictError(
            "数据库已有数据：模拟市场只装入空数据库（如需追加请使用 --append）",
            "the database is not empty: a simulated market loads into an empty database (use --append to add one)",
            code="simulate.database_not_empty",
        )
    prefix = f"sim{market.seed}."
    if session.scalar(select(User.id).where(User.username.startswith(prefix)).limit(1)) is not None:
        raise ConflictError(
            f"种子 {market.seed} 的模拟市场已追加过，请换一个种子",
            f"a market with seed {market.seed} was already appended: choose another seed",
            code="simulate.seed_taken",
            details={"seed": market.seed},
        )
    taken_uscc = set(session.scalars(select(Party.uscc).where(Party.uscc.is_not(None))))
    clash_uscc = len(taken_uscc.intersection(market.enterprises["uscc"].tolist()))
    clash_uscc += sum(inst.uscc in taken_uscc for inst in market.institutions)
    existing = {(k, n) for k, n in session.execute(select(IpAsset.kind, IpAsset.number))}
    mine = zip(market.assets["kind"].tolist(), market.assets["number"].tolist(), strict=True)
    clash_numbers = sum(1 for pair in mine if pair in existing)
    if clash_uscc or clash_numbers:
        raise ConflictError(
            f"追加的模拟市场与已有数据冲突：{clash_uscc} 个统一社会信用代码、"
            f"{clash_numbers} 个知识产权号已存在；请换一个种子",
            f"the appended market clashes with existing data: {clash_uscc} USCCs and {clash_numbers} IP numbers "
            "already exist; choose another seed",
            code="simulate.append_clash",
            details={"uscc": clash_uscc, "numbers": clash_numbers},
        )
    return prefix


__all__ = ["CHUNK", "DEMO_PASSWORD", "LoadSummary", "load"]
