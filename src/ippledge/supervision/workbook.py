"""The supervision workbook (监管统计报表, Excel): one sheet per table of ``GET /supervision/statistics``.

Built from the API's own body (``StatisticsOut``), so the workbook and the API cannot disagree. Headers are Chinese
with English beside and the unit stated; amounts in 元 (yuan, to the fen) so that they round-trip exactly; ratios as
fractions formatted as percentages; header rows frozen; a total row on the bank, cube and pool sheets. The outcomes
(成效: claim time-to-cash, disposal sell-through and realisation, whitelist engagements and conversion) go on their own
sheet, one figure a row with its unit, since they are of different kinds and have no total.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from ippledge.supervision.schemas import BankLineOut, LoanCellOut, OutcomesOut, StatisticsOut

MONEY = "#,##0.00"
RATIO = "0.00%"
COUNT = "#,##0"
BP = "0.0"

# (header, number format, getter) per column; headers say the unit.
Column = tuple[str, str | None, Callable[[Any], Any]]

_CELL: list[Column] = [
    ("累放金额 disbursed (元 CNY)", MONEY, lambda c: c.disbursed),
    ("累放笔数 loans disbursed", COUNT, lambda c: c.disbursed_count),
    ("首贷户 first-time borrowers", COUNT, lambda c: c.first_time_borrowers),
    ("普惠金额 inclusive amount (元 CNY)", MONEY, lambda c: c.inclusive_amount),
    ("普惠笔数 inclusive loans", COUNT, lambda c: c.inclusive_count),
    ("普惠占比 inclusive share (%)", RATIO, lambda c: c.inclusive_share),
    ("平均利率 average rate (%)", "0.0000%", lambda c: c.average_rate),
    ("LPR加点 spread over LPR (bp)", BP, lambda c: c.average_spread_bp),
    ("贷款余额 balance (元 CNY)", MONEY, lambda c: c.balance),
    ("贷款户数 borrowers", COUNT, lambda c: c.borrowers),
    ("不良余额 NPL balance (元 CNY)", MONEY, lambda c: c.npl_balance),
    ("不良率 NPL ratio (%)", RATIO, lambda c: c.npl_ratio),
]


def _of_loans(get: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda b: get(b.loans)


_BANK: list[Column] = [
    ("银行编号 bank id", None, lambda b: b.bank_id),
    ("银行 bank", None, lambda b: b.name),
    *[(h, f, _of_loans(g)) for h, f, g in _CELL],
    ("上年同期累放 prior-year disbursed (元 CNY)", MONEY, lambda b: b.growth.prior),
    ("同比增速 YoY growth (%)", RATIO, lambda b: b.growth.rate),
    ("增速目标 growth target (%)", RATIO, lambda b: b.growth.target),
    ("达标 meets target", None, lambda b: _yes(b.growth.meets_target)),
    ("全行不良率 overall NPL ratio (%)", RATIO, lambda b: b.npl.overall_ratio),
    ("超出 excess over overall (%)", RATIO, lambda b: b.npl.excess),
    ("容忍度 tolerance (%)", RATIO, lambda b: b.npl.tolerance),
    ("容忍度内 within tolerance", None, lambda b: _yes(b.npl.within)),
    ("补贴 subsidies paid (元 CNY)", MONEY, lambda b: b.subsidies_paid),
]
BANK_HEADERS = [h for h, _, _ in _BANK]
BANK_COLUMNS = _BANK  # for the CSV of ``ippledge report statistics`` (reports.py)
CELL_HEADERS = [h for h, _, _ in _CELL]


# The outcomes sheet (成效): one figure per row -- the figures differ in kind, so a column each would be a one-row
# table. (section, metric, unit, number format, getter); a getter returns None when the figure is not available
# (no claim paid, no round closed, disposal figures not wired) and the cell is left empty.
OutcomeRow = tuple[str, str, str, str, Callable[[OutcomesOut], Any]]
OUTCOME_HEADERS = ["板块 section", "指标 metric", "数值 value", "单位 unit"]
_TTC = "代偿时效 claim time-to-cash"
_DSP = "处置 disposal"
_WL = "白名单 whitelist push"


def _of_disposal(name: str) -> Callable[[OutcomesOut], Any]:
    return lambda o: None if o.disposal is None else getattr(o.disposal, name)


OUTCOME_ROWS: list[OutcomeRow] = [
    (_TTC, "已赔付笔数 claims paid", "笔 claims", COUNT, lambda o: o.time_to_cash.claims),
    (_TTC, "中位数 median", "工作日 working days", "0.0", lambda o: o.time_to_cash.median_days),
    (_TTC, "90分位 90th percentile (nearest rank)", "工作日 working days", COUNT, lambda o: o.time_to_cash.p90_days),
    (_DSP, "结束轮次 rounds closed", "轮 rounds", COUNT, _of_disposal("rounds_closed")),
    (_DSP, "成交轮次 rounds sold", "轮 rounds", COUNT, _of_disposal("rounds_sold")),
    (_DSP, "成交率 sell-through", "% of rounds closed", RATIO, _of_disposal("sell_through")),
    (_DSP, "成交标的评估值 appraisal of lots sold", "元 CNY", MONEY, _of_disposal("appraisal_sold")),
    (_DSP, "成交价款 proceeds", "元 CNY", MONEY, _of_disposal("proceeds")),
    (_DSP, "处置回收率 realisation", "% of appraisal", RATIO, _of_disposal("realisation")),
    (_WL, "推送对接 engagements", "户 firms", COUNT, lambda o: o.whitelist.engagements),
    (_WL, "获贷 lent to", "户 firms", COUNT, lambda o: o.whitelist.lent),
    (_WL, "转化率 conversion", "% of engagements", RATIO, lambda o: o.whitelist.conversion),
    (_WL, "获贷金额 amount lent", "元 CNY", MONEY, lambda o: o.whitelist.lent_amount),
]


def _outcome_sheet(ws: Worksheet, outcomes: OutcomesOut) -> None:
    ws.append(OUTCOME_HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for at, (section, metric, unit, fmt, get) in enumerate(OUTCOME_ROWS, start=2):
        value = get(outcomes)
        ws.append([section, metric, value, unit])
        ws.cell(row=at, column=3).number_format = fmt
    ws.freeze_panes = "A2"
    for letter, width in (("A", 30), ("B", 40), ("C", 18), ("D", 22)):
        ws.column_dimensions[letter].width = width


def _yes(flag: bool | None) -> str:
    return "" if flag is None else ("是 yes" if flag else "否 no")


def _sheet(ws: Worksheet, headers: Sequence[str], rows: Sequence[Sequence[Any]], formats: Sequence[str | None]) -> None:
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    # The row number is counted here: ``ws.max_row`` scans every cell written so far, which made writing a sheet
    # quadratic in its rows (10 of the 15 s the annual workbook took on the simulated book, record 0034).
    formatted = [(col, fmt) for col, fmt in enumerate(formats, start=1) if fmt is not None]
    for at, row in enumerate(rows, start=2):
        ws.append([None if v is None else v for v in row])
        for col, fmt in formatted:
            ws.cell(row=at, column=col).number_format = fmt
    ws.freeze_panes = "A2"
    for col, h in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = max(12, min(40, len(h) + 2))


def workbook(stats: StatisticsOut) -> Workbook:
    wb = Workbook()
    about = wb.active
    assert about is not None
    about.title = "说明 about"
    for row in (
        ("报表 report", "监管统计 supervision statistics"),
        ("期间 period", f"{stats.start} – {stats.end}"),
        ("维度 by", ", ".join(stats.by) or "—"),
        ("全行不良率时点 overall NPL ratios as recorded on", str(stats.as_of or "newest 最新")),
        ("金额单位 amounts", "元 CNY, to the fen"),
        ("比率 ratios", "fractions shown as % (0.015 = 1.50%)"),
        (
            "口径 bases",
            "贷款（监管口径） loans and 质押登记（知识产权局口径） pledge registrations: separate, never added",
        ),
    ):
        about.append(list(row))
    about.column_dimensions["A"].width = 44
    about.column_dimensions["B"].width = 80

    banks: list[BankLineOut] = stats.banks
    rows = [[g(b) for _, _, g in _BANK] for b in banks]
    rows.append(
        ["", "合计 total", *[g(stats.loan_total) for _, _, g in _CELL], *([None] * (len(_BANK) - 2 - len(_CELL)))]
    )
    _sheet(wb.create_sheet("银行 banks"), BANK_HEADERS, rows, [f for _, f, _ in _BANK])

    dims = list(stats.by)
    if dims:
        cells: list[LoanCellOut] = stats.loans
        cube_rows = [[c.key.get(d, "") for d in dims] + [g(c) for _, _, g in _CELL] for c in cells]
        total = stats.loan_total
        cube_rows.append(["合计 total"] + [""] * (len(dims) - 1) + [g(total) for _, _, g in _CELL])
        formats = [None] * len(dims) + [f for _, f, _ in _CELL]
        _sheet(wb.create_sheet("分组 cube"), dims + CELL_HEADERS, cube_rows, formats)

    reg_headers = [*dims, "登记笔数 registrations", "登记金额 registered amount (元 CNY)"]
    reg_rows: list[list[Any]] = [
        [r.key.get(d, "") for d in dims] + [r.registrations, r.registered_amount] for r in stats.registrations
    ]
    t = stats.registration_total
    reg_rows.append((["合计 total"] + [""] * (len(dims) - 1) if dims else []) + [t.registrations, t.registered_amount])
    _sheet(wb.create_sheet("质押登记 registrations"), reg_headers, reg_rows, [None] * len(dims) + [COUNT, MONEY])

    pool_headers = [
        "方案 scheme",
        "资金池余额 pool balance (元 CNY)",
        "在保贷款 loans covered (元 CNY)",
        "放大倍数 leverage (×)",
        "补贴 subsidies paid (元 CNY)",
    ]
    pool_rows = [[p.scheme_code, p.balance, p.enrolled_outstanding, p.leverage, p.subsidies_paid] for p in stats.pools]
    if stats.pools:  # balances, loans covered and subsidies add up across schemes; leverage does not
        pool_rows.append(
            [
                "合计 total",
                sum((p.balance for p in stats.pools), Decimal("0.00")),
                sum((p.enrolled_outstanding for p in stats.pools), Decimal("0.00")),
                None,
                sum((p.subsidies_paid for p in stats.pools), Decimal("0.00")),
            ]
        )
    _sheet(wb.create_sheet("资金池 pools"), pool_headers, pool_rows, [None, MONEY, MONEY, "0.00", MONEY])
    _outcome_sheet(wb.create_sheet("成效 outcomes"), stats.outcomes)
    return wb


def xlsx_bytes(stats: StatisticsOut) -> bytes:
    out = io.BytesIO()
    workbook(stats).save(out)
    return out.getvalue()


def as_decimal(value: Any) -> Decimal | None:
    """A number read back from the workbook as the API writes it (openpyxl reads numbers as floats)."""
    if value is None or value == "":
        return None
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


sheet = _sheet  # one table on one sheet, for the other reports' workbooks (reports.py)
