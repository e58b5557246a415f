"""Annuities after a term adjustment or extension (专利权期限补偿, TG01/TP01; issue 16, decision 0042): the schedule
runs past year 20 for the years the longer term adds, each at the 20th year's fee, whether the event comes through the
API or a legal-status feed (ingest); a patent without one stops at year 20."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from ippledge.kernel.calendar import add_months
from ippledge.registry import model
from ippledge.registry.model import Subtype
from tests.registry.factories import Register, patent_number

D = dt.date


def test_patent_years_and_fees_past_the_statutory_term() -> None:
    filing = D(2006, 3, 1)
    expiry = model.legal_expiry(Subtype.INVENTION, filing, D(2009, 1, 1))
    assert expiry == D(2026, 2, 28) and model.patent_years(Subtype.INVENTION, filing, expiry) == 20
    # 400 days more: year 21 (from 2026-03-01) and year 22 (from 2027-03-01, a part year) are in the term
    longer = expiry + dt.timedelta(days=400)
    assert model.patent_years(Subtype.INVENTION, filing, longer) == 22
    assert model.patent_years(Subtype.INVENTION, filing, D(2027, 2, 28)) == 21  # the day before year 22 starts
    years = model.annuity_years(Subtype.INVENTION, filing, D(2009, 1, 1), D(2026, 4, 1), longer)
    assert years[-2:] == [21, 22]  # year 21 started, 22 next
    assert model.annuity_years(Subtype.INVENTION, filing, D(2009, 1, 1), D(2026, 4, 1))[-1] == 20
    assert model.annuity_fee(Subtype.INVENTION, 21, extended_term=True) == Decimal(8_000)
    assert model.annuity_fee(Subtype.INVENTION, 22, extended_term=True) == model.annuity_fee(Subtype.INVENTION, 20)
    with pytest.raises(ValueError):
        model.annuity_fee(Subtype.INVENTION, 21)  # past the table without a term extension
    with pytest.raises(ValueError):
        model.annuity_fee(Subtype.DESIGN, 16, extended_term=True)  # TG01/TP01 are for inventions only


def _old_patent(reg: Register, owner: Any) -> dict[str, Any]:
    """An invention in its 20th year on the business date: year 21 would be next but the term ends first."""
    filing = add_months(dt.date.today(), -(19 * 12 + 1))
    number = patent_number(filing.year)
    p = reg.patent(owner, number=number, filing_date=str(filing), grant_date=str(add_months(filing, 36)))
    assert [a["year_no"] for a in p["annuities"]][-1] == 20
    return p


def _annuities(reg: Register, owner: Any, aid: int) -> dict[int, dict[str, Any]]:
    got = reg.client.get(f"/ip-assets/{aid}", headers=owner.headers).json()
    return {a["year_no"]: a for a in got["annuities"]}


def test_tg01_through_the_api_schedules_year_21(reg: Register) -> None:
    owner = reg.enterprise()
    p = _old_patent(reg, owner)
    body = {"code": "TG01", "effective_date": str(dt.date.today()), "details": {"days": 400}}
    r = reg.client.post(f"/ip-assets/{p['id']}/events", json=body, headers=reg.officer.headers)
    assert r.status_code == 201, r.text
    years = _annuities(reg, owner, p["id"])
    filing = dt.date.fromisoformat(p["filing_date"])
    assert years[21]["due_date"] == str(model.annuity_due(filing, 21)) and years[21]["paid_on"] is None
    assert Decimal(years[21]["amount"]) == Decimal(8_000) and years[21]["state"] == "not_due"
    assert 22 not in years  # scheduled when year 21 is paid (every started year plus the next)


def test_tp01_in_a_feed_schedules_the_added_years(reg: Register) -> None:
    owner = reg.enterprise()
    p = _old_patent(reg, owner)
    line = f'{p["number"]},TP01,{dt.date.today()},"{{""days"":800}}"'
    body = f"number,code,effective_date,details\n{line}\n".encode()
    r = reg.client.post("/legal-status/feeds?format=csv", content=body, headers=reg.officer.headers)
    assert r.status_code == 201 and r.json()["loaded"] == 1, r.text
    years = _annuities(reg, owner, p["id"])
    assert Decimal(years[21]["amount"]) == Decimal(8_000) and years[21]["paid_on"] is None
    # paying year 21 schedules year 22, still at the 20th year's fee
    filing = dt.date.fromisoformat(p["filing_date"])
    pay = {"paid_on": str(dt.date.today())}
    r = reg.client.post(f"/ip-assets/{p['id']}/annuities/21/payment", json=pay, headers=reg.officer.headers)
    assert r.status_code == 200, r.text
    years = _annuities(reg, owner, p["id"])
    assert years[22]["due_date"] == str(model.annuity_due(filing, 22)) and Decimal(years[22]["amount"]) == 8_000
