"""`make demo`: every refusal ground is shown by a filing refused for exactly that ground; the rest register."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from rich.console import Console
from sqlalchemy import create_engine, func, select

from ippledge.access.queries import principal_of
from ippledge.console.pages.home import inbox
from ippledge.console.sessions import Viewer
from ippledge.db import make_session_factory
from ippledge.demo.console_users import console_users
from ippledge.demo.main import run_demo
from ippledge.pledge.model import RefusalGround
from ippledge.pledge.tables import PledgeFiling


def test_demo_refuses_each_filing_for_its_own_ground(tmp_path: Path) -> None:
    out = io.StringIO()
    result = run_demo(
        dt.date(2025, 11, 20),
        seed=7,
        db_path=tmp_path / "demo.db",
        console=Console(file=out, width=160),
        year_days=320,
        firms=14,
    )
    assert result.audit_problems == 0
    assert all(o.error is None for o in result.outcomes), [o.error for o in result.outcomes if o.error]
    refused = [o for o in result.outcomes if o.case.expect]
    for o in refused:
        assert o.status == "refused"
        assert {r["code"] for r in o.reasons} == {o.case.expect}, o.case.label
    assert {o.case.expect for o in refused} == {g.value for g in RefusalGround}
    registered = [o for o in result.outcomes if not o.case.expect]
    assert len(registered) >= 30 and all(o.status == "registered" and o.registration_no for o in registered)
    # release filings lodged by repayments during the year are decided, none left pending
    with create_engine(result.url).connect() as conn:
        pending = select(func.count()).where(PledgeFiling.kind == "release", PledgeFiling.status == "submitted")
        releases = select(func.count()).where(PledgeFiling.kind == "release", PledgeFiling.status == "registered")
        assert conn.scalar(pending) == 0 and (conn.scalar(releases) or 0) >= 2
    text = out.getvalue()
    assert "pledge.already_pledged" in text and "intact" in text
    # the lending months: every firm that was approved borrowed, the ledger agrees with every loan
    assert result.ledger_ok
    lent = [t for t in result.tracks if t.loan_id is not None]
    assert len(lent) >= 10
    assert any(t.repaid_on for t in lent) and any(t.written_off_on for t in lent)
    # the lending basis per loan: the appraisal of record is the basis, the model sits beside it (record 0008)
    assert "贷款依据 lending basis" in text and "report" in text and "internal" in text
    # risk sharing: loans enrolled, a claim paid on a written-off loan, subsidies paid, the sustainability table
    assert "fund sustainability" in text and "leverage" in text
    # today's open work: files left part-way at the console's bank, so each role signing in finds something to do
    stages = {f.stage for f in result.open_work}
    assert {"applied", "valuing", "valued"} <= stages, stages
    assert "今日待办 open work" in text
    # post-loan: annuities in grace paid on the pledgors' behalf (CF01 averted), one loan extended with its change
    assert "代缴年费" in text and any(t.annuities_paid for t in result.tracks)
    # connecting the parties: a whitelist published and worked by two banks, its funnel, a firm's policy matches, and
    # an event with sign-ups (a bad file line reported), attendance and the banks' follow-ups (record 0032)
    assert "reviewed by a second operator" in text and "conversion funnel by bank" in text
    assert "补贴节省合计" in text
    assert "对接活动 event" in text and "id.uscc" in text and "funnel of event" in text
    extended = [t for t in result.tracks if t.extended_on is not None]
    assert len(extended) == 1 and extended[0].extension_filings
    with create_engine(result.url).connect() as conn:
        changes = select(PledgeFiling.status).where(PledgeFiling.id.in_(extended[0].extension_filings))
        assert set(conn.scalars(changes)) == {"registered"}
    # a late payer's loan restructured, with the watch-list entry its officer opened and cured (issue 16 item 7)
    restructured = [t for t in result.tracks if t.restructured_on is not None]
    assert len(restructured) == 1 and restructured[0].watch_cured_on is not None, restructured
    assert "贷款重组 restructuring" in text and "cured on" in text
    # a newcomer signing in finds work to do and little of it overdue (issue 16): the banks work their pushed firms
    # to an outcome and review their watch lists weekly, so every console user's inbox is nearly all on time
    with make_session_factory(create_engine(result.url))() as s:
        users = [name for _, name in console_users(s)] + ["bank1.officer"]
        counts = {}
        for name in users:
            principal = principal_of(s, name)
            assert principal is not None, name
            items = inbox(s, Viewer(principal, "token", "en"), dt.date(2025, 11, 20))
            counts[name] = (len(items), sum(1 for i in items if i["overdue"]))
    assert counts["bank1.officer"][0] >= 1 and counts["bank1.officer"][1] <= 3, counts
    assert all(overdue <= 3 for _, overdue in counts.values()), counts
