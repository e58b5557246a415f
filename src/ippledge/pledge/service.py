"""Pledge filings (质押登记申请): drafting, joint confirmation, submission, withdrawal, change and release filings.

Either side drafts a filing; the pledgor (an enterprise user) and the pledgee (a bank's or guarantor's credit officer)
each confirm it with their own user; only then can it be submitted to the registry, whose decision deadline is counted
in working days from submission. Registry officers decide in ``pledge.decision``; they never draft or confirm.
Services flush, never commit.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access import queries as access_queries
from ippledge.access.model import PLEDGEE_KINDS, PartyKind, Principal, Role
from ippledge.db import utcnow
from ippledge.kernel.calendar import default_calendar
from ippledge.kernel.errors import ValidationError
from ippledge.kernel.identifiers import detect, patent_number
from ippledge.kernel.money import positive_money
from ippledge.outbox import events
from ippledge.pledge import errors, registry_settings, store
from ippledge.pledge.model import (
    Action,
    FilingKind,
    FilingStatus,
    Side,
    check_action,
    decision_due,
    status_after_confirmation,
    terms_amount,
    terms_fen,
)
from ippledge.pledge.tables import Pledge, PledgeFiling, PledgeFilingConsent, PledgeFilingItem
from ippledge.registry import queries as registry_queries

MAX_ITEMS = 200
_PLEDGOR_ROLES = frozenset({Role.ENTERPRISE_USER, Role.ADMIN})
_PLEDGEE_ROLES = frozenset({Role.CREDIT_OFFICER, Role.APPROVER})
_ID_KIND = {
    "patent_application": "patent",
    "patent_number": "patent",
    "trademark": "trademark",
    "copyright": "copyright",
    "software_copyright": "copyright",
}


@dataclass(frozen=True)
class NewFiling:
    """The content of a pledge contract as filed (质押合同)."""

    registry_id: int
    pledgor_id: int
    pledgee_id: int
    ip_numbers: Sequence[str] = ()
    ip_asset_ids: Sequence[int] = ()
    debt_type: str | None = None
    debt_amount: Decimal | str | int | None = None
    debt_start: dt.date | None = None
    debt_end: dt.date | None = None
    security_scope: str | None = None
    forfeiture_clause: bool = False
    confirms_same_day_dual: bool = False
    confirms_invalidation_pending: bool = False
    consenting_coowner_ids: Sequence[int] = field(default_factory=tuple)
    coowner_agreement: str | None = None  # reference of the co-owners' prior agreement (特别约定), when there is one


@dataclass(frozen=True)
class PledgeChangeRequest:
    """A change (变更) of amount, term or parties; ``None`` leaves a term unchanged. ``add_asset_ids`` adds IP to
    the pledge (补充质押, the pledgor's further IP securing the same debt): the registry pre-checks the added IP
    like a new registration (owner, legal state, no other pledge in force) when it decides the change."""

    debt_amount: Decimal | str | int | None = None
    debt_end: dt.date | None = None
    pledgor_id: int | None = None
    pledgee_id: int | None = None
    add_asset_ids: Sequence[int] = ()


def side_of(principal: Principal, pledgor_id: int, pledgee_id: int) -> Side | None:
    """Which side the caller acts for, or None. A registry officer is never a side."""
    ours = principal.party_id
    if principal.party_kind is PartyKind.ENTERPRISE and ours == pledgor_id and principal.roles & _PLEDGOR_ROLES:
        return Side.PLEDGOR
    if principal.party_kind in PLEDGEE_KINDS and ours == pledgee_id and principal.roles & _PLEDGEE_ROLES:
        return Side.PLEDGEE
    return None


def require_side(principal: Principal, pledgor_id: int, pledgee_id: int) -> Side:
    side = side_of(principal, pledgor_id, pledgee_id)
    if side is None:
        raise errors.NOT_A_PARTY()
    return side


_KIND_ERRORS = {"registry": errors.REGISTRY_KIND, "pledgor": errors.PLEDGOR_KIND, "pledgee": errors.PLEDGEE_KIND}


def _party(
    session: Session, party_id: int, kinds: frozenset[PartyKind], role_zh: str, role_en: str
) -> access_queries.PartyView:
    party = access_queries.party(session, party_id)
    if party is None or not party.active:
        raise errors.PARTY_UNKNOWN(role_zh=role_zh, role_en=role_en, party_id=party_id)
    if party.kind not in kinds:
        raise _KIND_ERRORS[role_en](party_id=party_id, kind=party.kind.value)
    return party


def resolve_assets(session: Session, numbers: Sequence[str], ids: Sequence[int]) -> list[int]:
    """IP numbers (any printed form) and ids -> asset ids; malformed or unknown numbers are refused."""
    out: list[int] = list(ids)
    for text in numbers:
        rec = detect.recognise(text)
        if not rec.valid or rec.normalised is None:
            raise ValidationError(
                rec.reason_zh or f"编号无效：{text}",
                rec.reason_en or f"invalid number: {text}",
                code=rec.code or "id.invalid",
                details={"number": text, **rec.details},
            )
        kind = _ID_KIND.get(rec.kind)
        if kind is None:
            raise errors.IP_NUMBER_KIND(number=text)
        number = rec.normalised
        if rec.kind == "patent_number":
            number = patent_number.application_number(number)
        asset_id = registry_queries.asset_id_by_number(session, kind, number)
        if asset_id is None:
            raise errors.IP_NOT_FOUND(number=text)
        out.append(asset_id)
    if not out:
        raise errors.NO_IP()
    if len(out) > MAX_ITEMS:
        raise errors.TOO_MANY_IP(limit=MAX_ITEMS)
    if len(set(out)) != len(out):
        raise errors.DUPLICATE_IP()
    found = registry_queries.existing_asset_ids(session, out)
    if missing := sorted(set(out) - found):
        unknown = errors.IP_NOT_FOUND
        raise unknown.kind(
            "登记簿中没有该知识产权", "no such IP in the register", code=unknown.code, details={"ids": missing}
        )
    return out


def _amount(value: Decimal | str | int | None) -> Decimal | None:
    return None if value is None else positive_money(value)


def _new_filing_no(today: dt.date) -> str:
    return f"PF{today:%Y%m%d}{secrets.token_hex(5).upper()}"


def create_filing(session: Session, principal: Principal, data: NewFiling, today: dt.date) -> PledgeFiling:
    """Draft a filing (设立登记申请). Shape is validated now; registrability is the pre-check's job."""
    require_side(principal, data.pledgor_id, data.pledgee_id)
    _party(session, data.registry_id, frozenset({PartyKind.REGISTRY}), "登记机关", "registry")
    _party(session, data.pledgor_id, frozenset({PartyKind.ENTERPRISE}), "出质人", "pledgor")
    _party(session, data.pledgee_id, PLEDGEE_KINDS, "质权人", "pledgee")
    amount = _amount(data.debt_amount)
    if data.debt_start and data.debt_end and data.debt_end < data.debt_start:
        raise errors.DEBT_DATES()
    asset_ids = resolve_assets(session, data.ip_numbers, data.ip_asset_ids)
    consents = sorted(set(data.consenting_coowner_ids))
    for pid in consents:
        if access_queries.party(session, pid) is None:
            raise errors.PARTY_UNKNOWN(role_zh="共有人", role_en="co-owner", party_id=pid)
    filing = PledgeFiling(
        filing_no=_new_filing_no(today),
        kind=FilingKind.REGISTER.value,
        registry_id=data.registry_id,
        pledgor_id=data.pledgor_id,
        pledgee_id=data.pledgee_id,
        status=FilingStatus.DRAFT.value,
        debt_type=(data.debt_type or "").strip() or None,
        debt_amount=amount,
        debt_start=data.debt_start,
        debt_end=data.debt_end,
        security_scope=(data.security_scope or "").strip() or None,
        forfeiture_clause=data.forfeiture_clause,
        coowner_agreement=(data.coowner_agreement or "").strip() or None,
        confirms_same_day_dual=data.confirms_same_day_dual,
        confirms_invalidation_pending=data.confirms_invalidation_pending,
        created_by=principal.user_id,
    )
    session.add(filing)
    session.flush()
    _add_items(session, filing.id, asset_ids, consents)
    audit.record(
        session,
        principal,
        "pledge.filing_created",
        "pledge_filing",
        filing.id,
        {"kind": filing.kind, "assets": asset_ids, "pledgor": data.pledgor_id, "pledgee": data.pledgee_id},
    )
    return filing


def _add_items(session: Session, filing_id: int, asset_ids: Sequence[int], consents: Sequence[int]) -> None:
    session.add_all(PledgeFilingItem(filing_id=filing_id, ip_asset_id=a) for a in asset_ids)
    session.add_all(PledgeFilingConsent(filing_id=filing_id, party_id=p) for p in consents)
    session.flush()


def consents_of(session: Session, filing_id: int) -> list[int]:
    stmt = select(PledgeFilingConsent.party_id).where(PledgeFilingConsent.filing_id == filing_id)
    return sorted(session.scalars(stmt))


def consents_of_many(session: Session, filing_ids: Sequence[int]) -> dict[int, list[int]]:
    """``consents_of`` of many filings in one query per 500 (a list of filings), every id present."""
    out: dict[int, list[int]] = {f: [] for f in filing_ids}
    for start in range(0, len(filing_ids), 500):
        stmt = select(PledgeFilingConsent.filing_id, PledgeFilingConsent.party_id).where(
            PledgeFilingConsent.filing_id.in_(filing_ids[start : start + 500])
        )
        for filing_id, party_id in session.execute(stmt):
            out[filing_id].append(party_id)
    return {f: sorted(ps) for f, ps in out.items()}


def release_proof(filing: PledgeFiling) -> str | None:
    """The proof that the secured debt is extinguished filed with a release (结清证明), if any."""
    if filing.kind != FilingKind.RELEASE.value or not filing.change_payload:
        return None
    proof = json.loads(filing.change_payload).get("proof")
    return str(proof) if proof else None


def get_filing(session: Session, principal: Principal, filing_id: int) -> PledgeFiling:
    return scope.get_visible(session, PledgeFiling, filing_id, principal)


def confirm(session: Session, principal: Principal, filing_id: int) -> PledgeFiling:
    """One side confirms the filing's content (确认). Repeating a confirmation changes nothing."""
    filing = get_filing(session, principal, filing_id)
    side = require_side(principal, filing.pledgor_id, filing.pledgee_id)
    check_action(FilingStatus(filing.status), Action.CONFIRM)
    now = utcnow()
    if side is Side.PLEDGOR and filing.pledgor_confirmed_at is None:
        filing.pledgor_confirmed_at, filing.pledgor_confirmed_by = now, principal.user_id
    elif side is Side.PLEDGEE and filing.pledgee_confirmed_at is None:
        filing.pledgee_confirmed_at, filing.pledgee_confirmed_by = now, principal.user_id
    else:
        return filing
    confirmed = frozenset(
        s
        for s, at in ((Side.PLEDGOR, filing.pledgor_confirmed_at), (Side.PLEDGEE, filing.pledgee_confirmed_at))
        if at is not None
    )
    filing.status = status_after_confirmation(
        FilingKind(filing.kind), confirmed, release_proof(filing) is not None
    ).value
    session.flush()
    audit.record(session, principal, "pledge.filing_confirmed", "pledge_filing", filing.id, {"side": side.value})
    return filing


def submit(session: Session, principal: Principal, filing_id: int, today: dt.date) -> PledgeFiling:
    """Lodge the confirmed filing with the registry (提交); the decision is due in the registry's working days."""
    filing = get_filing(session, principal, filing_id)
    require_side(principal, filing.pledgor_id, filing.pledgee_id)
    status = FilingStatus(filing.status)
    if filing.kind == FilingKind.RELEASE.value and status is FilingStatus.AWAITING_CONFIRMATIONS:
        raise errors.RELEASE_PROOF_REQUIRED()  # one side alone, no proof: the other side must confirm too
    check_action(status, Action.SUBMIT)
    settings = registry_settings.effective(session, filing.registry_id)
    filing.status = FilingStatus.SUBMITTED.value
    filing.submitted_at = utcnow()
    filing.submitted_on = today
    filing.due_on = decision_due(today, settings.time_limit_working_days, default_calendar(), settings.day_basis)
    session.flush()
    payload = {"filing_no": filing.filing_no, "kind": filing.kind, "due_on": filing.due_on.isoformat()}
    audit.record(session, principal, "pledge.filing_submitted", "pledge_filing", filing.id, payload)
    events.publish(
        session,
        "pledge.filing_submitted",
        {"filing_id": filing.id, **payload},
        filing.registry_id,
        also=(filing.pledgor_id, filing.pledgee_id),
    )
    return filing


def withdraw(session: Session, principal: Principal, filing_id: int) -> PledgeFiling:
    """Withdraw a filing before the registry decides (撤回)."""
    filing = get_filing(session, principal, filing_id)
    require_side(principal, filing.pledgor_id, filing.pledgee_id)
    check_action(FilingStatus(filing.status), Action.WITHDRAW)
    filing.status = FilingStatus.WITHDRAWN.value
    session.flush()
    audit.record(session, principal, "pledge.filing_withdrawn", "pledge_filing", filing.id, {})
    return filing


def _pledge_in_force(session: Session, principal: Principal, pledge_id: int) -> Pledge:
    pledge = scope.get_visible(session, Pledge, pledge_id, principal)
    if pledge.status != "in_force":
        raise errors.NOT_IN_FORCE(registration_no=pledge.registration_no)
    return pledge


def _original_filing(session: Session, pledge_id: int) -> PledgeFiling:
    stmt = select(PledgeFiling).where(
        PledgeFiling.pledge_id == pledge_id, PledgeFiling.kind == FilingKind.REGISTER.value
    )
    filing = session.scalars(stmt).first()
    assert filing is not None, "a registered pledge always has its filing"
    return filing


def _follow_up_filing(
    session: Session, principal: Principal, pledge: Pledge, kind: FilingKind, payload: dict[str, Any], today: dt.date
) -> PledgeFiling:
    origin = _original_filing(session, pledge.id)
    filing = PledgeFiling(
        filing_no=_new_filing_no(today),
        kind=kind.value,
        pledge_id=pledge.id,
        registry_id=pledge.registry_id,
        pledgor_id=pledge.pledgor_id,
        pledgee_id=pledge.pledgee_id,
        status=FilingStatus.DRAFT.value,
        debt_type=origin.debt_type,
        debt_amount=terms_amount(payload["debt_amount_fen"]) if "debt_amount_fen" in payload else pledge.debt_amount,
        currency=pledge.currency,
        debt_start=origin.debt_start,
        debt_end=dt.date.fromisoformat(payload["debt_end"]) if "debt_end" in payload else pledge.debt_end,
        security_scope=origin.security_scope,
        coowner_agreement=origin.coowner_agreement,
        confirms_same_day_dual=origin.confirms_same_day_dual,
        confirms_invalidation_pending=origin.confirms_invalidation_pending,
        change_payload=json.dumps({"base_version": pledge.version, **payload}, sort_keys=True),
        created_by=principal.user_id,
    )
    session.add(filing)
    session.flush()
    assets = [a.id for a in store.pledge_assets(session, pledge.id)]
    assets += [int(a) for a in payload.get("add_asset_ids", ())]
    _add_items(session, filing.id, assets, consents_of(session, origin.id))
    audit.record(
        session,
        principal,
        f"pledge.{kind.value}_filed",
        "pledge_filing",
        filing.id,
        {"pledge_id": pledge.id, **payload},
    )
    return filing


def create_change_filing(
    session: Session, principal: Principal, pledge_id: int, change: PledgeChangeRequest, today: dt.date
) -> PledgeFiling:
    """Draft a change filing (变更登记申请): amount, term (performance deadline) or parties."""
    pledge = _pledge_in_force(session, principal, pledge_id)
    require_side(principal, pledge.pledgor_id, pledge.pledgee_id)
    payload: dict[str, Any] = {}
    if change.debt_amount is not None:
        amount = _amount(change.debt_amount)
        if amount is not None and amount != pledge.debt_amount:
            payload["debt_amount_fen"] = terms_fen(amount)
    if change.debt_end is not None and change.debt_end != pledge.debt_end:
        if change.debt_end <= pledge.effective_on:
            dates = errors.DEBT_DATES
            raise dates.kind(
                "债务履行期限早于质押生效日", "the debt would end before the pledge began", code=dates.code
            )
        payload["debt_end"] = change.debt_end.isoformat()
    if change.pledgor_id is not None and change.pledgor_id != pledge.pledgor_id:
        _party(session, change.pledgor_id, frozenset({PartyKind.ENTERPRISE}), "出质人", "pledgor")
        payload["pledgor_id"] = change.pledgor_id
    if change.pledgee_id is not None and change.pledgee_id != pledge.pledgee_id:
        _party(session, change.pledgee_id, PLEDGEE_KINDS, "质权人", "pledgee")
        payload["pledgee_id"] = change.pledgee_id
    if change.add_asset_ids:
        added = resolve_assets(session, (), list(change.add_asset_ids))
        under = {a.id for a in store.pledge_assets(session, pledge.id)}
        if already := sorted(set(added) & under):
            raise errors.ALREADY_UNDER_PLEDGE(asset_ids=already)
        payload["add_asset_ids"] = sorted(added)
    if not payload:
        raise errors.NO_CHANGE()
    return _follow_up_filing(session, principal, pledge, FilingKind.CHANGE, payload, today)


def create_release_filing(
    session: Session,
    principal: Principal,
    pledge_id: int,
    reason: str | None,
    today: dt.date,
    proof: str | None = None,
) -> PledgeFiling:
    """Draft a release filing (注销登记申请). Filed jointly it needs both confirmations; with ``proof`` that the
    secured debt is extinguished (a settlement letter's or receipt's reference) either party's alone suffices."""
    pledge = _pledge_in_force(session, principal, pledge_id)
    require_side(principal, pledge.pledgor_id, pledge.pledgee_id)
    payload = {"reason": (reason or "").strip() or None, "proof": (proof or "").strip() or None}
    return _follow_up_filing(session, principal, pledge, FilingKind.RELEASE, payload, today)


def release_for_repayment(
    session: Session, principal: Principal, pledge_id: int, today: dt.date, loan_ref: str | None = None
) -> PledgeFiling:
    """The pledgee's system files, confirms and submits a release when the secured loan is repaid (还款解押).

    The registry still decides it like any release filing.
    """
    pledge = _pledge_in_force(session, principal, pledge_id)
    if side_of(principal, pledge.pledgor_id, pledge.pledgee_id) is not Side.PLEDGEE:
        raise errors.NOT_PLEDGEE()
    reason = "repaid" + (f": {loan_ref}" if loan_ref else "")
    # The pledgee's own record of repayment is the proof the debt is extinguished: its confirmation alone suffices.
    proof = f"还款结清 repaid in full: {loan_ref or 'loan'}"
    filing = create_release_filing(session, principal, pledge_id, reason, today, proof)
    confirm(session, principal, filing.id)
    return submit(session, principal, filing.id, today)
