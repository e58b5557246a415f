"""代缴年费 (post-loan action, maker-checker): a pledged patent entering its grace period is warned about before any
CF01; an officer proposes paying the annuity on the pledgor's behalf, another approver decides; the register records
the payment (so ageing records no CF01 after the grace), the loan carries the amount as an advance that the next
repayment settles first, the watch-list entry is cured and ``ledger check`` passes. Both backends."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ippledge.delivery.service import run_pass
from ippledge.ledger.accounts import account_code
from ippledge.ledger.store import balance
from ippledge.registry.model import Subtype, annuity_fee
from ippledge.registry.tables import Annuity
from tests.delivery.factories import T0, Receiver
from tests.ledger.factories import assert_ledger_ok
from tests.risk_sharing.factories import RiskDesk

DUE = dt.date(2025, 7, 20)  # year 8 of a patent filed on 2018-07-20


def _desk(world: Any, app: Any, session_factory: Any) -> tuple[RiskDesk, int, int]:
    d = RiskDesk(world, app, session_factory)
    base = d.patent
    d.patent = lambda *a, **k: base(*a, **{"filing_date": dt.date(2018, 7, 20), **k})  # type: ignore[method-assign]
    lid = d.active_loan(amount="1000000", months=6)
    with session_factory.begin() as s:
        from ippledge.lending.queries import pledges_of_loan
        from ippledge.pledge.queries import pledge_asset_ids

        aid = pledge_asset_ids(s, pledges_of_loan(s, lid)[0])[0]
        s.add(Annuity(ip_asset_id=aid, year_no=8, due_date=DUE, amount=annuity_fee(Subtype.INVENTION, 8)))
    return d, lid, aid


def _close(d: RiskDesk, day: dt.date) -> None:
    d.clock.today = day
    d.post(d.operator, "/close", {"date": str(day)}, 200)


def _events(d: RiskDesk, factory: Any, who: Any) -> list[dict[str, Any]]:
    run_pass(factory, T0, Receiver().client())
    return list(d.get(who, "/events?limit=1000").json()["events"])


def _advance(session_factory: Any, d: RiskDesk, lid: int) -> Decimal:
    with session_factory() as s:
        return balance(s, account_code(d.bank.party.id, "loan_advance", lid))


def test_grace_warning_then_annuity_paid_on_behalf_averts_cf01(world, app, session_factory) -> None:
    d, lid, aid = _desk(world, app, session_factory)
    fee = annuity_fee(Subtype.INVENTION, 8)
    _close(d, d.clock.today)  # the first monitored day, before the due date
    _close(d, dt.date(2025, 8, 22))  # catch-up to 33 days after the due date: grace month 2, surcharge 5%
    alerts = d.get(d.bank.officer, f"/monitoring/alerts?loan_id={lid}").json()
    grace = [a for a in alerts if a["finding"] == "annuity_grace"]
    assert len(grace) == 1 and grace[0]["business_date"] == "2025-07-21"  # warned on the first day of grace
    assert not any(a["finding"] == "legal_event" for a in alerts)  # no CF01
    entry = next(
        e for e in d.get(d.bank.officer, f"/watch-list?loan_id={lid}").json() if e["rule"] == "annuity_in_grace"
    )
    assert entry["state"] == "open"

    body = {"loan_id": lid, "asset_id": aid, "year_no": 8}
    d.post(d.bank2.officer, "/monitoring/actions/annuity-payments", body, 404)  # not the bank's loan
    d.post(d.firm, "/monitoring/actions/annuity-payments", body, 403)
    d.post(d.bank.officer, "/monitoring/actions/annuity-payments", {**body, "year_no": 7}, 409)  # no such open year
    action = d.post(d.bank.officer, "/monitoring/actions/annuity-payments", body, 201).json()
    assert action["state"] == "proposed" and action["kind"] == "annuity_payment"
    quoted = (fee * Decimal("1.05")).quantize(Decimal("0.01"))
    assert action["details"]["quoted_fen"] == int(quoted * 100) and action["details"]["quoted_surcharge_rate"] == "0.05"
    assert action["act_by"] <= "2026-01-20" and action["act_by"] > "2025-08-22"
    d.post(d.bank.officer, "/monitoring/actions/annuity-payments", body, 409)  # one pending proposal per subject
    aid_url = f"/monitoring/actions/{action['id']}"
    d.get(d.bank2.officer, aid_url, expect=404)
    d.post(d.bank2.approver, f"{aid_url}/decision", {"approve": True}, 404)
    d.post(d.bank.officer, f"{aid_url}/decision", {"approve": True}, 403)  # the maker is no approver
    # nothing was written by the refusals
    with session_factory() as s:
        assert s.get(Annuity, (aid, 8)).paid_on is None  # type: ignore[union-attr]
    assert _advance(session_factory, d, lid) == 0

    done = d.post(d.bank.approver, f"{aid_url}/decision", {"approve": True}, 200).json()
    assert done["state"] == "done" and done["entry_id"] is not None
    assert done["details"]["paid_fen"] == int(quoted * 100) and done["details"]["cured_watch_entry_id"] == entry["id"]
    d.post(d.bank.approver, f"{aid_url}/decision", {"approve": True}, 409)  # decided already
    assert _advance(session_factory, d, lid) == quoted
    with session_factory() as s:
        row = s.get(Annuity, (aid, 8))
        assert row is not None and row.paid_on == dt.date(2025, 8, 22) and row.paid == quoted
    cured = d.get(d.bank.officer, f"/watch-list/{entry['id']}").json()
    assert cured["state"] == "cured" and "代缴" in cured["history"][-1]["note"]
    assert_ledger_ok(session_factory)

    # past the grace end the register ages: the paid patent does not lapse (no CF01)
    d.clock.today = dt.date(2026, 1, 25)
    aged = d.post(d.registry, "/registry/ageing", None, 200).json()
    assert all(aid not in ids for ids in aged["aged"].values())
    assert d.get(d.bank.officer, f"/ip-assets/{aid}").json()["status"] == "in_force"
    d.clock.today = dt.date(2025, 8, 22)

    # the borrower owes the advance: the next repayment settles it first, then the overdue instalment
    d.deposit("300000")
    r = d.post_key(d.firm, f"/loans/{lid}/repayments", {"amount": "5000.00", "value_date": "2025-08-22"}, 201).json()
    lines = r["allocation"]
    assert lines[0]["bucket"] == "advance" and Decimal(lines[0]["amount"]) == quoted
    assert [ln["bucket"] for ln in lines[1:]][:1] in (["penalty"], ["interest"])  # then the overdue instalment
    assert _advance(session_factory, d, lid) == 0
    assert_ledger_ok(session_factory)
    events = _events(d, session_factory, d.firm)
    assert any(e["topic"] == "lending.advance" for e in events)
    mine = [e["payload"] for e in events if e["topic"] == "monitoring.action"]
    assert [a["state"] for a in mine if a["kind"] == "annuity_payment"] == ["proposed", "done"]


def test_self_approval_rejection_and_a_lapsed_grace_are_refused(world, app, session_factory) -> None:
    d, lid, aid = _desk(world, app, session_factory)
    _close(d, dt.date(2025, 7, 22))
    body = {"loan_id": lid, "asset_id": aid, "year_no": 8}
    action = d.post(d.bank.approver2, "/monitoring/actions/annuity-payments", body, 201).json()
    url = f"/monitoring/actions/{action['id']}/decision"
    d.post(d.bank.approver2, url, {"approve": True}, 403)  # four eyes: the proposer never decides
    d.post(d.bank.approver, url, {"approve": False}, 422)  # a rejection needs a reason
    rejected = d.post(d.bank.approver, url, {"approve": False, "reason": "出质人已自行缴纳"}, 200).json()
    assert rejected["state"] == "rejected" and _advance(session_factory, d, lid) == 0
    # a new proposal after the grace is over is refused with the reason
    d.clock.today = dt.date(2026, 1, 21)
    r = d.post(d.bank.officer, "/monitoring/actions/annuity-payments", body, 409).json()
    assert r["code"] == "monitoring.annuity_lapsed"


def test_an_undecided_proposal_is_escalated_after_its_time_limit(world, app, session_factory) -> None:
    d, lid, aid = _desk(world, app, session_factory)
    _close(d, dt.date(2025, 7, 22))
    body = {"loan_id": lid, "asset_id": aid, "year_no": 8}
    action = d.post(d.bank.officer, "/monitoring/actions/annuity-payments", body, 201).json()
    act_by = dt.date.fromisoformat(action["act_by"])
    assert act_by == dt.date(2025, 7, 29)  # 5 working days after Tuesday 22 July 2025
    _close(d, act_by)
    assert d.get(d.bank.officer, f"/monitoring/actions/{action['id']}").json()["escalated_on"] is None
    _close(d, act_by + dt.timedelta(days=1))
    got = d.get(d.bank.officer, f"/monitoring/actions/{action['id']}").json()
    assert got["escalated_on"] == str(act_by + dt.timedelta(days=1)) and got["state"] == "proposed"
    events = _events(d, session_factory, d.bank.officer)
    mine = [e["payload"] for e in events if e["topic"] == "monitoring.action"]
    assert [a["state"] for a in mine if a["action_id"] == action["id"]] == ["proposed", "overdue"]


def test_downgrade_proposal_site_visit_and_inspections(world, app, session_factory) -> None:
    d, lid, _aid = _desk(world, app, session_factory)
    start = d.clock.today
    _close(d, start)
    # 贷后检查: the pass opened the first inspection at disbursement, due 15 days later
    opened = d.get(d.bank.officer, f"/monitoring/actions?loan_id={lid}").json()
    assert [(a["kind"], a["act_by"]) for a in opened] == [("inspection", str(start + dt.timedelta(days=15)))]
    insp = opened[0]["id"]
    d.post(d.bank.approver, f"/monitoring/actions/{insp}/decision", {"approve": True}, 409)  # nothing to decide
    d.post(d.bank2.officer, f"/monitoring/actions/{insp}/findings", {"findings": "正常"}, 404)
    body = {"findings": "生产经营正常，质押专利在产品中使用", "evidence": ["检查记录-1.pdf"]}
    done = d.post(d.bank.officer, f"/monitoring/actions/{insp}/findings", body, 200).json()
    assert done["state"] == "done" and done["details"]["evidence"] == ["检查记录-1.pdf"]
    assert done["details"]["late"] is False
    d.post(d.bank.officer, f"/monitoring/actions/{insp}/findings", body, 409)  # done already

    # 现场走访: planned with a limit of 10 working days; not done in time, the pass escalates it
    visit = d.post(d.bank.officer, "/monitoring/actions/site-visits", {"loan_id": lid, "purpose": "核实经营"}, 201)
    v = visit.json()
    d.post(d.bank.officer, "/monitoring/actions/site-visits", {"loan_id": lid, "purpose": "再次"}, 409)
    _close(d, dt.date.fromisoformat(v["act_by"]) + dt.timedelta(days=1))
    assert d.get(d.bank.officer, f"/monitoring/actions/{v['id']}").json()["escalated_on"] is not None
    late = d.post(d.bank.officer, f"/monitoring/actions/{v['id']}/findings", {"findings": "已走访"}, 200).json()
    assert late["details"]["late"] is True
    # the second inspection opens 15 days before it falls due (disbursement + 105 days)
    _close(d, start + dt.timedelta(days=90))
    kinds = [
        (a["kind"], a["details"].get("number"))
        for a in d.get(d.bank.officer, f"/monitoring/actions?loan_id={lid}").json()
    ]
    assert kinds.count(("inspection", 2)) == 1

    assert opened[0]["branch_id"] is None and v["branch_id"] is None  # the pass's own; an officer not posted

    # 下调分类建议: an officer proposes, another approver decides; the grade moves through lending's rules.
    # The proposal carries the bank unit its officer is posted to (as a loan carries its signer's).
    from ippledge.access.model import Role

    admin = world.user(d.bank.party, Role.ADMIN)
    head = {"name": "总行", "level": "head_office", "region_code": "110102", "opened_on": "2020-01-01"}
    branch = d.post(admin, f"/banks/{d.bank.id}/branches", head, 201).json()["id"]
    d.post(admin, f"/banks/{d.bank.id}/postings", {"user_id": d.bank.officer.user.id, "branch_id": branch}, 201)
    url = "/monitoring/actions/downgrades"
    d.post(d.bank.officer, url, {"loan_id": lid, "grade": "normal", "reason": "x"}, 409)  # not a downgrade
    d.post(d.bank2.officer, url, {"loan_id": lid, "grade": "substandard", "reason": "x"}, 404)
    p = d.post(d.bank.officer, url, {"loan_id": lid, "grade": "substandard", "reason": "主要客户破产，现金流紧张"}, 201)
    pid = p.json()["id"]
    assert p.json()["branch_id"] == branch
    d.post(d.bank.officer, f"/monitoring/actions/{pid}/findings", {"findings": "x"}, 409)  # decided, not completed
    d.post(d.bank.approver, f"/monitoring/actions/{pid}/decision", {"approve": True}, 200)
    assert d.get(d.bank.officer, f"/loans/{lid}").json()["grade"] == "substandard"
    assert_ledger_ok(session_factory)
