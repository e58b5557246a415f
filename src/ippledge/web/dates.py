"""Dates in requests (请求日期): ``YYYY-MM-DD`` only, a real calendar day, within a sane range kept as data.

Pydantic alone took a Unix timestamp (``1700000000``) or a datetime string as a date and any year from 1 to 9999,
so a repayment dated 9999-12-31 was booked. ``BusinessDate`` (value, effective and contract dates) and
``RecordDate`` (older or longer facts of the register: filing, grant, expiry and founding dates) refuse those with a
catalogued code (``date.invalid``, ``date.range``) and the field named in the 422. The ranges are in
``data/amount_limits.toml`` (``[dates]``). Lending still checks value dates against the business date.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import partial
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

from ippledge.kernel.errors import DATE_INVALID, DATE_RANGE
from ippledge.web.money import limits_file, refuse

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def date_range(kind: str) -> tuple[dt.date, dt.date]:
    """The first and last day allowed for dates of ``kind`` (``business`` or ``record``)."""
    first, last = limits_file()["dates"][kind]
    return dt.date.fromisoformat(first), dt.date.fromisoformat(last)


def parse_date(value: Any, kind: str) -> dt.date:
    """A request date: an ISO day string (or a ``date`` from Python callers) within the range of ``kind``."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value
    elif isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise refuse(DATE_INVALID, value=value) from None
    else:
        raise refuse(DATE_INVALID, value=repr(value)[:40])
    first, last = date_range(kind)
    if not first <= day <= last:
        raise refuse(DATE_RANGE, value=day.isoformat(), first=first.isoformat(), last=last.isoformat())
    return day


def _schema(kind: str) -> WithJsonSchema:
    first, last = date_range(kind)
    return WithJsonSchema({"type": "string", "format": "date", "description": f"YYYY-MM-DD, {first} to {last}"})


BusinessDate = Annotated[dt.date, BeforeValidator(partial(parse_date, kind="business")), _schema("business")]
RecordDate = Annotated[dt.date, BeforeValidator(partial(parse_date, kind="record")), _schema("record")]
