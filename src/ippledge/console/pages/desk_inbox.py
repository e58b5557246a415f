"""The later desks' inbox items (待办事项：白名单跟进、展期审批、保险理赔、名单复核、窗口待受理、对接活动、押品处置):
what ``home.inbox`` adds for the bank's pushed firms still to follow up, the extensions (展期) its approver must decide
by their working-day deadline, the insurer's open claims, the platform's draft whitelists another operator built (the
builder cannot publish its own), the applications the window has not handled yet, the events a firm or the operator
must attend to, and the lots where the bank or its agent has the next step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from ippledge.access import queries as access_queries
from ippledge.access.model import PartyKind, Role
from ippledge.console import i18n
from ippledge.console.pages.post_loan import open_for_approver
from ippledge.console.sessions import Viewer
from ippledge.disposal import api as disposal_api
from ippledge.disposal import queries as disposal_queries
from ippledge.intake import queries as intake_queries
from ippledge.lending import queries as lending_queries
from ippledge.monitoring import api as monitoring_api
from ippledge.outreach import api as outreach_api
from ippledge.risk_sharing import queries as risk_queries
from ippledge.whitelist import api as whitelist_api
from ippledge.whitelist.model import TERMINAL, FeedbackState

PREFIX = "/console"
INSURER_OPEN = ("filed", "proposed", "advanced", "settling")


def _item(title: str, href: str, due_on: dt.date | None = None, overdue: bool = False) -> dict[str, Any]:
    return {"title": title, "href": href, "due_on": due_on, "elapsed": None, "limit": None, "overdue": overdue}


def desk_items(session: Session, viewer: Viewer, today: dt.date) -> list[dict[str, Any]]:
    p, lang = viewer.principal, viewer.lang
    items: list[dict[str, Any]] = []
    if p.party_kind is PartyKind.BANK and p.roles & {Role.CREDIT_OFFICER, Role.APPROVER}:
        for head in whitelist_api.list_pushes(session, p, today, None):
            for i in whitelist_api.get_push(head.id, session, p, today).items:
                if FeedbackState(i.state) not in TERMINAL:
                    title = f"{i18n.t('ui.pushes', lang)} · {i.name} · {i18n.t(f'fb.{i.state}', lang)}"
                    items.append(_item(title, f"{PREFIX}/whitelist/items/{i.id}", i.due_on, i.overdue))
    if p.party_kind is PartyKind.BANK and p.has(Role.APPROVER):
        for a in open_for_approver(monitoring_api.list_actions(session, p, None, "proposed")):
            if a.proposed_by != p.actor:  # the proposer cannot decide its own (maker-checker)
                title = f"{i18n.t('ui.actions_to_decide', lang)} · {i18n.t(f'act.{a.kind}', lang)} · {a.subject}"
                items.append(_item(title, f"{PREFIX}/loans/{a.loan_id}", a.act_by, a.act_by < today))
        for e in lending_queries.extensions_to_decide(session, p.party_id):
            if e.proposed_by != p.actor[:64]:  # 展期: the proposer cannot decide its own either
                what = f"{e.contract_no} · {e.months} {i18n.t('ui.months', lang)}"
                title = f"{i18n.t('ui.extensions_to_decide', lang)} · {what}"
                late = e.decide_by is not None and e.decide_by < today
                items.append(_item(title, f"{PREFIX}/loans/{e.loan_id}#extensions", e.decide_by, late))
    if p.party_kind in (PartyKind.INSURER, PartyKind.GUARANTOR) and p.roles & {Role.UNDERWRITER, Role.APPROVER}:
        for c in risk_queries.covered_claims(session, p):
            if c.status in INSURER_OPEN:
                title = f"{i18n.t('ui.insurer_claims', lang)} #{c.id} · {i18n.t(f'claim.{c.status}', lang)}"
                late = c.status in ("filed", "proposed") and c.review_due < today
                items.append(_item(title, f"{PREFIX}/insurer/claims/{c.id}", c.review_due, late))
    if p.party_kind is PartyKind.PLATFORM and p.has(Role.OPERATOR):
        for lst in whitelist_api.list_lists(session, p, "draft"):
            if lst.built_by != p.actor:
                title = f"{i18n.t('ui.whitelists', lang)} · {lst.name} · {i18n.t('wl.draft', lang)}"
                items.append(_item(title, f"{PREFIX}/whitelists/{lst.id}"))
    desks = window_items(session, viewer, today) + event_items(session, viewer, today) + lot_items(session, viewer)
    return items + desks


def lot_items(session: Session, viewer: Viewer) -> list[dict[str, Any]]:
    """押品处置: the lots where the viewer's bank or agent has the next step (a round to close or announce, a payment
    due, a settlement to make: the bank's)."""
    p, lang = viewer.principal, viewer.lang
    bank = p.party_kind is PartyKind.BANK and bool(p.roles & {Role.CREDIT_OFFICER, Role.APPROVER})
    if not (bank or (p.party_kind is PartyKind.IP_OPERATOR and p.has(Role.OPERATOR))):
        return []
    items: list[dict[str, Any]] = []
    for w in disposal_queries.lots_to_work(session, p.party_id, bank, disposal_api.server_time()):
        title = f"{i18n.t('ui.lot_work', lang)} lot:{w.lot_id} · {i18n.t(f'work.{w.step}', lang)}"
        due = w.due_at.date() if w.due_at is not None else None
        items.append(_item(title, f"{PREFIX}/disposal/lots/{w.lot_id}", due))
    return items


def window_items(session: Session, viewer: Viewer, today: dt.date) -> list[dict[str, Any]]:
    """窗口待受理: the window officer's (the platform operator's) applications received and not yet accepted or
    returned, each with its working-day deadline; the inbox's sort puts the overdue first."""
    p, lang = viewer.principal, viewer.lang
    if not (p.party_kind is PartyKind.PLATFORM and p.has(Role.OPERATOR)):
        return []
    pending = intake_queries.unhandled_at_window(session, p, today)
    names = access_queries.names_of(session, {w.applicant_id for w in pending})
    label = i18n.t("ui.window_pending", lang)
    return [
        _item(
            f"{label} · {w.application_no} · {names.get(w.applicant_id, '')}",
            f"{PREFIX}/window/applications/{w.application_id}",
            w.due_on,
            w.overdue,
        )
        for w in pending
    ]


def event_items(session: Session, viewer: Viewer, today: dt.date) -> list[dict[str, Any]]:
    """对接活动: a firm's coming events it signed up for; the platform operator's held events whose attendance is
    marked but whose banks' follow-up tasks are not yet opened."""
    p, lang = viewer.principal, viewer.lang
    items: list[dict[str, Any]] = []
    if p.party_kind is PartyKind.ENTERPRISE and p.has(Role.ENTERPRISE_USER):
        mine = {s.event_id for s in outreach_api.list_signups(session, p, None, 5000)}
        for e in outreach_api.list_events(p, session, 200):
            if e.id in mine and e.held_on >= today:
                items.append(_item(f"{i18n.t('ui.events', lang)} · {e.title}", f"{PREFIX}/events/{e.id}", e.held_on))
    if p.party_kind is PartyKind.PLATFORM and p.has(Role.OPERATOR):
        for e in outreach_api.list_events(p, session, 200):
            if e.held_on <= today and e.attended and e.follow_ups_on is None:
                title = f"{i18n.t('ui.events', lang)} · {e.title} · {i18n.t('ui.ev_open_follow_ups', lang)}"
                items.append(_item(title, f"{PREFIX}/events/{e.id}"))
    return items
