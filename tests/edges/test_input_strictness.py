"""Input strictness (输入校验), issue 11 item 7 and the low findings: ids beyond 64 bits, impossible or absurd dates,
and amount types that every request schema shares. Amount cases per route live beside their capability's tests
(``tests/lending/test_bad_input.py``)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError

from ippledge.access.model import PartyKind, Role
from ippledge.web.dates import BusinessDate, RecordDate
from ippledge.web.money import LoanAmount, LoanAmountOrZero, limits

TOO_BIG = 2**63


def _operations(spec: dict) -> list[tuple[str, str, list[str]]]:
    out = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            ints = [
                p["name"]
                for p in op.get("parameters", [])
                if p["in"] == "path" and p.get("schema", {}).get("type") == "integer"
            ]
            if ints:
                out.append((path, method, ints))
    return out


def _fill(path: str, ints: list[str], value: int) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(value) if m[1] in ints else "x", path)


def test_ids_beyond_64_bits_are_a_422_naming_the_parameter_never_a_500(world, client) -> None:
    """Found: 5xx from ids >= 2^63 (the driver overflowed). Every integer path parameter is bounded."""
    admin = world.actor(PartyKind.PLATFORM, Role.ADMIN, Role.OPERATOR)
    spec = client.get("/openapi.json").json()
    operations = _operations(spec)
    assert len(operations) > 60  # every capability's routes with ids
    for path, method, ints in operations:
        for p in spec["paths"][path][method]["parameters"]:
            if p["name"] in ints:
                assert p["schema"].get("maximum") == 2**63 - 1 and p["schema"].get("minimum") == 1, (path, p)
        url = _fill(path, ints, TOO_BIG)
        r = client.request(method.upper(), url, json={}, headers={**admin.headers, "Idempotency-Key": "k-12345678"})
        assert r.status_code == 422, (method, url, r.status_code, r.text)
        body = r.json()
        if body["code"] == "request.integer_out_of_range":  # the app-wide guard (web.edge) answers first
            assert body["details"]["field"] in ints, (url, body)
        else:
            locs = {tuple(e["loc"]) for e in body["details"]["errors"]}
            assert any(loc[:1] == ("path",) and loc[-1] in ints for loc in locs), (url, locs)
        # the largest id is simply not found (or the body is incomplete): never a server error
        url = _fill(path, ints, 2**63 - 1)
        r = client.request(method.upper(), url, json={}, headers={**admin.headers, "Idempotency-Key": "k-12345678"})
        assert r.status_code < 500, (method, url, r.text)


class _Dates(BaseModel):
    value_date: BusinessDate
    filing_date: RecordDate | None = None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("2023-02-30", "date.invalid"),
        ("2024-13-01", "date.invalid"),
        ("2024-1-5", "date.invalid"),
        ("２０２４-01-05", "date.invalid"),  # full-width digits
        (1700000000, "date.invalid"),  # a Unix timestamp is not a day
        ("2024-01-05T00:00:00", "date.invalid"),
        (True, "date.invalid"),
        ("9999-12-31", "date.range"),  # the repayment dated 9999-12-31 that was booked
        ("1900-01-01", "date.range"),
        ("2101-01-01", "date.range"),
    ],
)
def test_business_dates_refuse_impossible_and_absurd_days_naming_the_field(value: object, code: str) -> None:
    with pytest.raises(ValidationError) as raised:
        _Dates.model_validate({"value_date": value})
    (error,) = raised.value.errors()
    assert error["type"] == code and error["loc"] == ("value_date",)


def test_record_dates_reach_further_back_than_business_dates() -> None:
    import datetime as dt

    ok = _Dates.model_validate({"value_date": "2024-02-29", "filing_date": "1950-06-01"})
    assert ok.value_date == dt.date(2024, 2, 29) and ok.filing_date == dt.date(1950, 6, 1)
    with pytest.raises(ValidationError):
        _Dates.model_validate({"value_date": "2024-02-29", "filing_date": "1899-12-31"})


class _Amounts(BaseModel):
    amount: LoanAmount
    floor: LoanAmountOrZero = Decimal(0)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (True, "money.type"),
        (False, "money.type"),
        (1.5, "money.type"),
        (None, "money.type"),
        ("0.005", "money.precision"),
        ("１０００", "money.format"),
        ("١٠٠٠", "money.format"),
        ("1_000", "money.format"),
        ("1,000", "money.format"),
        ("1e3", "money.format"),
        ("NaN", "money.format"),
        ("-Infinity", "money.format"),
        ("+100", "money.format"),
        (".5", "money.format"),
        ("", "money.format"),
        ("0", "money.not_positive"),
        ("-1", "money.not_positive"),
        (0, "money.not_positive"),
        ("10000000000.01", "money.limit"),
        (10**12, "money.limit"),
    ],
)
def test_amounts_are_exact_ascii_positive_and_within_their_limit(value: object, code: str) -> None:
    with pytest.raises(ValidationError) as raised:
        _Amounts.model_validate({"amount": value})
    (error,) = raised.value.errors()
    assert error["type"] == code and error["loc"] == ("amount",)


def test_good_amounts_are_kept_exactly() -> None:
    assert _Amounts.model_validate({"amount": "1234.5"}).amount == Decimal("1234.50")
    assert _Amounts.model_validate({"amount": 1000}).amount == Decimal("1000.00")
    assert _Amounts.model_validate({"amount": "10000000000.00", "floor": "0"}).floor == 0
    for negative in ("-0.01", "-0"):
        with pytest.raises(ValidationError) as raised:
            _Amounts.model_validate({"amount": "1", "floor": negative})
        assert raised.value.errors()[0]["type"] == "money.negative"


def test_limits_are_data() -> None:
    """The per-field limits come from ``data/amount_limits.toml``; every kind a schema uses is there."""
    assert limits()["amounts"]["loan"] == Decimal("10000000000.00")
    assert set(limits()["rates"]) >= {"fee_rate", "lpr_multiple", "p90_multiple", "coverage"}
