"""Words of the console's charts (图表用语): valuation range and drivers, the book by grade over time, the fund's loss
distribution and pool outlook, the regulator's monthly trends; ``i18n`` merges them into its labels. Pure data."""

from __future__ import annotations

from ippledge.analytics.weights import DIMENSION_ZH, INDICATORS

CHART_LABELS: dict[str, tuple[str, str]] = {
    "ui.valuation_range": ("估值区间与评估值", "Valuation range and appraisals"),
    "ui.value_drivers": ("估值驱动因素（对评分的贡献）", "Value drivers (contribution to the score)"),
    "ui.model_score": ("模型评分", "Model score"),
    "ui.contribution": ("贡献", "Contribution"),
    "ui.indicator": ("指标", "Indicator"),
    "ui.dimension": ("维度", "Dimension"),
    "ui.appraisal_of_record": ("评估报告值", "Appraisal"),
    "ui.book_over_time": ("各月末贷款余额（按五级分类）", "Outstanding at month-end by grade"),
    "ui.month_end": ("月末", "Month-end"),
    "ui.total": ("合计", "Total"),
    "ui.loss_distribution": ("资金池下一年代偿分布（模拟）", "The fund's share of next year's losses (simulated)"),
    "ui.pool_outlook": ("资金池余额前景（模拟）", "Pool balance outlook (simulated)"),
    "ui.scenarios_share": ("情景占比", "Share of scenarios"),
    "ui.expected_loss": ("预期代偿", "Expected loss"),
    "ui.loss_q95": ("95% 分位代偿", "95th percentile loss"),
    "ui.loss_q99": ("99% 分位代偿", "99th percentile loss"),
    "ui.year_n": ("第 {n} 年末", "End of year {n}"),
    "ui.expected_balance": ("预期余额", "Expected balance"),
    "ui.balance_band": ("余额 P5–P95", "Balance P5–P95"),
    "ui.p_dry": ("耗尽概率", "P(pool dry)"),
    "ui.simulating": ("正在模拟……", "Simulating…"),
    "ui.no_enrolled_loans": ("暂无在册贷款，无需模拟", "No live enrolled loans to simulate"),
    "ui.outlook_assumptions": (
        "假设：在册贷款组合 {loans} 笔（余额 {exposure}）每年保持不变（不摊还、不新增、不追加注资）；违约概率按五级分类"
        "（正常 2%、关注 10%、次级 35%、可疑 65%、损失 95%）；违约损失率按授信时记录的强制变现价值（无记录时 {lgd}）；"
        "单因子相关系数 {rho}；{scenarios} 个情景，随机种子 {seed}；起始资金池余额 {start}；数据日 {as_of}。",
        "Assumptions: the {loans} live enrolled loans ({exposure}) stay as they are every year (no amortisation, "
        "no new loans, no top-ups); PD by grade (normal 2%, special mention 10%, substandard 35%, doubtful 65%, "
        "loss 95%); LGD "
        "at each decision's forced-sale value ({lgd} where none was recorded); one factor, correlation {rho}; "
        "{scenarios} scenarios, seed {seed}; the pool starts at {start}; as of {as_of}.",
    ),
    "ui.trends": ("月度趋势（近 12 个月）", "Monthly trends (last 12 months)"),
    "ui.month": ("月份", "Month"),
    "ui.new_loans": ("新发放笔数", "New loans"),
    "ui.new_amount": ("新发放金额", "New lending"),
    "ui.trend_note": (
        "余额与不良率按各月末（当月为今日）贷款五级分类计算，不含事后更正。",
        "Balance and NPL ratio at each month's end (today in this month) by the book's grades, before corrections.",
    ),
}
# the valuation engine's dimensions and indicators: Chinese from the engine, English from the indicator's key
CHART_LABELS |= {f"dim.{k}": (zh, k.capitalize()) for k, zh in DIMENSION_ZH.items()}
CHART_LABELS |= {f"ind.{k}": (v[1], k.replace("_", " ").capitalize()) for k, v in INDICATORS.items()}
