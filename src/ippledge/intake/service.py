"""One-stop application use cases (一站式受理): apply once, consents, withdraw, and the bank's requests to others.

The enterprise applies once with its IP, the banks it chooses (or any bank offering an active product) and its
consent to share the application with each party (数据共享授权). The platform opens one review task per bank; each
bank then asks a valuer (or values internally below the threshold) and, when its product asks, an insurer or
guarantor. Services flush, never commit.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access import queries as access
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.intake import errors, ports, store, tasks
from ippledge.intake.model import ApplicationStatus, TaskKind, check_reason, check_term
from ippledge.intake.queries import TaskRef, task_ref
from ippledge.intake.tables import Application, ApplicationAsset, DataConsent, Task
from ippledge.intake.window import WindowFacts as WindowFacts  # the centre's window, published here
from ippledge.intake.window import window_checklist as window_checklist
from ippledge.intake.window import window_decide as window_decide
from ippledge.intake.window import window_receipt as window_receipt
from ippledge.kernel.calendar import add_months
from ippledge.kernel.errors import ErrorCode, not_found
from ippledge.kernel.money import CNY, positive_money, to_fen
from ippledge.pledge import queries as pledge_queries
from ippledge.pledge.model import Refusal
from ippledge.pledge.service import resolve_assets
from ippledge.registry import queries as registry
from ippledge.registry.model import LegalState

CONSENT_KINDS = frozenset(
    {PartyKind.BANK, PartyKind.VALUER, PartyKind.INSURER, PartyKind.GUARANTOR, PartyKind.IP_OPERATOR}
)
VALUER_KINDS = frozenset({PartyKind.VALUER, PartyKind.IP_OPERATOR})
UNDERWRITER_KINDS = frozenset({PartyKind.INSURER, PartyKind.GUARANTOR})
IP_REVIEW_KINDS = frozenset({PartyKind.IP_OPERATOR})


@dataclass(frozen=True)
class NewApplication:
    amount: Decimal | str | int
    term_months: int
    purpose: str
    ip_asset_ids: Sequence[int] = ()
    ip_numbers: Sequence[str] = ()
    bank_ids: Sequence[int] = ()
    any_bank: bool = False
    consent_party_ids: Sequence[int] = ()
    currency: str = CNY


def _parties(session: Session, ids: Sequence[int], kinds: frozenset[PartyKind], refusal: ErrorCode) -> list[int]:
    """The ids (first occurrence order) when each names an active party of one of ``kinds``; else ``refusal``."""
    rows = {i: p for i, p in access.parties(session, ids).items() if p.active}
    wrong = sorted(i for i in set(ids) if i not in rows or rows[i].kind not in kinds)
    if wrong:
        allowed = ", ".join(sorted(k.value for k in kinds))
        raise refusal(party_ids=wrong, allowed=allowed)
    return list(dict.fromkeys(ids))


def _check_assets(session: Session, applicant_id: int, ids: list[int]) -> None:
    owned = registry.assets_owned_by(session, applicant_id, ids)
    if not_owned := sorted(set(ids) - owned):
        raise errors.IP_NOT_OWNED(ids=not_owned)
    found = registry.asset_summaries(session, ids).values()
    if dead := sorted(a.id for a in found if a.status is not LegalState.IN_FORCE):
        raise errors.IP_NOT_IN_FORCE(ids=dead)


def _new_no(today: dt.date) -> str:
    return f"LA{today:%Y%m%d}{secrets.token_hex(4).upper()}"


def submit_application(session: Session, principal: Principal, data: NewApplication, today: dt.date) -> Application:
    """Apply once (一次申请): validate everything, record consents, open one review task per bank."""
    principal.require_kind(PartyKind.ENTERPRISE)
    principal.require(Role.ENTERPRISE_USER, Role.ADMIN)
    amount = positive_money(data.amount, data.currency)
    check_term(data.term_months)
    purpose = (data.purpose or "").strip()
    if not purpose:
        raise errors.PURPOSE_REQUIRED()
    asset_ids = resolve_assets(session, data.ip_numbers, data.ip_asset_ids)
    _check_assets(session, principal.party_id, asset_ids)
    consents = _parties(session, data.consent_party_ids, CONSENT_KINDS, errors.CONSENT_PARTY)
    consent_ids = set(consents)
    if data.any_bank:
        if data.bank_ids:
            raise errors.BANKS_AMBIGUOUS()
        banks = ports.banks_offering(session, today)
    else:
        banks = _parties(session, data.bank_ids, frozenset({PartyKind.BANK}), errors.BANK_UNKNOWN)
        if missing := sorted(set(banks) - consent_ids):
            raise errors.CONSENT_MISSING(bank_ids=missing)
    if not banks:
        raise errors.NO_BANK()
    app = Application(
        application_no=_new_no(today),
        applicant_id=principal.party_id,
        amount=amount,
        currency=data.currency,
        term_months=data.term_months,
        purpose=purpose,
        any_bank=data.any_bank,
        green_channel=store.in_green_channel(session, principal.party_id, today),
        status=ApplicationStatus.SUBMITTED.value,
        submitted_on=today,
        created_by=principal.user_id,
    )
    session.add(app)
    session.flush()
    session.add_all(ApplicationAsset(application_id=app.id, ip_asset_id=a) for a in asset_ids)
    for pid in [*consent_ids, *(b for b in banks if b not in consent_ids)]:
        basis = "explicit" if pid in consent_ids else "any_bank"
        session.add(
            DataConsent(
                application_id=app.id, party_id=pid, basis=basis, granted_on=today, granted_by=principal.user_id
            )
        )
    session.flush()
    audit.record(
        session,
        principal,
        "intake.application_submitted",
        "loan_application",
        app.id,
        {
            "amount_fen": to_fen(app.amount),
            "term_months": app.term_months,
            "assets": asset_ids,
            "banks": banks,
            "consents": sorted(consent_ids),
            "green_channel": app.green_channel,
        },
    )
    for bank_id in banks:
        tasks.open_task(session, principal, app, TaskKind.BANK_REVIEW, bank_id, bank_id, today)
    return app


def get_application(session: Session, principal: Principal, application_id: int) -> Application:
    return scope.get_visible(session, Application, application_id, principal)


def registry_precheck(session: Session, app: Application, as_of: dt.date) -> list[Refusal]:
    """The registry's pre-check on the IP the application offers (登记预审), as if the applicant pledged it on
    ``as_of`` for a debt running the requested term: what the registry would refuse, and why, before anyone values or
    decides. The contract's own grounds wait for the contract."""
    ids = store.asset_ids(session, app.id)
    debt_end = add_months(as_of, app.term_months)
    return pledge_queries.would_refuse(session, app.applicant_id, ids, as_of, debt_end=debt_end)


def precheck(session: Session, principal: Principal, application_id: int, as_of: dt.date) -> list[Refusal]:
    """``registry_precheck`` of an application the caller may see."""
    return registry_precheck(session, get_application(session, principal, application_id), as_of)


def _own_application(session: Session, principal: Principal, application_id: int) -> Application:
    app = get_application(session, principal, application_id)
    if app.applicant_id != principal.party_id or not principal.roles & {Role.ENTERPRISE_USER, Role.ADMIN}:
        raise errors.NOT_APPLICANT()
    return app


def withdraw(
    session: Session, principal: Principal, application_id: int, reason: str | None, today: dt.date
) -> Application:
    """The firm withdraws (撤回申请): every open task is cancelled."""
    app = _own_application(session, principal, application_id)
    if app.withdrawn_on is not None:
        raise errors.WITHDRAWN()
    app.withdrawn_on = today
    session.flush()
    text = (reason or "").strip() or "withdrawn by the applicant"
    audit.record(session, principal, "intake.application_withdrawn", "loan_application", app.id, {"reason": text})
    tasks.cancel_active(session, principal, app, text, today)
    tasks.refresh_status(session, app)
    return app


def grant_consent(
    session: Session, principal: Principal, application_id: int, party_id: int, today: dt.date
) -> DataConsent:
    app = _own_application(session, principal, application_id)
    _parties(session, [party_id], CONSENT_KINDS, errors.CONSENT_PARTY)
    stmt = select(DataConsent).where(
        DataConsent.application_id == app.id, DataConsent.party_id == party_id, DataConsent.revoked_on.is_(None)
    )
    if (existing := session.scalars(stmt).first()) is not None:
        return existing
    row = DataConsent(
        application_id=app.id, party_id=party_id, basis="explicit", granted_on=today, granted_by=principal.user_id
    )
    session.add(row)
    session.flush()
    audit.record(session, principal, "intake.consent_granted", "loan_application", app.id, {"party_id": party_id})
    return row


def revoke_consent(session: Session, principal: Principal, application_id: int, party_id: int, today: dt.date) -> int:
    """Revoke (撤销授权): the party loses sight of the application and its active tasks are cancelled."""
    app = _own_application(session, principal, application_id)
    rows = [c for c in store.consents_of(session, app.id) if c.party_id == party_id and c.revoked_on is None]
    if not rows:
        raise errors.NO_CONSENT(party_id=party_id)
    for c in rows:
        c.revoked_on, c.revoked_by = today, principal.user_id
    session.flush()
    audit.record(session, principal, "intake.consent_revoked", "loan_application", app.id, {"party_id": party_id})
    tasks.cancel_active(session, principal, app, "consent revoked", today, assignee_id=party_id)
    tasks.refresh_status(session, app)
    return len(rows)


def _need_consent(session: Session, app: Application, party_id: int) -> None:
    if not store.has_consent(session, app.id, party_id):
        raise errors.NO_CONSENT(party_id=party_id)


def request_valuation(
    session: Session, principal: Principal, application_id: int, valuer_id: int | None, today: dt.date
) -> Task:
    """The bank picks a valuer (委托评估), or values internally when the amount is under the threshold."""
    tasks.bank_principal(principal)
    app = get_application(session, principal, application_id)
    review = tasks.require_active_review(session, app, principal.party_id)
    for kind in (TaskKind.VALUATION, TaskKind.INTERNAL_VALUATION):
        if store.find_task(session, app.id, kind, principal.party_id, active_only=True) is not None:
            raise errors.VALUATION_ACTIVE()
    if valuer_id is None:
        threshold = store.internal_valuation_threshold(session, today)
        if app.amount >= threshold:
            raise errors.INTERNAL_VALUATION_THRESHOLD(threshold=str(threshold))
        kind, assignee = TaskKind.INTERNAL_VALUATION, principal.party_id
    else:
        _parties(session, [valuer_id], VALUER_KINDS, errors.VALUER_UNKNOWN)
        _need_consent(session, app, valuer_id)
        kind, assignee = TaskKind.VALUATION, valuer_id
    tasks.start_review(session, principal, review, today)
    return tasks.open_task(session, principal, app, kind, assignee, principal.party_id, today)


def request_underwriting(
    session: Session, principal: Principal, application_id: int, party_id: int, today: dt.date
) -> Task:
    """The bank asks an insurer or guarantor to underwrite (核保/担保) when its product asks for it."""
    tasks.bank_principal(principal)
    app = get_application(session, principal, application_id)
    review = tasks.require_active_review(session, app, principal.party_id)
    _parties(session, [party_id], UNDERWRITER_KINDS, errors.UNDERWRITER_UNKNOWN)
    _need_consent(session, app, party_id)
    if store.find_task(session, app.id, TaskKind.UNDERWRITING, principal.party_id, active_only=True) is not None:
        raise errors.UNDERWRITING_ACTIVE()
    tasks.start_review(session, principal, review, today)
    return tasks.open_task(session, principal, app, TaskKind.UNDERWRITING, party_id, principal.party_id, today)


def request_ip_review(
    session: Session, principal: Principal, application_id: int, institution_id: int, today: dt.date
) -> Task:
    """The bank asks an IP operations institution to review the IP (知识产权审查, Zhongguancun model); its valuation
    is an ordinary valuation task (``request_valuation`` accepts an institution as valuer)."""
    tasks.bank_principal(principal)
    app = get_application(session, principal, application_id)
    review = tasks.require_active_review(session, app, principal.party_id)
    _parties(session, [institution_id], IP_REVIEW_KINDS, errors.IP_REVIEWER_UNKNOWN)
    _need_consent(session, app, institution_id)
    if store.find_task(session, app.id, TaskKind.IP_REVIEW, principal.party_id, active_only=True) is not None:
        raise errors.IP_REVIEW_ACTIVE()
    tasks.start_review(session, principal, review, today)
    return tasks.open_task(session, principal, app, TaskKind.IP_REVIEW, institution_id, principal.party_id, today)


def bank_decline(session: Session, principal: Principal, application_id: int, reason: str, today: dt.date) -> Task:
    """The bank declines the application with a reason (银行拒绝); its other open tasks are cancelled."""
    tasks.bank_principal(principal)
    app = get_application(session, principal, application_id)
    check_reason(reason)
    review = tasks.require_active_review(session, app, principal.party_id)
    return tasks.decline(session, principal, review.id, reason, today)


# -- tasks, as valuation and credit act on them (by id; they see ``intake.queries.TaskRef``, never a row) ------------


def assigned_task(session: Session, principal: Principal, task_id: int, *kinds: TaskKind) -> TaskRef:
    """A task of one of ``kinds`` the caller's party holds, worked by a user with the right role; other parties'
    tasks are 404, the wrong kind or role 403."""
    return task_ref(tasks.assigned_task(session, principal, task_id, *kinds))


def accept_task(session: Session, actor: tasks.Actor, task_id: int, today: dt.date) -> TaskRef:
    """The assignee takes the task on (接收); a closed task refuses (``intake.task_state``)."""
    return _act(session, actor, task_id, "accept", today)


def complete_task(
    session: Session, actor: tasks.Actor, task_id: int, today: dt.date, result_ref: str | None = None
) -> TaskRef:
    """The task is done (办结), pointing at its result (``valuation_report:12``, ``pledge_filing:3`` ...)."""
    return _act(session, actor, task_id, "complete", today, result_ref)


def _act(
    session: Session, actor: tasks.Actor, task_id: int, action: str, today: dt.date, result_ref: str | None = None
) -> TaskRef:
    task = session.get(Task, task_id)
    if task is None:
        raise not_found("任务", "task", id=task_id)
    return task_ref(tasks.transition(session, actor, task, action, today, result_ref=result_ref))


def active_review(session: Session, application_id: int, bank_id: int) -> TaskRef:
    """The bank's open review of the application (银行审查); none open refuses (``intake.review_closed``)."""
    app = session.get(Application, application_id)
    if app is None:
        raise not_found("融资申请", "application", id=application_id)
    return task_ref(tasks.require_active_review(session, app, bank_id))


def start_review(session: Session, principal: Principal, review_id: int, today: dt.date) -> None:
    """A bank's first action on an application accepts its review task (no change once accepted)."""
    review = session.get(Task, review_id)
    if review is None:
        raise not_found("任务", "task", id=review_id)
    tasks.start_review(session, principal, review, today)


def open_task(
    session: Session,
    actor: tasks.Actor,
    application_id: int,
    kind: TaskKind,
    assignee_id: int,
    bank_id: int,
    today: dt.date,
) -> TaskRef:
    """Open a task for ``assignee_id`` in ``bank_id``'s process, with the limit in force today (announced on the
    outbox to the assignee)."""
    app = session.get(Application, application_id)
    if app is None:
        raise not_found("融资申请", "application", id=application_id)
    return task_ref(tasks.open_task(session, actor, app, kind, assignee_id, bank_id, today))


def flag_overdue(session: Session, as_of: dt.date) -> int:
    """Flag every active task past its last day as overdue (逾期), once; the daily close calls this."""
    return tasks.flag_overdue(session, as_of)
