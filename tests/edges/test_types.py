"""The shared edge types (公共类型): error codes and their catalogue, the ``Fen`` column on both backends, ``Yuan`` and
``YuanIn`` in JSON, and the idempotent-route dependency ``OnceDep``."""

from __future__ import annotations

import itertools
import types
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from pydantic import BaseModel, TypeAdapter
from sqlalchemy import Column, Engine, Integer, MetaData, Table, func, insert, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access.model import PartyKind, Principal, Role
from ippledge.db import Fen
from ippledge.kernel.errors import (
    ConflictError,
    ErrorCode,
    IppledgeError,
    NotFoundError,
    ValidationError,
    catalogue,
)
from ippledge.web.deps import current_principal
from ippledge.web.idempotency import OnceDep
from ippledge.web.money import Yuan, YuanIn

# --- ErrorCode and the catalogue ----------------------------------------------------------------------------------

LOAN_MISSING = ErrorCode("test.loan_missing", NotFoundError, "贷款{loan_id}不存在", "loan {loan_id} not found")


def test_an_error_code_fills_its_messages_from_the_details() -> None:
    err = LOAN_MISSING(loan_id=7)
    assert isinstance(err, NotFoundError) and LOAN_MISSING.status == err.status == 404
    assert err.to_dict() == {
        "code": "test.loan_missing",
        "message_zh": "贷款7不存在",
        "message_en": "loan 7 not found",
        "details": {"loan_id": 7},
    }
    with pytest.raises(NotFoundError) as raised:
        raise LOAN_MISSING(loan_id=8)
    assert raised.value.code == "test.loan_missing" and str(raised.value) == "[test.loan_missing] loan 8 not found"


def test_an_error_code_without_placeholders_keeps_its_messages() -> None:
    plain = ErrorCode("test.plain", ConflictError, "状态冲突", "conflict")
    err = plain()
    assert (err.status, err.message_zh, err.message_en, err.details) == (409, "状态冲突", "conflict", {})


def _module(name: str, **codes: ErrorCode) -> types.ModuleType:
    module = types.ModuleType(name)
    for attr, code in codes.items():
        setattr(module, attr, code)
    module.NOT_A_CODE = "test.loan_missing"  # type: ignore[attr-defined]
    return module


def test_the_catalogue_lists_every_code_once_sorted() -> None:
    other = ErrorCode("test.another", ValidationError, "无效", "invalid")
    first = _module("first", LOAN_MISSING=LOAN_MISSING, ANOTHER=other)
    again = _module("again", SAME=LOAN_MISSING)  # re-exported: the same entry, listed once
    assert catalogue([first, again]) == [other, LOAN_MISSING]


def test_the_catalogue_refuses_one_code_defined_twice_differently() -> None:
    clash = ErrorCode("test.loan_missing", NotFoundError, "没有这笔贷款", "no such loan")
    with pytest.raises(ValueError, match=r"test\.loan_missing"):
        catalogue([_module("first", A=LOAN_MISSING), _module("second", B=clash)])
    status_clash = ErrorCode("test.loan_missing", ConflictError, LOAN_MISSING.zh, LOAN_MISSING.en)
    with pytest.raises(ValueError, match="defined twice"):
        catalogue([_module("first", A=LOAN_MISSING), _module("second", B=status_clash)])


# --- Fen: integer fen in the table, Decimal yuan in Python, on SQLite and PostgreSQL ---------------------------------


@pytest.fixture
def probe(engine: Engine) -> Any:
    meta = MetaData()
    table = Table(
        "edge_fen_probe",
        meta,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("amount_fen", Fen, nullable=True),
    )
    meta.create_all(engine)
    try:
        yield table
    finally:
        meta.drop_all(engine)


def test_fen_round_trip(engine: Engine, probe: Table) -> None:
    amounts = [Decimal("1234.56"), Decimal("-0.01"), Decimal("5"), Decimal("90000000000.00"), None]
    with engine.begin() as conn:
        conn.execute(insert(probe), [{"id": i, "amount_fen": a} for i, a in enumerate(amounts)])
    with engine.connect() as conn:
        back = list(conn.execute(select(probe.c.amount_fen).order_by(probe.c.id)).scalars())
        raw = list(conn.execute(text("SELECT amount_fen FROM edge_fen_probe ORDER BY id")).scalars())
        total = conn.execute(select(func.sum(probe.c.amount_fen))).scalar_one()
        bigger = conn.execute(select(probe.c.id).where(probe.c.amount_fen > Decimal("1000"))).scalars().all()
    assert back == [Decimal("1234.56"), Decimal("-0.01"), Decimal("5.00"), Decimal("90000000000.00"), None]
    assert all(isinstance(a, Decimal) for a in back if a is not None)
    assert [str(a) for a in back if a is not None] == ["1234.56", "-0.01", "5.00", "90000000000.00"]
    assert raw == [123456, -1, 500, 9_000_000_000_000, None]  # the column itself holds integer fen
    assert total == Decimal("90000001239.55")  # an aggregate reads back as yuan through the column's type
    assert sorted(bigger) == [0, 3]  # a literal compared with the column is bound as fen


def test_fen_refuses_digits_below_the_fen(engine: Engine, probe: Table) -> None:
    with pytest.raises(StatementError) as raised, engine.begin() as conn:
        conn.execute(insert(probe), [{"id": 1, "amount_fen": Decimal("1.005")}])
    assert isinstance(raised.value.orig, IppledgeError) and raised.value.orig.code == "money.precision"
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(probe)).scalar_one() == 0  # nothing was rounded in


# --- Yuan and YuanIn in JSON -----------------------------------------------------------------------------------------


class _Out(BaseModel):
    amount: Yuan
    maybe: Yuan | None = None


def test_yuan_serialises_as_a_two_decimal_string() -> None:
    out = _Out(amount=Decimal("1234.5"), maybe=Decimal("-3"))
    assert out.model_dump_json() == '{"amount":"1234.50","maybe":"-3.00"}'
    assert _Out(amount=Decimal("0")).model_dump_json() == '{"amount":"0.00","maybe":null}'
    assert out.model_dump()["amount"] == Decimal("1234.5")  # Python keeps the Decimal
    assert _Out.model_json_schema()["properties"]["amount"]["type"] == "string"


def test_yuan_in_takes_strings_and_integers_but_refuses_a_float() -> None:
    adapter = TypeAdapter(YuanIn)
    assert adapter.validate_python("1,234.5") == Decimal("1234.50")
    assert adapter.validate_python(12) == Decimal("12.00")
    assert adapter.validate_json('"0.10"') == Decimal("0.10")
    for float_amount in (1.5, 12.0):
        with pytest.raises(IppledgeError) as raised:
            adapter.validate_python(float_amount)
        assert raised.value.code == "money.type"
    with pytest.raises(IppledgeError) as from_json:
        adapter.validate_json("1234.56")  # a JSON number with a fraction is a float
    assert from_json.value.code == "money.type"


# --- OnceDep: one idempotent money route ---------------------------------------------------------------------------

_BANK = Principal(party_id=1, party_kind=PartyKind.BANK, roles=frozenset({Role.CREDIT_OFFICER}), user_id=1)


def _once_app(session_factory: sessionmaker[Session]) -> tuple[FastAPI, list[dict[str, object]]]:
    app = FastAPI()
    app.state.session_factory = session_factory
    app.dependency_overrides[current_principal] = lambda: _BANK
    acted: list[dict[str, object]] = []
    counter = itertools.count(1)

    async def _error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, IppledgeError)
        return JSONResponse(status_code=exc.status, content=exc.to_dict())

    app.add_exception_handler(IppledgeError, _error)

    @app.post("/accounts/{account}/payments", status_code=201)
    def pay(account: str, body: dict[str, object], once: OnceDep) -> JSONResponse:
        def act() -> dict[str, object]:
            acted.append(body)
            return {"payment": next(counter), "account": account, **body}

        return once({"account": account, **body}, act, status_code=201)

    return app, acted


def test_once_replays_the_first_result_of_a_key(session_factory: sessionmaker[Session]) -> None:
    app, acted = _once_app(session_factory)
    with TestClient(app) as client:
        headers = {"Idempotency-Key": "pay-0001-abc"}
        first = client.post("/accounts/A/payments", json={"amount": "10.00"}, headers=headers)
        again = client.post("/accounts/A/payments", json={"amount": "10.00"}, headers=headers)
        other = client.post("/accounts/A/payments", json={"amount": "10.00"}, headers={"Idempotency-Key": "pay-0002-x"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() == {"payment": 1, "account": "A", "amount": "10.00"}
    assert other.json()["payment"] == 2
    assert len(acted) == 2  # the retry acted nothing


def test_once_refuses_a_reused_key_with_another_body(session_factory: sessionmaker[Session]) -> None:
    app, acted = _once_app(session_factory)
    with TestClient(app) as client:
        headers = {"Idempotency-Key": "pay-0003-abc"}
        assert client.post("/accounts/A/payments", json={"amount": "10.00"}, headers=headers).status_code == 201
        changed = client.post("/accounts/A/payments", json={"amount": "99.00"}, headers=headers)
        elsewhere = client.post("/accounts/B/payments", json={"amount": "10.00"}, headers=headers)
        keyless = client.post("/accounts/A/payments", json={"amount": "10.00"})
    assert changed.status_code == elsewhere.status_code == 409
    assert changed.json()["code"] == elsewhere.json()["code"] == "idempotency.mismatch"
    assert changed.json()["details"] == {"key": "pay-0003-abc", "operation": "POST /accounts/{account}/payments"}
    assert keyless.status_code == 422 and keyless.json()["code"] == "idempotency.key_required"
    assert len(acted) == 1
