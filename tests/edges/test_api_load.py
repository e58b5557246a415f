"""The API load benchmark's generator (benchmarks/api_load.py) against a real ``ippledge serve``: a short open-loop
run at a low rate reports figures for every route it sent and no error. Not timed: no assertion on any latency."""

from __future__ import annotations

from typing import Any

import pytest
from benchmarks.api_load import Result, open_loop, plan, prepare, report, serial, serving
from sqlalchemy import func, select

from ippledge.lending.tables import LoanRepayment
from tests.access.factories import PASSWORD
from tests.lending.factories import LoanDesk


def test_open_loop_reports_every_route_without_errors(
    engine: Any, world: Any, app: Any, database_url: str, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    d = LoanDesk(world, app)
    loan_id = d.active_loan()
    with serving(database_url, 1, tmp_path / "serve.log") as (base, pid):
        callers = prepare(base, [d.bank.officer.user.username], [d.firm.user.username], [], PASSWORD)
        assert {c.username for c in callers if loan_id in c.loans} == {
            d.bank.officer.user.username,
            d.firm.user.username,
        }
        calls = plan(callers, 50, seed=3, tag="test")
        load = open_loop(base, calls, rate=25, timeout=120)  # about 2 s
        baseline = serial(base, plan(callers, 10, seed=4, tag="test-serial"), timeout=120)
        assert pid > 0

    sent = {c.route for c in calls}
    assert len(sent) >= 6  # loans, IP assets, pledges, lists and repayments, by the bank and by the firm
    assert "POST /loans/{id}/repayments" in sent
    assert load.errors() == {} and baseline.errors() == {}
    assert len(load.ok()) == len(calls)
    routes = load.by_route()
    assert set(routes) == sent
    for n, errors, p50, p95, p99 in routes.values():
        assert n > 0 and errors == 0 and 0 < p50 <= p95 <= p99

    repaid = sum(1 for c in calls if c.route.startswith("POST")) + sum(
        1 for s in baseline.samples if s.route.startswith("POST")
    )
    with engine.connect() as conn:  # each repayment booked once under its own Idempotency-Key
        assert conn.scalar(select(func.count()).where(LoanRepayment.loan_id == loan_id)) == repaid

    report("test", 1, baseline, load, 0.0, ["0/0/0"])
    out = capsys.readouterr().out
    for route in sent:
        assert route in out
    assert "errors     : none" in out and "overall" in out and "baseline" in out


def test_figures_of_a_result() -> None:
    from benchmarks.api_load import Sample

    r = Result(
        [Sample("GET /a", "200", 0.010), Sample("GET /a", "503", 0.030), Sample("GET /b", "not sent", 0.0)], 2.0, 10
    )
    assert r.errors() == {"503": 1, "not sent": 1}
    assert r.achieved() == 0.5
    assert r.by_route()["GET /a"][:2] == (2, 1)
    assert r.by_route()["GET /b"] == (0, 1, 0.0, 0.0, 0.0)
