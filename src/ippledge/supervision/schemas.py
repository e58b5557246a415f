"""Supervision response bodies (监管统计报文): money as ``Yuan`` strings, ratios as decimal strings (0.015 = 1.5%),
spreads in basis points, dates ISO. Also what ``ippledge supervise ... --json`` prints."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from ippledge.supervision import model
from ippledge.supervision.market import MIN_OTHER_BANKS
from ippledge.supervision.queries import BankLine, KpiReport, MarketView, Outcomes, PoolLine, Statistics
from ippledge.web.dates import BusinessDate
from ippledge.web.ids import MAX_ID
from ippledge.web.money import Yuan


class LoanCellOut(BaseModel):
    """One cell of the loan series (the banking regulator's): flows in the period, stocks at its end."""

    key: dict[str, str] = Field(description="dimension -> value; empty for the total")
    disbursed: Yuan = Field(description="累放金额")
    disbursed_count: int = Field(description="累放笔数")
    first_time_borrowers: int = Field(description="首贷户")
    inclusive_amount: Yuan = Field(description="普惠口径金额 (below the cap in force on the day)")
    inclusive_count: int
    inclusive_share: Decimal | None
    average_rate: Decimal | None = Field(description="amount-weighted rate of the loans disbursed")
    average_spread_bp: Decimal | None = Field(description="amount-weighted spread over the LPR, basis points")
    balance: Yuan | None = Field(description="贷款余额; null in cells cut by month")
    borrowers: int | None
    npl_balance: Yuan | None = Field(description="不良贷款余额")
    npl_ratio: Decimal | None


class RegistrationCellOut(BaseModel):
    """One cell of the pledge registration series (the IP office's): never added to the loan series."""

    key: dict[str, str]
    registrations: int = Field(description="质押登记笔数")
    registered_amount: Yuan = Field(description="质押登记金额")


class GrowthOut(BaseModel):
    current: Yuan
    prior: Yuan = Field(description="累放 in the same period a year earlier")
    rate: Decimal | None = Field(description="同比增速; null without a prior-year base")
    target: Decimal
    meets_target: bool | None


class NplCheckOut(BaseModel):
    ip_ratio: Decimal | None = Field(description="知识产权质押贷款不良率")
    overall_ratio: Decimal | None = Field(description="全行不良率 as recorded; null when not recorded")
    excess: Decimal | None
    tolerance: Decimal
    within: bool | None


class BankLineOut(BaseModel):
    bank_id: int
    name: str
    loans: LoanCellOut
    growth: GrowthOut
    npl: NplCheckOut
    subsidies_paid: Yuan = Field(description="贴息等补贴 paid on the bank's loans in the period")


class PoolLineOut(BaseModel):
    scheme_code: str
    balance: Yuan = Field(description="资金池余额 at the period's end (ledger entries dated up to then)")
    enrolled_outstanding: Yuan = Field(description="principal outstanding at the period's end on the loans enrolled")
    leverage: Decimal | None = Field(description="放大倍数 = loans covered / pool")
    subsidies_paid: Yuan = Field(description="subsidies paid by the period's end")


class TimeToCashOut(BaseModel):
    claims: int = Field(description="claims paid (or advanced) in the period")
    median_days: Decimal | None = Field(description="working days from filing to payment, median")
    p90_days: int | None = Field(description="working days, 90th percentile (nearest rank)")


class DisposalOut(BaseModel):
    rounds_closed: int
    rounds_sold: int
    sell_through: Decimal | None = Field(description="成交率: rounds sold / rounds closed")
    appraisal_sold: Yuan
    proceeds: Yuan
    realisation: Decimal | None = Field(description="处置回收率 against appraisal: proceeds / appraisal of lots sold")


class WhitelistOut(BaseModel):
    engagements: int = Field(description="firms pushed to a bank in the period (推送对接)")
    lent: int = Field(description="of them, lent to by that bank after the push")
    conversion: Decimal | None
    lent_amount: Yuan


class OutcomesOut(BaseModel):
    time_to_cash: TimeToCashOut
    disposal: DisposalOut | None = Field(description="null when the disposal figures are not available")
    whitelist: WhitelistOut


class StatisticsOut(BaseModel):
    start: dt.date
    end: dt.date
    by: list[str]
    as_of: dt.date | None = Field(description="overall NPL ratios as recorded on this date; null: the newest")
    loan_total: LoanCellOut
    loans: list[LoanCellOut]
    registration_total: RegistrationCellOut
    registrations: list[RegistrationCellOut]
    banks: list[BankLineOut]
    pools: list[PoolLineOut]
    outcomes: OutcomesOut


class TierOut(BaseModel):
    up_to: int
    name_zh: str
    name_en: str


class RankRowOut(BaseModel):
    bank_id: int
    name: str
    rank: int | None = Field(description="equal values share a rank (1, 2, 2, 4); null when not eligible")
    value: Decimal | None
    tier: TierOut | None
    reasons: list[str] = Field(description="why a bank is not ranked: no_prior_year, overall_npl_missing, ...")
    growth: GrowthOut
    npl: NplCheckOut


class RuleOut(BaseModel):
    code: str
    version: str
    metric: str
    require_npl_within: bool
    require_growth_target: bool
    tiers: list[TierOut]
    name_zh: str
    name_en: str


class RankingOut(BaseModel):
    start: dt.date
    end: dt.date
    as_of: dt.date | None
    rule: RuleOut
    rows: list[RankRowOut]


class OverallNplIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bank_id: int
    period_end: dt.date
    ratio: Decimal = Field(description="the bank's overall NPL ratio, a fraction (0.0123 = 1.23%)")


class OverallNplOut(BaseModel):
    id: int
    bank_id: int
    period_end: dt.date
    ratio: Decimal
    recorded_on: dt.date


def _cell(c: model.LoanCell, by: tuple[model.Dimension, ...]) -> LoanCellOut:
    return LoanCellOut(
        key={d.value: v for d, v in zip(by, c.key, strict=True)},
        disbursed=c.disbursed,
        disbursed_count=c.disbursed_count,
        first_time_borrowers=c.first_time_borrowers,
        inclusive_amount=c.inclusive_amount,
        inclusive_count=c.inclusive_count,
        inclusive_share=c.inclusive_share,
        average_rate=c.average_rate,
        average_spread_bp=c.average_spread_bp,
        balance=c.balance,
        borrowers=c.borrowers,
        npl_balance=c.npl_balance,
        npl_ratio=c.npl_ratio,
    )


def growth_out(g: model.Growth) -> GrowthOut:
    return GrowthOut(current=g.current, prior=g.prior, rate=g.rate, target=g.target, meets_target=g.meets_target)


def npl_out(n: model.NplCheck) -> NplCheckOut:
    return NplCheckOut(
        ip_ratio=n.ip_ratio, overall_ratio=n.overall_ratio, excess=n.excess, tolerance=n.tolerance, within=n.within
    )


def _bank(b: BankLine) -> BankLineOut:
    return BankLineOut(
        bank_id=b.bank_id,
        name=b.name,
        loans=_cell(b.loans, (model.Dimension.BANK,)),
        growth=growth_out(b.growth),
        npl=npl_out(b.npl),
        subsidies_paid=b.subsidies_paid,
    )


def _pool(p: PoolLine) -> PoolLineOut:
    return PoolLineOut(
        scheme_code=p.scheme_code,
        balance=p.balance,
        enrolled_outstanding=p.enrolled_outstanding,
        leverage=p.leverage,
        subsidies_paid=p.subsidies_paid,
    )


def statistics_out(s: Statistics) -> StatisticsOut:
    return StatisticsOut(
        start=s.period.start,
        end=s.period.end,
        by=[d.value for d in s.by],
        as_of=s.known_on,
        loan_total=_cell(s.loan_total, ()),
        loans=[_cell(c, s.by) for c in s.loans],
        registration_total=RegistrationCellOut(
            key={},
            registrations=s.registration_total.registrations,
            registered_amount=s.registration_total.registered_amount,
        ),
        registrations=[
            RegistrationCellOut(
                key={d.value: v for d, v in zip(s.by, c.key, strict=True)},
                registrations=c.registrations,
                registered_amount=c.registered_amount,
            )
            for c in s.registrations
        ],
        banks=[_bank(b) for b in s.banks],
        pools=[_pool(p) for p in s.pools],
        outcomes=_outcomes(s.outcomes),
    )


def _outcomes(o: Outcomes) -> OutcomesOut:
    t, d, w = o.time_to_cash, o.disposal, o.whitelist
    return OutcomesOut(
        time_to_cash=TimeToCashOut(claims=t.claims, median_days=t.median_days, p90_days=t.p90_days),
        disposal=None
        if d is None
        else DisposalOut(
            rounds_closed=d.rounds_closed,
            rounds_sold=d.rounds_sold,
            sell_through=d.sell_through,
            appraisal_sold=d.appraisal_sold,
            proceeds=d.proceeds,
            realisation=d.realisation,
        ),
        whitelist=WhitelistOut(
            engagements=w.engagements, lent=w.lent, conversion=w.conversion, lent_amount=w.lent_amount
        ),
    )


def _tier(t: model.RewardTier | None) -> TierOut | None:
    return None if t is None else TierOut(up_to=t.up_to, name_zh=t.name_zh, name_en=t.name_en)


def rule_out(r: model.RankingRule) -> RuleOut:
    return RuleOut(
        code=r.code,
        version=r.version,
        metric=r.metric.value,
        require_npl_within=r.require_npl_within,
        require_growth_target=r.require_growth_target,
        tiers=[TierOut(up_to=t.up_to, name_zh=t.name_zh, name_en=t.name_en) for t in r.tiers],
        name_zh=r.name_zh,
        name_en=r.name_en,
    )


def ranking_out(
    period: model.Period,
    as_of: dt.date | None,
    rule: model.RankingRule,
    rows: list[model.RankRow],
    names: dict[int, str],
) -> RankingOut:
    return RankingOut(
        start=period.start,
        end=period.end,
        as_of=as_of,
        rule=rule_out(rule),
        rows=[
            RankRowOut(
                bank_id=r.bank_id,
                name=names.get(r.bank_id, str(r.bank_id)),
                rank=r.rank,
                value=r.value,
                tier=_tier(r.tier),
                reasons=list(r.reasons),
                growth=growth_out(r.figures.growth),
                npl=npl_out(r.figures.npl),
            )
            for r in rows
        ],
    )


# -- back-dated corrections and branch KPIs ------------------------------------------------------------------------


class CorrectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    loan_id: int = Field(ge=1, le=MAX_ID)
    grade: str = Field(description="normal | special_mention | substandard | doubtful | loss", max_length=16)
    effective_on: BusinessDate = Field(description="the date from which the corrected grade is true (back-dated)")
    reason: str = Field(min_length=1, max_length=200)


class CorrectionOut(BaseModel):
    id: int
    loan_id: int
    grade: str
    effective_on: dt.date
    recorded_on: dt.date


class ItemScoreOut(BaseModel):
    metric: str
    actual: Decimal | None = Field(description="yuan for disbursed, a count otherwise; npl_within: the excess")
    target: Decimal | None = Field(description="the yearly target for the unit's type, pro rata for the period")
    achievement: Decimal
    points: Decimal
    max_points: Decimal


class KpiScoreOut(BaseModel):
    bank_id: int
    bank: str
    branch_id: int
    branch: str
    branch_type: str
    team: str
    disbursed: Yuan
    borrowers: int
    first_time_borrowers: int
    npl: NplCheckOut
    items: list[ItemScoreOut]
    total: Decimal
    max_total: Decimal


class KpiOut(BaseModel):
    start: dt.date
    end: dt.date
    as_of: dt.date | None
    code: str
    version: str
    name_zh: str
    name_en: str
    by: str = Field(description="branch | team")
    scores: list[KpiScoreOut]


def kpi_out(r: KpiReport) -> KpiOut:
    return KpiOut(
        start=r.period.start,
        end=r.period.end,
        as_of=r.known_on,
        code=r.definition.code,
        version=r.definition.version,
        name_zh=r.definition.name_zh,
        name_en=r.definition.name_en,
        by="team" if r.by_team else "branch",
        scores=[
            KpiScoreOut(
                bank_id=s.unit.bank_id,
                bank=r.bank_names.get(s.unit.bank_id, str(s.unit.bank_id)),
                branch_id=s.unit.branch_id,
                branch=r.branch_names.get(s.unit.branch_id, str(s.unit.branch_id)),
                branch_type=s.unit.branch_type,
                team=s.unit.team,
                disbursed=s.unit.disbursed,
                borrowers=s.unit.borrowers,
                first_time_borrowers=s.unit.first_time_borrowers,
                npl=npl_out(s.unit.npl),
                items=[
                    ItemScoreOut(
                        metric=i.metric.value,
                        actual=i.actual,
                        target=i.target,
                        achievement=i.achievement,
                        points=i.points,
                        max_points=i.max_points,
                    )
                    for i in s.items
                ],
                total=s.total,
                max_total=s.max_total,
            )
            for s in r.scores
        ],
    )


# -- a bank's view: itself and the anonymised market -------------------------------------------------------------


class MetricSpreadOut(BaseModel):
    metric: str = Field(
        description="disbursed, disbursed_count, first_time_borrowers, balance (元 or counts); "
        "growth_rate, npl_ratio, inclusive_share (fractions); average_spread_bp (bp)"
    )
    banks: int = Field(description="banks in the market with this figure, the viewer included")
    suppressed: bool = Field(description="fewer than the minimum of other banks behind it: no aggregate shown")
    total: Decimal | None = Field(description="market total (additive figures only)")
    p25: Decimal | None
    median: Decimal | None
    p75: Decimal | None
    own: Decimal | None = Field(description="the viewer's own figure")
    own_place: int | None = Field(description="the viewer's place, 1 = highest, equal values sharing a place")


class OwnRankOut(BaseModel):
    rule: str
    rank: int | None = Field(description="the viewer's rank; null when not eligible (see reasons)")
    out_of: int = Field(description="banks ranked under the rule (no other bank is named)")
    tier: TierOut | None
    reasons: list[str]


class MarketOut(BaseModel):
    """同业匿名对标: the bank's own line, named, and the market only in aggregate."""

    start: dt.date
    end: dt.date
    as_of: dt.date | None
    bank: BankLineOut = Field(description="the viewer's own line, named")
    market_banks: int = Field(description="banks in the market for the period, the viewer included")
    min_other_banks: int = Field(description="minimum cell size: an aggregate needs this many other banks")
    suppressed: bool = Field(description="the market has too few other banks: no aggregate at all is shown")
    market_total: LoanCellOut | None = Field(description="the whole market's loan cell (the viewer included)")
    metrics: list[MetricSpreadOut]
    rank: OwnRankOut | None
    substituted: bool = Field(
        description="another bank's named figures were asked for; this anonymised view is given instead"
    )


def market_out(v: MarketView) -> MarketOut:
    r = v.rank
    return MarketOut(
        start=v.period.start,
        end=v.period.end,
        as_of=v.known_on,
        bank=_bank(v.own),
        market_banks=v.market_banks,
        min_other_banks=MIN_OTHER_BANKS,
        suppressed=v.suppressed,
        market_total=None if v.market_total is None else _cell(v.market_total, ()),
        metrics=[
            MetricSpreadOut(
                metric=m.metric,
                banks=m.banks,
                suppressed=m.suppressed,
                total=m.total,
                p25=m.p25,
                median=m.median,
                p75=m.p75,
                own=m.own,
                own_place=m.own_place,
            )
            for m in v.metrics
        ],
        rank=None
        if r is None
        else OwnRankOut(rule=r.rule.code, rank=r.rank, out_of=r.out_of, tier=_tier(r.tier), reasons=list(r.reasons)),
        substituted=v.substituted,
    )
