"""The centre's window (一站式受理窗口): the one-time checklist of documents (一次性告知), accept or return.

The window officer (the platform's operator) checks what the firm brought against the checklist
(``model.required_documents``) and either accepts the application (窗口受理: every document there) or returns it with a
reason and the whole list of what is missing, told once (退回补正). A returned application is closed the way a
withdrawal is (its open tasks at the banks and valuers are cancelled with the window's reason); the firm comes back
with a new application and the documents. The receipt is read by whoever may read the application. Services flush,
never commit.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.intake import errors, tasks
from ippledge.intake.model import (
    ApplicationStatus,
    Document,
    WindowOutcome,
    check_reason,
    required_documents,
    window_missing,
)
from ippledge.intake.tables import Application, ApplicationAsset, WindowReceipt
from ippledge.registry import queries as registry

LIVE = (ApplicationStatus.SUBMITTED.value, ApplicationStatus.IN_REVIEW.value)


@dataclass(frozen=True)
class WindowFacts:
    """The window's latest handling of an application: its outcome, the day, what was missing, the reason."""

    id: int
    application_id: int
    outcome: str
    decided_on: dt.date
    presented: list[str]
    missing: list[Document]
    reason: str | None


def _app(session: Session, principal: Principal, application_id: int) -> Application:
    return scope.get_visible(session, Application, application_id, principal)


def window_checklist(session: Session, principal: Principal, application_id: int) -> list[Document]:
    """Every document the window asks for this application (one title document per offered IP)."""
    app = _app(session, principal, application_id)
    ids = list(session.scalars(select(ApplicationAsset.ip_asset_id).where(ApplicationAsset.application_id == app.id)))
    assets = registry.asset_summaries(session, ids)
    return required_documents((a.id, a.kind.value, a.number) for a in assets.values())


def window_receipt(session: Session, principal: Principal, application_id: int) -> WindowFacts | None:
    """The window's latest receipt on an application the caller may see, or ``None`` before the window acted."""
    app = _app(session, principal, application_id)
    w = WindowReceipt
    row = session.scalars(select(w).where(w.application_id == app.id).order_by(w.id.desc())).first()
    if row is None:
        return None
    missing = [Document(**d) for d in json.loads(row.missing)]
    return WindowFacts(
        row.id, row.application_id, row.outcome, row.decided_on, json.loads(row.presented), missing, row.reason
    )


def window_decide(
    session: Session,
    principal: Principal,
    application_id: int,
    accept: bool,
    presented: Sequence[str],
    reason: str | None,
    today: dt.date,
) -> WindowFacts:
    """Accept (every document presented) or return (with a reason; what is missing listed once) a live
    application. Refused: another party than the platform's operator, a closed application, a second decision
    after acceptance, accepting with documents missing, codes not on the checklist."""
    principal.require_kind(PartyKind.PLATFORM)
    principal.require(Role.OPERATOR)
    app = _app(session, principal, application_id)
    if app.withdrawn_on is not None or app.status not in LIVE:
        raise errors.WINDOW_CLOSED(status=app.status)
    prior = window_receipt(session, principal, application_id)
    if prior is not None and prior.outcome == WindowOutcome.ACCEPTED.value:
        raise errors.WINDOW_DECIDED(outcome=prior.outcome)
    missing = window_missing(window_checklist(session, principal, application_id), presented, accept)
    text = None if accept else check_reason(reason)
    outcome = WindowOutcome.ACCEPTED if accept else WindowOutcome.RETURNED
    row = WindowReceipt(
        application_id=app.id,
        outcome=outcome.value,
        presented=json.dumps(sorted(set(presented))),
        missing=json.dumps([d.__dict__ for d in missing], ensure_ascii=False),
        reason=text or (reason or "").strip() or None,
        decided_on=today,
        decided_by=principal.user_id,
    )
    session.add(row)
    session.flush()
    payload = {"outcome": outcome.value, "missing": [d.code for d in missing], "reason": row.reason}
    audit.record(session, principal, f"intake.window_{outcome.value}", "loan_application", app.id, payload)
    if not accept:  # returned: closed as a withdrawal is, every open task cancelled with the window's reason
        app.withdrawn_on = today
        session.flush()
        note = f"returned at the window: {text}"
        tasks.cancel_active(session, principal, app, note, today)
        tasks.refresh_status(session, app)
    facts = window_receipt(session, principal, application_id)
    assert facts is not None
    return facts
