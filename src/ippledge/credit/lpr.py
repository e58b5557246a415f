"""Loan Prime Rate (贷款市场报价利率, LPR) fixings as data: lookup as of a date, the operator adds new fixings.

Seed values: the 1-year and 5-year LPR as announced monthly by the National Interbank Funding Center under the PBOC
(全国银行间同业拆借中心). 2024-10-21 (1y 3.10%) and 2025-05-20 (1y 3.00%) are the figures given in the project
brief; the rest were recalled from the published series and are marked ``verified=False`` until checked against
the announcements. Only fixings that *changed* the rate are listed: a fixing holds until the next one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.credit import errors
from ippledge.credit.tables import LprRate

TENORS = ("1y", "5y")
SOURCE = "全国银行间同业拆借中心 LPR 公告"

# (date, 1y bp, 5y bp, verified)
SEED: tuple[tuple[dt.date, int, int, bool], ...] = (
    (dt.date(2019, 8, 20), 425, 485, False),
    (dt.date(2019, 9, 20), 420, 485, False),
    (dt.date(2019, 11, 20), 415, 480, False),
    (dt.date(2020, 2, 20), 405, 475, False),
    (dt.date(2020, 4, 20), 385, 465, False),
    (dt.date(2021, 12, 20), 380, 465, False),
    (dt.date(2022, 1, 20), 370, 460, False),
    (dt.date(2022, 5, 20), 370, 445, False),
    (dt.date(2022, 8, 22), 365, 430, False),
    (dt.date(2023, 6, 20), 355, 420, False),
    (dt.date(2023, 8, 21), 345, 420, False),
    (dt.date(2024, 2, 20), 345, 395, False),
    (dt.date(2024, 7, 22), 335, 385, False),
    (dt.date(2024, 10, 21), 310, 360, True),
    (dt.date(2025, 5, 20), 300, 350, True),
)


@dataclass(frozen=True)
class Fixing:
    effective_date: dt.date
    tenor: str
    rate_bp: int


def seed_rows(conn: Connection) -> None:
    """Insert the seed fixings that are missing (idempotent; called by ``db_tools.seed``)."""
    have = {(d, t) for d, t in conn.execute(select(LprRate.effective_date, LprRate.tenor))}
    rows = []
    for day, one, five, verified in SEED:
        for tenor, bp in (("1y", one), ("5y", five)):
            if (day, tenor) not in have:
                rows.append(
                    {
                        "effective_date": day,
                        "tenor": tenor,
                        "rate_bp": bp,
                        "source": SOURCE,
                        "verified": verified,
                        "created_by": "seed",
                    }
                )
    if rows:
        conn.execute(insert(LprRate), rows)


def lpr_on(session: Session, as_of: dt.date, tenor: str = "1y") -> Fixing:
    """The fixing in force on ``as_of`` (the latest published on or before it)."""
    stmt = (
        select(LprRate)
        .where(LprRate.tenor == tenor, LprRate.effective_date <= as_of)
        .order_by(LprRate.effective_date.desc())
    )
    row = session.scalars(stmt).first()
    if row is None:
        raise errors.NO_LPR(as_of=str(as_of), tenor=tenor)
    return Fixing(row.effective_date, row.tenor, row.rate_bp)


def add_fixing(
    session: Session, principal: Principal, effective_date: dt.date, tenor: str, rate_bp: int, source: str | None
) -> LprRate:
    """The platform operator records a new fixing (audited)."""
    principal.require_kind(PartyKind.PLATFORM)
    principal.require(Role.OPERATOR, Role.ADMIN)
    if tenor not in TENORS or not 1 <= rate_bp <= 2000:
        raise errors.LPR_INVALID(tenor=tenor, rate_bp=rate_bp)
    exists = select(LprRate.id).where(LprRate.effective_date == effective_date, LprRate.tenor == tenor)
    if session.scalar(exists) is not None:
        raise errors.LPR_EXISTS()
    row = LprRate(
        effective_date=effective_date,
        tenor=tenor,
        rate_bp=rate_bp,
        source=source,
        verified=True,
        created_by=principal.actor,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "credit.lpr_added",
        "lpr_rate",
        row.id,
        {"date": effective_date.isoformat(), "tenor": tenor, "rate_bp": rate_bp},
    )
    return row


def fixings(session: Session, tenor: str | None = None) -> list[LprRate]:
    stmt = select(LprRate).order_by(LprRate.effective_date, LprRate.tenor)
    if tenor is not None:
        stmt = stmt.where(LprRate.tenor == tenor)
    return list(session.scalars(stmt))
