"""What whitelists read from the data gateway (端口), plugged by ``bootstrap.wire()``.

The tax credit grade (纳税信用等级) comes from the gateway's tax source, read by the operator who builds the list and
only for firms that granted the platform operator a consent for the purpose ``whitelist`` (record 0032): the
composition root plugs ``gateway.service.tax_grades``. A firm without such a consent is absent from the answer, so
its criterion is *unknown* (never passed or failed on a guess). :data:`NO_TAX_SOURCE` knows no grade (a deployment
without the gateway). An unplugged port raises.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from ippledge.access.model import Principal

TaxGrades = Callable[[Session, Principal, Sequence[int], dt.date], dict[int, str]]

_tax_grades: TaxGrades | None = None


def NO_TAX_SOURCE(_session: Session, _reader: Principal, _party_ids: Sequence[int], _on: dt.date) -> dict[int, str]:
    """No tax source connected: no grade is known."""
    return {}


def plug_tax_grades(source: TaxGrades) -> None:
    global _tax_grades
    _tax_grades = source


def tax_grades(session: Session, reader: Principal, party_ids: Sequence[int], on: dt.date) -> dict[int, str]:
    """Grades ``reader`` may read under the firms' consents; absent firms: unknown."""
    if _tax_grades is None:
        raise RuntimeError("whitelist.ports.tax_grades is not plugged: call ippledge.bootstrap.wire()")
    return _tax_grades(session, reader, party_ids, on)
