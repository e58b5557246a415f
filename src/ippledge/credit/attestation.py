"""The bank's attestation on an application (银行报送信息): borrower bank debt, credit record, other security.

Risk-sharing schemes need facts only the bank holds: the borrower's total bank debt (Shenzhen: <= 30m), a clean
credit record (征信无不良) and, for a combination loan (组合贷款), the security besides the pledged IP, which fixes the
IP-pledged share (Wuhan: >= 50%, compensation on that share; Beijing 2024 subsidy: only that share). A named credit
officer of the bank attests them; each attestation is a new row (the newest counts) and is audited. A later
data-gateway issue fills the debt and credit record from the credit bureau instead of by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.credit import errors, products
from ippledge.credit.model import OtherSecurity, SecurityKind
from ippledge.credit.tables import CreditAttestation
from ippledge.intake import queries as intake_queries
from ippledge.kernel.money import money, positive_money, to_fen

CREDIT_ATTESTATION = "credit_attestation"


def parse_security(items: Sequence[dict[str, Any]]) -> tuple[OtherSecurity, ...]:
    """``[{"kind": "property", "amount": "600000", "note": "..."}]`` as values; a bad kind or amount is refused."""
    return tuple(
        OtherSecurity(
            products.choice(SecurityKind, str(i.get("kind")), errors.SECURITY_KIND),
            positive_money(i.get("amount", "")),
            str(i.get("note") or "")[:200],
        )
        for i in items
    )


def attest(
    session: Session,
    principal: Principal,
    application_id: int,
    today: dt.date,
    borrower_bank_debt: Decimal | str | None = None,
    clean_credit: bool | None = None,
    credit_report_ref: str | None = None,
    other_security: Sequence[dict[str, Any]] = (),
) -> CreditAttestation:
    """A credit officer of a bank the application is addressed to attests the facts; every one is audited."""
    principal.require_kind(PartyKind.BANK)
    principal.require(Role.CREDIT_OFFICER)
    if principal.user_id is None:
        raise errors.ANONYMOUS()
    app = intake_queries.visible_application(session, principal, application_id)
    security = parse_security(other_security)
    debt = None if borrower_bank_debt is None else money(borrower_bank_debt)
    if debt is None and clean_credit is None and not security:
        raise errors.ATTESTATION_EMPTY()
    if debt is not None and debt < 0:
        raise errors.ATTESTATION_DEBT(amount=str(debt))
    row = CreditAttestation(
        application_id=app.id,
        bank_id=principal.party_id,
        borrower_id=app.applicant_id,
        borrower_bank_debt=debt,
        clean_credit=clean_credit,
        credit_report_ref=credit_report_ref,
        other_security=json.dumps([s.to_dict() for s in security], ensure_ascii=False),
        attested_on=today,
        attested_by=principal.user_id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "credit.attested",
        CREDIT_ATTESTATION,
        row.id,
        {
            "application_id": app.id,
            "borrower_bank_debt_fen": None if debt is None else to_fen(debt),
            "clean_credit": clean_credit,
            "credit_report_ref": credit_report_ref,
            "other_security": [s.to_dict() for s in security],
        },
    )
    return row
