"""Event use cases (对接活动): announce an event, sign firms up (one by one or from a file with per-line errors),
record attendance, and open the invited banks' follow-up tasks for the attending firms.

The follow-up tasks are whitelist pushes without a list (``whitelist.service.open_event_follow_ups``): the same
states, working-day limits, feedback and escalation to the regulator -- one implementation (record 0032). Demands
collected at an event are entered through ``demand`` with the event's id. Flushes only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access import queries as access_queries
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.kernel.calendar import default_calendar
from ippledge.kernel.errors import IppledgeError
from ippledge.kernel.identifiers import uscc as uscc_id
from ippledge.kernel.text import check_name
from ippledge.outbox import events as outbox
from ippledge.outreach import errors, files, model, store
from ippledge.outreach.model import EventKind, SignupSource
from ippledge.outreach.tables import OutreachEvent, OutreachInvite, OutreachSignup
from ippledge.whitelist import guards as whitelist_guards
from ippledge.whitelist import service as whitelist
from ippledge.whitelist.model import FeedbackState, TimeLimits

MAX_FILE_BYTES: Final = 1024 * 1024


def _is_operator(principal: Principal) -> bool:
    return principal.party_kind is PartyKind.PLATFORM and bool(principal.roles & {Role.OPERATOR, Role.ADMIN})


def require_organiser(principal: Principal) -> None:
    """The platform operator or the regulator announces and runs events."""
    if not (_is_operator(principal) or principal.party_kind is PartyKind.REGULATOR):
        raise errors.ORGANISER_ONLY()


def event_or_404(session: Session, event_id: int) -> OutreachEvent:
    row = store.event_for_update(session, event_id)
    if row is None:
        raise errors.EVENT_NOT_FOUND(id=event_id)
    return row


def create_event(
    session: Session,
    principal: Principal,
    *,
    kind: EventKind,
    title: str,
    held_on: dt.date,
    capacity: int,
    bank_ids: Sequence[int],
    today: dt.date,
    park: str | None = None,
    region_code: str | None = None,
    note: str = "",
) -> OutreachEvent:
    """Announce an event; every bad part is listed and nothing is written."""
    require_organiser(principal)
    problems = model.event_problems(title, held_on, capacity, list(bank_ids), today)
    if problems:
        raise errors.EVENT_INVALID(
            why_zh="；".join(p[1] for p in problems),
            why_en="; ".join(p[2] for p in problems),
            problems=[{"path": p[0], "message_zh": p[1], "message_en": p[2]} for p in problems],
        )
    banks = access_queries.parties(session, bank_ids)
    bad = sorted(
        b for b in set(bank_ids) if b not in banks or banks[b].kind is not PartyKind.BANK or not banks[b].active
    )
    if bad:
        raise errors.BANKS_INVALID(party_ids=bad)
    row = OutreachEvent(
        kind=EventKind(kind).value,
        title=check_name(title, "title"),
        park=check_name(park, "park") if park else None,
        region_code=region_code,
        held_on=held_on,
        capacity=capacity,
        note=note,
        organiser_id=principal.party_id,
        created_by=principal.actor,
    )
    session.add(row)
    session.flush()
    session.add_all(OutreachInvite(event_id=row.id, bank_id=b) for b in sorted(set(bank_ids)))
    session.flush()
    audit.record(session, principal, "outreach.event_created", "outreach_event", row.id, {"held_on": str(held_on)})
    return row


def _firm_to_sign(session: Session, principal: Principal, enterprise_id: int | None) -> tuple[int, SignupSource]:
    if principal.party_kind is PartyKind.ENTERPRISE:
        if enterprise_id not in (None, principal.party_id):
            raise errors.WHO_SIGNS_UP()
        return principal.party_id, SignupSource.FIRM
    if not _is_operator(principal) or enterprise_id is None:
        raise errors.WHO_SIGNS_UP()
    if access_queries.party_kind(session, enterprise_id) is not PartyKind.ENTERPRISE:
        raise errors.UNKNOWN_FIRM(party_id=enterprise_id)
    return enterprise_id, SignupSource.OPERATOR


def sign_up(
    session: Session, principal: Principal, event_id: int, today: dt.date, enterprise_id: int | None = None
) -> OutreachSignup:
    """A firm signs up (or the operator signs it up) until the end of the event's day, while places remain."""
    firm_id, source = _firm_to_sign(session, principal, enterprise_id)
    event = event_or_404(session, event_id)
    if model.signup_closed(event.held_on, today):
        raise errors.SIGNUP_CLOSED(held_on=str(event.held_on))
    already = store.signed_up(session, event_id)
    if firm_id in already:
        raise errors.ALREADY_SIGNED_UP()
    if model.is_full(len(already), event.capacity):
        raise errors.EVENT_FULL(capacity=event.capacity)
    row = OutreachSignup(
        event_id=event_id, enterprise_id=firm_id, signed_on=today, source=source.value, created_by=principal.actor
    )
    session.add(row)
    session.flush()
    audit.record(session, principal, "outreach.signed_up", "outreach_signup", row.id, {"event_id": event_id})
    return row


@dataclass(frozen=True)
class ImportResult:
    event_id: int
    total: int
    loaded: int
    rejected: int
    errors: list[dict[str, Any]] = field(default_factory=list)


def _line_error(line: int, value: str, exc: IppledgeError) -> dict[str, Any]:
    return {"line": line, "uscc": value, "code": exc.code, "message_zh": exc.message_zh, "message_en": exc.message_en}


def import_signups(
    session: Session,
    principal: Principal,
    event_id: int,
    content: bytes,
    today: dt.date,
    *,
    all_or_nothing: bool = False,
) -> ImportResult:
    """Sign up the firms of a CSV or Excel (.xlsx) file (header with a ``uscc`` column; other columns are ignored),
    one a line. Every line is checked first (malformed code, unknown firm, already signed up, twice in the file, no
    place left) and each bad one listed with its line number. Then the good lines are signed up -- or, with
    ``all_or_nothing``, none at all when any line is bad (``loaded`` 0, nothing written, not even the audit)."""
    if not _is_operator(principal):
        raise errors.WHO_SIGNS_UP()
    if len(content) > MAX_FILE_BYTES:
        raise errors.FILE_FORMAT()
    rows = files.rows(content)
    header = [h.strip().lower() for h in rows[0]] if rows else []
    if "uscc" not in header:
        raise errors.FILE_FORMAT()
    col = header.index("uscc")
    event = event_or_404(session, event_id)
    if model.signup_closed(event.held_on, today):
        raise errors.SIGNUP_CLOSED(held_on=str(event.held_on))
    body = [(n, (r[col] if col < len(r) else "").strip()) for n, r in enumerate(rows[1:], start=2) if any(r)]
    codes = [uscc_id.compact(v) for _, v in body if uscc_id.is_valid(v)]
    firms = access_queries.enterprises_by_uscc(session, codes)
    taken = set(store.signed_up(session, event_id))
    problems: list[dict[str, Any]] = []
    good: list[tuple[int, int]] = []
    for n, value in body:
        try:
            code = uscc_id.validate(value)
            hit = firms.get(code)
            if hit is None:
                raise errors.UNKNOWN_FIRM(party_id=code)
            if hit[0] in taken:
                raise errors.ALREADY_SIGNED_UP()
            if model.is_full(len(taken), event.capacity):
                raise errors.EVENT_FULL(capacity=event.capacity)
        except IppledgeError as exc:
            problems.append(_line_error(n, value, exc))
            continue
        taken.add(hit[0])
        good.append((n, hit[0]))
    if all_or_nothing and problems:
        return ImportResult(event_id, len(body), 0, len(problems), problems)
    session.add_all(
        OutreachSignup(
            event_id=event_id,
            enterprise_id=firm_id,
            signed_on=today,
            source=SignupSource.IMPORT.value,
            line_no=n,
            created_by=principal.actor,
        )
        for n, firm_id in good
    )
    session.flush()
    result = ImportResult(event_id, len(body), len(good), len(problems), problems)
    audit.record(
        session,
        principal,
        "outreach.signups_imported",
        "outreach_event",
        event_id,
        {"loaded": result.loaded, "bad": result.rejected},
    )
    return result


def record_attendance(
    session: Session,
    principal: Principal,
    event_id: int,
    enterprise_ids: Sequence[int],
    today: dt.date,
    attended: bool = True,
) -> OutreachEvent:
    """Record who came (签到) on or after the event's day; a firm that did not sign up refuses the whole call."""
    require_organiser(principal)
    event = event_or_404(session, event_id)
    if not model.held(event.held_on, today):
        raise errors.NOT_HELD(held_on=str(event.held_on))
    signed = store.signed_up(session, event_id)
    missing = sorted(set(enterprise_ids) - set(signed))
    if missing:
        raise errors.NOT_SIGNED_UP(party_ids=missing)
    for firm_id in sorted(set(enterprise_ids)):
        signed[firm_id].attended = attended
    session.flush()
    audit.record(
        session,
        principal,
        "outreach.attendance",
        "outreach_event",
        event_id,
        {"firms": len(set(enterprise_ids)), "attended": attended},
    )
    return event


def open_follow_ups(
    session: Session,
    principal: Principal,
    event_id: int,
    today: dt.date,
    limits: TimeLimits = TimeLimits(),
) -> list[tuple[int, int, int]]:
    """After the event, each invited bank gets a follow-up task per attending firm (活动后续对接), worked and escalated
    as a whitelist push, and an ``outreach.follow_ups`` event. Once per event. ``[(push id, bank id, firms)]``."""
    whitelist_guards.require_operator(principal)  # pushes are the platform operator's, from a list or from an event
    event = event_or_404(session, event_id)
    if not model.held(event.held_on, today):
        raise errors.NOT_HELD(held_on=str(event.held_on))
    if event.follow_ups_on is not None:
        raise errors.FOLLOW_UPS_DONE(on=str(event.follow_ups_on))
    came = [s for s in store.signed_up(session, event_id).values() if s.attended]
    if not came:
        raise errors.NO_ATTENDEES()
    firms = [whitelist.FollowUpFirm(s.enterprise_id, rank) for rank, s in enumerate(came, start=1)]
    banks = store.invited(session, [event_id]).get(event_id, [])
    opened = whitelist.open_event_follow_ups(session, principal, event_id, banks, firms, today, limits)
    names = access_queries.parties(session, [f.enterprise_id for f in firms])
    due = limits.due(default_calendar(), FeedbackState.PUSHED, today)
    for push, items in opened:
        payload = {
            "event_id": event_id,
            "push_id": push.id,
            "title": event.title,
            "held_on": str(event.held_on),
            "respond_by": str(due),
            "firms": [
                {
                    "item_id": it.id,
                    "enterprise_id": it.enterprise_id,
                    "name": names[it.enterprise_id].name,
                    "uscc": names[it.enterprise_id].uscc,
                }
                for it in items
            ],
        }
        outbox.publish(session, "outreach.follow_ups", payload, party_id=push.bank_id)
    event.follow_ups_on = today
    session.flush()
    return [(p.id, p.bank_id, len(items)) for p, items in opened]
