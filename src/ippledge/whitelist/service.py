"""Whitelist use cases (白名单与双向推送): criteria versions, building and reviewing lists, pushing them to banks, the
banks' feedback and its escalation, and the reverse push (反向推送).

- **Criteria** are versioned data (``whitelist.model.Criteria``); a list records the version it was built from.
- **Build** evaluates every enterprise on the register on ``as_of`` against the criteria, with facts read set-wise
  from the register (designations, patents in force, abnormal-application flags), the valuation engine's batch score
  and, through a port, the tax credit grade. The firms that pass are ranked; those held back by an unknown fact are
  counted. **Review** is maker-checker: another operator publishes or rejects it.
- **Push** sends the top firms of a published list to chosen banks through the outbox (``whitelist.pushed``: webhooks
  and the pull feed), each firm with its reasons; each pushed firm gets a due date in working days.
- **Feedback**: the bank moves each firm forward (contacted, visited, applied, approved) or declines it with a reason
  code; **escalation** reports every follow-up past its due date to the regulator (``whitelist.follow_up_overdue``).
- **Reverse push**: a bank sends up to 10,000 USCCs and gets, per code, the firm's valid patents and inventions,
  pledge status, annuity risk, abnormal-application flags and whitelist status; a malformed code is reported on its
  line with the reason while the others answer. Every fact is read with grouped queries per chunk, never per code.

Flushes only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access import queries as access_queries
from ippledge.access.approval_rules import check_four_eyes
from ippledge.access.model import PartyKind, Principal
from ippledge.kernel.calendar import default_calendar
from ippledge.kernel.errors import IppledgeError
from ippledge.kernel.identifiers import uscc as uscc_id
from ippledge.kernel.text import check_name
from ippledge.outbox import events
from ippledge.pledge import queries as pledge_queries
from ippledge.registry import queries as registry_queries
from ippledge.registry.model import Designation
from ippledge.valuation import queries as valuation_queries
from ippledge.whitelist import errors, follow_ups, model, ports, store
from ippledge.whitelist.guards import require_operator
from ippledge.whitelist.model import (
    ANNUITY_SOON_DAYS,
    MAX_REVERSE_BATCH,
    Candidate,
    Fact,
    FeedbackState,
    ListStatus,
    Outcome,
    TimeLimits,
)
from ippledge.whitelist.tables import (
    Whitelist,
    WhitelistCriteria,
    WhitelistMember,
    WhitelistPush,
)

SYSTEM: Final = "system:whitelist"
MAX_PUSH: Final = store.MAX_PUSH


# -- criteria -----------------------------------------------------------------------------------------------------


def add_criteria(
    session: Session, principal: Principal, code: str, name: str, rules: Any, effective_from: dt.date
) -> WhitelistCriteria:
    """A new version of the criteria ``code`` (the first when the code is new); earlier versions stay as they were."""
    require_operator(principal)
    try:
        parsed = model.parse_criteria(rules)
    except model.RuleError as exc:
        raise errors.CRITERIA_INVALID(problems=exc.problems, summary="; ".join(exc.problems)) from None
    code = check_name(code, "code")
    row = WhitelistCriteria(
        code=code,
        version_no=store.next_version(session, code),
        name=check_name(name, "name"),
        rules=json.dumps(parsed.to_dict(), ensure_ascii=False, sort_keys=True),
        effective_from=effective_from,
        created_by=principal.actor,
    )
    session.add(row)
    session.flush()
    audit.record(session, principal, "whitelist.criteria_added", "whitelist_criteria", row.id, {"code": code})
    return row


def criteria_of(row: WhitelistCriteria) -> model.Criteria:
    return model.parse_criteria(json.loads(row.rules))


# -- facts --------------------------------------------------------------------------------------------------------

_DESIGNATION_FACT: Final = {
    Designation.IP_DEMONSTRATION.value: Fact.IP_DEMONSTRATION,
    Designation.IP_ADVANTAGE.value: Fact.IP_ADVANTAGE,
    Designation.SPECIALISED.value: Fact.SPECIALISED,
    Designation.HIGH_TECH.value: Fact.HIGH_TECH,
}


def firm_facts(
    session: Session, reader: Principal, enterprise_ids: Sequence[int], on: dt.date
) -> dict[int, dict[Fact, Any]]:
    """Every fact a criterion may test, for many firms at once. A designation the register does not record is
    *false* (the published lists are complete for their kind); an IP score without any valued patent and a tax grade
    the gateway does not give ``reader`` under the firm's consent are *unknown* (``None``)."""
    ids = sorted(set(enterprise_ids))
    designations = registry_queries.designations(session, ids, on)
    high_tech = registry_queries.high_tech_flags(session, ids)
    ip = registry_queries.firm_ip_facts(session, ids, on, ANNUITY_SOON_DAYS)
    patents = registry_queries.patents_in_force_of(session, ids)
    scores = valuation_queries.latest_scores(session, [a for v in patents.values() for a in v], on)
    grades = ports.tax_grades(session, reader, ids, on)
    out: dict[int, dict[Fact, Any]] = {}
    for pid in ids:
        facts: dict[Fact, Any] = {f: False for f in model.BOOLEAN_FACTS}
        parks: set[str] = set()
        for d in designations.get(pid, []):
            if d.kind == Designation.PARK.value and d.detail:
                parks.add(d.detail)
            elif d.kind in _DESIGNATION_FACT:
                facts[_DESIGNATION_FACT[d.kind]] = True
        if pid in high_tech:
            facts[Fact.HIGH_TECH] = True
        facts[Fact.PARK] = frozenset(parks)
        known = [scores[a] for a in patents.get(pid, []) if a in scores]
        facts[Fact.IP_SCORE] = round(max(known), 2) if known else None
        f = ip[pid]
        facts[Fact.VALID_PATENTS] = f.valid_patents
        facts[Fact.VALID_INVENTIONS] = f.valid_inventions
        facts[Fact.ABNORMAL_APPLICATIONS] = f.abnormal_applications
        facts[Fact.TAX_GRADE] = grades.get(pid)
        out[pid] = facts
    return out


# -- lists --------------------------------------------------------------------------------------------------------


def build_list(
    session: Session,
    principal: Principal,
    criteria_id: int,
    name: str,
    as_of: dt.date,
    valid_from: dt.date,
    valid_to: dt.date,
) -> Whitelist:
    """Build a draft list from one criteria version on ``as_of``: every enterprise on the register is judged."""
    require_operator(principal)
    crit_row = session.get(WhitelistCriteria, criteria_id)
    if crit_row is None:
        raise errors.CRITERIA_NOT_FOUND(id=criteria_id)
    if valid_to < valid_from:
        raise errors.LIST_DATES(valid_from=str(valid_from), valid_to=str(valid_to))
    crit = criteria_of(crit_row)
    ids = registry_queries.enterprise_ids(session)
    facts = firm_facts(session, principal, ids, as_of)
    verdicts = [Candidate(pid, model.evaluate(crit, facts[pid])) for pid in ids]
    ranked = model.rank(verdicts)
    unknown = sum(1 for c in verdicts if c.verdict.outcome is Outcome.UNKNOWN)
    if not ranked:
        raise errors.LIST_EMPTY(unknown=unknown)
    row = Whitelist(
        criteria_id=criteria_id,
        name=check_name(name, "name"),
        as_of=as_of,
        valid_from=valid_from,
        valid_to=valid_to,
        status=ListStatus.DRAFT.value,
        considered=len(ids),
        unknown=unknown,
        built_by=principal.actor,
        built_by_user=principal.user_id,
    )
    session.add(row)
    session.flush()
    session.add_all(
        WhitelistMember(
            whitelist_id=row.id,
            enterprise_id=c.enterprise_id,
            rank=r,
            score=c.verdict.score,
            reasons=json.dumps([x.to_dict() for x in c.verdict.reasons], ensure_ascii=False),
        )
        for r, c in ranked
    )
    session.flush()
    audit.record(
        session,
        principal,
        "whitelist.built",
        "whitelist",
        row.id,
        {"criteria_id": criteria_id, "members": len(ranked), "unknown": unknown, "as_of": str(as_of)},
    )
    return row


def _list(session: Session, list_id: int) -> Whitelist:
    row = session.get(Whitelist, list_id, with_for_update=True)
    if row is None:
        raise errors.LIST_NOT_FOUND(id=list_id)
    return row


def review_list(
    session: Session, principal: Principal, list_id: int, decision: str, note: str, today: dt.date
) -> Whitelist:
    """Another operator publishes (``approve``) or rejects a draft list (双人复核: the builder never reviews)."""
    require_operator(principal)
    if decision not in ("approve", "reject"):
        raise errors.REVIEW_DECISION(decision=decision)
    row = _list(session, list_id)
    if row.status != ListStatus.DRAFT:
        raise errors.LIST_STATE(status=row.status, action="reviewed")
    check_four_eyes(row.built_by_user, principal.user_id)
    row.status = (ListStatus.PUBLISHED if decision == "approve" else ListStatus.REJECTED).value
    row.reviewed_by = principal.actor
    row.review_note = note
    if decision == "approve":
        row.published_on = today
    session.flush()
    audit.record(session, principal, f"whitelist.{row.status}", "whitelist", row.id, {"note": note})
    return row


# -- push and feedback --------------------------------------------------------------------------------------------


def push_list(
    session: Session,
    principal: Principal,
    list_id: int,
    bank_ids: Sequence[int],
    top_n: int,
    today: dt.date,
    limits: TimeLimits = TimeLimits(),
) -> list[WhitelistPush]:
    """Push the ``top_n`` firms of a published list to each bank (once per bank and list), through the outbox."""
    require_operator(principal)
    if not 1 <= top_n <= MAX_PUSH:
        raise errors.PUSH_LIMITS(max=MAX_PUSH)
    follow_ups.check_limits(limits)
    row = _list(session, list_id)
    if row.status != ListStatus.PUBLISHED:
        raise errors.LIST_STATE(status=row.status, action="pushed")
    if not row.valid_from <= today <= row.valid_to:
        raise errors.LIST_STATE(status=f"valid {row.valid_from}..{row.valid_to}", action=f"pushed on {today}")
    follow_ups.check_banks(session, bank_ids)
    again = store.pushed_banks(session, list_id) & set(bank_ids)
    if again:
        raise errors.PUSH_AGAIN(party_ids=sorted(again))
    members = store.members(session, list_id, top_n)
    names = access_queries.parties(session, [m.enterprise_id for m in members])
    due = limits.due(default_calendar(), FeedbackState.PUSHED, today)
    out: list[WhitelistPush] = []
    for bank_id in sorted(set(bank_ids)):
        firms_in = [follow_ups.Firm(m.enterprise_id, m.rank) for m in members]
        push, items = follow_ups.open_push(
            session, principal.actor, bank_id, firms_in, today, limits, whitelist_id=list_id
        )
        firms = [
            {
                "item_id": it.id,
                "rank": m.rank,
                "enterprise_id": m.enterprise_id,
                "name": names[m.enterprise_id].name,
                "uscc": names[m.enterprise_id].uscc,
                "score": m.score,
                "reasons": json.loads(m.reasons),
            }
            for it, m in zip(items, members, strict=True)
        ]
        payload = {
            "push_id": push.id,
            "whitelist_id": list_id,
            "list_name": row.name,
            "pushed_on": str(today),
            "respond_by": str(due),
            "firms": firms,
        }
        events.publish(session, "whitelist.pushed", payload, party_id=bank_id)
        audit.record(session, principal, "whitelist.pushed", "whitelist_push", push.id, {"firms": len(members)})
        out.append(push)
    return out


# The follow-up machinery (shared with events' follow-up tasks) lives in ``follow_ups``; these names stay here.
report_feedback = follow_ups.report_feedback
escalate_overdue = follow_ups.escalate_overdue
open_event_follow_ups = follow_ups.open_event_follow_ups  # an event's follow-up tasks (outreach, record 0032)
FollowUpFirm = follow_ups.Firm


# -- reverse push -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReverseAnswer:
    """What the platform answers about one USCC of a bank's batch (反向推送结果)."""

    line: int
    uscc: str
    found: bool
    enterprise_id: int | None = None
    name: str | None = None
    valid_patents: int = 0
    valid_inventions: int = 0
    pledged: bool = False
    pledges_in_force: int = 0
    pledged_assets: int = 0
    annuity_risk: str = model.AnnuityRisk.NONE.value
    annuities_past_grace: int = 0
    annuities_in_grace: int = 0
    annuities_due_soon: int = 0
    abnormal_applications: int = 0
    ip_abuse_flag: bool = False
    whitelisted: bool = False
    whitelists: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class LineError:
    line: int
    uscc: str
    code: str
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class ReverseResult:
    as_of: dt.date
    answers: list[ReverseAnswer]
    errors: list[LineError]


def reverse_push(session: Session, principal: Principal, usccs: Sequence[str], today: dt.date) -> ReverseResult:
    """Answer a bank's batch of applicants' USCCs (lines numbered from 1); bad codes become line errors."""
    if principal.party_kind not in (PartyKind.BANK, PartyKind.PLATFORM):
        raise errors.REVERSE_BANK_ONLY()
    if not 1 <= len(usccs) <= MAX_REVERSE_BATCH:
        raise errors.REVERSE_BATCH(max=MAX_REVERSE_BATCH, count=len(usccs))
    good: list[tuple[int, str]] = []
    bad: list[LineError] = []
    for line, raw in enumerate(usccs, start=1):
        text = raw if isinstance(raw, str) else str(raw)
        try:
            good.append((line, uscc_id.validate(text)))
        except IppledgeError as exc:
            bad.append(LineError(line, text, exc.code, exc.message_zh, exc.message_en))
    firms = access_queries.enterprises_by_uscc(session, [c for _, c in good])
    ids = [pid for pid, _ in firms.values()]
    ip = registry_queries.firm_ip_facts(session, ids, today, ANNUITY_SOON_DAYS)
    pledged = pledge_queries.standing_of_pledgors(session, ids)
    listed = store.listed_on(session, ids, today)
    answers: list[ReverseAnswer] = []
    for line, code in good:
        hit = firms.get(code)
        if hit is None:
            answers.append(ReverseAnswer(line, code, False))
            continue
        pid, name = hit
        f = ip[pid]
        p = pledged.get(pid)
        lists = [{"whitelist_id": lid, "name": n, "rank": r} for lid, n, r in listed.get(pid, [])]
        answers.append(
            ReverseAnswer(
                line=line,
                uscc=code,
                found=True,
                enterprise_id=pid,
                name=name,
                valid_patents=f.valid_patents,
                valid_inventions=f.valid_inventions,
                pledged=p is not None,
                pledges_in_force=p.pledges if p else 0,
                pledged_assets=p.assets if p else 0,
                annuity_risk=model.annuity_risk(
                    f.annuities_past_grace, f.annuities_in_grace, f.annuities_due_soon
                ).value,
                annuities_past_grace=f.annuities_past_grace,
                annuities_in_grace=f.annuities_in_grace,
                annuities_due_soon=f.annuities_due_soon,
                abnormal_applications=f.abnormal_applications,
                ip_abuse_flag=f.abnormal_applications > 0,
                whitelisted=bool(lists),
                whitelists=lists,
            )
        )
    audit.record(
        session,
        principal,
        "whitelist.reverse_push",
        "party",
        principal.party_id,
        {"asked": len(usccs), "answered": len(answers), "rejected": len(bad), "on": str(today)},
    )
    return ReverseResult(today, answers, bad)
