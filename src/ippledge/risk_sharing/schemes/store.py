"""Scheme versions as stored (方案版本查询): the version in force on a day, or a named version, as a ``Scheme``."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ippledge.risk_sharing.errors import SCHEME_UNKNOWN
from ippledge.risk_sharing.model import Scheme
from ippledge.risk_sharing.schemes import documents
from ippledge.risk_sharing.schemes.tables import SchemeVersion


def version_row(session: Session, code: str, as_of: dt.date | None = None) -> SchemeVersion:
    """The version of ``code`` in force on ``as_of`` (the newest when ``as_of`` is None)."""
    stmt = select(SchemeVersion).where(SchemeVersion.code == code)
    if as_of is not None:
        stmt = stmt.where(
            SchemeVersion.effective_from <= as_of,
            or_(SchemeVersion.effective_to.is_(None), SchemeVersion.effective_to > as_of),
        )
    row = session.scalars(stmt.order_by(SchemeVersion.effective_from.desc(), SchemeVersion.id.desc())).first()
    if row is None:
        raise SCHEME_UNKNOWN(code=code) if as_of is None else SCHEME_UNKNOWN(code=code, as_of=str(as_of))
    return row


def scheme_of(row: SchemeVersion) -> Scheme:
    """The scheme a stored version describes."""
    return documents.from_dict(json.loads(row.body))


def scheme_in_force(session: Session, code: str, as_of: dt.date | None = None) -> Scheme:
    """The scheme ``code`` as in force on ``as_of`` (the newest version when ``as_of`` is None)."""
    return scheme_of(version_row(session, code, as_of))


def scheme_version(session: Session, code: str, version: str) -> Scheme:
    """The named version of ``code`` (the one an enrolment or a claim was decided under)."""
    row = session.scalars(
        select(SchemeVersion).where(SchemeVersion.code == code, SchemeVersion.version == version)
    ).first()
    if row is None:
        raise SCHEME_UNKNOWN(code=code)
    return scheme_of(row)


def versions(session: Session) -> list[SchemeVersion]:
    """Every stored version, by code and start."""
    return list(session.scalars(select(SchemeVersion).order_by(SchemeVersion.code, SchemeVersion.effective_from)))
