"""What whitelists need from capabilities above them (端口), plugged by ``bootstrap.wire()``.

The tax credit grade (纳税信用等级) comes from the data gateway with the firm's consent. Until the gateway is wired
in, the composition root plugs :data:`NO_TAX_SOURCE`, which knows no grade, so every criterion on the grade is
*unknown* (never passed or failed on a guess). An unplugged port raises.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

TaxGrades = Callable[[Session, Sequence[int], dt.date], dict[int, str]]

_tax_grades: TaxGrades | None = None


def NO_TAX_SOURCE(_session: Session, _party_ids: Sequence[int], _on: dt.date) -> dict[int, str]:
    """No tax source connected: no grade is known."""
    return {}


def plug_tax_grades(source: TaxGrades) -> None:
    global _tax_grades
    _tax_grades = source


def tax_grades(session: Session, party_ids: Sequence[int], on: dt.date) -> dict[int, str]:
    if _tax_grades is None:
        raise RuntimeError("whitelist.ports.tax_grades is not plugged: call ippledge.bootstrap.wire()")
    return _tax_grades(session, party_ids, on)
