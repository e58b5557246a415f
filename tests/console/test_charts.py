"""The console's charts (issue 15 item 6): the option builders on their own, and each chart on its page over a seeded
case whose figures are worked out by hand here; the table or sentence beside each chart carries the same numbers."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

from ippledge.console import charts
from ippledge.lending import queries as lending_queries
from ippledge.risk_sharing.simulation import outlook
from ippledge.valuation.engine import service as engine_service
from tests.console.factories import market, seed
from tests.console.test_pages import sign_in

KEY = re.compile(r">[^<]*\b(?:ui|grade|ind|dim)\.[a-z_]+")  # a label key shown as text
OFF_HOST = re.compile(r'(?:src|href|hx-get)="(?:https?:)?//')


def _clean(text: str) -> None:
    assert not KEY.search(text), KEY.search(text)
    assert not OFF_HOST.search(text)  # nothing loads from outside 127.0.0.1


def _option(text: str, element_id: str) -> dict[str, Any]:
    m = re.search(rf"getElementById\('{element_id}'\)\)\.setOption\((\{{.*?\}})\);</script>", text, re.S)
    assert m, element_id
    return dict(json.loads(m.group(1)))


def _row(text: str, table_id: str, first_cell: str) -> list[str]:
    table = re.search(rf'<table id="{table_id}"[^>]*>(.*?)</table>', text, re.S)
    assert table, table_id
    for tr in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, re.S)]
        if cells and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no row {first_cell} in {table_id}")


# -- the option builders ----------------------------------------------------------------------------------------------


def test_last_months_end_on_month_ends_and_today() -> None:
    from ippledge.kernel.calendar import last_months

    d = dt.date
    assert last_months(d(2024, 3, 15), 3) == [
        (d(2024, 1, 1), d(2024, 1, 31)),
        (d(2024, 2, 1), d(2024, 2, 29)),  # a leap year
        (d(2024, 3, 1), d(2024, 3, 15)),
    ]
    assert last_months(d(2025, 1, 31), 2)[0] == (d(2024, 12, 1), d(2024, 12, 31))


def test_option_builders_draw_wan_and_keep_the_order() -> None:
    assert charts.wan(Decimal("1234567.89")) == 123.46 and charts.wan(None) is None
    r = charts.valuation_range(
        ["A"], [(1_000_000, 2_000_000, 3_500_000)], [[2_500_000]], {"band": "B", "appraisal": "R"}
    )
    low, width, p50, rep = (s["data"] for s in r["series"])
    assert low == [100.0] and width == [250.0] and p50 == [[200.0, 0]] and rep == [[250.0, 0]]
    d = charts.drivers([("x", 1.0), ("y", 5.0), ("z", 3.0)], "t")
    assert d["yAxis"]["data"] == ["x", "z", "y"] and d["series"][0]["data"] == [1.0, 3.0, 5.0]  # largest on top
    b = charts.book_over_time(["m1", "m2"], {"normal": [10_000, 20_000], "loss": [0, 0]}, {"normal": "N"}, "t")
    assert [s["name"] for s in b["series"]] == ["N"] and b["series"][0]["data"] == [1.0, 2.0]  # empty grades left out
    h = charts.loss_histogram([0.0, 10_000.0, 20_000.0], [3, 1], {"title": "t", "share": "s"})
    assert h["series"][0]["data"] == [75.0, 25.0] and h["xAxis"]["data"] == ["0.00–1.00", "1.00–2.00"]
    o = charts.pool_outlook(
        ["y1"], [15_000.0], [10_000.0], [30_000.0], [0.25], {"title": "t", "mean": "m", "band": "b", "p_dry": "p"}
    )
    assert [s["data"] for s in o["series"]] == [[1.0], [2.0], [1.5], [25.0]]  # P5, then P95 - P5 stacked on it
    tr = charts.trends(
        ["2025-01"],
        [2],
        [30_000],
        [50_000],
        [Decimal("0.1234")],
        {"new_amount": "a", "outstanding": "o", "new_count": "n", "npl": "r"},
    )
    assert [s["data"] for s in tr["series"]] == [[3.0], [5.0], [12.34], [2]]


# -- the bank's book by grade over the last 12 month-ends ----------------------------------------------------------


def test_book_by_grade_at_each_month_end(world, app, session_factory) -> None:
    s = seed(world, app)  # one loan of 1,200,000 over 6 months disbursed on 2025-06-03
    d = s.desk
    first = d.get(d.bank.officer, f"/loans/{s.loan_id}").json()["schedule"][0]
    d.clock.today = dt.date.fromisoformat(first["due_date"])  # 2025-07-03: the first instalment is paid
    d.deposit(first["interest"])
    d.post_key(d.firm, f"/loans/{s.loan_id}/repayments", {"amount": first["payment"]}, 201)
    d.clock.today = dt.date(2025, 8, 12)
    d.post(d.bank.approver2, f"/loans/{s.loan_id}/grade", {"grade": "special_mention", "reason": "经营下滑"}, 200)
    left = Decimal("1200000.00") - Decimal(first["principal"])
    assert Decimal("190000") < Decimal(first["principal"]) < Decimal("200000")  # 1.2m / 6 less the interest share

    c = sign_in(app, d.bank.approver)
    book = c.get("/console/book").text
    _clean(book)
    assert 'hx-get="/console/book/history"' in book  # the history arrives after the page
    page = c.get("/console/book/history").text
    _clean(page)
    wan = lambda x: f"{x / 10000:,.2f} 万元"  # noqa: E731
    zero = "0.00 万元"
    # month-end, 正常, 关注, 次级, 可疑, 损失, 合计
    assert _row(page, "history", "2025-05") == ["2025-05", zero, zero, zero, zero, zero, zero]
    assert _row(page, "history", "2025-06") == ["2025-06", "120.00 万元", zero, zero, zero, zero, "120.00 万元"]
    assert _row(page, "history", "2025-07") == ["2025-07", wan(left), zero, zero, zero, zero, wan(left)]
    assert _row(page, "history", "2025-08-12") == ["2025-08-12", zero, wan(left), zero, zero, zero, wan(left)]
    other = sign_in(app, d.bank2.officer).get("/console/book/history").text  # another bank's book: its own only
    assert "history-chart" not in other and "120.00 万元" not in other
    option = _option(page, "history-chart")
    assert len(option["xAxis"]["data"]) == 12 and option["xAxis"]["data"][0] == "2024-09"
    assert [x["name"] for x in option["series"]] == ["正常", "关注"]
    assert option["series"][1]["data"][-1] == round(float(left) / 10000, 2)
    # one pass over every date gives what book_on gives date by date
    days = [dt.date(2025, 6, 2), dt.date(2025, 6, 30), dt.date(2025, 7, 31), dt.date(2025, 8, 12)]
    with session_factory() as ss:
        over = lending_queries.book_by_grade_over(ss, days)
        for day in days:
            by: dict[str, Decimal] = {}
            for x in lending_queries.book_on(ss, day).values():
                by[x.grade] = by.get(x.grade, Decimal(0)) + x.outstanding
            assert {g: v for g, v in over[day].items() if v} == {g: v for g, v in by.items() if v}
        assert lending_queries.book_by_grade_over(ss, days, []) == {day: {} for day in days}  # nobody's loans


# -- valuation range and drivers on the bank's application page ----------------------------------------------------


def test_valuation_range_and_drivers(world, app, session_factory) -> None:
    s = seed(world, app)  # the IP appraised at 6,000,000
    d = s.desk
    [asset_id] = d.get(d.bank.officer, f"/applications/{s.application_id}").json()["ip_asset_ids"]
    with session_factory.begin() as ss:
        mv = engine_service.value_one(ss, asset_id, d.clock.today)
        p10, p50, p90, score = mv.value_p10_fen, mv.value_p50_fen, mv.value_p90_fen, mv.score
        explanation = json.loads(mv.explanation)
    for lang in ("zh", "en"):
        c = sign_in(app, d.bank.officer)
        c.cookies.set("ippledge_lang", lang)
        page = c.get(f"/console/applications/{s.application_id}").text
        _clean(page)
    page = sign_in(app, d.bank.officer).get(f"/console/applications/{s.application_id}").text
    low, width, mid, appraisals = (x["data"] for x in _option(page, "range-chart")["series"])
    assert low == [round(p10 / 1_000_000, 2)] and mid == [[round(p50 / 1_000_000, 2), 0]]
    assert width == [round(p90 / 1_000_000 - p10 / 1_000_000, 2)]
    assert appraisals == [[600.0, 0]]  # the report of record: 6,000,000 元 = 600 万元
    assert f'<span data-testid="model-score">{score:.1f}</span>' in page
    drivers = _option(page, "drivers-chart-1")
    assert abs(sum(drivers["series"][0]["data"]) - score) < 0.05  # the contributions add up to the score
    legal = explanation["dimensions"]["legal"]
    assert _row(page, "drivers-1", "法律价值")[2] == f"{legal['contribution']:.1f}"
    assert "法律状态" in drivers["yAxis"]["data"]
    # a firm sees its application but not the bank's side-by-side valuations
    assert "range-chart" not in sign_in(app, d.firm).get(f"/console/applications/{s.application_id}").text


# -- the fund's loss distribution and the pool's outlook -------------------------------------------------------------


def test_pool_outlook_loads_after_the_page(world, app, session_factory) -> None:
    m = market(world, app, session_factory)  # pool test-city of 2,000,000; its one enrolled loan is written off
    d = m.desk
    both = sign_in(app, d.both)
    assert "暂无在册贷款" in both.get("/console/fund/pools/test-city/outlook").text
    lid = d.active_loan(amount="800000", months=12)
    d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201)
    page = both.get("/console/fund/pools").text
    _clean(page)
    assert 'hx-get="/console/fund/pools/test-city/outlook?n=1"' in page and "echarts.min.js" in page
    part = both.get("/console/fund/pools/test-city/outlook?n=1").text
    _clean(part)
    with session_factory() as ss:
        o = outlook.pool_outlook(ss, d.both.principal, "test-city", m.today)
    assert o is not None and o.loans == 1 and o.fund_initial == 2_000_000.0
    with session_factory() as ss:  # the same inputs: the kept answer, not a second run
        assert outlook.pool_outlook(ss, d.both.principal, "test-city", m.today) is o
    assert f'data-testid="expected-loss">{o.expected_loss / 10000:,.2f} 万元' in part
    # one loan of 800,000 can never drain a pool of 2,000,000: year 1 ends at the start less the expected loss
    assert all(p == 0.0 for p in o.p_dry) and 'data-testid="p-dry">0.00%' in part
    year1 = _row(part, "outlook-1", "第 1 年末")
    assert year1[1] == f"{(2_000_000 - o.expected_loss) / 10000:,.2f} 万元"
    assert o.balance_mean == sorted(o.balance_mean, reverse=True)  # a static book only drains the pool
    assert sum(o.loss_counts) == outlook.SCENARIOS and len(o.loss_edges) == outlook.BINS + 1
    assert "1 笔（余额 80.00 万元）" in part and "随机种子 2026" in part and "起始资金池余额 200.00 万元" in part
    hist = _option(part, "loss-chart-1")
    assert abs(sum(hist["series"][0]["data"]) - 100.0) < 0.1
    en = sign_in(app, d.both)
    en.cookies.set("ippledge_lang", "en")
    _clean(en.get("/console/fund/pools/test-city/outlook?n=1").text)
    assert sign_in(app, d.bank.officer).get("/console/fund/pools/test-city/outlook").status_code == 403


# -- the regulator's monthly trends -----------------------------------------------------------------------------------


def test_supervision_trends_by_month(world, app, session_factory) -> None:
    m = market(world, app, session_factory)  # 600,000 disbursed 2025-06-03, written off 2025-09-22
    d = m.desk
    weak = d.active_loan(amount="800000", months=12)
    d.active_loan(amount="400000", months=12)
    d.post(d.bank.approver2, f"/loans/{weak}/grade", {"grade": "substandard", "reason": "连续两期未还"}, 200)
    c = sign_in(app, m.analyst)
    stats = c.get("/console/supervision").text
    _clean(stats)
    assert 'hx-get="/console/supervision/trends"' in stats  # the trends arrive after the page
    page = c.get("/console/supervision/trends").text
    _clean(page)
    # month, new loans, new lending, outstanding, NPL ratio
    assert _row(page, "trends", "2025-05") == ["2025-05", "0", "0.00 万元", "0.00 万元", "—"]
    assert _row(page, "trends", "2025-06") == ["2025-06", "1", "60.00 万元", "60.00 万元", "0.00%"]
    assert _row(page, "trends", "2025-08") == ["2025-08", "0", "0.00 万元", "60.00 万元", "0.00%"]
    # September: the 600,000 is written off; 800,000 次级 of 1,200,000 outstanding is 66.67% non-performing
    assert _row(page, "trends", "2025-09") == ["2025-09", "2", "120.00 万元", "120.00 万元", "66.67%"]
    option = _option(page, "trend-chart")
    assert option["xAxis"]["data"][0] == "2024-10" and len(option["xAxis"]["data"]) == 12
    assert option["series"][2]["data"][-1] == 66.67 and option["series"][3]["data"][-1] == 2
    c.cookies.set("ippledge_lang", "en")
    _clean(c.get("/console/supervision/trends").text)
    assert sign_in(app, d.bank.officer).get("/console/supervision/trends").status_code == 403
