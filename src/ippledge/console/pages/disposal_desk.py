"""The disposal agent's part of a lot's page (处置机构工作台): who may act for a lot, the rule set's plan and the next
round's limits, the live round's bidders, and what the bank or agent can do next; plus the helpers its forms share
(an amount typed in 万元, a refusal beside its field, a typed date).

Whoever the API lets act draws the forms: the lot's bank (its credit officers and approvers) or its appointed
disposal agent (the institution's operators); 以物抵债 and settlement are the bank's alone, as in the service.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from ippledge.access import queries as access_queries
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.console import i18n
from ippledge.console.sessions import Viewer
from ippledge.disposal import api as disposal_api
from ippledge.disposal import model
from ippledge.disposal import queries as disposal_queries
from ippledge.disposal.schemas import LotOut
from ippledge.kernel.errors import IppledgeError

BANK_DESK = frozenset({Role.CREDIT_OFFICER, Role.APPROVER})
MONEY_FORMS = ("bidder", "payment", "renege", "satisfaction", "settle")
WAN = Decimal(10000)


def acts_for(p: Principal, lot: LotOut) -> bool:
    """The lot's bank (a credit officer or approver) or its agent (an operator) may work the lot."""
    if p.party_id == lot.bank_id and p.party_kind is PartyKind.BANK:
        return bool(p.roles & BANK_DESK)
    return p.party_id == lot.agent_id and p.has(Role.OPERATOR)


def is_bank(p: Principal, lot: LotOut) -> bool:
    return p.party_kind is PartyKind.BANK and p.party_id == lot.bank_id and bool(p.roles & BANK_DESK)


def wan_to_yuan(text: str) -> Decimal | None:
    """An amount typed in 万元 as yuan to the fen; ``None`` when it is not a positive amount of whole fen."""
    try:
        value = Decimal(text.replace(",", "").replace("，", "").strip()) * WAN
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value <= 0 or value > Decimal("1e14") or value != value.quantize(model.FEN):
        return None
    return value.quantize(model.FEN)


def refusal(exc: IppledgeError, lang: str) -> str:
    return i18n.both((exc.message_zh, exc.message_en), lang)


def _next_round(lot: LotOut) -> dict[str, Any] | None:
    """The next round's limits under the lot's rule set (the lowest start price, the deposit range at it, the
    increment, the notice), or ``None`` when no round may be scheduled now."""
    rounds = lot.rounds
    if lot.status != "open" or (rounds and rounds[-1].status not in ("failed", "reneged")):
        return None
    rules = model.load_rules(lot.rules.split("/")[0])
    number = len(rounds) + 1
    sale = number > rules.auction_rounds
    last = rounds[-1].start_price if rounds else None
    if sale and (not rules.sale_at_last_start_price or last is None):
        return None
    floor = last if sale and last is not None else model.min_start_price(rules, lot.appraisal, last)
    low, high = model.deposit_range(rules, floor)
    return {
        "number": number,
        "stage": "sale" if sale else "auction",
        "floor": floor,
        "deposit_low": low,
        "deposit_high": high,
        "increment": model.increment(rules, floor),
        "notice_days": rules.notice_days_first if number == 1 else rules.notice_days_again,
        "step_down": rules.step_down_max,
        "formats": ("english",) if sale else model.FORMATS,
    }


def agent_ctx(session: Session, viewer: Viewer, lot: LotOut) -> dict[str, Any]:
    """What the lot's page shows its bank or agent: the plan, the next round's limits and the steps open now. A
    registry officer sees the transfer filings to record."""
    p = viewer.principal
    filings = disposal_queries.filings_of(session, lot.id) if lot.status == "settled" else []
    ctx: dict[str, Any] = {"agent": None, "filings": filings, "registrar": p.has(Role.REGISTRY_OFFICER)}
    if not acts_for(p, lot):
        return ctx
    last = lot.rounds[-1] if lot.rounds else None
    live = last if last is not None and last.status == "scheduled" else None
    bidders = disposal_queries.round_bidders(session, live.id) if live is not None else []
    rules = model.load_rules(lot.rules.split("/")[0])
    satisfaction = None
    failed = lot.status == "open" and last is not None and last.status == "failed"
    if is_bank(p, lot) and failed and last is not None and rules.satisfaction_at_reserve:
        satisfaction = model.satisfaction_price(last.stage, last.start_price)
    ctx["agent"] = {
        "plan": disposal_api.plan(p, str(lot.appraisal), rules.name),
        "next": _next_round(lot),
        "live": live,
        "bidders": bidders,
        "bidder_names": access_queries.names_of(session, [b.party_id for b in bidders]),
        "won": last if last is not None and last.status == "won" else None,
        "satisfaction": satisfaction,
        "settle": is_bank(p, lot) and lot.status == "sold",
        "bank": is_bank(p, lot),
    }
    return ctx


def parse_day(text: str, default: dt.date) -> dt.date | None:
    if not text.strip():
        return default
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
