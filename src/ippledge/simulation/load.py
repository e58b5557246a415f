"""Bulk loader (批量装载) of a generated market: parties, enterprises, users, IP assets, owners, annuities, events.

One transaction: the market is loaded entirely or not at all. Rows go through the capabilities' bulk-load commands
(``access.service.bulk_load_parties`` / ``bulk_create_users``, ``registry.service.bulk_load_*``), which write them
through the DB-API directly (SQLite ``executemany`` with plain tuples in chunks, ``synchronous=OFF`` for the load
only; PostgreSQL ``COPY``), with explicit ids so that owners, annuities and events can refer to assets without
reading ids back. The load is audited once (spec, seed, counts). An empty database is required unless ``append`` is set.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from rich.progress import Progress
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access import queries as parties
from ippledge.access import service as access
from ippledge.access.credentials import hash_public_password
from ippledge.db import bulk_timestamp, make_session_factory
from ippledge.registry import queries as register
from ippledge.registry import service as registry
from ippledge.simulation.accounts import DEMO_PASSWORD, Account, enterprise_account, institution_accounts
from ippledge.simulation.columns import (
    annuity_rows,
    asset_rows,
    enterprise_rows,
    event_rows,
    owner_rows,
    party_rows,
)
from ippledge.simulation.errors import APPEND_CLASH, DATABASE_NOT_EMPTY, SEED_TAKEN
from ippledge.simulation.generate import Market

CHUNK = 50_000
Rows = Callable[[int, int], list[tuple[Any, ...]]]
Loader = Callable[[Session, Iterator[list[tuple[Any, ...]]], Callable[[int], None] | None], int]


@dataclass(frozen=True)
class LoadSummary:
    """Rows written per table and the seconds the load took."""

    counts: dict[str, int]
    seconds: float
    backend: str


def _chunks(total: int, rows: Rows) -> Iterator[list[tuple[Any, ...]]]:
    for start in range(0, total, CHUNK):
        yield rows(start, min(total, start + CHUNK))


class _Writer:
    """Hands the rows of one table to its capability's bulk-load command, chunk by chunk, with a progress bar."""

    def __init__(self, session: Session, progress: Progress | None) -> None:
        self.session = session
        self.progress = progress

    def write(self, name: str, loader: Loader, total: int, rows: Rows) -> int:
        advance = None
        if self.progress is not None:
            progress, task = self.progress, self.progress.add_task(f"装载 load {name}", total=total)

            def advance(n: int) -> None:
                progress.advance(task, n)

        return loader(self.session, _chunks(total, rows), advance)


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
            counts = _write_all(session, market, prefix, progress)
            audit.record(
                session,
                "system:simulator",
                "simulation.loaded",
                "market",
                f"{market.spec.name}:{market.seed}",
                {"spec": market.spec.name, "seed": market.seed, "as_of": market.spec.as_of.isoformat(), **counts},
            )
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            if sqlite:
                session.connection().exec_driver_sql("PRAGMA synchronous=NORMAL")
    return LoadSummary(counts, round(time.perf_counter() - started, 2), engine.dialect.name)


def _write_all(session: Session, market: Market, prefix: str, progress: Progress | None) -> dict[str, int]:
    writer = _Writer(session, progress)
    stamp = bulk_timestamp(session)
    party0 = parties.next_party_id(session)
    asset0 = register.next_asset_id(session)
    event0 = register.next_event_id(session)
    n_inst, n_firms = len(market.institutions), len(market.enterprises["name"])
    n_assets = len(market.assets["number"])
    firm0 = party0 + n_inst
    counts: dict[str, int] = {}
    counts["party"] = writer.write(
        "party", access.bulk_load_parties, n_inst + n_firms, party_rows(market, party0, stamp)
    )
    counts["enterprise"] = writer.write(
        "enterprise", registry.bulk_load_enterprises, n_firms, enterprise_rows(market, firm0)
    )
    counts["app_user"] = _write_users(session, market, party0, prefix)
    counts["ip_asset"] = writer.write(
        "ip_asset", registry.bulk_load_assets, n_assets, asset_rows(market, asset0, stamp)
    )
    owners = owner_rows(market, asset0, firm0)
    counts["ip_owner"] = writer.write("ip_owner", registry.bulk_load_owners, *owners)
    counts["annuity"] = writer.write(
        "annuity", registry.bulk_load_annuities, len(market.annuities["asset"]), annuity_rows(market, asset0)
    )
    counts["legal_status_event"] = writer.write(
        "legal_status_event",
        registry.bulk_load_events,
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
    users = [access.BulkUser(party0 + idx, a.username, a.display_name, a.roles) for idx, a in _accounts(market, prefix)]
    # once; the demo password is public, so a cheap cost
    return access.bulk_create_users(session, users, hash_public_password(DEMO_PASSWORD))


def _check_target(session: Session, market: Market, append: bool) -> str:
    """Refuse a non-empty database (unless appending); when appending, refuse clashing codes and numbers."""
    if not parties.has_parties(session):
        return ""
    if not append:
        raise DATABASE_NOT_EMPTY()
    prefix = f"sim{market.seed}."
    if parties.username_prefix_taken(session, prefix):
        raise SEED_TAKEN(seed=market.seed)
    taken_uscc = set(parties.party_ids_by_uscc(session))
    clash_uscc = len(taken_uscc.intersection(market.enterprises["uscc"].tolist()))
    clash_uscc += sum(inst.uscc in taken_uscc for inst in market.institutions)
    existing = register.asset_ids_by_number(session)
    mine = zip(market.assets["kind"].tolist(), market.assets["number"].tolist(), strict=True)
    clash_numbers = sum(1 for pair in mine if pair in existing)
    if clash_uscc or clash_numbers:
        raise APPEND_CLASH(uscc=clash_uscc, numbers=clash_numbers)
    return prefix


__all__ = ["CHUNK", "DEMO_PASSWORD", "LoadSummary", "load"]
