"""Named reports (监管报表目录): every report of the supervision API by name, for ``ippledge report NAME``.

Each report is the API's own response body (so the command, the API and the files cannot disagree) and one flat
table of it for CSV and for a one-sheet workbook (the statistics keep their full workbook, ``workbook.py``).
Periods are written as a year (``2022``), a half (``2022-H1``), a quarter (``2022-Q3``), a month (``2022-09``) or
two dates (``2022-01-01..2022-09-30``).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from pydantic import BaseModel
from sqlalchemy.orm import Session

from ippledge.supervision import errors, model, queries
from ippledge.supervision.schemas import (
    KpiOut,
    MarketOut,
    RankingOut,
    StatisticsOut,
    kpi_out,
    market_out,
    ranking_out,
    statistics_out,
)
from ippledge.supervision.workbook import BANK_COLUMNS, BANK_HEADERS, MONEY, RATIO, sheet, xlsx_bytes


def parse_period(text: str) -> model.Period:
    """A period as written on the command line (see the module docstring); ``supervision.bad_period`` otherwise,
    ``supervision.period_reversed`` when the second date is before the first."""
    t = text.strip()
    try:
        if ".." in t:
            a, b = t.split("..", 1)
            return model.Period(dt.date.fromisoformat(a), dt.date.fromisoformat(b))
        if m := re.fullmatch(r"(\d{4})", t):
            y = int(m[1])
            return model.Period(dt.date(y, 1, 1), dt.date(y, 12, 31))
        if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", t):
            y, q = int(m[1]), int(m[2])
            return _months(y, 3 * q - 2, 3 * q)
        if m := re.fullmatch(r"(\d{4})-[Hh]([12])", t):
            y, h = int(m[1]), int(m[2])
            return _months(y, 6 * h - 5, 6 * h)
        if m := re.fullmatch(r"(\d{4})-(\d{2})", t):
            return _months(int(m[1]), int(m[2]), int(m[2]))
    except ValueError:
        pass
    raise errors.BAD_PERIOD(period=text)


def _months(year: int, first: int, last: int) -> model.Period:
    return model.Period(dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1]))


@dataclass(frozen=True)
class Options:
    """What a report may be asked for beside its period (each report reads the ones it needs)."""

    by: tuple[model.Dimension, ...] = ()
    rule: str = "growth_within_tolerance"
    kpi_code: str = "ip_financing"
    by_team: bool = False
    bank_id: int | None = None


Table = tuple[list[str], list[list[Any]]]


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    body: Callable[[Session, model.Period, dt.date | None, Options], BaseModel]
    table: Callable[[Any], Table]


def _statistics(s: Session, p: model.Period, known: dt.date | None, o: Options) -> StatisticsOut:
    return statistics_out(queries.statistics(s, None, p, o.by, known))


def _rankings(s: Session, p: model.Period, known: dt.date | None, o: Options) -> RankingOut:
    rule, rows, names = queries.ranking(s, None, p, o.rule, known)
    return ranking_out(p, known, rule, rows, names)


def _kpi(s: Session, p: model.Period, known: dt.date | None, o: Options) -> KpiOut:
    return kpi_out(queries.kpi_report(s, None, p, o.kpi_code, o.by_team, known))


def _market(s: Session, p: model.Period, known: dt.date | None, o: Options) -> MarketOut:
    return market_out(queries.market_view(s, None, p, known, o.bank_id, o.rule))


def _statistics_table(b: StatisticsOut) -> Table:
    return BANK_HEADERS, [[g(x) for _, _, g in BANK_COLUMNS] for x in b.banks]


def _rankings_table(b: RankingOut) -> Table:
    heads = [
        "名次 rank",
        "银行编号 bank id",
        "银行 bank",
        "指标 value",
        "奖励 tier",
        "原因 reasons",
        "累放 disbursed (元 CNY)",
        "同比增速 YoY growth (%)",
        "不良率 NPL ratio (%)",
        "全行不良率 overall NPL ratio (%)",
    ]
    rows = [
        [
            r.rank,
            r.bank_id,
            r.name,
            r.value,
            None if r.tier is None else r.tier.name_zh,
            ", ".join(r.reasons),
            r.growth.current,
            r.growth.rate,
            r.npl.ip_ratio,
            r.npl.overall_ratio,
        ]
        for r in b.rows
    ]
    return heads, rows


def _kpi_table(b: KpiOut) -> Table:
    metrics = [i.metric for i in b.scores[0].items] if b.scores else []
    heads = [
        "银行 bank",
        "机构 branch",
        "类型 type",
        "团队 team",
        "累放 disbursed (元 CNY)",
        "贷款户数 borrowers",
        "首贷户 first-time borrowers",
        *[f"{m} 得分 points" for m in metrics],
        "得分 total",
    ]
    rows = [
        [
            x.bank,
            x.branch,
            x.branch_type,
            x.team,
            x.disbursed,
            x.borrowers,
            x.first_time_borrowers,
            *[i.points for i in x.items],
            x.total,
        ]
        for x in b.scores
    ]
    return heads, rows


def _market_table(b: MarketOut) -> Table:
    heads = [
        "指标 metric",
        "银行数 banks",
        "已抑制 suppressed",
        "市场合计 market total",
        "下四分位 p25",
        "中位数 median",
        "上四分位 p75",
        f"本行 own ({b.bank.name})",
        "本行位次 own place",
    ]
    rows = [[m.metric, m.banks, m.suppressed, m.total, m.p25, m.median, m.p75, m.own, m.own_place] for m in b.metrics]
    return heads, rows


REPORTS: dict[str, Report] = {
    r.name: r
    for r in (
        Report("statistics", "监管统计 supervision statistics", _statistics, _statistics_table),
        Report("rankings", "银行排名 bank rankings", _rankings, _rankings_table),
        Report("kpi", "网点考核 branch KPIs", _kpi, _kpi_table),
        Report("market", "同业匿名对标 a bank and the anonymised market", _market, _market_table),
    )
}


def report(name: str) -> Report:
    try:
        return REPORTS[name]
    except KeyError:
        raise errors.UNKNOWN_REPORT(name=name, known=", ".join(REPORTS)) from None


def csv_text(table: Table) -> str:
    """The table as CSV (the caller writes it with a BOM, so that Excel reads the Chinese headers)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    heads, rows = table
    w.writerow(heads)
    w.writerows([["" if v is None else v for v in row] for row in rows])
    return out.getvalue()


def xlsx(rep: Report, body: BaseModel) -> bytes:
    """The statistics' full workbook; any other report as one sheet of its table, header frozen, units in it."""
    if isinstance(body, StatisticsOut):
        return xlsx_bytes(body)
    heads, rows = rep.table(body)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = rep.name
    formats = [MONEY if "(元 CNY)" in h else RATIO if "(%)" in h else None for h in heads]
    sheet(ws, heads, rows, formats)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
