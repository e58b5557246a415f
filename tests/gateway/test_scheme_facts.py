"""Gateway facts fill scheme eligibility (Shenzhen: borrower bank debt <= 30m, DOMAIN.md §5): where the
borrower consented to the enrolling bank reading its credit-bureau report, the bureau's figures replace the bank's
attestation; the read is logged even when the enrolment is refused; after the firm revokes, the next enrolment
reads the attestation again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access.tables import Party
from ippledge.gateway.fakes import FAKE
from ippledge.gateway.model import CreditBureauRecord, Source
from ippledge.risk_sharing.schemes.presets import get_preset
from tests.gateway.factories import new_uscc
from tests.risk_sharing.factories import RiskDesk
from tests.risk_sharing.test_presets_api import TODAY, _loan, qualifying


@pytest.fixture
def risk_desk(world: Any, app: Any, session_factory: sessionmaker[Session]) -> Any:
    yield RiskDesk(world, app, session_factory)
    FAKE.clear()


def test_bureau_facts_replace_the_attestation_under_consent(risk_desk: RiskDesk) -> None:
    d = risk_desk
    code = "shenzhen"
    d.post(d.fund_approver, "/risk-pools", {"scheme_code": code}, 201)
    firm_uscc = new_uscc()
    with d.factory.begin() as s:
        row = s.get(Party, d.firm.party.id)
        assert row is not None
        row.uscc = firm_uscc
    good = qualifying(get_preset(code, TODAY))  # attested: bank debt 5m, clean record
    # the bureau says 31m of bank debt and an NPL elsewhere
    FAKE.pin(Source.CREDIT_BUREAU, firm_uscc, CreditBureauRecord(Decimal("31000000"), Decimal("0"), Decimal("5000")))
    consent = {
        "grantee_id": d.bank.id,
        "source": "credit_bureau",
        "fields": ["bank_debt", "overdue", "npl_elsewhere"],
        "purpose": "scheme_eligibility",
        "expires_on": "2026-06-02",
    }
    c = d.post(d.firm, "/consents", consent, 201).json()
    lid = _loan(d, code, good)
    r = d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": code})
    assert r.status_code == 422, r.text
    assert [x["code"] for x in r.json()["details"]["reasons"]] == ["risk.eligibility.bank_debt"]
    facts = r.json()["details"]["facts"]
    assert facts["credit_source"] == "gateway:credit_bureau" and facts["clean_credit"] is False
    log = d.get(d.firm, "/access-log").json()  # the read happened and is logged, though the enrolment failed
    assert sorted(a["field"] for a in log) == ["bank_debt", "npl_elsewhere", "overdue"]
    assert {(a["reader_id"], a["purpose"], a["consent_id"]) for a in log} == {
        (d.bank.id, "scheme_eligibility", c["id"])
    }
    d.post(d.firm, f"/consents/{c['id']}/revoke", None, 200)
    r = d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": code})
    assert r.status_code == 201, r.text
    facts = r.json()["facts"]
    assert facts["credit_source"] == "attestation" and Decimal(facts["borrower_bank_debt"]) == good.bank_debt
    assert len(d.get(d.firm, "/access-log").json()) == 3  # nothing read after the revocation
