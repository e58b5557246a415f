"""The reverse push (反向推送): a bank's batch of USCCs answered in one call with valid patents and inventions, pledge
status, annuity risk, the 非正常申请 flag and whitelist status; malformed codes reported per line while the good ones
answer; banks only; the CLI gives the same answers."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from tests.registry.factories import new_uscc, pledge_in_force
from tests.whitelist.factories import RULES, WhitelistDesk


def test_batch_answers_and_line_errors(world, app, session_factory, database_url, tmp_path) -> None:
    d = WhitelistDesk(world, app, session_factory)
    listed = d.make_firm(kinds=("ip_demonstration",), inventions=2, utility=1, score=80)
    risky = d.make_firm(inventions=1, utility=2, abnormal=True, unpaid_due=dt.date(2025, 5, 1))
    soon = d.make_firm(inventions=0, utility=1, unpaid_due=dt.date(2025, 7, 1))
    lapsing = d.make_firm(inventions=1, unpaid_due=dt.date(2024, 11, 1))  # grace ended 1 May 2025
    pledge_in_force(session_factory, risky.patents[0], risky.id, d.bank.id, d.registry.party.id)
    lst = d.published(RULES)
    unknown = new_uscc()  # well-formed, no such firm
    batch = [
        listed.uscc,
        "91110000600037341X",  # wrong check character
        risky.uscc.lower(),  # lower case is read as upper case
        "123",
        soon.uscc,
        unknown,
        d.bank.party.uscc or "91350100M000100Y43",  # not an enterprise: not found
        lapsing.uscc,
    ]
    r = d.post(d.bank.officer, "/reverse-push", {"usccs": batch}, 200).json()
    assert (r["asked"], r["answered"], r["rejected"]) == (8, 6, 2)
    assert [(e["line"], e["code"]) for e in r["errors"]] == [(2, "id.uscc.checksum"), (4, "id.uscc.length")]
    assert all(e["message_zh"] and e["message_en"] for e in r["errors"])
    by_line = {a["line"]: a for a in r["answers"]}
    a = by_line[1]
    assert (a["enterprise_id"], a["valid_patents"], a["valid_inventions"], a["pledged"]) == (listed.id, 3, 2, False)
    assert a["whitelisted"] and a["whitelists"] == [{"whitelist_id": lst["id"], "name": lst["name"], "rank": 1}]
    assert (a["annuity_risk"], a["ip_abuse_flag"]) == ("none", False)
    b = by_line[3]
    assert (b["uscc"], b["valid_patents"], b["valid_inventions"]) == (risky.uscc, 3, 1)
    assert (b["pledged"], b["pledges_in_force"], b["pledged_assets"]) == (True, 1, 1)
    assert (b["annuity_risk"], b["annuities_in_grace"], b["ip_abuse_flag"], b["abnormal_applications"]) == (
        "in_grace",
        1,
        True,
        1,
    )
    assert not b["whitelisted"]
    assert by_line[5]["annuity_risk"] == "due_soon"  # due 1 July, within 60 days of 3 June
    assert (by_line[8]["annuity_risk"], by_line[8]["annuities_past_grace"]) == ("past_grace", 1)
    assert by_line[6]["found"] is False and by_line[7]["found"] is False

    # banks only; an empty or oversized batch is refused whole
    d.post(d.firm, "/reverse-push", {"usccs": [listed.uscc]}, 403)
    d.post(d.bank.officer, "/reverse-push", {"usccs": []}, 422)
    d.post(d.bank.officer, "/reverse-push", {"usccs": [listed.uscc] * 10_001}, 422)

    # the same through the command line
    f = tmp_path / "applicants.txt"
    f.write_text("\n".join(batch), encoding="utf-8")
    from ippledge.cli import app as cli_app

    args = ["whitelist", "reverse-push", str(f), "--bank-id", str(d.bank.id), "--date", "2025-06-03"]
    out = CliRunner().invoke(cli_app, [*args, "--database-url", database_url])
    assert out.exit_code == 0, out.output
    body = json.loads(out.output)
    assert [x["line"] for x in body["errors"]] == [2, 4]
    assert {x["line"]: x["valid_inventions"] for x in body["answers"]}[1] == 2
