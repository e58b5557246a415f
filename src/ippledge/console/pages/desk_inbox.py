"""The later desks' inbox items (待办事项：白名单跟进、保险理赔、名单复核): what ``home.inbox`` adds for the bank's
pushed firms still to follow up, the insurer's open claims, and the platform's draft whitelists another operator
built (the builder cannot publish its own)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from ippledge.access.model import PartyKind, Role
from ippledge.console import i18n
from ippledge.console.sessions import Viewer
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
    return items
