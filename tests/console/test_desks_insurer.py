"""The insurer's desk in the console (decision 0036): the claim on the loan it covers with the evidence and its own
share, its policies and premiums, its balances; another insurer sees none of it (the 404 page for the claim)."""

from __future__ import annotations

from ippledge.access.model import PartyKind, Role
from tests.console.test_desks_disposal import KEY
from tests.console.test_pages import sign_in
from tests.disposal.factories import claimed_loan
from tests.risk_sharing.factories import RiskDesk


def test_insurer_reads_its_claims_share_policies_and_balances(world, app, session_factory) -> None:
    d = RiskDesk(world, app, session_factory)
    c = claimed_loan(d)
    ins = sign_in(app, d.insurer)
    home = ins.get("/console/").text
    assert 'href="/console/insurer/claims"' in home and 'href="/console/insurer/loans"' in home
    assert f'href="/console/insurer/claims/{c.claim_id}"' not in ins.get("/console/insurer/claims").text  # paid
    listed = ins.get("/console/insurer/claims?done=1").text
    assert f'href="/console/insurer/claims/{c.claim_id}"' in listed and "已收保费" in listed
    page = ins.get(f"/console/insurer/claims/{c.claim_id}").text
    share = f"{c.shares['insurer']:,.2f} 元"
    assert "doc:writeoff-approval" in page and share in page and "已代偿" in page
    loans = ins.get("/console/insurer/loans").text
    assert "贷款保证保险" in loans and "共 1 条" in loans
    other = sign_in(app, world.actor(PartyKind.INSURER, Role.UNDERWRITER))
    assert other.get(f"/console/insurer/claims/{c.claim_id}").status_code == 404
    assert "共 0 条" in other.get("/console/insurer/claims?done=1").text
    assert sign_in(app, d.bank.officer).get("/console/insurer/claims").status_code == 403
    for lang in ("zh", "en"):
        ins.cookies.set("ippledge_lang", lang)
        for path in (
            "/console/insurer/claims?done=1",
            f"/console/insurer/claims/{c.claim_id}",
            "/console/insurer/loans",
        ):
            r = ins.get(path)
            assert r.status_code == 200 and not KEY.search(r.text), (path, lang, KEY.search(r.text))
