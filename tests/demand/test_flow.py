"""The demand database through the API and CLI (融资需求库): a firm's own demands (another firm's is a 404), a survey
file in CSV and Excel whose good lines load while the bad are listed with line numbers, product matching ranked and
explained, and the conversion funnel from a whitelist push to a disbursed loan."""

from __future__ import annotations

import base64
import datetime as dt
import io

from openpyxl import Workbook
from typer.testing import CliRunner

from ippledge.access.tables import Party
from ippledge.registry.model import Subtype
from tests.lending.factories import LoanDesk
from tests.registry.factories import new_uscc
from tests.whitelist.factories import RULES, WhitelistDesk, score_asset


class FunnelDesk(WhitelistDesk, LoanDesk):
    pass


def _survey(d: FunnelDesk, good_uscc: str, number: str) -> list[list[str]]:
    return [
        ["uscc", "amount", "term_months", "use", "ip_numbers", "needed_by"],
        [good_uscc, "2,000,000", "24", "研发投入", number, "2025-09-30"],
        ["91110000600037341X", "1000000", "12", "working_capital", "", ""],  # bad check character
        [good_uscc, "-5", "12", "working_capital", "", ""],  # bad amount
        [good_uscc, "1000000", "12", "buy a yacht", "", ""],  # bad use
        ["", "", "", "", "", ""],  # blank line: skipped, not an error
        [good_uscc, "500000", "6", "equipment", "", ""],
    ]


def test_demands_surveys_matches_and_funnel(world, app, session_factory, database_url, tmp_path) -> None:
    d = FunnelDesk(world, app, session_factory)
    inv = d.patent(Subtype.INVENTION)
    score_asset(session_factory, inv.id, 85, dt.date(2025, 5, 1))
    other = d.make_firm(kinds=("specialised",), score=60)
    with session_factory.begin() as s:
        from ippledge.registry import designations

        designations.record_designation(
            s, d.registry.principal, d.firm.party.id, "ip_demonstration", dt.date(2024, 1, 1), "名单"
        )

    # a firm's own demand; the operator enters one for another firm; firms cannot see each other's
    body = {"amount": "1500000", "term_months": 24, "use": "research", "ip_asset_ids": [inv.id]}
    mine = d.post(d.firm, "/demands", body, 201).json()
    assert (mine["enterprise_id"], mine["amount"], mine["source"]) == (d.firm.party.id, "1500000.00", "api")
    assert (
        d.post(d.firm, "/demands", {**body, "ip_asset_ids": other.patents}, 422).json()["code"] == "demand.ip_not_owned"
    )
    theirs = d.post(d.operator, "/demands", {**body, "ip_asset_ids": [], "enterprise_id": other.id}, 201).json()
    d.get(d.firm, f"/demands/{theirs['id']}", 404)
    assert [x["id"] for x in d.get(d.firm, "/demands").json()] == [mine["id"]]
    d.post(d.bank.officer, "/demands", body, 403)

    # matching: the bank's product in effect, with its checks explained
    d.product()
    with session_factory.begin() as s:
        from ippledge.valuation.engine.tables import ModelValuation

        row = s.query(ModelValuation).filter_by(ip_asset_id=inv.id).one()
        row.value_p50_fen = 8_000_000_00  # P50 8m: 50% LTV on an invention lends 4m
    m = d.get(d.firm, f"/demands/{mine['id']}/matches").json()
    assert m[0]["outcome"] == "pass" and m[0]["bank_id"] == d.bank.id and m[0]["lending_value"] is not None
    assert {c["check"] for c in m[0]["checks"]} == {"amount", "term", "ltv", "region", "price"}
    d.get(d.firm, f"/demands/{theirs['id']}/matches", 404)

    # a survey file in CSV and in Excel: good lines load, bad ones are listed with line numbers
    firm_uscc = new_uscc()
    with session_factory.begin() as s:
        s.get(Party, d.firm.party.id).uscc = firm_uscc  # type: ignore[union-attr]
    rows = _survey(d, firm_uscc, inv.display)
    csv_bytes = "\n".join(",".join(f'"{c}"' for c in r) for r in rows).encode("utf-8")
    r = d.post(
        d.operator,
        "/demand-surveys",
        {"filename": "survey.csv", "content_base64": base64.b64encode(csv_bytes).decode()},
        201,
    ).json()
    assert (r["fmt"], r["total"], r["loaded"], r["rejected"]) == ("csv", 5, 2, 3)
    assert [(e["line"], e["field"]) for e in r["errors"]] == [(3, "uscc"), (4, "amount"), (5, "use")]
    wb = Workbook()
    for row in rows:
        wb.active.append(row)  # type: ignore[union-attr]
    buf = io.BytesIO()
    wb.save(buf)
    x = d.post(
        d.operator,
        "/demand-surveys",
        {"filename": "s.xlsx", "content_base64": base64.b64encode(buf.getvalue()).decode()},
        201,
    ).json()
    assert (x["fmt"], x["loaded"], x["rejected"]) == ("xlsx", 2, 3)
    d.post(
        d.firm, "/demand-surveys", {"filename": "s.csv", "content_base64": base64.b64encode(csv_bytes).decode()}, 403
    )
    bad = d.post(
        d.operator,
        "/demand-surveys",
        {"filename": "s.csv", "content_base64": base64.b64encode(b"a,b\n1,2").decode()},
        422,
    )
    assert bad.json()["code"] == "demand.file_format"
    f = tmp_path / "survey.csv"
    f.write_bytes(csv_bytes)
    from ippledge.cli import app as cli_app

    out = CliRunner().invoke(cli_app, ["demand", "import", str(f), "--database-url", database_url])
    assert out.exit_code == 0, out.output
    assert "2 loaded, 3 rejected" in out.output and "line 3" in out.output

    # the funnel: the firm is whitelisted, pushed to both banks, the first bank lends
    lst = d.published(RULES)
    assert [m["enterprise_id"] for m in lst["members"]] == [d.firm.party.id, other.id]
    pushes = d.post(
        d.operator, f"/whitelists/{lst['id']}/pushes", {"bank_ids": [d.bank.id, d.bank2.id], "top_n": 2}, 201
    ).json()
    item = pushes[0]["items"][0]["id"]
    for state in ("contacted", "applied", "approved"):
        d.post(d.bank.officer, f"/whitelist-push-items/{item}/feedback", {"state": state, "branch": "海淀支行"}, 200)
    d.post(
        d.bank2.officer, f"/whitelist-push-items/{pushes[1]['items'][0]['id']}/feedback", {"state": "contacted"}, 200
    )
    d.active_loan(amount="1200000")
    f1 = d.get(d.regulator, "/funnel?start=2025-06-01&end=2025-06-30&by=bank").json()
    rows_by = {r["key"]: r for r in f1}
    assert rows_by[str(d.bank.id)]["counts"] == {"pushed": 2, "contacted": 1, "applied": 1, "approved": 1, "lent": 1}
    assert rows_by[str(d.bank.id)]["lent_amount"] == "1200000.00"
    assert rows_by[str(d.bank2.id)]["counts"]["contacted"] == 1 and rows_by[str(d.bank2.id)]["counts"]["lent"] == 0
    own = d.get(d.bank2.officer, "/funnel?start=2025-06-01&end=2025-06-30&by=branch").json()
    assert [r["key"] for r in own] == [f"{d.bank2.id}:-"]
    d.get(d.firm, "/funnel?start=2025-06-01&end=2025-06-30", 403)
    out = CliRunner().invoke(
        cli_app,
        [
            "demand",
            "funnel",
            "--from",
            "2025-06-01",
            "--to",
            "2025-06-30",
            "--by",
            "list",
            "--database-url",
            database_url,
        ],
    )
    assert out.exit_code == 0 and "1200000.00" in out.output
