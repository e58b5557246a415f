"""Loan tables (贷款台账): contracts, schedule, repayments, grade history, write-offs, the business date.

Money is stored as integer fen in ``*_fen`` columns and read as ``Decimal`` yuan (``db.Fen``).
``Loan.outstanding_principal`` mirrors the ledger (the natural balance of the loan's principal account) and
``ledger check`` proves the two agree; the ledger is the book of record.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, Fen, IdMixin, utcnow


class Loan(IdMixin, Base):
    """A loan contract (借款合同) and its current state."""

    __tablename__ = "loan"

    contract_no: Mapped[str] = mapped_column(String(40), unique=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("credit_decision.id"), unique=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("loan_application.id"), index=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    # The bank unit and the officer that signed it (access.tables.BankBranch, the signer's posting at the time).
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("bank_branch.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    principal: Mapped[Decimal] = mapped_column("principal_fen", Fen)
    annual_rate: Mapped[Decimal] = mapped_column(Numeric(10, 6))  # 0.035000 = 3.50%
    penalty_uplift: Mapped[Decimal] = mapped_column(Numeric(6, 4))  # 0.5000 = +50% of the contract rate
    method: Mapped[str] = mapped_column(String(20))  # lending.model.RepaymentMethod value
    term_months: Mapped[int] = mapped_column(Integer)
    contracted_on: Mapped[dt.date] = mapped_column(Date)
    disbursed_on: Mapped[dt.date | None] = mapped_column(Date)
    maturity_date: Mapped[dt.date | None] = mapped_column(Date)
    # contracted | active | repaid | written_off  (overdue and default are read from dpd and grade)
    status: Mapped[str] = mapped_column(String(16), index=True)
    outstanding_principal: Mapped[Decimal] = mapped_column("outstanding_principal_fen", Fen, default=Decimal("0.00"))
    dpd: Mapped[int] = mapped_column(Integer, default=0)  # days past due as of accrued_through
    grade: Mapped[str] = mapped_column(String(16), default="normal")  # lending.model.Grade name
    grade_reason: Mapped[str | None] = mapped_column(Text)  # why the bank holds it below the floor
    defaulted_on: Mapped[dt.date | None] = mapped_column(Date)
    accrued_through: Mapped[dt.date | None] = mapped_column(Date)  # last business date closed for this loan
    penalty_exact: Mapped[Decimal] = mapped_column(Numeric(24, 10), default=Decimal(0))  # sub-fen cumulative
    penalty_posted: Mapped[Decimal] = mapped_column("penalty_posted_fen", Fen, default=Decimal("0.00"))
    # 贷款损失准备: the allowance booked for this loan by the last close (0 after write-off); mirrors the ledger
    allowance: Mapped[Decimal] = mapped_column("allowance_fen", Fen, default=Decimal("0.00"))
    closed_on: Mapped[dt.date | None] = mapped_column(Date)  # repaid in full or written off
    # 重组 (2023 rules art. 19-20): the restructuring date and the grade the loan may not be better than during the
    # observation period that follows (model.classification.RESTRUCTURE_OBSERVATION_MONTHS)
    restructured_on: Mapped[dt.date | None] = mapped_column(Date)
    restructure_floor: Mapped[str | None] = mapped_column(String(16))
    # 提前收回: the date the bank declared the loan due at once (lending.recall); the maturity moved to it
    recalled_on: Mapped[dt.date | None] = mapped_column(Date)
    # 表外利息: interest accrued off balance sheet while non-accrual (> 90 days past due) and not yet received;
    # mirrors the memo account P{bank}:memo:loan:{id}:interest
    interest_off: Mapped[Decimal] = mapped_column("interest_off_fen", Fen, default=Decimal("0.00"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_loan_status_bank", "status", "bank_id"),)


class LoanPledge(Base):
    """A registered pledge securing the loan (质押担保); every one must be in force before disbursement."""

    __tablename__ = "loan_pledge"

    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id", ondelete="CASCADE"), primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge.id"), primary_key=True)

    # The loans of given pledges (monitoring, revaluation): without it SQLite walks every active loan and probes the
    # whole pledge list for each (100 s for 10,000 pledges; decision 0033).
    __table_args__ = (Index("ix_loan_pledge_pledge", "pledge_id", "loan_id"),)


class LoanInstalment(Base):
    """One period of the repayment schedule (还款计划) with what has been accrued and paid against it."""

    __tablename__ = "loan_instalment"

    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id", ondelete="CASCADE"), primary_key=True)
    period: Mapped[int] = mapped_column(Integer, primary_key=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    due_date: Mapped[dt.date] = mapped_column(Date, index=True)
    principal: Mapped[Decimal] = mapped_column("principal_fen", Fen)
    interest: Mapped[Decimal] = mapped_column("interest_fen", Fen)
    # posted to interest receivable so far
    interest_accrued: Mapped[Decimal] = mapped_column("interest_accrued_fen", Fen, default=Decimal("0.00"))
    paid_principal: Mapped[Decimal] = mapped_column("paid_principal_fen", Fen, default=Decimal("0.00"))
    paid_interest: Mapped[Decimal] = mapped_column("paid_interest_fen", Fen, default=Decimal("0.00"))
    settled_on: Mapped[dt.date | None] = mapped_column(Date)


class LoanExtension(IdMixin, Base):
    """One extension (展期) of a loan: proposed by a credit officer, decided by a different approver (maker-checker);
    once approved, the maturity it moved and the pledge change filings it filed."""

    __tablename__ = "loan_extension"

    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # 1 for the first approved extension; 0 until approved
    applied_on: Mapped[dt.date] = mapped_column(Date)  # the day it was proposed
    months: Mapped[int] = mapped_column(Integer)
    from_maturity: Mapped[dt.date] = mapped_column(Date)
    to_maturity: Mapped[dt.date | None] = mapped_column(Date)  # set when approved
    reason: Mapped[str] = mapped_column(Text)
    debtor_in_difficulty: Mapped[bool] = mapped_column(default=False)  # then also a restructuring (2023 art. 19)
    filing_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of the pledge change filings (变更登记)
    actor: Mapped[str] = mapped_column(String(64))  # the proposer
    status: Mapped[str] = mapped_column(String(12), default="proposed")  # proposed | approved | rejected
    approval_id: Mapped[int | None] = mapped_column(ForeignKey("approval.id"))
    decide_by: Mapped[dt.date | None] = mapped_column(Date)  # the checker's deadline, in working days
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LoanRenewal(IdMixin, Base):
    """A renewal (续贷 / 无还本续贷): the maturing loan repaid and replaced by a new loan on the same pledge."""

    __tablename__ = "loan_renewal"

    old_loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), unique=True)
    new_loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # lending.model.renewal.RenewalKind
    on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column("amount_fen", Fen)
    reason: Mapped[str] = mapped_column(Text)
    debtor_in_difficulty: Mapped[bool] = mapped_column(default=False)  # then a restructuring (2023 art. 19)
    filing_ids: Mapped[str] = mapped_column(Text)  # JSON list of the pledge change filings (变更登记)
    # JSON of lending.renewal_ports.SchemeCarry: the old loan's scheme enrolment carried over, or why not; None: none
    scheme_carry: Mapped[str | None] = mapped_column(Text, default=None)
    actor: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LoanCharge(IdMixin, Base):
    """A fee charged on the loan (贷款费用: valuation, insurance, guarantee, registration), owed or paid at once."""

    __tablename__ = "loan_charge"

    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # lending.model.charges.ChargeKind
    on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column("amount_fen", Fen)
    collect: Mapped[str] = mapped_column(String(12))  # receivable | paid
    payee: Mapped[str] = mapped_column(String(12))  # third_party | bank
    memo: Mapped[str] = mapped_column(Text)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"))
    actor: Mapped[str] = mapped_column(String(64))


class LoanFloatingRate(Base):
    """A floating-rate loan's clause (浮动利率条款): LPR tenor, spread and repricing period; the next repricing date."""

    __tablename__ = "loan_floating_rate"

    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id", ondelete="CASCADE"), primary_key=True)
    tenor: Mapped[str] = mapped_column(String(4), default="1y")
    spread_bp: Mapped[int] = mapped_column(Integer)
    every_months: Mapped[int] = mapped_column(Integer)
    next_k: Mapped[int] = mapped_column(Integer)  # the number of the next repricing date
    next_on: Mapped[dt.date] = mapped_column(Date, index=True)


class LoanRateChange(IdMixin, Base):
    """One repricing (重定价): the LPR fixing used and the rate before and after, from which period."""

    __tablename__ = "loan_rate_change"

    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id", ondelete="CASCADE"), index=True)
    on: Mapped[dt.date] = mapped_column(Date)
    lpr_date: Mapped[dt.date] = mapped_column(Date)
    lpr_bp: Mapped[int] = mapped_column(Integer)
    spread_bp: Mapped[int] = mapped_column(Integer)
    from_rate: Mapped[Decimal] = mapped_column(Numeric(10, 6))
    to_rate: Mapped[Decimal] = mapped_column(Numeric(10, 6))
    from_period: Mapped[int] = mapped_column(Integer)


class LoanRepayment(IdMixin, Base):
    """Money received (还款/提前还款/核销后收回) and how it was allocated."""

    __tablename__ = "loan_repayment"

    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # repayment | prepayment | payoff | recovery
    value_date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column("amount_fen", Fen)
    penalty: Mapped[Decimal] = mapped_column("penalty_fen", Fen, default=Decimal("0.00"))
    interest: Mapped[Decimal] = mapped_column("interest_fen", Fen, default=Decimal("0.00"))
    principal: Mapped[Decimal] = mapped_column("principal_fen", Fen, default=Decimal("0.00"))
    fee: Mapped[Decimal] = mapped_column("fee_fen", Fen, default=Decimal("0.00"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"))
    allocation: Mapped[str] = mapped_column(Text)  # JSON lines per period and bucket
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LoanGradeChange(IdMixin, Base):
    """Five-tier classification history (五级分类变动): floor moves from the close, downgrades by the bank."""

    __tablename__ = "loan_grade_change"

    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id", ondelete="CASCADE"), index=True)
    on: Mapped[dt.date] = mapped_column(Date)
    from_grade: Mapped[str] = mapped_column(String(16))
    to_grade: Mapped[str] = mapped_column(String(16))
    dpd: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(40))


class LoanWriteOff(IdMixin, Base):
    """A write-off (核销), proposed by a credit officer and approved by a different approver."""

    __tablename__ = "loan_write_off"

    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id", ondelete="CASCADE"), unique=True)
    approval_id: Mapped[int] = mapped_column(ForeignKey("approval.id"))
    proposed_on: Mapped[dt.date] = mapped_column(Date)
    approved_on: Mapped[dt.date | None] = mapped_column(Date)
    principal: Mapped[Decimal] = mapped_column("principal_fen", Fen, default=Decimal("0.00"))
    interest: Mapped[Decimal] = mapped_column("interest_fen", Fen, default=Decimal("0.00"))
    penalty: Mapped[Decimal] = mapped_column("penalty_fen", Fen, default=Decimal("0.00"))
    # the loan's allowance set against the principal
    allowance_used: Mapped[Decimal] = mapped_column("allowance_used_fen", Fen, default=Decimal("0.00"))
    # allowance beyond the principal, released
    allowance_released: Mapped[Decimal] = mapped_column("allowance_released_fen", Fen, default=Decimal("0.00"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    status: Mapped[str] = mapped_column(String(12), default="proposed")  # proposed | approved | rejected


class BusinessDay(Base):
    """The platform's business date (营业日): the last date the daily close completed. One row."""

    __tablename__ = "business_day"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_closed: Mapped[dt.date | None] = mapped_column(Date)
    closed_at: Mapped[dt.datetime | None]
