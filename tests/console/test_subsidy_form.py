"""The firm's subsidy form in the console (补贴申请, decision 0040): reached from a qualifying policy match, the amount
worked out by the rule before submitting with the records listed; a bad year, an ineligible rule and a second
application for the year each beside its field with nothing written; a double submit files one application; the
fund's decision and payment show on the firm's page; another firm's loan is the 404 page."""

from __future__ import annotations

from ippledge.access.model import PartyKind, Role
from tests.console.test_desks_disposal import KEY
from tests.console.test_pages import csrf_of, sign_in
from tests.risk_sharing.factories import RiskDesk
from tests.risk_sharing.test_subsidies import _loan_with_interest_paid, _rule


def _key(html: str) -> str:
    return html.split('name="idempotency_key" value="')[1].split('"')[0]


def test_firm_applies_for_an_interest_subsidy(world, app, session_factory) -> None:
    d = RiskDesk(world, app, session_factory)
    d.scheme_with_pool("1000000")
    lid, interest = _loan_with_interest_paid(d)
    rule = _rule(d, "bj-interest")
    strict = _rule(d, "bj-strict", rate_cap={"kind": "lpr_multiple", "value": "1.1"})  # 3.5% > 3.0% x 1.1
    firm = sign_in(app, d.firm)
    url = f"/console/loans/{lid}/subsidy"
    assert f'href="{url}?rule_id={rule}"' in firm.get(f"/console/loans/{lid}/policy").text  # from the match
    page = firm.get(url)
    assert page.status_code == 200 and "贴息 · bj-interest" in page.text

    quoted = firm.get(f"{url}?rule_id={rule}&year=2025").text
    assert quoted.count('data-testid="subsidy-amount">700.00 元<') == 1 and f"{interest:,.2f} 元" in quoted
    assert "当年利息支付记录" in quoted and "提交补贴申请" in quoted
    refused = firm.get(f"{url}?rule_id={strict}&year=2025")
    assert refused.status_code == 422 and "贷款利率高于上限" in refused.text.split('id="rule_id-error"')[1][:400]
    assert "提交补贴申请" not in refused.text  # not eligible: no submit button

    form = {"csrf": csrf_of(quoted), "idempotency_key": _key(quoted), "rule_id": str(rule), "year": "1999"}
    bad = firm.post(url, data=form)
    assert bad.status_code == 422 and 'id="year-error"' in bad.text and f'value="{rule}" selected' in bad.text
    form["year"] = "2025"
    first = firm.post(url, data=form, follow_redirects=False)
    second = firm.post(url, data=form, follow_redirects=False)  # a double click: one application
    assert first.status_code == second.status_code == 303
    done = firm.get(first.headers["location"]).text
    assert 'data-testid="submitted"' in done and done.count('data-testid="subsidy-status">已申请<') == 1
    again = firm.post(url, data=form | {"idempotency_key": "another-key-0001"})
    assert again.status_code == 422 and "已申请" in again.text.split('id="year-error"')[1][:300]

    app_id = d.post(d.both, "/risk-subsidies/1/review", None, 200).json()["id"]
    d.post(d.fund_approver, f"/risk-subsidies/{app_id}/decision", {"approve": True}, 200)
    assert d.post_key(d.fund_approver, f"/risk-subsidies/{app_id}/payment", {}, 200).json()["amount"] == "700.00"
    assert 'data-testid="subsidy-status">已发放<' in firm.get(url).text

    other = sign_in(app, world.actor(PartyKind.ENTERPRISE, Role.ENTERPRISE_USER))
    assert other.get(url).status_code == 404
    assert other.post(url, data=form | {"csrf": csrf_of(other.get("/console/").text)}).status_code == 404
    assert sign_in(app, d.bank.officer).get(url).status_code == 403
    for lang in ("zh", "en"):
        firm.cookies.set("ippledge_lang", lang)
        for path in (url, f"{url}?rule_id={rule}&year=2025", f"{url}?rule_id={strict}&year=2025"):
            r = firm.get(path)
            assert r.status_code in (200, 422) and not KEY.search(r.text), (path, lang, KEY.search(r.text))
