"""Supervision through the API on both backends: the regulator's statistics on a real book, overall NPL ratios
recorded and corrected (as-of), rankings, and who may ask."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ippledge.access.model import PartyKind, Role
from tests.lending.factories import LoanDesk

Q = "start=2025-01-01&end=2025-12-31"


def test_regulator_statistics_tolerance_as_of_and_ranking(world, app) -> None:
    d = LoanDesk(world, app)
    regulator = world.actor(PartyKind.REGULATOR, Role.ANALYST)
    first = d.active_loan(amount="1200000")
    second = d.active_loan(amount="800000")
    today = d.clock.today

    # the second loan turns non-performing: 800k of 2m is NPL (40%)
    d.post(d.bank.approver2, f"/loans/{second}/grade", {"grade": "substandard", "reason": "企业停产"}, 200)

    s = d.get(regulator, f"/supervision/statistics?{Q}&by=bank").json()
    total = s["loan_total"]
    assert total["disbursed"] == "2000000.00" and total["disbursed_count"] == 2
    assert total["first_time_borrowers"] == 1  # one firm, two loans
    assert total["inclusive_share"] == "1.0000" and total["inclusive_count"] == 2
    assert total["balance"] == "2000000.00" and total["borrowers"] == 1
    assert total["npl_balance"] == "800000.00" and total["npl_ratio"] == "0.4000"
    assert total["average_spread_bp"] is not None
    assert [c["key"] for c in s["loans"]] == [{"bank": str(d.bank.id)}]
    # the IP office's series: each loan's pledge was registered, counted apart from the loans
    assert s["registration_total"]["registrations"] == 2
    [line] = s["banks"]
    assert line["bank_id"] == d.bank.id and line["growth"]["rate"] is None  # nothing lent in 2024: no base
    assert line["npl"]["within"] is None and line["npl"]["overall_ratio"] is None

    # the regulator records the bank's overall NPL ratio, then corrects it a day later
    body = {"bank_id": d.bank.id, "period_end": "2025-12-31", "ratio": "0.37"}
    d.post(regulator, "/supervision/overall-npl", body, 201)
    s = d.get(regulator, f"/supervision/statistics?{Q}").json()
    assert s["banks"][0]["npl"]["within"] is True and s["banks"][0]["npl"]["excess"] == "0.0300"
    d.clock.today = today + dt.timedelta(days=1)
    d.post(regulator, "/supervision/overall-npl", {**body, "ratio": "0.3699"}, 201)
    now = d.get(regulator, f"/supervision/statistics?{Q}").json()["banks"][0]["npl"]
    assert now["within"] is False and Decimal(now["excess"]) == Decimal("0.0301")
    then = d.get(regulator, f"/supervision/statistics?{Q}&as_of={today}").json()["banks"][0]["npl"]
    assert then["within"] is True and then["overall_ratio"] == "0.370000"

    r = d.get(regulator, f"/supervision/rankings?{Q}").json()
    assert r["rule"]["code"] == "growth_within_tolerance"
    assert r["rows"][0]["rank"] is None and r["rows"][0]["reasons"] == ["no_prior_year", "npl_over_tolerance"]
    by_amount = d.get(regulator, f"/supervision/rankings?{Q}&rule=disbursed").json()["rows"]
    assert [(x["bank_id"], x["rank"]) for x in by_amount] == [(d.bank.id, 1)]
    assert first != second


def test_who_may_ask_and_bad_input(world, app) -> None:
    d = LoanDesk(world, app)
    regulator = world.actor(PartyKind.REGULATOR, Role.ANALYST)
    # a bank sees no one's named figures here (the anonymised market view is for later): 403
    r = d.get(d.bank.approver, f"/supervision/statistics?{Q}", None)
    assert r.status_code == 403 and r.json()["code"] == "supervision.regulator_only"
    assert d.get(d.operator, f"/supervision/rankings?{Q}", None).status_code == 200  # the platform may read
    body = {"bank_id": d.bank.id, "period_end": "2025-12-31", "ratio": "0.01"}
    assert d.post(d.operator, "/supervision/overall-npl", body).status_code == 403  # only the regulator records
    for url, code in [
        ("/supervision/statistics?start=2025-02-01&end=2025-01-01", "supervision.period_reversed"),
        (f"/supervision/statistics?{Q}&by=galaxy", "supervision.unknown_dimension"),
        (f"/supervision/rankings?{Q}&rule=nope", "supervision.unknown_rule"),
        (f"/supervision/statistics?{Q}&as_of=2099-01-01", "supervision.as_of_future"),
    ]:
        r = d.get(regulator, url, None)
        assert r.status_code == 422 and r.json()["code"] == code, r.text
    bad = d.post(regulator, "/supervision/overall-npl", {**body, "ratio": "1.5"})
    assert bad.status_code == 422 and bad.json()["code"] == "supervision.ratio_range"
    firm = d.post(regulator, "/supervision/overall-npl", {**body, "bank_id": d.firm.party.id})
    assert firm.status_code == 422 and firm.json()["code"] == "supervision.not_a_bank"
    assert d.get(regulator, f"/supervision/statistics?{Q}").json()["banks"] == []  # nothing was written


def test_workbook_round_trips_the_api(world, app) -> None:
    import io

    from openpyxl import load_workbook

    from ippledge.supervision.workbook import BANK_HEADERS, OUTCOME_HEADERS, OUTCOME_ROWS, as_decimal

    d = LoanDesk(world, app)
    regulator = world.actor(PartyKind.REGULATOR, Role.ANALYST)
    d.active_loan(amount="1200000")
    d.active_loan(amount="345678.91")
    d.post(regulator, "/supervision/overall-npl", {"bank_id": d.bank.id, "period_end": "2025-12-31", "ratio": "0.0123"})
    doc = d.get(regulator, f"/supervision/statistics?{Q}&by=month").json()
    r = d.get(regulator, f"/supervision/statistics.xlsx?{Q}&by=month")
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == [
        "说明 about",
        "银行 banks",
        "分组 cube",
        "质押登记 registrations",
        "资金池 pools",
        "成效 outcomes",
    ]
    about = {r[0].value: r[1].value for r in wb["说明 about"].iter_rows()}
    assert about["金额单位 amounts"] == "元 CNY, to the fen" and about["期间 period"] == "2025-01-01 – 2025-12-31"
    # every money column says 元 in its header, every ratio column says %, on every sheet
    for name in ("银行 banks", "分组 cube", "质押登记 registrations", "资金池 pools"):
        sheet = wb[name]
        assert sheet.freeze_panes == "A2"
        for cell in sheet[1]:
            head = str(cell.value)
            if any(w in head for w in ("金额", "余额", "补贴", "累放金额")):
                assert "(元 CNY)" in head, (name, head)
            if any(w in head for w in ("占比", "率 ", "增速")):
                assert "(%)" in head, (name, head)
    ws = wb["银行 banks"]
    assert ws.freeze_panes == "A2"
    headers = [c.value for c in ws[1]]
    assert headers == BANK_HEADERS and "累放金额 disbursed (元 CNY)" in headers and "不良率 NPL ratio (%)" in headers
    row = dict(zip(headers, [c.value for c in ws[2]], strict=True))
    line = doc["banks"][0]
    assert row["银行编号 bank id"] == line["bank_id"]
    assert (
        as_decimal(row["累放金额 disbursed (元 CNY)"]) == Decimal(line["loans"]["disbursed"]) == Decimal("1545678.91")
    )
    assert as_decimal(row["贷款余额 balance (元 CNY)"]) == Decimal(line["loans"]["balance"])
    assert as_decimal(row["全行不良率 overall NPL ratio (%)"]) == Decimal(line["npl"]["overall_ratio"])
    assert row["容忍度内 within tolerance"] == "是 yes"
    assert ws.cell(row=2, column=headers.index("累放金额 disbursed (元 CNY)") + 1).number_format == "#,##0.00"
    assert ws.cell(row=2, column=headers.index("不良率 NPL ratio (%)") + 1).number_format == "0.00%"
    total = dict(zip(headers, [c.value for c in ws[3]], strict=True))
    assert total["银行 bank"] == "合计 total"
    assert as_decimal(total["累放金额 disbursed (元 CNY)"]) == Decimal(doc["loan_total"]["disbursed"])
    cube = wb["分组 cube"]
    assert cube.cell(row=2, column=1).value == doc["loans"][0]["key"]["month"]
    regs = wb["质押登记 registrations"]
    assert [c.value for c in regs[1]][-1] == "登记金额 registered amount (元 CNY)"
    reg_total = [c.value for c in regs[regs.max_row]]
    assert reg_total[0] == "合计 total" and reg_total[1] == doc["registration_total"]["registrations"] == 2
    # the outcomes sheet: one figure a row with its unit, each equal to the API's figure
    out = wb["成效 outcomes"]
    assert out.freeze_panes == "A2" and [c.value for c in out[1]] == OUTCOME_HEADERS
    api = doc["outcomes"]
    expected = {
        "已赔付笔数 claims paid": api["time_to_cash"]["claims"],
        "中位数 median": api["time_to_cash"]["median_days"],
        "90分位 90th percentile (nearest rank)": api["time_to_cash"]["p90_days"],
        **{
            metric: (api["disposal"] or {}).get(key)
            for metric, key in (
                ("结束轮次 rounds closed", "rounds_closed"),
                ("成交轮次 rounds sold", "rounds_sold"),
                ("成交率 sell-through", "sell_through"),
                ("成交标的评估值 appraisal of lots sold", "appraisal_sold"),
                ("成交价款 proceeds", "proceeds"),
                ("处置回收率 realisation", "realisation"),
            )
        },
        "推送对接 engagements": api["whitelist"]["engagements"],
        "获贷 lent to": api["whitelist"]["lent"],
        "转化率 conversion": api["whitelist"]["conversion"],
        "获贷金额 amount lent": api["whitelist"]["lent_amount"],
    }
    rows = list(out.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == [m for _, m, _, _, _ in OUTCOME_ROWS] == list(expected)
    for _section, metric, value, unit in rows:
        want = expected[metric]
        assert (as_decimal(value), unit) == (None if want is None else Decimal(str(want)), unit), metric
        assert unit and ("元 CNY" in unit or "%" in unit or "days" in unit or " " in unit), metric
    money = [r for r in rows if r[3] == "元 CNY"]
    assert money and all(out.cell(row=2 + rows.index(r), column=3).number_format == "#,##0.00" for r in money)
    assert out.cell(row=2 + [r[1] for r in rows].index("成交率 sell-through"), column=3).number_format == "0.00%"


def test_period_end_book_follows_value_dates(world, app) -> None:
    """Balances and NPL are read as they stood at the period's end: a repayment or a downgrade dated later changes
    only the reports of periods ending on or after its date."""
    d = LoanDesk(world, app)
    regulator = world.actor(PartyKind.REGULATOR, Role.ANALYST)
    lid = d.active_loan(amount="600000", months=6)
    start = d.clock.today
    first = d.get(d.bank.officer, f"/loans/{lid}").json()["schedule"][0]
    due = dt.date.fromisoformat(first["due_date"])
    d.clock.today = due
    d.deposit(first["interest"])
    d.post_key(d.firm, f"/loans/{lid}/repayments", {"amount": first["payment"]}, 201)
    d.clock.today = due + dt.timedelta(days=3)
    d.post(d.bank.approver2, f"/loans/{lid}/grade", {"grade": "substandard", "reason": "企业停产"}, 200)

    def book(end: dt.date) -> dict:
        return d.get(regulator, f"/supervision/statistics?start={start}&end={end}").json()["loan_total"]

    before = book(due - dt.timedelta(days=1))
    assert before["balance"] == "600000.00" and before["npl_balance"] == "0.00"
    repaid = book(due)
    assert Decimal(repaid["balance"]) == Decimal("600000.00") - Decimal(first["principal"])
    assert repaid["npl_ratio"] == "0.0000"
    downgraded = book(d.clock.today)
    assert downgraded["npl_balance"] == repaid["balance"] and downgraded["npl_ratio"] == "1.0000"
    assert before["disbursed"] == repaid["disbursed"] == "600000.00"  # the flow is the disbursement, not the book
