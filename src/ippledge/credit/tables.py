"""Credit tables (授信): products and their versions, LPR fixings, credit decisions with every input they used."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, Fen, IdMixin, utcnow


class CreditProduct(IdMixin, Base):
    """A bank's loan product (信贷产品); its terms live in versions."""

    __tablename__ = "credit_product"

    bank_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # credit.model.ProductKind
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("bank_id", "code"),)


class CreditProductVersion(IdMixin, Base):
    """The terms of a product from ``effective_from`` to ``effective_to`` (inclusive; open-ended when null)."""

    __tablename__ = "credit_product_version"

    product_id: Mapped[int] = mapped_column(ForeignKey("credit_product.id", ondelete="CASCADE"), index=True)
    version_no: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))  # active | retired
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    ltv_caps: Mapped[str] = mapped_column(Text)  # JSON {subtype: bp}
    min_amount: Mapped[Decimal] = mapped_column("min_amount_fen", Fen)
    max_amount: Mapped[Decimal] = mapped_column("max_amount_fen", Fen)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    max_term_months: Mapped[int] = mapped_column(Integer)
    rate_cap_lpr_multiple: Mapped[str | None] = mapped_column(String(8))  # decimal text, e.g. "1.4"
    rate_cap_lpr_plus_bp: Mapped[int | None] = mapped_column(Integer)
    penalty_uplift_bp: Mapped[int] = mapped_column(Integer)
    underwriting: Mapped[str] = mapped_column(String(12))  # credit.model.Underwriting
    repayment_methods: Mapped[str] = mapped_column(String(120))  # space-separated RepaymentMethod values
    ip_required_above: Mapped[Decimal | None] = mapped_column("ip_required_above_fen", Fen)
    # the model as challenger (decision record 0008)
    model_basis_without_report: Mapped[bool] = mapped_column(Boolean, default=False)
    model_cap_p90_multiple: Mapped[str | None] = mapped_column(String(8))  # decimal text, e.g. "1.5"
    min_forced_sale_coverage: Mapped[str | None] = mapped_column(String(8))  # decimal text, e.g. "0.5"
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("product_id", "version_no"),)


class LprRate(IdMixin, Base):
    """A Loan Prime Rate fixing (贷款市场报价利率) in basis points, from its effective date."""

    __tablename__ = "lpr_rate"

    effective_date: Mapped[dt.date] = mapped_column(Date)
    tenor: Mapped[str] = mapped_column(String(4))  # 1y | 5y
    rate_bp: Mapped[int] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(Text)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("effective_date", "tenor"),)


class CreditDecision(IdMixin, Base):
    """A proposed credit decision (授信决定) and everything it was computed from."""

    __tablename__ = "credit_decision"

    application_id: Mapped[int] = mapped_column(ForeignKey("loan_application.id"), index=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    product_version_id: Mapped[int] = mapped_column(ForeignKey("credit_product_version.id"))
    status: Mapped[str] = mapped_column(String(12), index=True)  # failed | pending | approved | rejected
    amount: Mapped[Decimal] = mapped_column("amount_fen", Fen)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    term_months: Mapped[int] = mapped_column(Integer)
    repayment_method: Mapped[str] = mapped_column(String(20))
    spread_bp: Mapped[int] = mapped_column(Integer)
    lpr_date: Mapped[dt.date] = mapped_column(Date)
    lpr_bp: Mapped[int] = mapped_column(Integer)
    rate_bp: Mapped[int] = mapped_column(Integer)
    rate_cap_bp: Mapped[int | None] = mapped_column(Integer)
    penalty_uplift_bp: Mapped[int] = mapped_column(Integer)
    max_supported: Mapped[Decimal] = mapped_column("max_supported_fen", Fen)
    ip_required: Mapped[bool] = mapped_column(Boolean)
    pledged_assets: Mapped[str] = mapped_column(Text)  # JSON list of asset ids
    valuations: Mapped[str] = mapped_column(Text)  # JSON list of credit.model.Basis dicts, one per IP
    checks: Mapped[str] = mapped_column(Text)  # JSON list of RuleCheck dicts
    # the lending basis (贷款依据, decision record 0008): null where no IP was offered or a figure is unknown
    basis_kind: Mapped[str | None] = mapped_column(String(10))  # credit.model.BasisKind
    appraisal: Mapped[Decimal | None] = mapped_column("appraisal_fen", Fen)  # appraisal of record, all IPs
    model_p10: Mapped[Decimal | None] = mapped_column("model_p10_fen", Fen)  # sums of the IPs' model quantiles
    model_p50: Mapped[Decimal | None] = mapped_column("model_p50_fen", Fen)
    model_p90: Mapped[Decimal | None] = mapped_column("model_p90_fen", Fen)
    forced_sale: Mapped[Decimal | None] = mapped_column("forced_sale_fen", Fen)  # the LGD input, never the cap
    ltv_cap_bp: Mapped[int | None] = mapped_column(Integer)
    warnings: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of CreditWarning dicts (non-blocking)
    as_of: Mapped[dt.date] = mapped_column(Date)
    approval_id: Mapped[int | None] = mapped_column(ForeignKey("approval.id"))
    proposed_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CreditAttestation(IdMixin, Base):
    """The bank's attestation on an application (银行报送信息), signed by the credit officer: the borrower's bank debt
    and credit record (from the credit report, 征信报告) and the loan's other security. The newest one counts."""

    __tablename__ = "credit_attestation"

    application_id: Mapped[int] = mapped_column(ForeignKey("loan_application.id"), index=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    borrower_bank_debt: Mapped[Decimal | None] = mapped_column("borrower_bank_debt_fen", Fen)  # 银行债务余额
    clean_credit: Mapped[bool | None] = mapped_column(Boolean)  # 无不良信用记录
    credit_report_ref: Mapped[str | None] = mapped_column(String(200))  # 征信报告编号
    other_security: Mapped[str] = mapped_column(Text)  # JSON [{kind, amount, note}]
    attested_on: Mapped[dt.date] = mapped_column(Date)
    attested_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
