"""The shared list tools (decision 0035): sorting by any shown column, status and date filters, CSV and Excel
downloads of what the list shows; the pure helpers without a database, then the pages."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook
from starlette.requests import Request

from ippledge.console.pages.lists import Column, ListState, export, filter_rows, sort_rows, view
from tests.console.factories import seed
from tests.console.test_pages import sign_in


@dataclass
class Row:
    no: str
    amount: str
    status: str
    on: dt.date | None


ROWS = [
    Row("A-2", "900.00", "open", dt.date(2025, 3, 1)),
    Row("A-1", "10000.50", "done", dt.date(2025, 1, 5)),
    Row("=A3()", "=cmd()", "open", None),
]
COLUMNS: list[Column[Row]] = [
    Column("no", "ui.number", lambda r: r.no),
    Column("amount", "ui.amount", lambda r: r.amount if r.amount[0].isdigit() else None, money=True),
    Column("status", "ui.status", lambda r: r.status, text=lambda r, lang: f"[{r.status}]"),
    Column("on", "ui.submitted_on", lambda r: r.on),
]


def state(query: str) -> ListState:
    scope: dict[str, Any] = {"type": "http", "query_string": query.encode(), "headers": [], "path": "/x"}
    return ListState.of(Request(scope), "zh", extra=("done",))


def test_sort_numbers_as_numbers_empty_last_and_keep_the_rest_in_links() -> None:
    s = state("sort=amount&q=A&done=1&status=open")
    assert [r.no for r in sort_rows(ROWS, COLUMNS, s)] == ["A-2", "A-1", "=A3()"]  # 900 < 10000.50; none last
    s.desc = True
    assert [r.no for r in sort_rows(ROWS, COLUMNS, s)] == ["A-1", "A-2", "=A3()"]
    assert [r.no for r in sort_rows(ROWS, COLUMNS, state("sort=nonsense"))] == ["A-2", "A-1", "=A3()"]
    link = state("sort=amount&q=A&done=1&status=open&page=3").sort_href("amount")
    assert "dir=desc" in link and "q=A" in link and "done=1" in link and "status=open" in link and "page" not in link
    assert "dir" not in state("sort=amount&dir=desc").sort_href("amount")  # a second click flips back
    assert state("sort=no&dir=desc").aria_sort("no") == "descending" and state("").aria_sort("no") == "none"


def test_filters_and_a_bad_date_is_shown_not_obeyed() -> None:
    assert [r.no for r in filter_rows(ROWS, state("status=open"), status=lambda r: r.status)] == ["A-2", "=A3()"]
    ranged = filter_rows(ROWS, state("since=2025-02-01"), day=lambda r: r.on)
    assert [r.no for r in ranged] == ["A-2"]  # the undated row drops out once a range is chosen
    bad = state("since=2025-13-01&until=2025-02-01")
    assert bad.since is None and "YYYY-MM-DD" in bad.errors["since"] and bad.typed["since"] == "2025-13-01"
    assert [r.no for r in view(ROWS, bad, COLUMNS, lambda r: [r.no], day=lambda r: r.on)] == ["A-1"]


def test_workbook_has_chinese_headers_money_as_numbers_and_no_formulas() -> None:
    r = export("xlsx", "rows", COLUMNS, ROWS, "zh")
    assert r.media_type.endswith("spreadsheetml.sheet") and "rows.xlsx" in r.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(r.body)).active
    assert [c.value for c in ws[1]] == ["编号", "金额（元）", "状态", "提交日"]
    amount = ws["B3"]
    assert amount.value == Decimal("10000.5") or amount.value == 10000.5
    assert amount.number_format == "#,##0.00" and ws["C2"].value == "[open]"
    assert ws["D2"].value.date() == dt.date(2025, 3, 1) and ws["D2"].number_format == "yyyy-mm-dd"
    assert ws["A4"].value == "'=A3()" and ws["B4"].value is None  # text that looks like a formula stays text
    csv = export("csv", "rows", COLUMNS, ROWS, "en").body.decode("utf-8-sig")
    assert csv.splitlines()[0] == "Number,Amount (yuan),Status,Submitted" and "'=A3()" in csv


def test_book_sorts_filters_and_exports_as_shown(world, app) -> None:
    s = seed(world, app)
    d = s.desk
    d.active_loan()  # a second loan in the book
    c = sign_in(app, d.bank.officer)
    page = c.get("/console/book?sort=principal&dir=desc&status=active")
    assert page.status_code == 200 and 'aria-sort="descending"' in page.text
    assert 'href="?status=active&amp;sort=principal"' in page.text or "sort=principal" in page.text
    book = c.get("/console/book.xlsx?sort=principal&dir=desc&status=active")
    ws = load_workbook(io.BytesIO(book.content)).active
    assert ws["A1"].value == "合同编号" and ws.max_row == 3
    amounts = [ws.cell(row=i, column=3).value for i in (2, 3)]
    assert all(isinstance(a, (int, float, Decimal)) for a in amounts) and amounts == sorted(amounts, reverse=True)
    assert ws["E2"].value == "放款后存续"  # statuses in words, not codes
    none = c.get("/console/book.csv?status=repaid").content.decode("utf-8-sig").splitlines()
    assert len(none) == 1  # the header only
    assert c.get("/console/book.pdf").status_code == 404
    overdue = c.get("/console/book?overdue=1").text
    assert "共 0 条" in overdue  # nothing past due on the business date
    firm = sign_in(app, d.firm)
    mine = load_workbook(io.BytesIO(firm.get("/console/applications.xlsx?sort=submitted").content)).active
    assert mine["A1"].value == "编号" and mine.max_row >= 2
    other = sign_in(app, d.bank2.officer).get("/console/book.csv").content.decode("utf-8-sig").splitlines()
    assert len(other) == 1  # another bank's book holds none of these loans


def test_fund_lists_sort_filter_and_export(world, app, session_factory) -> None:
    from ippledge.access.model import PartyKind, Role
    from tests.console.factories import market

    m = market(world, app, session_factory)
    c = sign_in(app, m.desk.fund_approver)
    loans = c.get("/console/fund/loans?sort=outstanding&dir=desc&status=written_off")
    assert loans.status_code == 200 and loans.text.count("<tr><td>") == 1 and "已核销" in loans.text
    assert "共 0 条" in c.get("/console/fund/loans?status=active").text
    assert "共 0 条" in c.get("/console/fund/loans?until=2000-01-01").text
    ws = load_workbook(io.BytesIO(c.get("/console/fund/loans.xlsx?status=written_off").content)).active
    assert ws["A1"].value == "合同编号" and ws.max_row == 2 and ws["H2"].value == "已核销"
    assert isinstance(ws["F2"].value, (int, float, Decimal)) and ws["F2"].number_format == "#,##0.00"
    subs = c.get("/console/fund/subsidies.csv").content.decode("utf-8-sig").splitlines()
    assert subs[0].startswith("编号") and len(subs) == 1
    stranger = sign_in(app, world.actor(PartyKind.FUND, Role.FUND_REVIEWER, Role.APPROVER))
    assert len(stranger.get("/console/fund/loans.csv").content.decode("utf-8-sig").splitlines()) == 1


def test_registry_queue_sorts_and_exports_excel(world, app, session_factory) -> None:
    from tests.console.factories import market

    m = market(world, app, session_factory)
    c = sign_in(app, m.desk.registry)
    up = c.get("/console/registry/queue?sort=no").text
    down = c.get("/console/registry/queue?sort=no&dir=desc").text
    order = [f'href="/console/filings/{i}"' for i in (m.to_register, m.to_refuse)]
    assert all(o in up for o in order)
    assert (up.index(order[0]) < up.index(order[1])) != (down.index(order[0]) < down.index(order[1]))
    ws = load_workbook(io.BytesIO(c.get("/console/registry/queue.xlsx?sort=no").content)).active
    assert ws["A1"].value == "编号" and ws.max_row == 3 and ws["D1"].value == "质押知识产权"
    assert c.get("/console/registry/queue.csv").headers["content-type"].startswith("text/csv")


def test_valuer_tasks_sort_and_export(world, app, session_factory) -> None:
    from tests.console.factories import market

    m = market(world, app, session_factory)
    c = sign_in(app, m.desk.valuer)
    page = c.get("/console/valuer/tasks?sort=due&dir=desc")
    assert page.status_code == 200 and f"task-status-{m.valuation_task_id}" in page.text
    assert 'aria-sort="descending"' in page.text and "接收任务" in page.text
    ws = load_workbook(io.BytesIO(c.get("/console/valuer/tasks.xlsx").content)).active
    assert ws["A1"].value == "所属申请"  # the header in Chinese
    assert ws.max_row == 2 and ws["C2"].value == "待接收"  # the open task only, as the page shows
    done = c.get("/console/valuer/tasks?status=done").text
    assert f"task-status-{m.valuation_task_id}" not in done and "待接收" not in done.split('id="valuer-tasks"')[1]


def test_bank_queue_sorts_filters_and_exports(world, app) -> None:
    s = seed(world, app)
    c = sign_in(app, s.desk.bank.officer)
    page = c.get("/console/queue?sort=due&dir=desc")
    assert page.status_code == 200 and 'aria-sort="descending"' in page.text and "导出 Excel" in page.text
    assert 'hx-get="/console/queue?sort=due&amp;dir=desc"' in page.text  # the overdue switch keeps the sort
    partial = c.get("/console/queue?overdue=1&sort=due", headers={"hx-request": "true"}).text
    assert partial.lstrip().startswith("<table") and 'data-overdue-only="1"' in partial
    ws = load_workbook(io.BytesIO(c.get("/console/queue.xlsx?done=1").content)).active
    assert ws["A1"].value == "贷款申请" and ws.max_row >= 2
    assert isinstance(ws["C2"].value, (int, float, Decimal)) and ws["C2"].number_format == "#,##0.00"
    done = c.get("/console/queue.csv?status=done").content.decode("utf-8-sig").splitlines()
    assert len(done) >= 2 and all("已完成" in line for line in done[1:])
