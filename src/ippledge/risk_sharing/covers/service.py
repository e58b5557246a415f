"""Insurance and guarantees (保险与担保): pooled IP pledge financing insurance, per-loan insurance, guarantees.

* ``pooled_insurance`` (知识产权质押融资保证保险, Zhongguancun model): bought by the IP operations institution as
  policyholder and insured; covers every loan enrolled in ``scheme_code``; its insurer pays the scheme's insurer share.
* ``loan_insurance``: per-loan guarantee insurance, usually paid by the borrower.
* ``guarantee``: a guarantor's guarantee of one loan; its guarantor pays the scheme's guarantor share.

The provider records the cover; the premium or guarantee fee (premium = principal x rate) is a ledger entry from
the payer to the provider when received.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access import queries as access
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.kernel.errors import not_found
from ippledge.kernel.money import positive_money, round_fen
from ippledge.ledger import queries as ledger_queries
from ippledge.ledger import service as ledger
from ippledge.ledger.accounts import account_code
from ippledge.lending import queries as lending
from ippledge.risk_sharing.covers.tables import Cover
from ippledge.risk_sharing.errors import (
    COVER_INSUFFICIENT_FUNDS,
    COVER_INSURED_AMOUNT,
    COVER_KIND,
    COVER_PAID,
    COVER_PAYER,
    COVER_TARGET,
    COVER_TERMS,
)
from ippledge.risk_sharing.model import BP_TOTAL
from ippledge.risk_sharing.pools import postings
from ippledge.risk_sharing.pools import store as pools

KINDS = {
    "pooled_insurance": PartyKind.INSURER,
    "loan_insurance": PartyKind.INSURER,
    "guarantee": PartyKind.GUARANTOR,
}


def add_cover(
    session: Session,
    principal: Principal,
    *,
    kind: str,
    payer_id: int,
    premium_rate_bp: int,
    start_on: dt.date,
    end_on: dt.date,
    loan_id: int | None = None,
    scheme_code: str | None = None,
    insured_amount: Decimal | str | None = None,
) -> Cover:
    """The insurer or guarantor records a cover it has written."""
    if kind not in KINDS:
        raise COVER_KIND(kind=kind, kinds=", ".join(KINDS))
    principal.require_kind(KINDS[kind])
    principal.require(Role.UNDERWRITER, Role.APPROVER)
    if (kind == "pooled_insurance") != (scheme_code is not None) or (loan_id is None) == (scheme_code is None):
        raise COVER_TARGET()
    if not 0 <= premium_rate_bp <= BP_TOTAL or end_on <= start_on:
        raise COVER_TERMS()
    payer_kind = access.party_kind(session, payer_id)
    if payer_kind is None:
        raise not_found("投保人", "payer", id=payer_id)
    if kind == "pooled_insurance" and payer_kind is not PartyKind.IP_OPERATOR:
        raise COVER_PAYER(
            why_zh="资金池保险由知识产权运营机构投保",
            why_en="pooled insurance is bought by the IP operations institution",
        )
    if loan_id is not None:
        loan = lending.loan_summary(session, loan_id)
        if loan is None or payer_id not in (loan.borrower_id, loan.bank_id):  # no probing of others' loans
            raise not_found("贷款", "loan", id=loan_id)
        base = loan.principal
    else:
        assert scheme_code is not None
        pools.pool(session, scheme_code)
        if insured_amount is None:
            raise COVER_INSURED_AMOUNT()
        base = positive_money(insured_amount)
    premium = round_fen(base * premium_rate_bp / BP_TOTAL)
    row = Cover(
        kind=kind,
        provider_id=principal.party_id,
        payer_id=payer_id,
        loan_id=loan_id,
        scheme_code=scheme_code,
        premium_rate_bp=premium_rate_bp,
        premium=premium,
        start_on=start_on,
        end_on=end_on,
    )
    session.add(row)
    session.flush()
    audit.record(session, principal, "risk.cover_added", "risk_cover", row.id, {"kind": kind, "premium": str(premium)})
    return row


def pay_premium(session: Session, principal: Principal, cover_id: int, day: dt.date, key: str) -> Cover:
    """The provider records the premium or fee received (payer -> provider); once per cover."""
    cover = scope.get_visible(session, Cover, cover_id, principal)
    if principal.party_id != cover.provider_id:
        raise not_found("保险/担保", "cover", id=cover_id)
    if cover.paid >= cover.premium:
        raise COVER_PAID(cover_id=cover.id)
    via_bank = None
    if access.party_kind(session, cover.payer_id) is PartyKind.ENTERPRISE:
        loan = lending.loan_summary(session, cover.loan_id) if cover.loan_id is not None else None
        if loan is None:
            raise COVER_PAYER(why_zh="企业付费须关联贷款", why_en="an enterprise pays through its loan's bank")
        via_bank = loan.bank_id
        held = ledger_queries.balance(session, account_code(cover.payer_id, "settlement"))
        if held < cover.premium - cover.paid:
            raise COVER_INSUFFICIENT_FUNDS(available=str(held))
    amount = cover.premium - cover.paid
    draft = postings.premium(
        cover.provider_id, cover.payer_id, amount, day, cover.id, f"risk.premium:{cover.id}:{key}", via_bank
    )
    ledger.post(session, principal, draft)
    cover.paid = cover.premium
    session.flush()
    audit.record(session, principal, "risk.premium_paid", "risk_cover", cover.id, {"amount": str(amount)})
    return cover
