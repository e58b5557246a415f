"""``ippledge gateway`` and ``ippledge policy`` from the command line: grant, read, revoke, the refused next read,
the access log, and a planned loan's matches; refusals exit 2 with the catalogued code."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from ippledge.cli import app
from tests.gateway.factories import GatewayDesk


def test_consent_read_revoke_and_log_from_the_command_line(desk: GatewayDesk, database_url: str) -> None:
    d = desk
    run = CliRunner().invoke
    db = ["--database-url", database_url, "--as-of", "2025-06-03"]
    firm, bank = d.firm.user.username, d.bank.user.username
    grant = ["gateway", "grant", "--as", firm, "--grantee", str(d.bank.party.id), "--source", "tax"]
    grant += ["--fields", "credit_grade,revenue", "--purpose", "credit_assessment", "--expires", "2026-06-02"]
    r = run(app, grant + db)
    assert r.exit_code == 0, r.output
    consent = json.loads(r.output)[0]
    read = ["gateway", "read", "--as", bank, "--firm", str(d.firm.party.id), "--source", "tax"]
    read += ["--purpose", "credit_assessment"]
    r = run(app, read + db)
    assert r.exit_code == 0 and set(json.loads(r.output)) == {"credit_grade", "revenue"}, r.output
    r = run(app, ["gateway", "revoke", "--as", firm, str(consent["id"]), *db])
    assert r.exit_code == 0 and json.loads(r.output)[0]["state"] == "revoked"
    r = run(app, read + db)
    assert r.exit_code == 2 and "gateway.no_consent" in r.output
    r = run(app, ["gateway", "access-log", "--as", firm, "--database-url", database_url])
    assert r.exit_code == 0 and [a["field"] for a in json.loads(r.output)] == ["revenue", "credit_grade"]
    r = run(app, ["gateway", "consents", "--as", bank, *db])
    assert r.exit_code == 0 and [c["state"] for c in json.loads(r.output)] == ["revoked"]
    r = run(app, ["policy", "plan", "--as", firm, "--amount", "1000000", "--months", "12", "--rate", "0.04", *db])
    assert r.exit_code == 0 and "jiangsu-suzhidai" in r.output and "subsidy saving" in r.output, r.output
    r = run(app, ["policy", "plan", "--as", bank, "--amount", "1000000", "--months", "12", "--rate", "0.04", *db])
    assert r.exit_code == 2 and "policy.firm_only" in r.output
    r = run(app, ["gateway", "consents", "--as", "nobody", *db])
    assert r.exit_code == 2 and "no such user" in r.output
