"""Gateway commands (数据网关): grant and revoke consents; read a firm's outside data under consent, logged.

Every read -- through the API, the scheme-eligibility facts (``credit_facts``) or the post-loan signals
(``post_loan_signals``) -- goes through :func:`read_fields`, which checks the consent in the database at the moment of
the read (a consent revoked a moment ago stops this read) and writes one access-log row per field read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access import queries as access
from ippledge.access.model import PartyKind, Principal
from ippledge.db import utcnow
from ippledge.gateway import model, ports, store
from ippledge.gateway.errors import (
    CONSENT_INVALID,
    CONSENT_REVOKED,
    GRANTEE_NOT_BANK,
    NO_CONSENT,
    NO_USCC,
    NOT_THE_FIRM,
    SOURCE_UNAVAILABLE,
    UNKNOWN_SOURCE,
)
from ippledge.gateway.model import Purpose, Source
from ippledge.gateway.tables import GatewayConsent
from ippledge.kernel.errors import IppledgeError


def grant(
    session: Session,
    principal: Principal,
    grantee_id: int,
    source: str,
    fields: Sequence[str],
    purpose: str,
    expires_on: dt.date,
    today: dt.date,
) -> GatewayConsent:
    """The firm grants a bank (or, for ``whitelist``, the platform operator) a consent; every bad part is listed and
    nothing is written."""
    if principal.party_kind is not PartyKind.ENTERPRISE:
        raise NOT_THE_FIRM()
    problems = model.consent_problems(source, fields, purpose, expires_on, today)
    if problems:
        raise CONSENT_INVALID(
            why_zh="；".join(p[1] for p in problems),
            why_en="; ".join(p[2] for p in problems),
            problems=[{"path": p[0], "message_zh": p[1], "message_en": p[2]} for p in problems],
        )
    kind = access.party_kind(session, grantee_id)
    if not model.grantee_may_hold(kind.value if kind is not None else None, purpose):
        raise GRANTEE_NOT_BANK(grantee_id=grantee_id)
    row = GatewayConsent(
        firm_id=principal.party_id,
        grantee_id=grantee_id,
        source=source,
        fields=",".join(sorted(set(fields))),
        purpose=purpose,
        granted_on=today,
        expires_on=expires_on,
        granted_by=principal.actor[:64],
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "gateway.consent_granted",
        "gateway_consent",
        row.id,
        {"grantee_id": grantee_id, "source": source, "fields": row.fields, "purpose": purpose},
    )
    return row


def revoke(session: Session, principal: Principal, consent_id: int) -> GatewayConsent:
    """The firm revokes a consent at once: the next read under it is refused."""
    row = scope.get_visible(session, GatewayConsent, consent_id, principal)
    if row.firm_id != principal.party_id:
        raise NOT_THE_FIRM()
    if row.revoked_at is not None:
        raise CONSENT_REVOKED(revoked_at=row.revoked_at.isoformat())
    row.revoked_at, row.revoked_by = utcnow(), principal.actor[:64]
    session.flush()
    audit.record(session, principal, "gateway.consent_revoked", "gateway_consent", row.id, {})
    return row


def _source(source: str, fields: Iterable[str] | None, purpose: str) -> tuple[Source, list[str] | None, Purpose]:
    if source not in {s.value for s in Source}:
        raise UNKNOWN_SOURCE(what=source)
    if purpose not in {p.value for p in Purpose}:
        raise UNKNOWN_SOURCE(what=purpose)
    src = Source(source)
    wanted = None if fields is None else list(dict.fromkeys(fields))
    if wanted is not None and (bad := sorted(set(wanted) - set(model.FIELDS[src]))):
        raise UNKNOWN_SOURCE(what=", ".join(bad))
    return src, wanted, Purpose(purpose)


def _answer(session: Session, firm_id: int, source: Source, on: dt.date) -> dict[str, Any]:
    party = access.party(session, firm_id)
    if party is None or party.kind is not PartyKind.ENTERPRISE:
        raise NO_CONSENT(firm_id=firm_id, source=source.value)
    if not party.uscc:
        raise NO_USCC(firm_id=firm_id)
    try:
        return ports.sources().answer(source, party.uscc, on)
    except ports.SourceUnavailable as exc:
        raise SOURCE_UNAVAILABLE(source=source.value) from exc


def allowed(
    session: Session,
    reader: Principal,
    firm_id: int,
    source: Source,
    fields: list[str] | None,
    purpose: Purpose,
    on: dt.date,
) -> dict[str, int | None]:
    """``field -> consent id`` (``None`` for the firm's own read) of what ``reader`` may read; ``{}`` if nothing."""
    if reader.party_kind is PartyKind.ENTERPRISE and reader.party_id == firm_id:
        return dict.fromkeys(fields if fields is not None else model.FIELDS[source])
    consents = store.consents_between(session, firm_id, reader.party_id, source)
    wanted = (
        fields if fields is not None else sorted(model.consented_fields(consents, reader.party_id, source, purpose, on))
    )
    out: dict[str, int | None] = {}
    for name in wanted:
        hit = model.covering(consents, reader.party_id, source, purpose, [name], on)
        if hit is None:
            return {}
        out[name] = hit.id
    return out


def read_fields(
    session: Session,
    reader: Principal,
    firm_id: int,
    source: str,
    fields: Iterable[str] | None,
    purpose: str,
    on: dt.date,
) -> dict[str, Any]:
    """The firm's consented fields of ``source`` (all consented ones when ``fields`` is None), logged per field.

    A field outside every consent in force -- none granted, expired, revoked, another grantee's, another purpose --
    is a 404 for the whole read (``gateway.no_consent``): the reader learns nothing beyond its consent."""
    src, wanted, why = _source(source, fields, purpose)
    by_field = allowed(session, reader, firm_id, src, wanted, why, on)
    if not by_field:
        raise NO_CONSENT(firm_id=firm_id, source=src.value)
    values = model.select_fields(_answer(session, firm_id, src, on), by_field)
    store.log_reads(session, firm_id, reader.party_id, reader.actor, src, why, by_field, on)
    return values


@dataclass(frozen=True)
class CreditFacts:
    """What the credit bureau says, read under consent, for scheme eligibility (``None``: not consented)."""

    bank_debt: Decimal | None
    clean_credit: bool | None
    fields: tuple[str, ...]


def credit_facts(
    session: Session, reader: Principal, firm_id: int, on: dt.date, purpose: Purpose = Purpose.SCHEME_ELIGIBILITY
) -> CreditFacts | None:
    """The borrower's bank debt and credit record from the credit bureau, if the firm consented to ``reader``
    reading them for ``purpose``; ``None`` when it consented to neither (the caller then uses the bank's
    attestation). A clean record needs both ``overdue`` and ``npl_elsewhere``."""
    src = Source.CREDIT_BUREAU
    may = allowed(session, reader, firm_id, src, None, purpose, on)
    if not may:
        return None
    try:
        values = read_fields(session, reader, firm_id, src.value, sorted(may), purpose.value, on)
    except IppledgeError as exc:
        if exc.code in (NO_USCC.code, SOURCE_UNAVAILABLE.code):
            return None  # the bureau cannot be asked: the caller keeps the attestation
        raise
    debt = values.get("bank_debt")
    clean: bool | None = None
    if "overdue" in values and "npl_elsewhere" in values:
        clean = values["overdue"] == 0 and values["npl_elsewhere"] == 0
    if debt is None and clean is None:
        return None
    return CreditFacts(debt, clean, tuple(sorted(values)))


def consented_data(
    session: Session, reader: Principal, firm_ids: Iterable[int], purpose: Purpose, on: dt.date
) -> dict[int, dict[str, dict[str, Any]]]:
    """``firm -> source -> field values``: everything the firms' consents in force let ``reader`` read for
    ``purpose`` now, each read through :func:`read_fields` (checked in the database at this moment, so a consent
    revoked a moment ago gives nothing; logged per field). A source that cannot be asked (no USCC, outage) is left
    out. Firms without such a consent are absent."""
    live = [c for c in store.live_consents(session, firm_ids, purpose, on) if c.grantee_id == reader.party_id]
    pairs = sorted({(c.firm_id, c.source) for c in live})
    out: dict[int, dict[str, dict[str, Any]]] = {}
    for firm_id, src in pairs:
        try:
            values = read_fields(session, reader, firm_id, src.value, None, purpose.value, on)
        except IppledgeError as exc:
            if exc.code in (NO_USCC.code, SOURCE_UNAVAILABLE.code, NO_CONSENT.code):
                continue
            raise
        out.setdefault(firm_id, {})[src.value] = values
    return out


def tax_grades(session: Session, reader: Principal, firm_ids: Iterable[int], on: dt.date) -> dict[int, str]:
    """``firm -> 纳税信用等级`` for the firms whose consent in force lets ``reader`` (the platform operator building a
    whitelist) read the tax source's ``credit_grade`` for the purpose ``whitelist``; each read logged as any other.
    A firm without such a consent, without a USCC or whose source does not answer is absent (its grade unknown)."""
    field, why = "credit_grade", Purpose.WHITELIST
    live = store.live_consents(session, firm_ids, why, on)
    firms = sorted(
        {c.firm_id for c in live if model.covering([c], reader.party_id, Source.TAX, why, [field], on) is not None}
    )
    out: dict[int, str] = {}
    for firm_id in firms:
        try:
            grade = read_fields(session, reader, firm_id, Source.TAX.value, [field], why.value, on)[field]
        except IppledgeError as exc:
            if exc.code in (NO_USCC.code, SOURCE_UNAVAILABLE.code, NO_CONSENT.code):
                continue  # cannot be asked: the grade stays unknown
            raise
        if grade in model.TAX_GRADES:
            out[firm_id] = str(grade)
    return out


@dataclass(frozen=True)
class Signal:
    """A warning sign on a firm read under a post-loan consent: ``kind`` as the monitoring port names them."""

    firm_id: int
    bank_id: int
    kind: str  # tax_arrears | npl_elsewhere
    ref: str
    detail: str


SYSTEM_ACTOR = "system:post-loan-monitoring"


def post_loan_signals(session: Session, lenders: Iterable[tuple[int, int]], on: dt.date) -> list[Signal]:
    """Tax arrears and NPLs elsewhere for ``(bank_id, firm_id)`` pairs where the firm consented to that bank's
    post-loan monitoring; each read logged as the bank's, by the monitoring run."""
    pairs = sorted(set(lenders))
    live = store.live_consents(session, {f for _, f in pairs}, Purpose.POST_LOAN, on)
    out: list[Signal] = []
    for bank_id, firm_id in pairs:
        mine = [c for c in live if c.firm_id == firm_id and c.grantee_id == bank_id]
        if not mine:
            continue
        reader = Principal(bank_id, PartyKind.BANK, frozenset(), name=SYSTEM_ACTOR)
        checks = ((Source.TAX, "arrears", "tax_arrears"), (Source.CREDIT_BUREAU, "npl_elsewhere", "npl_elsewhere"))
        for src, name, kind in checks:
            if model.covering(mine, bank_id, src, Purpose.POST_LOAN, [name], on) is None:
                continue
            value = read_fields(session, reader, firm_id, src.value, [name], Purpose.POST_LOAN.value, on)[name]
            if value > 0:
                out.append(Signal(firm_id, bank_id, kind, f"gateway:{src.value}:{on}", f"{name} {value}"))
    return out
