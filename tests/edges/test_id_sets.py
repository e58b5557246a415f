"""Large id sets in one query (大批量编号查询, decision 0033): ``db.among`` and ``db.sqlite_index`` on both backends."""

from __future__ import annotations

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from ippledge.access.tables import Party
from ippledge.db import among, sqlite_index
from ippledge.registry.tables import PATENT_IN_FORCE_INDEX, IpAsset


def test_among_takes_more_ids_than_any_parameter_limit_in_one_query(session: Session) -> None:
    ids = session.scalars(select(Party.id).order_by(Party.id)).all()
    wanted = [*ids, *range(10_000_000, 10_070_000)]  # 70,000 unknown ids: above SQLite's and PostgreSQL's limits
    found = session.scalars(select(Party.id).where(among(Party.id, wanted)).order_by(Party.id)).all()
    assert found == list(ids)
    assert session.scalar(select(func.count()).select_from(Party).where(among(Party.id, []))) == 0


def test_among_reads_strings_with_quotes_as_values(session: Session) -> None:
    names = session.scalars(select(Party.name).order_by(Party.id).limit(3)).all()
    found = session.scalars(select(Party.name).where(among(Party.name, [*names, "x' OR '1'='1"]))).all()
    assert sorted(found) == sorted(names)


def test_sqlite_index_hint_names_an_existing_index(session: Session) -> None:
    stmt = sqlite_index(select(func.count()).select_from(IpAsset), IpAsset, PATENT_IN_FORCE_INDEX)
    # constants in the SQL (a partial index matches literals only); SQLite refuses an INDEXED BY it cannot use
    patent, alive = literal("patent", literal_execute=True), literal("in_force", literal_execute=True)
    assert session.scalar(stmt.where(IpAsset.kind == patent, IpAsset.status == alive)) is not None
