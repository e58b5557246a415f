"""按季结息 (quarterly interest settlement on the 20th), DOMAIN.md §4: a repayment option of a product. Pure.

Interest accrues daily on the principal outstanding (annual / 360, actual days, 算头不算尾) and is settled on the
20th of March, June, September and December (结息日), and at maturity for the broken period since the last one;
the principal falls due at maturity (按季结息、到期还本). Each settlement's interest is rounded to the fen once. A
settlement date on the disbursement day itself is not one (nothing has accrued); when the maturity falls on a
settlement date the two are one instalment.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, localcontext
from typing import Final

from ippledge.lending.model.interest import DAYS_IN_YEAR, PRECISION, round_fen

SETTLEMENT_MONTHS: Final = (3, 6, 9, 12)
SETTLEMENT_DAY: Final = 20
ZERO: Final = Decimal("0.00")


def settlement_dates(start: dt.date, maturity: dt.date) -> list[dt.date]:
    """The 20ths of March, June, September and December after ``start`` and before ``maturity``, then ``maturity``."""
    out: list[dt.date] = []
    year = start.year
    while True:
        for month in SETTLEMENT_MONTHS:
            d = dt.date(year, month, SETTLEMENT_DAY)
            if start < d < maturity:
                out.append(d)
        if dt.date(year, 12, SETTLEMENT_DAY) >= maturity:
            break
        year += 1
    out.append(maturity)
    return out


def quarterly_rows(
    principal: Decimal, annual_rate: Decimal, start: dt.date, maturity: dt.date
) -> list[tuple[dt.date, Decimal, Decimal]]:
    """``(due date, principal, interest)`` per settlement: the interest of the days since the previous one on the
    whole principal (it is all outstanding until maturity), the principal on the last."""
    rows: list[tuple[dt.date, Decimal, Decimal]] = []
    prev = start
    for d in settlement_dates(start, maturity):
        with localcontext() as ctx:
            ctx.prec = PRECISION
            interest = round_fen(principal * annual_rate * (d - prev).days / DAYS_IN_YEAR)
        rows.append((d, principal if d == maturity else ZERO, interest))
        prev = d
    return rows
