"""Scheme whitelists (白名单): which enterprises a scheme's whitelist names, and from when to when.

Some schemes enrol only firms on a published whitelist (``Eligibility.require_whitelist``). Until the push-and-matching
issue fills the lists, the platform or a fund records each listing with its source; enrolment reads membership on the
enrolment date as a fact (``on_whitelist``). A listing is never edited: a firm taken off gets a new, closed listing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access import queries as access
from ippledge.access.model import PartyKind, Principal
from ippledge.risk_sharing.errors import WHITELIST_DATES, WHITELIST_PARTY
from ippledge.risk_sharing.schemes import store
from ippledge.risk_sharing.schemes.tables import WhitelistListing

WRITERS = (PartyKind.PLATFORM, PartyKind.FUND)


def record_listing(
    session: Session,
    principal: Principal,
    scheme_code: str,
    enterprise_id: int,
    listed_from: dt.date,
    source: str,
    listed_to: dt.date | None = None,
) -> WhitelistListing:
    """Record that the scheme's whitelist names ``enterprise_id`` from ``listed_from`` (until ``listed_to``)."""
    principal.require_kind(*WRITERS)
    store.version_row(session, scheme_code)  # the scheme exists (404 otherwise)
    party = access.parties(session, [enterprise_id]).get(enterprise_id)
    if party is None or party.kind is not PartyKind.ENTERPRISE:
        raise WHITELIST_PARTY(enterprise_id=enterprise_id)
    if listed_to is not None and listed_to <= listed_from:
        raise WHITELIST_DATES(listed_from=str(listed_from), listed_to=str(listed_to))
    row = WhitelistListing(
        scheme_code=scheme_code,
        enterprise_id=enterprise_id,
        listed_from=listed_from,
        listed_to=listed_to,
        source=source[:200],
        created_by=principal.actor[:64],
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "risk.whitelisted",
        "risk_whitelist_listing",
        row.id,
        {"scheme": scheme_code, "enterprise_id": enterprise_id, "from": str(listed_from), "source": source[:200]},
    )
    return row


def on_whitelist(session: Session, scheme_code: str, enterprise_id: int, as_of: dt.date) -> bool:
    """Whether a listing of the scheme names the enterprise on ``as_of``."""
    stmt = select(WhitelistListing.id).where(
        WhitelistListing.scheme_code == scheme_code,
        WhitelistListing.enterprise_id == enterprise_id,
        WhitelistListing.listed_from <= as_of,
        or_(WhitelistListing.listed_to.is_(None), WhitelistListing.listed_to > as_of),
    )
    return session.scalars(stmt.limit(1)).first() is not None
