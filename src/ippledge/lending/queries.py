"""Published read face (查询接口) of lending: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal

from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import Session

from ippledge.access.model import Principal
from ippledge.credit import queries as credit_queries
from ippledge.db import Fen
from ippledge.ledger.accounts import account_code
from ippledge.ledger.queries import balance
from ippledge.lending import store
from ippledge.lending.tables import (
    Loan,
    LoanExtension,
    LoanGradeChange,
    LoanPledge,
    LoanRateChange,
    LoanRenewal,
    LoanRepayment,
    LoanWriteOff,
)

_CHUNK = 5_000  # stay under bind-parameter limits (SQLite 32,766; PostgreSQL 65,535)
ZERO = Decimal("0.00")
_NPL_GRADES = ("substandard", "doubtful", "loss")  # 次级, 可疑, 损失 (``model.Grade.is_npl``)

# -- loans ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoanSummary:
    """A loan (贷款) as other capabilities read it: parties, amounts in yuan, state and dates.

    ``status`` is ``contracted | active | repaid | written_off``; ``grade`` the five-tier grade's code
    (``model.Grade``); ``dpd`` the days past due as of ``accrued_through`` (the last close that carried the loan);
    ``allowance`` the loan-loss allowance the last close booked for it."""

    id: int
    contract_no: str
    bank_id: int
    borrower_id: int
    decision_id: int | None
    application_id: int | None
    currency: str
    principal: Decimal
    outstanding_principal: Decimal
    allowance: Decimal
    annual_rate: Decimal
    term_months: int
    method: str
    status: str
    grade: str
    dpd: int
    contracted_on: dt.date
    disbursed_on: dt.date | None
    maturity_date: dt.date | None
    defaulted_on: dt.date | None
    accrued_through: dt.date | None
    closed_on: dt.date | None
    branch_id: int | None = None  # the bank unit that signed it (银行机构), when the signer was posted
    officer_id: int | None = None  # the credit officer who signed it (客户经理)


def _summary(loan: Loan) -> LoanSummary:
    return LoanSummary(
        id=loan.id,
        contract_no=loan.contract_no,
        bank_id=loan.bank_id,
        borrower_id=loan.borrower_id,
        decision_id=loan.decision_id,
        application_id=loan.application_id,
        currency=loan.currency,
        principal=loan.principal,
        outstanding_principal=loan.outstanding_principal,
        allowance=loan.allowance,
        annual_rate=Decimal(loan.annual_rate),
        term_months=loan.term_months,
        method=loan.method,
        status=loan.status,
        grade=loan.grade,
        dpd=loan.dpd,
        contracted_on=loan.contracted_on,
        disbursed_on=loan.disbursed_on,
        maturity_date=loan.maturity_date,
        defaulted_on=loan.defaulted_on,
        accrued_through=loan.accrued_through,
        closed_on=loan.closed_on,
        branch_id=loan.branch_id,
        officer_id=loan.officer_id,
    )


def visible_loan(session: Session, principal: Principal, loan_id: int) -> LoanSummary:
    """The loan as ``principal`` may see it: its bank and its borrower, the regulator and the platform; anyone else
    gets 404 (``not_found``), as for a loan that does not exist."""
    return _summary(store.visible_loan(session, principal, loan_id))


def loan_summary(session: Session, loan_id: int) -> LoanSummary | None:
    """One loan, or ``None`` for an unknown id (no caller scoping: for checks the caller makes itself)."""
    loan = session.get(Loan, loan_id)
    return None if loan is None else _summary(loan)


def loan_summaries(session: Session, loan_ids: Iterable[int]) -> dict[int, LoanSummary]:
    """``loan id -> loan`` for the ids that name a loan (any number of ids, read in chunks; no caller scoping)."""
    ids = sorted(set(loan_ids))
    out: dict[int, LoanSummary] = {}
    for start in range(0, len(ids), _CHUNK):
        for loan in session.scalars(select(Loan).where(Loan.id.in_(ids[start : start + _CHUNK]))):
            out[loan.id] = _summary(loan)
    return out


def loans(session: Session, status: str | None = None) -> list[LoanSummary]:
    """Every loan (in one ``status`` if given), by id: the platform's whole book, for reports (no caller scoping)."""
    stmt = select(Loan).order_by(Loan.id)
    if status is not None:
        stmt = stmt.where(Loan.status == status)
    return [_summary(loan) for loan in session.scalars(stmt)]


_SUMMARY_COLUMNS = (
    Loan.id,
    Loan.contract_no,
    Loan.bank_id,
    Loan.borrower_id,
    Loan.decision_id,
    Loan.application_id,
    Loan.currency,
    Loan.principal,
    Loan.outstanding_principal,
    Loan.allowance,
    Loan.annual_rate,
    Loan.term_months,
    Loan.method,
    Loan.status,
    Loan.grade,
    Loan.dpd,
    Loan.contracted_on,
    Loan.disbursed_on,
    Loan.maturity_date,
    Loan.defaulted_on,
    Loan.accrued_through,
    Loan.closed_on,
    Loan.branch_id,
    Loan.officer_id,
)


def disbursed_loans(session: Session) -> list[LoanSummary]:
    """Every disbursed loan, by id, read as plain rows (no ORM objects): the same summaries as ``loans`` for the
    reports that read the whole book (supervision), several times faster on a large book."""
    stmt = select(*_SUMMARY_COLUMNS).where(Loan.disbursed_on.is_not(None)).order_by(Loan.id)
    out = []
    for r in session.execute(stmt):
        row = dict(r._mapping)  # keys are the attribute names, which are LoanSummary's fields
        row["annual_rate"] = Decimal(row["annual_rate"])
        out.append(LoanSummary(**row))
    return out


# -- the pledges that secure a loan ----------------------------------------------------------------------------------


def pledges_of_loan(session: Session, loan_id: int) -> list[int]:
    """The registered pledges (质押登记) linked to the loan as its security, by pledge id."""
    return store.linked_pledges(session, loan_id)


# -- the loan book behind each pledge (plugged into ``valuation.ports`` by ``bootstrap.wire``) ---------------------


def outstanding_by_pledge(session: Session, pledge_ids: Sequence[int]) -> dict[int, Decimal]:
    """Principal outstanding (yuan) on the loans not closed that each pledge secures (``loan_pledge``), by pledge id.

    Pledges securing no open loan are left out."""
    ids = sorted(set(pledge_ids))
    out: dict[int, Decimal] = {}
    for start in range(0, len(ids), _CHUNK):
        stmt = (
            select(LoanPledge.pledge_id, type_coerce(func.sum(Loan.outstanding_principal), Fen))
            .join(Loan, Loan.id == LoanPledge.loan_id)
            .where(LoanPledge.pledge_id.in_(ids[start : start + _CHUNK]), Loan.closed_on.is_(None))
            .group_by(LoanPledge.pledge_id)
        )
        out.update((int(pid), total if total is not None else ZERO) for pid, total in session.execute(stmt))
    return out


def ltv_cap_by_pledge(session: Session, pledge_ids: Sequence[int]) -> dict[int, int]:
    """The LTV cap (bp) each pledge's open loans were lent at, by pledge id (the highest when it secures several);
    pledges whose loans recorded none are left out. The revaluation's trigger stands on it."""
    ids = sorted(set(pledge_ids))
    decisions: dict[int, list[int]] = {}
    for start in range(0, len(ids), _CHUNK):
        stmt = (
            select(LoanPledge.pledge_id, Loan.decision_id)
            .join(Loan, Loan.id == LoanPledge.loan_id)
            .where(
                LoanPledge.pledge_id.in_(ids[start : start + _CHUNK]),
                Loan.closed_on.is_(None),
                Loan.decision_id.is_not(None),
            )
        )
        for pid, did in session.execute(stmt):
            if did is not None:
                decisions.setdefault(int(pid), []).append(int(did))
    caps = credit_queries.ltv_caps(session, [d for ds in decisions.values() for d in ds])
    return {pid: max(caps[d] for d in ds if d in caps) for pid, ds in decisions.items() if any(d in caps for d in ds)}


# -- money received --------------------------------------------------------------------------------------------------


def interest_paid(session: Session, loan_id: int, start: dt.date, end: dt.date) -> Decimal:
    """Interest the borrower paid on the loan (还款、提前还款、结清 receipts) with value dates from ``start`` to
    ``end``, both included (e.g. one calendar year for an interest subsidy)."""
    r = LoanRepayment
    stmt = select(type_coerce(func.coalesce(func.sum(r.interest), 0), Fen)).where(
        r.loan_id == loan_id, r.value_date >= start, r.value_date <= end
    )
    paid = session.scalar(stmt)
    return paid if paid is not None else ZERO


@dataclass(frozen=True)
class Recoveries:
    """Cash recovered after write-off (核销后收回): the total and the id of the last recovery counted."""

    total: Decimal
    last_id: int  # 0 when there is none


def recoveries(session: Session, loan_id: int, after_id: int = 0) -> Recoveries:
    """The recoveries booked on the loan after the recovery ``after_id`` (all of them with 0), in yuan."""
    r = LoanRepayment
    stmt = select(type_coerce(func.coalesce(func.sum(r.amount), 0), Fen), func.coalesce(func.max(r.id), 0)).where(
        r.loan_id == loan_id, r.kind == "recovery", r.id > after_id
    )
    total, last = session.execute(stmt).one()
    return Recoveries(total, int(last))


# -- five-tier classification ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GradeChange:
    """One move of the loan's five-tier grade (五级分类变动): by the daily close (``actor`` ``close``) or the bank."""

    on: dt.date
    from_grade: str
    to_grade: str
    dpd: int
    reason: str | None
    actor: str


def grade_changes(session: Session, loan_id: int) -> list[GradeChange]:
    """The loan's classification history, oldest first."""
    c = LoanGradeChange
    stmt = select(c).where(c.loan_id == loan_id).order_by(c.on, c.id)
    return [GradeChange(x.on, x.from_grade, x.to_grade, x.dpd, x.reason, x.actor) for x in session.scalars(stmt)]


def first_npl_on(session: Session, loan_id: int) -> dt.date | None:
    """The date the loan was first classified non-performing (次级 or worse), or ``None`` if it never was."""
    c = LoanGradeChange
    return session.scalar(select(func.min(c.on)).where(c.loan_id == loan_id, c.to_grade.in_(_NPL_GRADES)))


# -- write-off ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WriteOffFacts:
    """A write-off (核销) of a loan: what it took off the books and how the loan's allowance absorbed it (yuan)."""

    id: int
    loan_id: int
    status: str  # proposed | approved | rejected
    proposed_on: dt.date
    approved_on: dt.date | None
    principal: Decimal
    interest: Decimal
    penalty: Decimal
    allowance_used: Decimal
    allowance_released: Decimal
    entry_id: int | None


def approved_write_off(session: Session, loan_id: int) -> WriteOffFacts | None:
    """The loan's approved write-off, or ``None`` while it has none."""
    w = LoanWriteOff
    row = session.scalars(select(w).where(w.loan_id == loan_id, w.status == "approved")).first()
    if row is None:
        return None
    return WriteOffFacts(*(getattr(row, f.name) for f in fields(WriteOffFacts)))


def write_off_of(session: Session, loan_id: int) -> WriteOffFacts | None:
    """The loan's latest write-off in any status (proposed, approved or rejected), or ``None``: what the loan's page
    shows and which decision the checker takes. The caller has already been allowed to see the loan."""
    w = LoanWriteOff
    row = session.scalars(select(w).where(w.loan_id == loan_id).order_by(w.id.desc())).first()
    if row is None:
        return None
    return WriteOffFacts(*(getattr(row, f.name) for f in fields(WriteOffFacts)))


# Reads for the edges (the demo's year in numbers).


@dataclass(frozen=True)
class LoanFigures:
    """A loan's headline figures (贷款概况): who lent, its state and grade, and its amounts in yuan."""

    loan_id: int
    bank_id: int
    status: str
    grade: str  # five-tier grade code (``normal`` ... ``loss``)
    disbursed_on: dt.date | None
    principal: Decimal
    outstanding: Decimal
    allowance: Decimal  # loan-loss allowance held (贷款损失准备)


def loan_figures(session: Session, status: str | None = None) -> list[LoanFigures]:
    """Every loan (of ``status`` when given) with its headline figures, in id order. Unscoped: for the platform's
    own reports (the demo), never for a caller's request."""
    stmt = select(Loan).order_by(Loan.id)
    if status is not None:
        stmt = stmt.where(Loan.status == status)
    return [
        LoanFigures(
            loan_id=ln.id,
            bank_id=ln.bank_id,
            status=ln.status,
            grade=ln.grade,
            disbursed_on=ln.disbursed_on,
            principal=ln.principal,
            outstanding=ln.outstanding_principal,
            allowance=ln.allowance,
        )
        for ln in session.scalars(stmt)
    ]


@dataclass(frozen=True)
class GradeLabel:
    """One tier of the five-tier classification (五级分类): its code and Chinese name, best first."""

    code: str
    zh: str


def grade_labels() -> list[GradeLabel]:
    """The five tiers, from normal (正常) to loss (损失)."""
    from ippledge.lending.model.classification import Grade

    return [GradeLabel(g.code, g.zh) for g in Grade]


@dataclass(frozen=True)
class ProvisionTotals:
    """The allowance rates by grade and the two regulatory ratios with their floors, over every bank one sees."""

    rates: dict[str, Decimal | None]  # grade code -> allowance rate
    provision_coverage: Decimal | None  # 拨备覆盖率; None without non-performing loans
    provision_coverage_min: Decimal
    provision_coverage_breach: bool
    loan_provision_ratio: Decimal | None  # 贷款拨备率
    loan_provision_ratio_min: Decimal
    loan_provision_ratio_breach: bool


def provision_totals(session: Session, principal: Principal, today: dt.date) -> ProvisionTotals:
    """The provisioning report's total (贷款损失准备) as ``principal`` sees it, with the policies of ``today``."""
    from ippledge.lending.provisioning import queries as provisioning

    total = provisioning.report(session, principal, today)["total"]
    q = total["ratios"]

    def dec(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    return ProvisionTotals(
        rates={g["grade"]: dec(g["rate"]) for g in total["grades"]},
        provision_coverage=dec(q["provision_coverage"]),
        provision_coverage_min=Decimal(q["provision_coverage_min"]),
        provision_coverage_breach=bool(q["provision_coverage_breach"]),
        loan_provision_ratio=dec(q["loan_provision_ratio"]),
        loan_provision_ratio_min=Decimal(q["loan_provision_ratio_min"]),
        loan_provision_ratio_breach=bool(q["loan_provision_ratio_breach"]),
    )


# -- year-end figures (年末指标) --------------------------------------------------------------------------------------


def _share(num: Decimal, den: Decimal) -> Decimal | None:
    return None if den <= 0 else (num / den).quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class YearEndFigures:
    """The book at the end of a period and the loans written off in it (yuan). Ratios on the book as it stands
    flatter a bank that wrote its NPLs off; the ``*_with_write_offs`` ratios add the period's write-offs back."""

    start: dt.date
    end: dt.date
    outstanding: Decimal  # active loans' principal at the end
    npl: Decimal  # of which non-performing (次级 + 可疑 + 损失)
    allowance: Decimal  # loan-loss allowance held (贷款损失准备)
    written_off_loans: int
    written_off_principal: Decimal
    written_off: Decimal  # principal, interest and penalty taken off the books
    allowance_used: Decimal  # allowance the write-offs consumed
    recovered: Decimal  # cash recovered in the period on written-off loans (核销后收回)
    general_reserve: Decimal  # 一般风险准备 held in equity (appropriated at year end, 财金〔2012〕20号)

    @property
    def loss(self) -> Decimal:
        """What the write-offs cost net of recoveries."""
        return self.written_off - self.recovered

    @property
    def npl_ratio(self) -> Decimal | None:
        return _share(self.npl, self.outstanding)

    @property
    def npl_ratio_with_write_offs(self) -> Decimal | None:
        return _share(self.npl + self.written_off_principal, self.outstanding + self.written_off_principal)

    @property
    def provision_coverage(self) -> Decimal | None:
        return _share(self.allowance, self.npl)

    @property
    def provision_coverage_with_write_offs(self) -> Decimal | None:
        return _share(self.allowance + self.allowance_used, self.npl + self.written_off_principal)


def year_end_figures(session: Session, start: dt.date, end: dt.date) -> YearEndFigures:
    """The book on ``end`` and the write-offs approved (and recoveries received) from ``start`` to ``end``. Unscoped:
    for the platform's own reports (the demo), never for a caller's request."""
    active = loan_figures(session, status="active")
    w = LoanWriteOff
    offs = list(session.scalars(select(w).where(w.status == "approved", w.approved_on >= start, w.approved_on <= end)))
    r = LoanRepayment
    recovered = session.scalar(
        select(type_coerce(func.coalesce(func.sum(r.amount), 0), Fen)).where(
            r.kind == "recovery", r.value_date >= start, r.value_date <= end
        )
    )
    banks = sorted(set(session.scalars(select(Loan.bank_id).distinct())))
    reserve = sum((balance(session, account_code(b, "general_reserve")) for b in banks), ZERO)
    return YearEndFigures(
        start=start,
        end=end,
        outstanding=sum((ln.outstanding for ln in active), ZERO),
        npl=sum((ln.outstanding for ln in active if ln.grade in _NPL_GRADES), ZERO),
        allowance=sum((ln.allowance for ln in active), ZERO),
        written_off_loans=len(offs),
        written_off_principal=sum((x.principal for x in offs), ZERO),
        written_off=sum((x.principal + x.interest + x.penalty for x in offs), ZERO),
        allowance_used=sum((x.allowance_used for x in offs), ZERO),
        recovered=recovered if recovered is not None else ZERO,
        general_reserve=reserve,
    )


def write_off_loss(session: Session, loan_id: int) -> Decimal | None:
    """A written-off loan's loss: what the write-off took off the books less every recovery since (None if none)."""
    off = approved_write_off(session, loan_id)
    if off is None:
        return None
    return off.principal + off.interest + off.penalty - recoveries(session, loan_id).total


# -- the book on a past date (supervision statistics) ---------------------------------------------------------------


@dataclass(frozen=True)
class LoanOnDate:
    """A disbursed loan as it stood at the end of a day: principal outstanding (yuan) and five-tier grade code."""

    loan_id: int
    outstanding: Decimal
    grade: str


def book_on(session: Session, on: dt.date) -> dict[int, LoanOnDate]:
    """Every loan disbursed by ``on``, as it stood that day: principal less principal repaid with value dates up to
    ``on`` (recoveries left out: they come after write-off) and nothing once a write-off was approved by then; the
    grade is the last grade change on or before ``on`` (``normal`` before any). Unscoped: for reports."""
    book = {
        int(i): p
        for i, p in session.execute(select(Loan.id, Loan.principal).where(Loan.disbursed_on <= on, Loan.principal > 0))
    }
    r = LoanRepayment
    repaid: dict[int, Decimal] = {
        int(loan_id): total
        for loan_id, total in session.execute(
            select(r.loan_id, type_coerce(func.sum(r.principal), Fen))
            .where(r.value_date <= on, r.kind != "recovery")
            .group_by(r.loan_id)
        )
    }
    w = LoanWriteOff
    gone = set(session.scalars(select(w.loan_id).where(w.status == "approved", w.approved_on <= on)))
    grades: dict[int, str] = {}
    c = LoanGradeChange
    for loan_id, grade in session.execute(select(c.loan_id, c.to_grade).where(c.on <= on).order_by(c.on, c.id)):
        grades[int(loan_id)] = str(grade)
    out: dict[int, LoanOnDate] = {}
    for loan_id, principal in book.items():
        left = ZERO if loan_id in gone else max(ZERO, principal - (repaid.get(loan_id) or ZERO))
        out[loan_id] = LoanOnDate(loan_id, left, grades.get(loan_id, "normal"))
    return out


def book_by_grade_over(
    session: Session, dates: Sequence[dt.date], loan_ids: Iterable[int] | None = None
) -> dict[dt.date, dict[str, Decimal]]:
    """``date -> grade code -> principal outstanding`` at the end of each of ``dates`` (as :func:`book_on` counts
    it), over the loans ``loan_ids`` (a caller's scoped read; None: every loan). One read of each table for all the
    dates: a chart of a year of month-ends costs one pass, not twelve."""
    if not dates:
        return {}
    last = max(dates)
    wanted = None if loan_ids is None else set(loan_ids)
    if wanted is not None and not wanted:
        return {d: {} for d in dates}

    def mine(loan_id: int) -> bool:
        return wanted is None or loan_id in wanted

    book: list[tuple[int, dt.date, Decimal]] = [
        (int(i), on, p)
        for i, on, p in session.execute(
            select(Loan.id, Loan.disbursed_on, Loan.principal).where(Loan.disbursed_on <= last, Loan.principal > 0)
        )
        if on is not None and mine(int(i))
    ]
    r = LoanRepayment
    repaid: dict[int, list[tuple[dt.date, Decimal]]] = {}
    rows = session.execute(
        select(r.loan_id, r.value_date, r.principal).where(r.value_date <= last, r.kind != "recovery")
    )
    for loan_id, day, amount in rows:
        if mine(int(loan_id)):
            repaid.setdefault(int(loan_id), []).append((day, amount))
    w = LoanWriteOff
    gone = {
        int(i): day
        for i, day in session.execute(select(w.loan_id, w.approved_on).where(w.status == "approved"))
        if day is not None and mine(int(i))
    }
    c = LoanGradeChange
    changes: dict[int, list[tuple[dt.date, str]]] = {}
    for loan_id, day, grade in session.execute(
        select(c.loan_id, c.on, c.to_grade).where(c.on <= last).order_by(c.on, c.id)
    ):
        if mine(int(loan_id)):
            changes.setdefault(int(loan_id), []).append((day, str(grade)))
    order = sorted(set(dates))
    out: dict[dt.date, dict[str, Decimal]] = {on: {} for on in order}
    for loan_id, disbursed_on, principal in book:  # one walk per loan along the dates, oldest first
        pays, steps, end = sorted(repaid.get(loan_id, ())), changes.get(loan_id, []), gone.get(loan_id)
        i = j = 0
        paid, grade = ZERO, "normal"
        for on in order:
            while i < len(pays) and pays[i][0] <= on:
                paid += pays[i][1]
                i += 1
            while j < len(steps) and steps[j][0] <= on:
                grade = steps[j][1]
                j += 1
            if disbursed_on > on or (end is not None and end <= on):
                continue
            cell = out[on]
            cell[grade] = cell.get(grade, ZERO) + max(ZERO, principal - paid)
    return {on: out[on] for on in dates}


def open_loans_by_pledge(session: Session, pledge_ids: Sequence[int]) -> dict[int, list[int]]:
    """``pledge id -> ids of the active loans it secures`` (贷后监测: which loans news on pledged IP concerns)."""
    ids = sorted(set(pledge_ids))
    out: dict[int, list[int]] = {}
    for start in range(0, len(ids), _CHUNK):
        stmt = (
            select(LoanPledge.pledge_id, Loan.id)
            .join(Loan, Loan.id == LoanPledge.loan_id)
            .where(LoanPledge.pledge_id.in_(ids[start : start + _CHUNK]), Loan.status == "active")
            .order_by(LoanPledge.pledge_id, Loan.id)
        )
        for pid, lid in session.execute(stmt):
            out.setdefault(int(pid), []).append(int(lid))
    return out


@dataclass(frozen=True)
class Disbursement:
    """A loan paid out (放款): who lent to whom, when and how much (yuan)."""

    loan_id: int
    bank_id: int
    borrower_id: int
    disbursed_on: dt.date
    principal: Decimal


def disbursements_to(session: Session, borrower_ids: Iterable[int], since: dt.date) -> list[Disbursement]:
    """Loans disbursed to these borrowers on or after ``since``, oldest first (the funnel's "lent" stage)."""
    ids = sorted(set(borrower_ids))
    out: list[Disbursement] = []
    for start in range(0, len(ids), 5_000):
        stmt = (
            select(Loan.id, Loan.bank_id, Loan.borrower_id, Loan.disbursed_on, Loan.principal)
            .where(
                Loan.borrower_id.in_(ids[start : start + 5_000]),
                Loan.disbursed_on.is_not(None),
                Loan.disbursed_on >= since,
            )
            .order_by(Loan.disbursed_on, Loan.id)
        )
        out.extend(
            Disbursement(int(a), int(b), int(c), d, p) for a, b, c, d, p in session.execute(stmt) if d is not None
        )
    return out


def serviced_loan_ids(session: Session) -> list[int]:
    """The loans with a servicing change on record: an extension (展期), a repricing (重定价), a recall (提前收回) or a
    renewal (续贷, both loans), ascending."""
    ext = select(LoanExtension.loan_id).where(LoanExtension.status == "approved")
    ids = set(session.scalars(ext)) | set(session.scalars(select(LoanRateChange.loan_id)))
    ids |= set(session.scalars(select(Loan.id).where(Loan.recalled_on.is_not(None))))
    for old, new in session.execute(select(LoanRenewal.old_loan_id, LoanRenewal.new_loan_id)):
        ids |= {old, new}
    return sorted(ids)


# -- extensions (展期) waiting for the checker -------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtensionToDecide:
    """A proposed extension (展期申请) the bank's approver must decide by ``decide_by`` (working days)."""

    id: int
    loan_id: int
    contract_no: str
    months: int
    proposed_on: dt.date
    proposed_by: str
    decide_by: dt.date | None


def extensions_to_decide(session: Session, bank_id: int) -> list[ExtensionToDecide]:
    """The bank's proposed extensions, the earliest deadline first."""
    e = LoanExtension
    stmt = (
        select(e.id, e.loan_id, Loan.contract_no, e.months, e.applied_on, e.actor, e.decide_by)
        .join(Loan, Loan.id == e.loan_id)
        .where(Loan.bank_id == bank_id, e.status == "proposed")
        .order_by(e.decide_by, e.id)
    )
    return [ExtensionToDecide(*row) for row in session.execute(stmt)]
