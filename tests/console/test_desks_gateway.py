"""The firm's data consents and access log in the console (decision 0036): grant (one consent per source ticked,
bad parts beside their fields, nothing written), revoke at once, the log of who read what; another firm's consent
is the 404 page."""

from __future__ import annotations

from ippledge.access.model import PartyKind, Role
from tests.console.test_desks_disposal import KEY
from tests.console.test_pages import csrf_of, sign_in
from tests.gateway.factories import GatewayDesk


def test_firm_grants_revokes_and_reads_its_access_log(world, app, session_factory) -> None:
    d = GatewayDesk(world, app, session_factory)
    c = sign_in(app, d.firm)
    home = c.get("/console/").text
    assert 'href="/console/gateway/consents"' in home and 'href="/console/gateway/log"' in home
    page = c.get("/console/gateway/consents").text
    assert "新增授权" in page and "纳税信用等级" in page
    form = {"csrf": csrf_of(page), "grantee_id": str(d.bank.party.id), "purpose": "credit_assessment"}
    bad = c.post("/console/gateway/consents", data=form | {"fields": ["revenue"], "expires_on": "2099-01-01"})
    assert bad.status_code == 422 and 'id="expires_on-error"' in bad.text and "三年" in bad.text
    assert 'value="2099-01-01"' in bad.text and 'value="revenue" checked' in bad.text
    no_bank = c.post("/console/gateway/consents", data=form | {"grantee_id": "", "fields": ["revenue"]})
    assert no_bank.status_code == 422 and "请选择被授权的银行" in no_bank.text  # the empty choice of the select
    none = c.post("/console/gateway/consents", data=form | {"expires_on": "2026-01-01"})
    assert none.status_code == 422 and "请至少勾选一个数据项" in none.text
    assert c.get("/console/gateway/consents").text.count('data-testid="consent-state-') == 0  # nothing written
    ok = c.post(
        "/console/gateway/consents",
        data=form | {"fields": ["revenue", "credit_grade", "bank_debt"], "expires_on": "2026-01-01"},
    )
    assert ok.status_code == 200 and ok.text.count('data-testid="consent-state-') == 2  # tax and credit bureau
    assert d.read(d.bank, "tax", fields=["revenue"]).status_code == 200
    log = c.get("/console/gateway/log").text
    assert "营业收入" in log and "授信审查" in log and "共 1 条" in log
    consent_id = int(ok.text.split('data-testid="consent-state-')[1].split('"')[0])
    tax = next(x for x in d.client.get("/consents", headers=d.firm.headers).json() if x["source"] == "tax")
    r = c.post(f"/console/gateway/consents/{tax['id']}/revoke", data={"csrf": csrf_of(ok.text)})
    assert r.status_code == 200 and f'data-testid="consent-state-{tax["id"]}">已撤回' in r.text
    assert d.read(d.bank, "tax", fields=["revenue"]).status_code == 404  # refused at once
    other = world.actor(PartyKind.ENTERPRISE, Role.ENTERPRISE_USER)
    o = sign_in(app, other)
    mine = csrf_of(o.get("/console/gateway/consents").text)
    assert o.post(f"/console/gateway/consents/{consent_id}/revoke", data={"csrf": mine}).status_code == 404
    assert "共 0 条" in o.get("/console/gateway/log").text
    bank = sign_in(app, d.bank)
    assert bank.get("/console/gateway/consents").status_code == 403
    assert "共 1 条" in bank.get("/console/gateway/log").text  # the bank's own reads
    for lang in ("zh", "en"):
        c.cookies.set("ippledge_lang", lang)
        for path in ("/console/gateway/consents", "/console/gateway/log"):
            r = c.get(path)
            assert r.status_code == 200 and not KEY.search(r.text), (path, lang, KEY.search(r.text))
