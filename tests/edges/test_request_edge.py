"""The request edge (请求边界): every malformed request is a 4xx in the bilingual error shape, never a 500.

Regressions for issue 11's fuzzing findings: ids of 2^63 and more, amounts beyond the decimal context, a NaN or huge
fee rate, a JSONL feed line nested thousands deep, a NUL in text on PostgreSQL; and the framework's own answers
(malformed JSON, wrong content type, unknown route, wrong method) in the catalogue's shape.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from ippledge.access.model import PartyKind, Role
from ippledge.access.tables import Party
from tests.lending.factories import LoanDesk, key
from tests.registry.factories import Register, new_uscc

BIG = 2**63


# the strict rate type answers first (format or limit); the prepayment rule stays as the service's own guard
RATE_CODES = {"rate.format", "rate.limit", "lending.prepayment_fee"}


def _bilingual(r: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body: dict[str, Any] = r.json()
    assert set(body) == {"code", "message_zh", "message_en", "details"}, body
    assert body["message_zh"] and body["message_en"]
    if code is not None:
        assert body["code"] == code, body
    return body


def test_unknown_route_is_a_bilingual_404(client) -> None:
    body = _bilingual(client.get("/no-such-thing"), 404, "request.unknown_route")
    assert body["details"]["path"] == "/no-such-thing"


def test_wrong_method_is_a_bilingual_405_naming_the_allowed_ones(client) -> None:
    r = client.delete("/health")
    _bilingual(r, 405, "request.method_not_allowed")
    assert r.headers["allow"] == "GET"


def test_malformed_json_is_a_bilingual_400(client) -> None:
    r = client.post("/auth/login", content=b'{"username": "a', headers={"content-type": "application/json"})
    _bilingual(r, 400, "request.malformed_json")


def test_a_body_in_another_format_is_a_bilingual_415(client) -> None:
    r = client.post("/auth/login", content=b"username=a&password=b", headers={"content-type": "text/plain"})
    body = _bilingual(r, 415, "request.unsupported_media_type")
    assert body["details"]["content_type"] == "text/plain"


def test_a_valid_body_still_gets_the_field_by_field_422(client) -> None:
    body = _bilingual(client.post("/auth/login", json={"username": ""}), 422, "invalid_input")
    assert {tuple(e["loc"]) for e in body["details"]["errors"]} >= {("body", "password")}


@pytest.mark.parametrize("path", ["/enterprises/{n}", "/ip-assets/{n}", "/loans/{n}", "/approvals/{n}/decision"])
def test_ids_beyond_bigint_in_the_path_are_422(world, path: str) -> None:
    bank = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER, Role.APPROVER)
    url = path.format(n=BIG)
    if url.endswith("decision"):
        r = world.client.post(url, json={"approve": True}, headers=bank.headers)
    else:
        r = world.client.get(url, headers=bank.headers)
    body = _bilingual(r, 422, "request.integer_out_of_range")
    assert body["details"]["field"].endswith("_id")
    # the largest BIGINT is an ordinary id that names nothing
    assert world.client.get(path.format(n=BIG - 1), headers=bank.headers).status_code in (404, 405)


def test_ids_beyond_bigint_in_the_body_are_4xx(world) -> None:
    bank = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER, Role.APPROVER)
    firm = world.actor(PartyKind.ENTERPRISE, Role.ENTERPRISE_USER)
    r = world.client.post("/risk-enrolments", json={"loan_id": BIG, "scheme_code": "x"}, headers=bank.headers)
    _bilingual(r, 422, "request.value_out_of_range")
    r = world.client.post(
        "/pledge-filings",
        json={"registry_id": BIG, "pledgor_id": BIG, "pledgee_id": BIG, "ip_asset_ids": [BIG]},
        headers=firm.headers,
    )
    assert 400 <= r.status_code < 500, r.text
    _bilingual(r, r.status_code)


@pytest.fixture
def desk(world, app) -> LoanDesk:
    return LoanDesk(world, app)


@pytest.mark.parametrize("rate", ["NaN", "sNaN", "Infinity", "1e30", "-1e30", "9" * 20])
def test_a_non_finite_or_huge_fee_rate_is_422(desk: LoanDesk, rate: str) -> None:
    lid = desk.active_loan(amount="100000", months=6)
    r = desk.client.get(f"/loans/{lid}/payoff-quote", params={"fee_rate": rate}, headers=desk.firm.headers)
    assert _bilingual(r, 422)["code"] in RATE_CODES
    r = desk.client.post(
        f"/loans/{lid}/payoff", json={"fee_rate": rate}, headers={**desk.firm.headers, **key("payoff")}
    )
    assert _bilingual(r, 422)["code"] in RATE_CODES
    r = desk.client.post(
        f"/loans/{lid}/repayments",
        json={"amount": "100", "prepay": True, "fee_rate": rate},
        headers={**desk.firm.headers, **key("repay")},
    )
    assert _bilingual(r, 422)["code"] in RATE_CODES
    assert desk.get(desk.firm, f"/loans/{lid}").json()["status"] == "active"  # nothing was booked


@pytest.mark.parametrize("amount", ["1" * 40, "9" * 29 + ".99", "1e40"])
def test_amounts_beyond_the_decimal_context_are_4xx(desk: LoanDesk, amount: str) -> None:
    lid = desk.active_loan(amount="100000", months=6)
    desk.deposit("1000")
    before = desk.get(desk.firm, f"/loans/{lid}").json()
    r = desk.client.post(
        f"/loans/{lid}/repayments", json={"amount": amount}, headers={**desk.firm.headers, **key("repay")}
    )
    _bilingual(r, 422, "money.format")
    assert desk.get(desk.firm, f"/loans/{lid}").json() == before  # nothing was booked


def test_a_feed_line_nested_thousands_deep_is_one_bad_line(world) -> None:
    reg = Register(world)
    owner = reg.enterprise()
    number = reg.patent(owner)["number"]
    good = json.dumps({"number": number, "code": "CF01", "effective_date": "2024-03-02"})
    deep = "[" * 5000 + "]" * 5000
    deep_details = json.dumps(
        {"number": number, "code": "PP01", "effective_date": "2024-01-10", "details": "[" * 5000 + "]" * 5000}
    )
    text = "\n".join([deep, good, deep_details])
    r = reg.client.post("/legal-status/feeds?format=jsonl", content=text.encode(), headers=reg.officer.headers)
    assert r.status_code == 201, r.text
    report = r.json()
    assert [(e["line"], e["code"]) for e in report["errors"]][:1] == [(1, "registry.feed_json")]
    assert report["loaded"] >= 1  # the good line loads: the feed is not lost


@pytest.mark.parametrize("username", ["fuzz\x00user", "\x00"])
def test_nul_in_login_is_a_4xx(client, username: str) -> None:
    r = client.post("/auth/login", json={"username": username, "password": "x\x00y"})
    assert r.status_code in (401, 422), r.text
    _bilingual(r, r.status_code)


def test_nul_in_text_is_a_4xx_and_writes_nothing(world) -> None:
    reg = Register(world)
    name = f"NUL测试企业{BIG}"
    body = {"name": name + "\x00", "uscc": new_uscc(), "region_code": "110108", "size": "small"}
    r = reg.client.post("/enterprises", json=body, headers=reg.officer.headers)
    assert _bilingual(r, 422)["code"] in {"request.nul_character", "text.unsafe_char"}
    with world.factory() as s:  # the request's transaction rolled back: no party half-made
        assert s.scalar(select(func.count()).select_from(Party).where(Party.name.like("NUL测试企业%"))) == 0


def test_nul_in_a_query_filter_is_a_4xx_on_postgresql(world) -> None:
    """PostgreSQL cannot even compare text with a NUL in it; SQLite just finds nothing."""
    bank = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    r = world.client.get("/loans", params={"status": "active\x00"}, headers=bank.headers)
    if world.client.app.state.engine.dialect.name == "postgresql":
        _bilingual(r, 422, "request.nul_character")
    else:
        assert r.status_code == 200 and r.json() == []
