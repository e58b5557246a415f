"""Consent rules and the seeded fakes, without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ippledge.gateway.fakes import FakeSources
from ippledge.gateway.model import (
    FIELDS,
    Consent,
    CreditBureauRecord,
    Purpose,
    Source,
    consent_problems,
    consented_fields,
    covering,
)

DAY = dt.date(2025, 6, 3)


def _consent(i: int = 1, **kw: object) -> Consent:
    base: dict[str, object] = {
        "id": i,
        "firm_id": 10,
        "grantee_id": 20,
        "source": Source.TAX,
        "fields": frozenset({"credit_grade", "revenue"}),
        "purpose": Purpose.CREDIT_ASSESSMENT,
        "granted_on": DAY,
        "expires_on": DAY + dt.timedelta(days=30),
        "revoked": False,
    }
    return Consent(**{**base, **kw})  # type: ignore[arg-type]


def test_a_consent_covers_only_its_grantee_source_purpose_fields_and_days() -> None:
    c = _consent()
    assert c.covers(20, Source.TAX, Purpose.CREDIT_ASSESSMENT, ["credit_grade"], DAY)
    assert not c.covers(21, Source.TAX, Purpose.CREDIT_ASSESSMENT, ["credit_grade"], DAY)  # another bank
    assert not c.covers(20, Source.CREDIT_BUREAU, Purpose.CREDIT_ASSESSMENT, ["credit_grade"], DAY)
    assert not c.covers(20, Source.TAX, Purpose.POST_LOAN, ["credit_grade"], DAY)  # another purpose
    assert not c.covers(20, Source.TAX, Purpose.CREDIT_ASSESSMENT, ["arrears"], DAY)  # a field not granted
    assert not c.covers(20, Source.TAX, Purpose.CREDIT_ASSESSMENT, ["revenue"], DAY + dt.timedelta(days=31))
    assert not c.covers(20, Source.TAX, Purpose.CREDIT_ASSESSMENT, ["revenue"], DAY - dt.timedelta(days=1))
    assert not _consent(revoked=True).covers(20, Source.TAX, Purpose.CREDIT_ASSESSMENT, ["revenue"], DAY)


def test_covering_picks_the_longest_and_fields_union() -> None:
    a, b = _consent(1), _consent(2, fields=frozenset({"arrears"}), expires_on=DAY + dt.timedelta(days=90))
    assert covering([a, b], 20, Source.TAX, Purpose.CREDIT_ASSESSMENT, ["arrears"], DAY) == b
    assert covering([a, b], 20, Source.TAX, Purpose.CREDIT_ASSESSMENT, ["revenue", "arrears"], DAY) is None
    assert consented_fields([a, b], 20, Source.TAX, Purpose.CREDIT_ASSESSMENT, DAY) == set(FIELDS[Source.TAX])


def test_consent_problems_are_all_listed() -> None:
    assert consent_problems("tax", ["revenue"], "credit_assessment", DAY, DAY) == []
    bad = consent_problems("tax", ["revenue", "salary"], "gossip", DAY - dt.timedelta(days=1), DAY)
    assert [p[0] for p in bad] == ["fields", "purpose", "expires_on"]
    assert [p[0] for p in consent_problems("bank", [], "post_loan", DAY + dt.timedelta(days=2000), DAY)] == [
        "source",
        "fields",
        "expires_on",
    ]


def test_fakes_are_deterministic_per_seed_and_firm_and_can_be_pinned() -> None:
    one, two, other = FakeSources(seed=7), FakeSources(seed=7), FakeSources(seed=8)
    firms = [f"91110108{i:010d}" for i in range(50)]
    assert [one.tax(f, DAY) for f in firms] == [two.tax(f, DAY) for f in firms]
    assert [one.tax(f, DAY) for f in firms] != [other.tax(f, DAY) for f in firms]
    assert {one.tax(f, DAY).credit_grade for f in firms} <= {"A", "B", "M", "C", "D"}
    report = one.credit_report(firms[0], DAY)
    assert report.clean == (report.overdue == 0 and report.npl_elsewhere == 0)
    pinned = CreditBureauRecord(Decimal("7000000"), Decimal("0"), Decimal("12000"))
    one.pin(Source.CREDIT_BUREAU, firms[0], pinned)
    assert one.credit_report(firms[0], DAY) == pinned and not pinned.clean
    ip = one.ip_status(firms[1], DAY).fields()
    assert ip["valid_patents"] == sum(1 for p in ip["patents"] if p["status"] == "valid")
