"""Monthly trends (月度趋势) for the regulator: new loans, the balance and the NPL ratio month by month.

Read through lending's published face in one pass over the book (``lending.queries.book_by_grade_over``), so a year of
months costs what one statistics period costs. The balance and the NPL ratio are the book's own grades at each
month's end; back-dated corrections (``supervision.record_correction``) are in the period statistics, not here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from ippledge.access.model import Principal
from ippledge.kernel.calendar import last_months
from ippledge.lending import queries as lending
from ippledge.supervision.model import NPL_GRADES
from ippledge.supervision.queries import require_reader

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class MonthLine:
    """One month: loans disbursed in it (count, yuan) and the book at its end (``end`` is today in the last month)."""

    month: str  # YYYY-MM
    end: dt.date
    new_count: int
    new_amount: Decimal
    outstanding: Decimal
    npl: Decimal

    @property
    def npl_ratio(self) -> Decimal | None:
        return None if self.outstanding <= 0 else (self.npl / self.outstanding).quantize(Decimal("0.0001"))


def monthly_trends(session: Session, principal: Principal | None, today: dt.date, months: int = 12) -> list[MonthLine]:
    """The last ``months`` months across every bank (the regulator's and the platform's readers only)."""
    if principal is not None:
        require_reader(principal)
    spans = last_months(today, months)
    book = lending.book_by_grade_over(session, [end for _, end in spans])
    loans = lending.disbursed_loans(session)
    out = []
    for start, end in spans:
        new = [ln for ln in loans if ln.disbursed_on is not None and start <= ln.disbursed_on <= end]
        grades = book.get(end, {})
        out.append(
            MonthLine(
                month=start.strftime("%Y-%m"),
                end=end,
                new_count=len(new),
                new_amount=sum((ln.principal for ln in new), ZERO),
                outstanding=sum(grades.values(), ZERO),
                npl=sum((v for g, v in grades.items() if g in NPL_GRADES), ZERO),
            )
        )
    return out
