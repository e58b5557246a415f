"""The demo's supervision table (监管统计): the regulator's view of the demo year, by bank.

Each bank's overall NPL ratio is an input the regulator records from outside the platform; the demo records one
assumed figure for every bank (``ASSUMED_OVERALL_NPL``, stated in the output) so that the +3 pp tolerance column is
computed. The demo year has no year before it, so growth against the 20% target shows no base.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rich.console import Console
from sqlalchemy.orm import Session, sessionmaker

from ippledge.db import unit_of_work
from ippledge.demo.run import Actors
from ippledge.supervision import queries, service
from ippledge.supervision.cli import bank_table
from ippledge.supervision.model import Period

ASSUMED_OVERALL_NPL = Decimal("0.0150")  # an assumed overall NPL ratio of 1.50% for every demo bank (an input)


def print_supervision(
    factory: sessionmaker[Session], console: Console, start: dt.date, end: dt.date, today: dt.date
) -> None:
    """Record the assumed overall NPL ratios as the regulator, then print the supervision table of ``start..end``."""
    period = Period(start, end)
    with unit_of_work(factory) as s:
        regulator = Actors(s).user("regulator.analyst")
        for line in queries.statistics(s, regulator, period).banks:
            service.record_overall_npl(s, regulator, line.bank_id, end, ASSUMED_OVERALL_NPL, today)
    with factory() as s:
        stats = queries.statistics(s, Actors(s).user("regulator.analyst"), period)
    console.rule("[bold]监管统计 supervision[/bold]")
    console.print(bank_table(stats))
    console.print(
        f"全行不良率 overall NPL ratio: an assumed {ASSUMED_OVERALL_NPL * 100:.2f}% input for every bank; "
        "`ippledge supervise stats|rank` and GET /supervision/statistics give the rest"
    )
