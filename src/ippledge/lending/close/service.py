"""The daily close (业务日终 / 日终批处理): advances the business date for every active loan.

For each business date ``D`` the close, for every active loan disbursed by ``D`` (``lending.close.model``):
accrues day ``D``'s scheduled interest (Dr 应收利息 loan_interest / Cr 利息收入 interest_income; more than 90
days past due, off balance sheet instead: Dr 表外应收利息 / Cr its memo contra, ``loan.interest_off`` grows), ages
the loan (days past due), accrues penalty interest on overdue principal (Dr 应收罚息 loan_penalty / Cr 罚息收入
penalty_income), raises the five-tier grade to the days-past-due floor (history row + ``loan.reclassified``; the
first day past due of a delinquency also ``loan.overdue``), books the loan-loss allowance each loan now requires
(贷款损失准备: outstanding principal x the specific rate of its grade under the bank's provisioning policy in force
on ``D``; ``lending.provisioning.model``) as the change against what it held, on 31 December appropriates the
general reserve (一般风险准备, 1.5% of each bank's loans outstanding, from retained earnings into equity;
``provisioning.model.general_reserve_needed``), flags overdue intake tasks (``intake.service.flag_overdue``),
moves ``BusinessDay.last_closed`` to ``D`` and runs the after-close step (``close.ports``: post-loan monitoring).
A loan repaid since the last close has its allowance released.

Rules of the business date:

- A date after the business date (``today``, default today in China) is refused (``lending.close_future``): a
  close run into the future would book interest and penalty not yet earned.
- Closing a date that is already closed changes nothing and returns that close's report (``already_closed``).
- Closing a date more than one day after ``last_closed`` closes every missing day in order (catch-up: penalty
  interest and ageing are per day, so no day may be skipped), at most ``MAX_CATCH_UP_DAYS`` days in one call.
- The very first close (no ``last_closed``) closes the given date only. Interest accrual is cumulative per period,
  so a loan's first close books everything its current period has earned so far; penalty interest starts that day.

Work is set-based: three queries load every loan to close, the plan is computed in memory, all entries go through
one ``ledger.service.post_many`` per date (idempotency keys ``accrual:{loan}:{date}``, ``penalty:{loan}:{date}`` and,
per bank, ``provision:{bank}:{date}``: one entry with a line per loan whose allowance changed) and rows are updated
with Core executemany. One audit record per date.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import Principal
from ippledge.db import utcnow
from ippledge.intake.service import flag_overdue
from ippledge.kernel.clock import business_date
from ippledge.kernel.money import from_fen, to_fen
from ippledge.ledger.accounts import account_code
from ippledge.ledger.model import EntryDraft, Posting
from ippledge.ledger.service import Actor, balance, post_many
from ippledge.lending.close import ports, store
from ippledge.lending.close.model import ZERO, LoanDay, LoanState, apply_contagion, days_to_close, plan_day
from ippledge.lending.close.tables import BusinessDayClose
from ippledge.lending.errors import CLOSE_DATE, CLOSE_FUTURE, CLOSE_GAP
from ippledge.lending.model import postings
from ippledge.lending.provisioning.model import general_reserve_needed, is_year_end, required_allowance
from ippledge.lending.provisioning.queries import PolicyBook, policies_on
from ippledge.lending.repricing import reprice_due
from ippledge.lending.tables import BusinessDay

MAX_CATCH_UP_DAYS: Final = 1100  # about three years: a larger gap is almost surely a mistyped date
CLOSE_ACTOR: Final = "close"  # how classification history names the close

ProgressFn = Callable[[int, int, "CloseReport"], None]  # (days done, days in this call, that day's report)


@dataclass(frozen=True)
class CloseReport:
    """What one close did, as stored with the close and answered by the API: amounts in integer fen (the document's
    format; ``interest``, ``penalty``, ``provision_charge`` and ``provision_release`` give yuan)."""

    date: dt.date
    loans: int = 0
    interest_fen: int = 0
    penalty_fen: int = 0
    entries: int = 0
    newly_overdue: int = 0
    overdue_loans: int = 0
    reclassified: dict[str, int] = field(default_factory=dict)  # loans moved to each grade
    grade_mix: dict[str, int] = field(default_factory=dict)  # active loans per grade after the close
    tasks_flagged: int = 0
    provision_charge_fen: int = 0  # allowance added today (Dr 信用减值损失 / Cr 贷款损失准备)
    provision_release_fen: int = 0  # allowance released today (repayments, upgrades, loans repaid)
    interest_off_fen: int = 0  # interest accrued off balance sheet today (表外利息, non-accrual loans)
    general_reserve_fen: int = 0  # appropriated into the general reserve (31 December only, 一般风险准备)
    non_accrual_loans: int = 0  # loans more than 90 days past due (非应计)
    seconds: float = 0.0
    already_closed: bool = False
    caught_up: tuple[dt.date, ...] = ()  # earlier dates this call closed first
    earlier: tuple[dict[str, Any], ...] = ()  # those dates' own figures (``day_summary``), oldest first

    def day_summary(self) -> dict[str, Any]:
        """The day's headline figures, as a catch-up reports each day it closed."""
        return {
            "date": self.date.isoformat(),
            "loans": self.loans,
            "interest_fen": self.interest_fen,
            "interest_off_fen": self.interest_off_fen,
            "penalty_fen": self.penalty_fen,
            "entries": self.entries,
            "newly_overdue": self.newly_overdue,
            "reclassified": dict(self.reclassified),
            "provision_charge_fen": self.provision_charge_fen,
            "provision_release_fen": self.provision_release_fen,
            "general_reserve_fen": self.general_reserve_fen,
        }

    @property
    def interest(self) -> Decimal:
        return from_fen(self.interest_fen)

    @property
    def penalty(self) -> Decimal:
        return from_fen(self.penalty_fen)

    @property
    def provision_charge(self) -> Decimal:
        return from_fen(self.provision_charge_fen)

    @property
    def provision_release(self) -> Decimal:
        return from_fen(self.provision_release_fen)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["date"] = self.date.isoformat()
        out["caught_up"] = [d.isoformat() for d in self.caught_up]
        out["earlier"] = [dict(d) for d in self.earlier]
        out["interest"] = str(self.interest)
        out["penalty"] = str(self.penalty)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CloseReport:
        names = {f for f in cls.__dataclass_fields__}
        kw = {k: v for k, v in data.items() if k in names}
        kw["date"] = dt.date.fromisoformat(data["date"])
        kw["caught_up"] = tuple(dt.date.fromisoformat(d) for d in data.get("caught_up", ()))
        kw["earlier"] = tuple(data.get("earlier", ()))
        return cls(**kw)


def business_day(session: Session, *, lock: bool = False) -> BusinessDay:
    """The one ``BusinessDay`` row (created on first use); ``lock`` serialises concurrent closes on PostgreSQL."""
    return store.business_day(session, lock=lock)


def _actor_name(actor: Actor) -> str:
    return (actor.actor if isinstance(actor, Principal) else actor)[:64]


def last_report(session: Session, day: dt.date) -> CloseReport | None:
    row = session.get(BusinessDayClose, day)
    return CloseReport.from_dict(json.loads(row.report)) if row is not None else None


def recent_closes(session: Session, limit: int = 10) -> list[CloseReport]:
    stmt = select(BusinessDayClose).order_by(BusinessDayClose.business_date.desc()).limit(limit)
    return [CloseReport.from_dict(json.loads(r.report)) for r in session.scalars(stmt)]


def pending_days(session: Session, through: dt.date) -> list[dt.date]:
    """The dates a close ``through`` would run now (empty when ``through`` is already closed)."""
    return days_to_close(business_day(session).last_closed, through)


def close_day(
    session: Session,
    actor: Actor,
    date: dt.date,
    *,
    progress: ProgressFn | None = None,
    today: dt.date | None = None,
) -> CloseReport:
    """Close business date ``date`` (and any missing day before it); see the module docstring. Flushes only.

    ``progress`` is called after every day closed with that day's report (a catch-up reports each day)."""
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise CLOSE_DATE(date=repr(date))
    limit = today or business_date()
    if date > limit:
        raise CLOSE_FUTURE(date=date.isoformat(), today=limit.isoformat())
    session.flush()
    bd = business_day(session, lock=True)
    if bd.last_closed is not None and date <= bd.last_closed:
        first = last_report(session, date)
        return replace(first or CloseReport(date), already_closed=True, caught_up=(), earlier=())
    days = days_to_close(bd.last_closed, date)
    if len(days) > MAX_CATCH_UP_DAYS:
        raise CLOSE_GAP(
            last_closed=str(bd.last_closed), date=date.isoformat(), days=len(days), max_days=MAX_CATCH_UP_DAYS
        )
    report = CloseReport(date)
    earlier: list[dict[str, Any]] = []
    for n, day in enumerate(days, start=1):
        if n > 1:
            earlier.append(report.day_summary())
        report = _close_one(session, actor, day, bd)
        if progress is not None:
            progress(n, len(days), report)
    session.expire_all()  # rows changed behind the identity map (Core executemany)
    return replace(report, caught_up=tuple(days[:-1]), earlier=tuple(earlier))


def entry_drafts(day: dt.date, bank_of: dict[int, int], plans: list[LoanDay]) -> list[EntryDraft]:
    drafts: list[EntryDraft] = []
    iso = day.isoformat()
    for p in plans:
        bank = bank_of[p.loan_id]
        if p.interest > 0 and p.non_accrual:
            drafts.append(postings.interest_off(bank, p.loan_id, p.interest, day, f"accrual:{p.loan_id}:{iso}"))
        elif p.interest > 0:
            lines = (
                Posting(account_code(bank, "loan_interest", p.loan_id), p.interest),
                Posting(account_code(bank, "interest_income"), -p.interest),
            )
            drafts.append(
                EntryDraft(day, "loan.accrual", lines, "loan", str(p.loan_id), "利息计提", f"accrual:{p.loan_id}:{iso}")
            )
        if p.penalty > 0:
            lines = (
                Posting(account_code(bank, "loan_penalty", p.loan_id), p.penalty),
                Posting(account_code(bank, "penalty_income"), -p.penalty),
            )
            drafts.append(
                EntryDraft(day, "loan.penalty", lines, "loan", str(p.loan_id), "罚息计提", f"penalty:{p.loan_id}:{iso}")
            )
    return drafts


@dataclass(frozen=True)
class Provisioning:
    """The allowance changes of one close: the entries, each changed loan's new allowance, the charge and release."""

    drafts: list[EntryDraft]
    allowances: dict[int, Decimal]
    charge: Decimal
    release: Decimal


def provision_plan(
    day: dt.date,
    loans: list[LoanState],
    plans: list[LoanDay],
    released: list[tuple[int, int, Decimal]],
    book: PolicyBook,
) -> Provisioning:
    """Each loan's required allowance against what it holds; one entry per bank for the loans that changed."""
    by_bank: dict[int, list[tuple[int, Decimal]]] = {}
    allowances: dict[int, Decimal] = {}
    for loan, p in zip(loans, plans, strict=True):
        rate = book.for_bank(loan.bank_id).rate_bp(p.grade)
        need = required_allowance(loan.outstanding, rate)
        if need != loan.allowance:
            by_bank.setdefault(loan.bank_id, []).append((loan.loan_id, need - loan.allowance))
            allowances[loan.loan_id] = need
    for loan_id, bank, held in released:
        by_bank.setdefault(bank, []).append((loan_id, -held))
        allowances[loan_id] = ZERO
    iso = day.isoformat()
    drafts = [postings.provision(bank, day, ch, f"provision:{bank}:{iso}") for bank, ch in sorted(by_bank.items())]
    deltas = [d for ch in by_bank.values() for _loan, d in ch]
    charge = sum((d for d in deltas if d > 0), ZERO)
    return Provisioning(drafts, allowances, charge, -sum((d for d in deltas if d < 0), ZERO))


def general_reserve_drafts(
    session: Session, day: dt.date, loans: list[LoanState], book: PolicyBook
) -> list[EntryDraft]:
    """Year end: per bank, what brings its general reserve up to its policy's rate of the loans outstanding."""
    assets: dict[int, Decimal] = {}
    for loan in loans:
        assets[loan.bank_id] = assets.get(loan.bank_id, ZERO) + loan.outstanding
    drafts = []
    for bank, risk_assets in sorted(assets.items()):
        held = balance(session, account_code(bank, "general_reserve"))
        amount = general_reserve_needed(risk_assets, book.for_bank(bank).general_bp, held)
        if amount > 0:
            drafts.append(postings.general_reserve(bank, amount, day, f"general_reserve:{bank}:{day.year}"))
    return drafts


def _close_one(session: Session, actor: Actor, day: dt.date, bd: BusinessDay) -> CloseReport:
    started = time.perf_counter()
    reprice_due(session, actor, day)  # floating rates first: the day's accrual runs on the repriced schedule
    loans = store.load_loans(session, day)
    current = store.load_current_periods(session, day)
    overdue = store.load_overdue(session, day)
    plans = [plan_day(day, loan, current.get(loan.loan_id), overdue.get(loan.loan_id)) for loan in loans]
    plans = apply_contagion(loans, plans)
    bank_of = {loan.loan_id: loan.bank_id for loan in loans}

    book = policies_on(session, day)
    provision = provision_plan(day, loans, plans, store.load_released(session), book)
    reserve = general_reserve_drafts(session, day, loans, book) if is_year_end(day) else []
    drafts = entry_drafts(day, bank_of, plans) + provision.drafts + reserve
    if drafts:
        post_many(session, actor, drafts)
    store.write_accruals(session, plans)
    store.write_loans(session, day, plans)
    store.write_allowances(session, provision.allowances)

    prior_dpd = {loan.loan_id: loan.dpd for loan in loans}
    changes: list[dict[str, Any]] = []
    events: list[tuple[str, dict[str, Any], int | None]] = []
    newly_overdue = 0
    for p in plans:
        bank = bank_of[p.loan_id]
        if p.dpd > 0 and prior_dpd[p.loan_id] == 0:
            newly_overdue += 1
            payload = {"loan_id": p.loan_id, "on": day.isoformat(), "dpd": p.dpd}
            overdue_fen = to_fen(p.overdue_principal)  # the event's documented field (outbox.topics)
            events.append(("loan.overdue", {**payload, "overdue_principal_fen": overdue_fen}, bank))
        if p.reclassified:
            reason = p.why or f"逾期{p.dpd}天，分类下限为{p.grade.zh} / {p.dpd} days past due: floor {p.grade.code}"
            changes.append(
                {
                    "loan_id": p.loan_id,
                    "on": day,
                    "from_grade": p.grade_before.code,
                    "to_grade": p.grade.code,
                    "dpd": p.dpd,
                    "reason": reason,
                    "actor": CLOSE_ACTOR,
                }
            )
            move = {"from": p.grade_before.code, "to": p.grade.code, "dpd": p.dpd}
            events.append(("loan.reclassified", {"loan_id": p.loan_id, "on": day.isoformat(), **move}, bank))
    store.insert_grade_changes(session, changes)
    store.insert_events(session, events)
    tasks = flag_overdue(session, day)

    report = CloseReport(
        date=day,
        loans=len(plans),
        interest_fen=to_fen(sum((p.interest for p in plans if not p.non_accrual), ZERO)),
        interest_off_fen=to_fen(sum((p.interest for p in plans if p.non_accrual), ZERO)),
        non_accrual_loans=sum(1 for p in plans if p.non_accrual),
        penalty_fen=to_fen(sum((p.penalty for p in plans), ZERO)),
        entries=len(drafts),
        newly_overdue=newly_overdue,
        overdue_loans=sum(1 for p in plans if p.dpd > 0),
        reclassified=dict(sorted(Counter(c["to_grade"] for c in changes).items())),
        grade_mix=dict(sorted(store.grade_mix(session).items())),
        tasks_flagged=tasks,
        provision_charge_fen=to_fen(provision.charge),
        provision_release_fen=to_fen(provision.release),
        general_reserve_fen=to_fen(
            sum((sum((p.amount for p in d.postings if p.amount > 0), ZERO) for d in reserve), ZERO)
        ),
        seconds=round(time.perf_counter() - started, 3),
    )
    summary = report.to_dict()
    audit.record(session, actor, "lending.close", "business_day", day.isoformat(), summary)
    session.add(BusinessDayClose(business_date=day, actor=_actor_name(actor), report=json.dumps(summary)))
    bd.last_closed = day
    bd.closed_at = utcnow()
    session.flush()
    ports.after_close(session, day)  # post-loan monitoring of the day (贷后监测), in the same transaction
    return report
