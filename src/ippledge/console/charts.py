"""Chart options (图表配置) for the console: pure functions from figures to ECharts option dicts.

Templates emit them with ``|tojson``; the numbers a chart draws are also in a table or sentence beside it (screen
readers, and the tests). Money arrives as ``Decimal`` or float yuan and is drawn in 万元, rounded to the 0.01 万元.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

GRADES = ("normal", "special_mention", "substandard", "doubtful", "loss")  # 五级分类, best first
GRADE_COLOURS = ("#3a7d44", "#d9a400", "#e07b24", "#c8412c", "#7a1f1f")

Number = Decimal | float | int


def wan(value: Number | None) -> float | None:
    """Yuan -> 万元 as a float for drawing (two decimals)."""
    return None if value is None else round(float(value) / 10_000, 2)


def _base() -> dict[str, Any]:
    return {"animation": False, "tooltip": {"trigger": "axis"}, "grid": {"containLabel": True}}


def valuation_range(
    names: Sequence[str],
    bands: Sequence[tuple[Number, Number, Number]],
    appraisals: Sequence[Sequence[Number]],
    labels: Mapping[str, str],
) -> dict[str, Any]:
    """Each IP's model band P10–P90 as a floating bar with P50 marked, and the appraisals of record as points."""
    low = [wan(b[0]) for b in bands]
    width = [round(float(b[2]) / 10_000 - float(b[0]) / 10_000, 2) for b in bands]
    points = [[wan(v), i] for i, values in enumerate(appraisals) for v in values]
    return _base() | {
        "tooltip": {"trigger": "item"},
        "legend": {"data": [labels["band"], "P50", labels["appraisal"]]},
        "xAxis": {"type": "value", "name": "万元"},
        "yAxis": {"type": "category", "data": list(names)},
        "series": [
            {"type": "bar", "stack": "band", "data": low, "itemStyle": {"color": "transparent"}, "silent": True},
            {"name": labels["band"], "type": "bar", "stack": "band", "data": width, "itemStyle": {"opacity": 0.45}},
            {
                "name": "P50",
                "type": "scatter",
                "symbol": "rect",
                "symbolSize": [4, 24],
                "data": [[wan(b[1]), i] for i, b in enumerate(bands)],
            },
            {"name": labels["appraisal"], "type": "scatter", "symbolSize": 12, "data": points},
        ],
    }


def drivers(items: Sequence[tuple[str, float]], title: str) -> dict[str, Any]:
    """Contributions to the model score as horizontal bars, the largest on top."""
    ordered = sorted(items, key=lambda x: x[1])
    return _base() | {
        "title": {"text": title, "textStyle": {"fontSize": 13}},
        "xAxis": {"type": "value"},
        "yAxis": {"type": "category", "data": [n for n, _ in ordered]},
        "series": [{"type": "bar", "data": [round(v, 2) for _, v in ordered], "label": {"show": True}}],
    }


def book_over_time(
    dates: Sequence[str], by_grade: Mapping[str, Sequence[Number]], grade_names: Mapping[str, str], title: str
) -> dict[str, Any]:
    """Outstanding at each month-end as bars stacked by five-tier grade (only the grades that ever held money); the
    page's heading names the chart, so ``title`` goes to the canvas's description, not above the bars."""
    series = [
        {
            "name": grade_names[g],
            "type": "bar",
            "stack": "book",
            "itemStyle": {"color": GRADE_COLOURS[i]},
            "data": [wan(v) for v in by_grade[g]],
        }
        for i, g in enumerate(GRADES)
        if g in by_grade and any(by_grade[g])
    ]
    return _base() | {
        "aria": {"enabled": True, "label": {"description": title}},
        "legend": {"top": 0},
        "grid": {"containLabel": True, "top": 48},
        "xAxis": {"type": "category", "data": list(dates)},
        "yAxis": {"type": "value", "name": "万元"},
        "series": series,
    }


def loss_histogram(edges: Sequence[float], counts: Sequence[int], labels: Mapping[str, str]) -> dict[str, Any]:
    """The simulated distribution of the fund's loss: the share of scenarios in each band (万元)."""
    total = sum(counts) or 1
    top = abs(float(edges[-1])) / 10_000 if edges else 0.0
    places = 2 if top < 10 else 1 if top < 100 else 0  # enough digits that neighbouring bands read apart
    bins = [
        f"{float(edges[i]) / 10_000:,.{places}f}–{float(edges[i + 1]) / 10_000:,.{places}f}" for i in range(len(counts))
    ]
    return _base() | {
        "title": {"text": labels["title"], "textStyle": {"fontSize": 13}},
        "xAxis": {"type": "category", "data": bins, "name": "万元", "axisLabel": {"rotate": 40}},
        "yAxis": {"type": "value", "name": labels["share"], "axisLabel": {"formatter": "{value}%"}},
        "series": [{"type": "bar", "barCategoryGap": "2%", "data": [round(100 * c / total, 2) for c in counts]}],
    }


def pool_outlook(
    years: Sequence[str],
    mean: Sequence[float],
    p5: Sequence[float],
    p95: Sequence[float],
    p_dry: Sequence[float],
    labels: Mapping[str, str],
) -> dict[str, Any]:
    """The pool's balance by year end: expected line, a P5–P95 band (stacked area), and P(dry) on a second axis."""
    return _base() | {
        "aria": {"enabled": True, "label": {"description": labels["title"]}},
        "legend": {"top": 0, "data": [labels["mean"], labels["band"], labels["p_dry"]]},
        "grid": {"containLabel": True, "top": 48},
        "xAxis": {"type": "category", "data": list(years), "boundaryGap": False},
        "yAxis": [
            {"type": "value", "name": "万元"},
            {"type": "value", "name": labels["p_dry"], "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}},
        ],
        "series": [
            {
                "type": "line",
                "stack": "band",
                "data": [wan(v) for v in p5],
                "lineStyle": {"opacity": 0},
                "symbol": "none",
            },
            {
                "name": labels["band"],
                "type": "line",
                "stack": "band",
                "data": [round(float(b - a) / 10_000, 2) for a, b in zip(p5, p95, strict=True)],
                "lineStyle": {"opacity": 0},
                "areaStyle": {"opacity": 0.3},
                "symbol": "none",
            },
            {"name": labels["mean"], "type": "line", "data": [wan(v) for v in mean]},
            {
                "name": labels["p_dry"],
                "type": "bar",
                "yAxisIndex": 1,
                "barWidth": "20%",
                "data": [round(100 * p, 2) for p in p_dry],
            },
        ],
    }


def trends(
    months: Sequence[str],
    new_count: Sequence[int],
    new_amount: Sequence[Number],
    outstanding: Sequence[Number],
    npl_ratio: Sequence[Decimal | None],
    labels: Mapping[str, str],
) -> dict[str, Any]:
    """By month: new lending and the balance (万元, left axis), the NPL ratio (%, right axis), and the number of new
    loans as labelled bars on an axis of their own (hidden: the label says the count)."""
    return _base() | {
        "legend": {"data": [labels["new_amount"], labels["outstanding"], labels["npl"], labels["new_count"]]},
        "xAxis": {"type": "category", "data": list(months)},
        "yAxis": [
            {"type": "value", "name": "万元"},
            {"type": "value", "name": labels["npl"], "min": 0, "axisLabel": {"formatter": "{value}%"}},
            {"type": "value", "show": False, "min": 0, "max": max([*new_count, 1]) * 4},
        ],
        "series": [
            {"name": labels["new_amount"], "type": "line", "data": [wan(v) for v in new_amount]},
            {"name": labels["outstanding"], "type": "line", "data": [wan(v) for v in outstanding]},
            {
                "name": labels["npl"],
                "type": "line",
                "yAxisIndex": 1,
                "data": [None if r is None else round(float(r) * 100, 2) for r in npl_ratio],
            },
            {
                "name": labels["new_count"],
                "type": "bar",
                "yAxisIndex": 2,
                "barWidth": "30%",
                "itemStyle": {"opacity": 0.5},
                "label": {"show": True, "position": "top"},
                "data": list(new_count),
            },
        ],
    }
