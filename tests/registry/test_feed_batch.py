"""Bulk feeds (CSV, JSONL) with bad lines reported by line number, duplicates, and the batch query."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from ippledge.access.model import PartyKind, Role
from ippledge.access.tables import AuditRecord
from ippledge.outbox.events import OutboxEvent
from ippledge.registry.tables import FeedBatch, LegalStatusEvent
from tests.registry.factories import Register, pledge_in_force


def _setup(reg: Register) -> tuple[Any, list[dict[str, Any]]]:
    owner = reg.enterprise()
    return owner, [reg.patent(owner) for _ in range(3)]


def _dotted(number: str) -> str:
    return f"{number[:-1]}.{number[-1]}"


def _feed_csv(p: list[dict[str, Any]]) -> str:
    a, b, c = (x["number"] for x in p)
    return "\n".join(
        [
            "number,code,effective_date,details",
            f"ZL{_dotted(a)},PP01,2024-01-10,",  # 2 good, patent-number form
            f'{b},CF01,2024-03-02,"{{""reason"":""fee""}}"',  # 3 good, JSON details quoted
            f"{a},PD01,2024-02-01,",  # 4 good, chains on line 2
            "201310699744.3,CF01,2024-03-02,",  # 5 bad check digit
            f"{c},ZZ01,2024-03-02,",  # 6 unknown code
            f"{c},CF01,2024/03/02,",  # 7 bad date
            "202310123456.6,CF01,2024-03-02,",  # 8 valid number, not on the register
            f"{b},EE01,2024-04-01,",  # 9 out of order: terminated on line 3
            f"{b},CF01,2024-03-02,",  # 10 duplicate of line 3
            ",CF01,2024-03-02,",  # 11 missing number
            f"{c},AV01,2024-01-01,extra,cells",  # 12 too many columns
            f"{c},RR01,2024-05-01,",  # 13 out of order: c is in force
            "",
        ]
    )


def _check_report(reg: Register, world: Any, owner: Any, p: list[dict[str, Any]], report: dict[str, Any]) -> None:
    assert (report["total"], report["loaded"], report["duplicates"], report["rejected"]) == (12, 3, 1, 8), report
    lines = {e["line"]: e["code"] for e in report["errors"]}
    assert lines == {
        5: "id.patent_application.checksum",
        6: "registry.event_code",
        7: "registry.effective_date",
        8: "registry.asset_not_found",
        9: "registry.event_out_of_order",
        11: "registry.feed_field_missing",
        12: "registry.feed_columns",
        13: "registry.event_out_of_order",
    }
    assert all(e["message_zh"] and e["message_en"] for e in report["errors"])
    assert report["status_changes"] == 2  # a: preserved then discharged (status date moves); b terminated
    a = reg.client.get(f"/ip-assets/{p[0]['id']}", headers=owner.headers).json()
    b = reg.client.get(f"/ip-assets/{p[1]['id']}", headers=owner.headers).json()
    assert a["status"] == "in_force" and not a["preserved"] and a["status_date"] == "2024-02-01"
    assert b["status"] == "terminated" and b["status_date"] == "2024-03-02"
    history = reg.client.get(f"/ip-assets/{p[0]['id']}/history", headers=owner.headers).json()
    assert [(e["code"], e["source"]) for e in history] == [("PP01", "feed"), ("PD01", "feed")]
    hb = reg.client.get(f"/ip-assets/{p[1]['id']}/history", headers=owner.headers).json()
    assert hb[0]["details"] == {"reason": "fee"}
    with world.factory() as s:
        batch = s.get(FeedBatch, report["batch_id"])
        assert batch is not None and batch.loaded == 3 and batch.rejected == 8 and len(batch.sha256) == 64
        assert len(json.loads(batch.errors)) == 8
        assert s.scalar(select(func.count()).where(AuditRecord.action == "legal_status.feed_loaded")) == 1
        outbox = s.scalars(select(OutboxEvent.payload).where(OutboxEvent.topic == "ip.status_changed")).all()
        assert len(outbox) == 1 and json.loads(outbox[0])["loaded"] == 3


def test_csv_feed_reports_bad_lines_and_loads_good_ones(reg: Register, world: Any) -> None:
    owner, p = _setup(reg)
    body = _feed_csv(p).encode()
    r = reg.client.post(
        "/legal-status/feeds?format=csv&source_name=cnipa-2024-03", content=body, headers=reg.officer.headers
    )
    assert r.status_code == 201, r.text
    _check_report(reg, world, owner, p, r.json())
    # the same feed again: every good row is now a duplicate, nothing changes
    r = reg.client.post(
        "/legal-status/feeds?format=csv",
        files={"file": ("feed.csv", body, "text/csv")},
        headers=reg.officer.headers,
    )
    assert r.status_code == 201, r.text
    assert (r.json()["loaded"], r.json()["duplicates"], r.json()["status_changes"]) == (0, 4, 0)


def test_jsonl_feed_reports_bad_lines_and_loads_good_ones(reg: Register, world: Any) -> None:
    owner, p = _setup(reg)
    a, b, c = (x["number"] for x in p)
    rows: list[Any] = [
        {"number": f"ZL{_dotted(a)}", "code": "PP01", "effective_date": "2024-01-10"},
        {"number": b, "code": "CF01", "effective_date": "2024-03-02", "details": {"reason": "fee"}},
        {"number": a, "code": "PD01", "effective_date": "2024-02-01"},
        {"number": "201310699744.3", "code": "CF01", "effective_date": "2024-03-02"},
        {"number": c, "code": "ZZ01", "effective_date": "2024-03-02"},
        {"number": c, "code": "CF01", "effective_date": "2024/03/02"},
        {"number": "202310123456.6", "code": "CF01", "effective_date": "2024-03-02"},
        {"number": b, "code": "EE01", "effective_date": "2024-04-01"},
        {"number": b, "code": "CF01", "effective_date": "2024-03-02"},
        {"code": "CF01", "effective_date": "2024-03-02"},
        "{not json",
        {"number": c, "code": "RR01", "effective_date": "2024-05-01"},
    ]
    text = "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n"
    # JSONL has no header: shift the expected CSV line numbers by one
    r = reg.client.post("/legal-status/feeds?format=jsonl", content=text.encode(), headers=reg.officer.headers)
    assert r.status_code == 201, r.text
    report = r.json()
    report["errors"] = [{**e, "line": e["line"] + 1} for e in report["errors"]]
    for e in report["errors"]:
        if e["code"] == "registry.feed_json":
            e["code"] = "registry.feed_columns"
    _check_report(reg, world, owner, p, report)


def test_feed_header_and_permission(reg: Register) -> None:
    r = reg.client.post("/legal-status/feeds?format=csv", content=b"no,header\n1,2\n", headers=reg.officer.headers)
    assert r.status_code == 422 and r.json()["code"] == "registry.feed_header"
    owner = reg.enterprise()
    r = reg.client.post(
        "/legal-status/feeds?format=csv", content=b"number,code,effective_date\n", headers=owner.headers
    )
    assert r.status_code == 403


def test_cli_load_events(reg: Register, world: Any, engine: Any, tmp_path: Path) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("the CLI test points the command at the SQLite file")
    from ippledge.cli import app

    _owner, p = _setup(reg)
    path = tmp_path / "feed.csv"
    path.write_text(_feed_csv(p), encoding="utf-8")
    result = CliRunner().invoke(app, ["registry", "load-events", str(path), "--database-url", str(engine.url)])
    assert result.exit_code == 1, result.output  # rejected lines -> exit 1
    assert "3 loaded" in result.output and "line 5 [id.patent_application.checksum]" in result.output
    with world.factory() as s:
        assert s.scalar(select(func.count()).select_from(LegalStatusEvent)) == 3


def test_batch_query(reg: Register, world: Any) -> None:
    owner, p = _setup(reg)
    other = reg.enterprise()
    theirs = reg.patent(other)
    bank = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    pledge_in_force(world.factory, p[0]["id"], owner.party.id, bank.party.id, reg.officer.party.id)
    assert reg.event(p[1]["id"], "CF01", "2024-03-02").status_code == 201
    numbers = [
        f"ZL{_dotted(p[0]['number'])}",
        p[1]["number"],
        "201310699744.3",
        "202310123456.6",
        theirs["number"],
        "hello",
    ]
    r = reg.client.post(
        "/ip-assets/batch-query", json={"numbers": numbers, "as_of": "2026-01-01"}, headers=bank.headers
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["found"], body["not_found"], body["invalid"]) == (3, 1, 2)
    items = body["items"]
    assert [i["result"] for i in items] == ["found", "found", "invalid", "not_found", "found", "invalid"]
    first = items[0]
    assert first["number"] == p[0]["number"] and first["status_zh"] == "有效"
    assert first["owners"][0]["party_id"] == owner.party.id and first["owners"][0]["uscc"]
    assert first["pledges"][0]["pledgee_id"] == bank.party.id and first["pledges"][0]["debt_amount"] == "5000000.00"
    assert items[1]["status"] == "terminated" and items[1]["pledges"] == []
    # another bank sees that the IP is pledged, and to whom, but not the secured amount (gazette extract)
    rival = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    r = reg.client.post("/ip-assets/batch-query", json={"numbers": numbers[:1]}, headers=rival.headers)
    seen = r.json()["items"][0]["pledges"][0]
    assert seen["pledgee_id"] == bank.party.id and seen["debt_amount"] is None
    assert items[2]["error_code"] == "id.patent_application.checksum" and items[2]["error_zh"]
    # an enterprise sees only its own: the other firm's patent reads as not found
    r = reg.client.post("/ip-assets/batch-query", json={"numbers": numbers}, headers=owner.headers)
    assert [i["result"] for i in r.json()["items"]] == [
        "found",
        "found",
        "invalid",
        "not_found",
        "not_found",
        "invalid",
    ]


def test_batch_query_annuity_state(reg: Register, world: Any) -> None:
    owner = reg.enterprise()
    asset = reg.patent(owner, annuities_paid_through=6)  # year 7 due 2025-03-01
    q = {"numbers": [asset["number"]], "as_of": "2025-04-15"}
    item = reg.client.post("/ip-assets/batch-query", json=q, headers=owner.headers).json()["items"][0]
    assert item["annuity_state"] == "in_grace" and item["unpaid_in_grace"] == ["2025-03-01"]
    assert item["next_annuity_due"] == "2025-03-01"


def test_batch_query_limit(reg: Register) -> None:
    r = reg.client.post("/ip-assets/batch-query", json={"numbers": ["1"] * 10_001}, headers=reg.officer.headers)
    assert r.status_code == 422 and r.json()["code"] == "registry.batch_too_large"


def test_batch_query_of_10000_numbers(reg: Register, world: Any) -> None:
    """No N+1: ten thousand numbers, most unknown, answered in one request."""
    owner, p = _setup(reg)
    from ippledge.kernel.identifiers import patent_application

    numbers = [patent_application.make(2020, 1, i) for i in range(1, 10_000)] + [p[0]["number"]]
    r = reg.client.post(
        "/ip-assets/batch-query",
        json={"numbers": numbers, "as_of": dt.date(2026, 1, 1).isoformat()},
        headers=owner.headers,
    )
    assert r.status_code == 200 and r.json()["found"] == 1 and r.json()["not_found"] == 9_999


def test_feed_refuses_trademark_events_on_patents_and_renewals(reg: Register) -> None:
    owner = reg.enterprise()
    p = reg.patent(owner)
    csv = "\n".join(
        ["number,code,effective_date,details", f"{p['number']},TM02,2024-01-10,", f"{p['number']},TM01,2024-01-11,", ""]
    )
    r = reg.client.post("/legal-status/feeds?format=csv", content=csv.encode(), headers=reg.officer.headers)
    assert r.status_code == 201, r.text
    assert {e["line"]: e["code"] for e in r.json()["errors"]} == {2: "registry.not_a_mark", 3: "registry.not_a_mark"}
    assert r.json()["loaded"] == 0
    # on a mark: a revocation loads; a renewal moves the term, so it is recorded one at a time, not in a feed
    mark = reg.patent(
        owner, kind="trademark", subtype="mark", number="23456789", title="华信", ipc=[], nice_classes=[9],
        filing_date="2017-01-01", grant_date="2018-06-07",
    )  # fmt: skip
    csv = "\n".join(
        ["number,code,effective_date,details", "23456789,TM01,2024-01-11,", "23456789,TM02,2024-01-12,", ""]
    )
    r = reg.client.post("/legal-status/feeds?format=csv", content=csv.encode(), headers=reg.officer.headers)
    assert {e["line"]: e["code"] for e in r.json()["errors"]} == {2: "registry.feed_renewal"}
    assert r.json()["loaded"] == 1
    got = reg.client.get(f"/ip-assets/{mark['id']}", headers=owner.headers).json()
    assert got["status"] == "revoked"


def test_an_unterminated_csv_quote_is_one_bad_line_not_the_rest_of_the_feed(reg: Register) -> None:
    """Issue 11 (low): a quote left open swallowed every following line into one field, silently."""
    _owner, p = _setup(reg)
    a, b, c = (x["number"] for x in p)
    csv = "\n".join(
        [
            "number,code,effective_date,details",
            f'{a},PP01,2024-01-10,"{{""reason"":""open',  # 2: the quote never closes
            f"{b},CF01,2024-03-02,",  # 3 good
            f'{c},PP01,2024-01-10,"{{""a"":1}}"',  # 4 good, quoted
            f'"{c},CF01,2024-03-05,',  # 5: a stray opening quote
            "",
        ]
    )
    for sent in ({"content": csv.encode()}, {"files": {"file": ("feed.csv", csv.encode(), "text/csv")}}):
        r = reg.client.post("/legal-status/feeds?format=csv", headers=reg.officer.headers, **sent)
        assert r.status_code == 201, r.text
        report = r.json()
        assert {e["line"]: e["code"] for e in report["errors"]} == {
            2: "registry.feed_csv_quote",
            5: "registry.feed_csv_quote",
        }, report
        if "content" in sent:
            assert (report["total"], report["loaded"], report["rejected"]) == (4, 2, 2), report
