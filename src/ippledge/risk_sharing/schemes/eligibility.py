"""Scheme eligibility (准入条件): check a loan and its borrower against a scheme; return *every* failed condition. Pure.

The facts checked are recorded with the result at enrolment, so ``LoanFacts`` is a plain value with every input.
A fact the scheme needs but the caller does not know is itself a reason (``risk.eligibility.missing``): enrolment
must never pass on a guess.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ippledge.kernel.calendar import add_months
from ippledge.risk_sharing.model import Problem, Scheme


@dataclass(frozen=True)
class LoanFacts:
    """What the eligibility check reads, as of ``as_of``; ``None`` = not known."""

    as_of: dt.date
    loan_amount: Decimal
    term_months: int
    annual_rate: Decimal  # fraction, 0.0345
    ip_types: frozenset[str] = frozenset()
    lpr_1y: Decimal | None = None
    firm_revenue: Decimal | None = None
    firm_registered_on: dt.date | None = None
    clean_credit: bool | None = None
    on_whitelist: bool = False
    ip_share_bp: int | None = None  # the IP-pledged share of the loan (credit.model.ip_share_bp), basis points
    borrower_bank_debt: Decimal | None = None
    # where the borrower's bank debt and credit record came from: "gateway:credit_bureau" (read under the firm's
    # consent), "attestation" (the bank's), or None when neither is known
    credit_source: str | None = None


def _r(code: str, path: str, zh: str, en: str) -> Problem:
    return Problem(f"risk.eligibility.{code}", path, zh, en)


def _missing(path: str) -> Problem:
    return _r("missing", path, f"缺少准入所需信息：{path}", f"missing a fact the scheme needs: {path}")


def eligibility(scheme: Scheme, facts: LoanFacts) -> list[Problem]:
    """Every reason ``facts`` do not qualify for ``scheme``; an empty list means the loan may enrol."""
    e = scheme.eligibility
    out: list[Problem] = []
    if facts.as_of < scheme.effective_from:
        out.append(_r("not_in_force", "as_of", "方案尚未生效", f"scheme not in force before {scheme.effective_from}"))
    if e.max_loan is not None and facts.loan_amount > e.max_loan:
        out.append(
            _r("loan_cap", "loan_amount", f"贷款金额超过上限 {e.max_loan}", f"loan exceeds the cap {e.max_loan}")
        )
    if e.max_term_months is not None and facts.term_months > e.max_term_months:
        out.append(
            _r(
                "term_cap",
                "term_months",
                f"贷款期限超过 {e.max_term_months} 个月",
                f"term exceeds {e.max_term_months} months",
            )
        )
    if e.rate_cap is not None:
        if facts.lpr_1y is None:
            out.append(_missing("lpr_1y"))
        elif facts.annual_rate > (limit := e.rate_cap.limit(facts.lpr_1y)):
            out.append(_r("rate_cap", "annual_rate", f"利率超过上限 {limit}", f"rate exceeds the cap {limit}"))
    if e.max_firm_revenue is not None:
        if facts.firm_revenue is None:
            out.append(_missing("firm_revenue"))
        elif facts.firm_revenue > e.max_firm_revenue:
            out.append(_r("revenue_cap", "firm_revenue", "企业营业收入超过上限", "firm revenue above the cap"))
    if e.min_registration_years is not None:
        if facts.firm_registered_on is None:
            out.append(_missing("firm_registered_on"))
        elif add_months(facts.firm_registered_on, 12 * e.min_registration_years) > facts.as_of:
            out.append(
                _r(
                    "too_young",
                    "firm_registered_on",
                    f"企业成立不足 {e.min_registration_years} 年",
                    f"firm registered less than {e.min_registration_years} years ago",
                )
            )
    if e.require_clean_credit:
        if facts.clean_credit is None:
            out.append(_missing("clean_credit"))
        elif not facts.clean_credit:
            out.append(_r("credit_record", "clean_credit", "企业有不良信用记录", "firm has an adverse credit record"))
    if e.require_whitelist and not facts.on_whitelist:
        out.append(_r("whitelist", "on_whitelist", "企业不在白名单内", "firm is not on the whitelist"))
    if e.ip_types is not None and not facts.ip_types <= e.ip_types:
        bad = ", ".join(sorted(facts.ip_types - e.ip_types))
        out.append(_r("ip_type", "ip_types", f"方案不接受的知识产权类型：{bad}", f"IP types not accepted: {bad}"))
    if not facts.ip_types or facts.ip_share_bp == 0:
        # every scheme here compensates IP pledge loans: a loan with no IP pledged, or one its other security
        # covers in full, is not one
        out.append(_r("no_ip", "ip_share_bp", "贷款没有知识产权质押部分", "the loan has no IP-pledged share"))
    if e.min_ip_share_bp is not None:
        if facts.ip_share_bp is None:
            out.append(_missing("ip_share_bp"))
        elif facts.ip_share_bp < e.min_ip_share_bp:
            out.append(
                _r(
                    "ip_share",
                    "ip_share_bp",
                    f"知识产权占担保物比例低于 {e.min_ip_share_bp / 100}%",
                    f"IP share of the collateral below {e.min_ip_share_bp / 100}%",
                )
            )
    if e.max_borrower_bank_debt is not None:
        if facts.borrower_bank_debt is None:
            out.append(_missing("borrower_bank_debt"))
        elif facts.borrower_bank_debt > e.max_borrower_bank_debt:
            out.append(
                _r("bank_debt", "borrower_bank_debt", "借款企业银行债务超过上限", "borrower's bank debt above the cap")
            )
    return out
