"""Scheme facts as pure rules: the IP-pledged share of a combination loan and the no-IP rule every scheme applies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from ippledge.credit.model import OtherSecurity, SecurityKind, ip_share_bp
from ippledge.risk_sharing.schemes.eligibility import LoanFacts, eligibility
from ippledge.risk_sharing.schemes.presets import get_preset, presets


def test_ip_share_is_the_part_of_the_loan_other_security_leaves() -> None:
    prop = OtherSecurity(SecurityKind.PROPERTY, D("300000"))
    assert ip_share_bp(D("1200000"), [], True) == 10_000
    assert ip_share_bp(D("1200000"), [prop], True) == 7_500
    assert ip_share_bp(D("1200000"), [prop, OtherSecurity(SecurityKind.CREDIT, D("300000"))], True) == 5_000
    assert ip_share_bp(D("3"), [OtherSecurity(SecurityKind.GUARANTEE, D("1"))], True) == 6_666  # rounded down
    assert ip_share_bp(D("1000000"), [OtherSecurity(SecurityKind.GUARANTEE, D("2000000"))], True) == 0
    assert ip_share_bp(D("1000000"), [], False) == 0  # no IP pledged


def test_every_preset_refuses_a_loan_with_no_ip_pledged_share() -> None:
    base = LoanFacts(as_of=dt.date(2025, 6, 3), loan_amount=D("1000000"), term_months=12, annual_rate=D("0.03"))
    for scheme in presets():
        codes = [r.code for r in eligibility(scheme, base)]  # nothing pledged
        assert "risk.eligibility.no_ip" in codes, scheme.code
        covered = LoanFacts(**{**base.__dict__, "ip_types": frozenset({"invention"}), "ip_share_bp": 0})
        assert "risk.eligibility.no_ip" in [r.code for r in eligibility(scheme, covered)], scheme.code
    wuhan = get_preset("wuhan")
    ok = LoanFacts(**{**base.__dict__, "ip_types": frozenset({"invention"}), "ip_share_bp": 5000})
    assert eligibility(wuhan, ok) == []
