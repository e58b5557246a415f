"""Every preset of DOMAIN.md §5 through the API: a loan that qualifies is enrolled; one that breaks a rule is refused
naming that rule. Both cases are derived from the preset's own eligibility (the version in force on the business
date), so a preset whose terms change is still covered: the qualifying loan meets every condition the preset sets,
and the refused one breaks exactly one of them (the first the preset has, in ``_VIOLATIONS`` order; a preset with no
condition gets a loan its other security covers in full, which no IP-pledge scheme takes).

The facts come from where they live: the bank's attestation on the application (borrower bank debt, credit record,
other security), the scheme's whitelist, the registry profile (revenue, founding date), the contract.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import pytest

from ippledge.kernel.calendar import add_months
from ippledge.registry.model import Subtype
from ippledge.registry.tables import Enterprise
from ippledge.risk_sharing.model import BP_TOTAL, Scheme
from ippledge.risk_sharing.schemes.presets import get_preset, preset_codes
from tests.intake.factories import TODAY
from tests.risk_sharing.factories import RiskDesk

LPR = Decimal("0.03")  # 1-year LPR in force on TODAY in the test database (3.00% from 2025-05-20)
PATENT_KINDS = (Subtype.INVENTION, Subtype.UTILITY_MODEL, Subtype.DESIGN)


@dataclass(frozen=True)
class Case:
    """One loan and the facts around it, as the test drives them through the API."""

    amount: Decimal = Decimal(1_200_000)
    months: int = 6
    spread_bp: int = 50
    subtype: Subtype = Subtype.INVENTION
    revenue: Decimal = Decimal(50_000_000)
    founded_on: dt.date = dt.date(2015, 1, 1)
    bank_debt: Decimal = Decimal(5_000_000)
    clean_credit: bool = True
    other_security: Decimal = Decimal(0)  # a property mortgage covering this part of the loan
    whitelisted: bool = False
    notes: list[str] = field(default_factory=list)


def qualifying(scheme: Scheme) -> Case:
    """A loan and borrower meeting every condition ``scheme`` sets."""
    e = scheme.eligibility
    c = Case()
    if e.max_loan is not None and c.amount > e.max_loan:
        c = replace(c, amount=(e.max_loan / 2).quantize(Decimal(1)))
    if e.max_term_months is not None and c.months > e.max_term_months:
        c = replace(c, months=e.max_term_months)
    if e.rate_cap is not None:
        c = replace(c, spread_bp=0)  # the rate is the LPR itself, under any cap relative to it
    if e.ip_types is not None and c.subtype.value not in e.ip_types:
        c = replace(c, subtype=next(k for k in PATENT_KINDS if k.value in e.ip_types))
    if e.max_firm_revenue is not None and c.revenue > e.max_firm_revenue:
        c = replace(c, revenue=e.max_firm_revenue / 2)
    if e.min_registration_years is not None:
        c = replace(c, founded_on=dt.date(TODAY.year - e.min_registration_years - 1, 1, 1))
    if e.max_borrower_bank_debt is not None and c.bank_debt > e.max_borrower_bank_debt:
        c = replace(c, bank_debt=e.max_borrower_bank_debt / 2)
    if e.min_ip_share_bp is not None:
        # other security leaves the IP-pledged share halfway between the minimum and 100%
        other_bp = (BP_TOTAL - e.min_ip_share_bp) // 2
        c = replace(c, other_security=(c.amount * other_bp / BP_TOTAL).quantize(Decimal(1)))
    return replace(c, whitelisted=e.require_whitelist)


def _rate_above(scheme: Scheme, c: Case) -> Case:
    assert scheme.eligibility.rate_cap is not None
    limit_bp = scheme.eligibility.rate_cap.limit(LPR) * BP_TOTAL
    return replace(c, spread_bp=math.floor(limit_bp) + 1 - int(LPR * BP_TOTAL))


def _share_below(scheme: Scheme, c: Case) -> Case:
    assert scheme.eligibility.min_ip_share_bp is not None
    other_bp = BP_TOTAL - scheme.eligibility.min_ip_share_bp + 100
    return replace(c, other_security=(c.amount * other_bp / BP_TOTAL).quantize(Decimal(1)))


# (condition set by the scheme, how to break it, the reason code expected)
_VIOLATIONS: tuple[tuple[str, Callable[[Scheme, Case], Case], str], ...] = (
    (
        "max_borrower_bank_debt",
        lambda s, c: replace(c, bank_debt=s.eligibility.max_borrower_bank_debt + 1),
        "bank_debt",
    ),
    ("min_ip_share_bp", _share_below, "ip_share"),
    ("require_clean_credit", lambda s, c: replace(c, clean_credit=False), "credit_record"),
    ("require_whitelist", lambda s, c: replace(c, whitelisted=False), "whitelist"),
    ("rate_cap", _rate_above, "rate_cap"),
    ("max_firm_revenue", lambda s, c: replace(c, revenue=s.eligibility.max_firm_revenue + 1), "revenue_cap"),
    (
        "min_registration_years",
        lambda s, c: replace(c, founded_on=add_months(TODAY, -12 * s.eligibility.min_registration_years + 1)),
        "too_young",
    ),
    ("max_term_months", lambda s, c: replace(c, months=s.eligibility.max_term_months + 1), "term_cap"),
    ("max_loan", lambda s, c: replace(c, amount=s.eligibility.max_loan + 1_000_000), "loan_cap"),
)


def refused(scheme: Scheme) -> tuple[Case, str]:
    """A loan breaking exactly one condition of ``scheme`` and the reason code naming it."""
    base = qualifying(scheme)
    for name, breaks, code in _VIOLATIONS:
        value = getattr(scheme.eligibility, name)
        if value is not None and value is not False:
            return breaks(scheme, base), f"risk.eligibility.{code}"
    return replace(base, other_security=base.amount), "risk.eligibility.no_ip"


def _loan(d: RiskDesk, scheme_code: str, c: Case) -> int:
    """The loan of ``c`` through the API, with its facts recorded where they live; returns the loan id."""
    with d.factory.begin() as s:
        row = s.get(Enterprise, d.firm.party.id)
        assert row is not None
        row.annual_revenue_fen = int(c.revenue * 100)
        row.founded_on = c.founded_on
    asset = d.patent(c.subtype)
    version = d.product(
        max_amount=str(max(c.amount, Decimal(30_000_000))),
        max_term_months=max(36, c.months),
        rate_cap_lpr_multiple="2",
    )
    amount = str(c.amount)
    a = d.apply([asset], consents=[d.bank.id, d.valuer.party.id], term_months=c.months, amount=amount)
    d.valuation(a["id"], [asset], [str(c.amount * 8)], valuer=d.valuer)
    body: dict[str, Any] = {"borrower_bank_debt": str(c.bank_debt), "clean_credit": c.clean_credit}
    if c.other_security:
        body["other_security"] = [{"kind": "property", "amount": str(c.other_security), "note": "厂房抵押"}]
    d.post(d.bank.officer, f"/applications/{a['id']}/bank-attestations", body, 201)
    if c.whitelisted:
        listing = {"enterprise_id": d.firm.party.id, "listed_from": "2025-01-01", "source": "区知识产权局白名单"}
        d.post(d.operator, f"/risk-schemes/{scheme_code}/whitelist", listing, 201)
    r = d.propose(a["id"], version, amount=amount, term_months=c.months, spread_bp=c.spread_bp)
    assert r.status_code == 201 and not r.json()["failures"], r.text
    d.post(d.bank.approver, f"/credit-decisions/{r.json()['id']}/approve", {"reason": "同意"}, 200)
    task = next(x for x in d.timeline(d.firm, a["id"])["tasks"] if x["kind"] == "pledge_registration")
    fid = d.post(d.bank.officer, f"/tasks/{task['id']}/pledge-filing", {"registry_id": d.registry.party.id}, 201)
    filing = fid.json()["filing_id"]
    for who in (d.firm, d.bank.officer):
        d.post(who, f"/pledge-filings/{filing}/confirm", None, 200)
    d.post(d.firm, f"/pledge-filings/{filing}/submit", None, 200)
    d.register(filing)
    loan = d.post(d.bank.officer, "/loans", {"decision_id": r.json()["id"]}, 201).json()
    d.post_key(d.bank.officer, f"/loans/{loan['id']}/disbursement", {}, 200)
    return int(loan["id"])


@pytest.mark.parametrize("code", preset_codes())
def test_preset_enrols_a_qualifying_loan_and_refuses_one_naming_the_rule(code: str, risk_desk: RiskDesk) -> None:
    d = risk_desk
    scheme = get_preset(code, TODAY)
    d.post(d.fund_approver, "/risk-pools", {"scheme_code": code}, 201)

    good = qualifying(scheme)
    lid = _loan(d, code, good)
    r = d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": code})
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["scheme_version"] == scheme.version
    facts = out["facts"]
    assert Decimal(facts["borrower_bank_debt"]) == good.bank_debt and facts["clean_credit"] is True
    expected_share = BP_TOTAL - int(good.other_security * BP_TOTAL / good.amount)
    assert facts["ip_share_bp"] == expected_share  # the IP-pledged share the attestation fixes

    bad, reason = refused(scheme)
    lid2 = _loan(d, code, bad)
    r2 = d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid2, "scheme_code": code})
    assert r2.status_code == 422 and r2.json()["code"] == "risk.enrol.ineligible", r2.text
    reasons = r2.json()["details"]["reasons"]
    assert [x["code"] for x in reasons] == [reason]  # exactly the broken rule, named
    assert reasons[0]["message_zh"] and reasons[0]["message_en"]
    assert reasons[0]["message_en"] in r2.json()["message_en"]
    assert d.get(d.bank.officer, f"/loans/{lid2}").json()["id"] == lid2


def test_attestation_is_the_officers_audited_and_the_newest_counts(session_factory, risk_desk: RiskDesk) -> None:
    from sqlalchemy import select

    from ippledge.access.tables import AuditRecord

    d = risk_desk
    asset = d.patent()
    a = d.apply([asset], consents=[d.bank.id])
    url = f"/applications/{a['id']}/bank-attestations"
    assert d.post(d.bank.approver, url, {"clean_credit": True}).status_code == 403  # not a credit officer
    assert d.post(d.bank.officer, url, {}).json()["code"] == "credit.attestation_empty"
    bad = d.post(d.bank.officer, url, {"other_security": [{"kind": "goodwill", "amount": "1"}]})
    assert bad.status_code == 422 and bad.json()["code"] == "credit.security_kind"
    assert d.post(d.bank2.officer, url, {"clean_credit": True}).status_code == 404  # not addressed to bank2
    first = d.post(d.bank.officer, url, {"borrower_bank_debt": "1000000", "clean_credit": True}, 201).json()
    second = d.post(d.bank.officer, url, {"borrower_bank_debt": "2000000", "clean_credit": False}, 201).json()
    assert first["attested_by"] == second["attested_by"] == d.bank.officer.user.id
    now = d.get(d.bank.officer, f"/applications/{a['id']}/bank-attestation").json()
    assert now["id"] == second["id"] and now["borrower_bank_debt"] == "2000000.00" and now["clean_credit"] is False
    with session_factory() as s:
        audited = s.scalars(select(AuditRecord).where(AuditRecord.action == "credit.attested")).all()
    assert len(audited) == 2


def test_whitelist_membership_is_a_dated_recorded_fact(risk_desk: RiskDesk) -> None:
    d = risk_desk
    d.scheme_with_pool("1000", eligibility={"require_whitelist": True})
    url = "/risk-schemes/test-city/whitelist"
    body = {"enterprise_id": d.firm.party.id, "listed_from": "2025-07-01", "source": "测试市白名单第1批"}
    assert d.post(d.bank.officer, url, body).status_code == 403  # banks do not keep the list
    assert d.post(d.operator, url, {**body, "enterprise_id": d.bank.id}).json()["code"] == "risk.whitelist.party"
    d.post(d.operator, url, body, 201)
    lid = d.active_loan(amount="600000", months=6)
    r = d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"})
    # listed only from July: not on the list on the enrolment date
    assert [x["code"] for x in r.json()["details"]["reasons"]] == ["risk.eligibility.whitelist"]
    d.clock.today = dt.date(2025, 7, 1)
    ok = d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201).json()
    assert ok["facts"]["on_whitelist"] is True
