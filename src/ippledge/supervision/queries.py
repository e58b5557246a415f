"""Published read face (查询接口) of supervision: the regulator's statistics cube, bank lines and rankings.

Facts are read only through the published faces of lending, credit, pledge, risk sharing, the register and access
(never their tables), then cut by the pure rules of ``model``. Only the regulator and the platform read the named
figures of every bank (``supervision.regulator_only`` otherwise); a bank reads its own line and the anonymised market
(``market_view``, the rules in ``market``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy.orm import Session

from ippledge.access import queries as access
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.credit import queries as credit
from ippledge.demand import queries as demand
from ippledge.demand.model import GroupBy
from ippledge.lending import queries as lending
from ippledge.pledge import queries as pledge
from ippledge.registry import queries as registry
from ippledge.risk_sharing import queries as risk
from ippledge.supervision import errors, market, model, outcomes, ports, store
from ippledge.supervision.model import Dimension, Period

UNKNOWN = "unknown"
_READERS = {PartyKind.REGULATOR: (Role.ADMIN, Role.ANALYST), PartyKind.PLATFORM: (Role.ADMIN, Role.OPERATOR)}


def require_reader(principal: Principal) -> None:
    """The regulator's admin or analyst, or the platform's admin or operator; anyone else is refused (403)."""
    roles = _READERS.get(principal.party_kind)
    if roles is None:
        raise errors.REGULATOR_ONLY()
    principal.require(*roles)


def _kind_of(asset_ids: tuple[int, ...], kinds: dict[int, str]) -> str:
    found = {kinds[a] for a in asset_ids if a in kinds}
    if not found:
        return "none"
    return found.pop() if len(found) == 1 else "mixed"


def _signed(ln: lending.LoanSummary) -> dt.date:
    """The day the loan was signed (its branch and team were stamped then)."""
    return ln.contracted_on


def loan_facts(session: Session, end: dt.date, known_on: dt.date | None = None) -> list[model.LoanFact]:
    """Every disbursed loan with its dimensions (branch and the signing officer's team included), and its balance
    and NPL state at the end of ``end``: the book's grade, or the grade of a back-dated correction effective by
    ``end`` and recorded by ``known_on`` (None: every correction)."""
    loans = lending.disbursed_loans(session)
    branch_types = {b.id: b.branch_type for b in access.branches(session)}
    # the team the officer was in when the loan was signed (posting history), not the one they are in now
    teams = access.teams_on(session, {(ln.officer_id, _signed(ln)) for ln in loans if ln.officer_id})
    book = lending.book_on(session, end)
    terms = credit.decision_terms(session, [ln.decision_id for ln in loans if ln.decision_id is not None])
    asset_ids = {a for t in terms.values() for a in t.pledged_asset_ids}
    kinds = {i: str(s.kind) for i, s in registry.asset_summaries(session, asset_ids).items()}
    profiles = registry.enterprise_profiles(session)
    regions = access.region_codes(session, {ln.borrower_id for ln in loans})
    first: dict[int, tuple[dt.date, int]] = {}  # borrower -> (date, id) of the first loan
    for ln in loans:
        assert ln.disbursed_on is not None
        mark = (ln.disbursed_on, ln.id)
        if ln.borrower_id not in first or mark < first[ln.borrower_id]:
            first[ln.borrower_id] = mark
    facts = []
    for ln in loans:
        t = None if ln.decision_id is None else terms.get(ln.decision_id)
        on = book.get(ln.id)
        profile = profiles.get(ln.borrower_id)
        facts.append(
            model.LoanFact(
                loan_id=ln.id,
                bank_id=ln.bank_id,
                borrower_id=ln.borrower_id,
                district=regions.get(ln.borrower_id, UNKNOWN),
                product=UNKNOWN if t is None else t.product_code,
                ip_kind=UNKNOWN if t is None else _kind_of(t.pledged_asset_ids, kinds),
                firm_size=(profile.size if profile is not None and profile.size else UNKNOWN),
                principal=ln.principal,
                disbursed_on=ln.disbursed_on,
                annual_rate=ln.annual_rate,
                lpr=None if t is None else Decimal(t.lpr_bp) / 10_000,
                balance=Decimal("0.00") if on is None else on.outstanding,
                npl=on is not None and on.grade in model.NPL_GRADES,
                first_loan=first[ln.borrower_id][1] == ln.id,
                branch_id=ln.branch_id,
                branch_type="" if ln.branch_id is None else branch_types.get(ln.branch_id, ""),
                team="" if ln.officer_id is None else teams.get((ln.officer_id, _signed(ln)), ""),
            )
        )
    return model.apply_corrections(facts, store.corrections(session), end, known_on)


def registration_facts(session: Session, period: Period) -> list[model.RegistrationFact]:
    """The pledge registrations that took effect in the period, with their dimensions (the IP office's series)."""
    regs = pledge.registrations(session, period.start, period.end)
    kinds = {
        i: str(s.kind) for i, s in registry.asset_summaries(session, {a for r in regs for a in r.ip_asset_ids}).items()
    }
    profiles = registry.enterprise_profiles(session)
    regions = access.region_codes(session, {r.pledgor_id for r in regs})
    out = []
    for r in regs:
        profile = profiles.get(r.pledgor_id)
        out.append(
            model.RegistrationFact(
                pledge_id=r.pledge_id,
                pledgee_id=r.pledgee_id,
                pledgor_id=r.pledgor_id,
                effective_on=r.effective_on,
                amount=r.amount,
                ip_kind=_kind_of(r.ip_asset_ids, kinds),
                district=regions.get(r.pledgor_id, UNKNOWN),
                firm_size=(profile.size if profile is not None and profile.size else UNKNOWN),
            )
        )
    return out


# -- the statistics -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BankLine:
    """One bank's line of the supervision table: its loan cell, growth against the target, NPL tolerance check and
    the subsidies paid on its loans in the period."""

    bank_id: int
    name: str
    loans: model.LoanCell
    growth: model.Growth
    npl: model.NplCheck
    subsidies_paid: Decimal


@dataclass(frozen=True)
class PoolLine:
    """A risk-sharing fund pool (风险补偿资金池) at the period's end: its cash from the ledger's entries dated up to
    then, the principal outstanding then on the loans enrolled by then (放大倍数 = loans / pool), and the subsidies
    paid by then."""

    scheme_code: str
    balance: Decimal
    enrolled_outstanding: Decimal
    leverage: Decimal | None
    subsidies_paid: Decimal


@dataclass(frozen=True)
class Statistics:
    """The regulator's statistics for a period: the loan cube and the registration cube (two bases, never added),
    the bank lines, the pools, and the overall NPL ratios known on ``known_on`` (None: the newest)."""

    period: Period
    by: tuple[Dimension, ...]
    known_on: dt.date | None
    loans: list[model.LoanCell]
    loan_total: model.LoanCell
    registrations: list[model.RegistrationCell]
    registration_total: model.RegistrationCell
    banks: list[BankLine]
    pools: list[PoolLine]
    outcomes: Outcomes


@dataclass(frozen=True)
class Outcomes:
    """What became of the book in the period: claims paid and how fast, disposal rounds (None: the disposal port is
    not plugged), the whitelist push's engagements and conversion."""

    time_to_cash: outcomes.TimeToCash
    disposal: outcomes.Disposal | None
    whitelist: outcomes.Whitelist


def _empty() -> model.LoanCell:
    z = Decimal("0.00")
    return model.LoanCell((), z, 0, 0, z, 0, None, None, None, z, 0, z, None)


def bank_lines(
    session: Session, period: Period, facts: list[model.LoanFact], known_on: dt.date | None = None
) -> list[BankLine]:
    """Every bank with a loan disbursed in the period or the year before, or a balance at the period's end."""
    prior = period.prior_year()
    by = (Dimension.BANK,)
    current = {c.key[0]: c for c in model.loan_cube(facts, period, by)}
    before = {c.key[0]: c for c in model.loan_cube(facts, prior, by) if c.disbursed_count}
    overall = store.overall_ratios(session, period.end, known_on)
    subsidies = risk.subsidies_paid_by_bank(session, period.start, period.end)
    ids = sorted({int(k) for k in current} | {int(k) for k in before})
    names = access.names_of(session, ids)
    out = []
    for b in ids:
        cell = current.get(str(b)) or replace(_empty(), key=(str(b),))
        prior_amount = before[str(b)].disbursed if str(b) in before else Decimal("0.00")
        out.append(
            BankLine(
                bank_id=b,
                name=names.get(b, str(b)),
                loans=cell,
                growth=model.growth(cell.disbursed, prior_amount),
                npl=model.npl_check(
                    cell.npl_balance or Decimal("0.00"), cell.balance or Decimal("0.00"), overall.get(b)
                ),
                subsidies_paid=subsidies.get(b, Decimal("0.00")),
            )
        )
    return out


def pool_lines(session: Session, end: dt.date, facts: list[model.LoanFact]) -> list[PoolLine]:
    """The pools at the end of ``end``; the loans' balances are the facts' (the book at ``end``)."""
    balances = {f.loan_id: f.balance for f in facts}
    out = []
    for p in risk.pools_on(session, end):
        covered = sum((balances.get(i, Decimal("0.00")) for i in p.enrolled_loan_ids), Decimal("0.00"))
        leverage = None if p.balance <= 0 else (covered / p.balance).quantize(Decimal("0.01"))
        out.append(PoolLine(p.scheme_code, p.balance, covered, leverage, p.subsidies_paid))
    return out


def outcome_figures(session: Session, period: Period) -> Outcomes:
    """Claims, disposal and the whitelist push in ``period`` (through the risk-sharing and demand faces, and the
    disposal port)."""
    paid = risk.claims_paid(session, period.start, period.end)
    rounds = ports.rounds_closed(session, period.start, period.end)
    rows = demand.funnel(session, None, period.start, period.end, GroupBy.BANK)
    return Outcomes(
        time_to_cash=outcomes.time_to_cash((c.filed_on, c.paid_on) for c in paid),
        disposal=None if rounds is None else outcomes.disposal(rounds),
        whitelist=outcomes.whitelist(
            sum(r["counts"]["pushed"] for r in rows),
            sum(r["counts"]["lent"] for r in rows),
            sum((Decimal(r["lent_amount"]) for r in rows), Decimal("0.00")),
        ),
    )


def statistics(
    session: Session,
    principal: Principal | None,
    period: Period,
    by: tuple[Dimension, ...] = (),
    known_on: dt.date | None = None,
    facts: list[model.LoanFact] | None = None,
) -> Statistics:
    """The statistics of ``period`` cut by ``by`` for the regulator or the platform (``principal`` None: the
    platform's own edges, the demo and CLI). ``facts``: the book already read by ``loan_facts`` for the same period
    end and ``known_on`` (a workbook reads it once for all its reports)."""
    if principal is not None:
        require_reader(principal)
    if facts is None:
        facts = loan_facts(session, period.end, known_on)
    regs = registration_facts(session, period)
    total = model.loan_cube(facts, period, ())
    reg_total = model.registration_cube(regs, period, ())
    return Statistics(
        period=period,
        by=by,
        known_on=known_on,
        loans=model.loan_cube(facts, period, by),
        loan_total=total[0] if total else _empty(),
        registrations=model.registration_cube(regs, period, by),
        registration_total=reg_total[0] if reg_total else model.RegistrationCell((), 0, Decimal("0.00")),
        banks=bank_lines(session, period, facts, known_on),
        pools=pool_lines(session, period.end, facts),
        outcomes=outcome_figures(session, period),
    )


def ranking(
    session: Session,
    principal: Principal | None,
    period: Period,
    rule_code: str = "growth_within_tolerance",
    known_on: dt.date | None = None,
    facts: list[model.LoanFact] | None = None,
) -> tuple[model.RankingRule, list[model.RankRow], dict[int, str]]:
    """The banks ranked by the rule ``rule_code`` with the inputs of each, and the banks' names (``facts`` as in
    ``statistics``)."""
    rule = model.ranking_rule(rule_code)
    if principal is not None:
        require_reader(principal)
    if facts is None:
        facts = loan_facts(session, period.end, known_on)
    lines = bank_lines(session, period, facts, known_on)
    rows = model.rank(rule, (model.BankFigures(x.bank_id, x.growth, x.npl) for x in lines))
    return rule, rows, {x.bank_id: x.name for x in lines}


# -- branch KPIs --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiReport:
    """The KPI scores of every bank unit (or team) for a period under the version of the scheme in force on its
    first day, with the names of banks and units."""

    period: Period
    known_on: dt.date | None
    definition: model.KpiDefinition
    by_team: bool
    scores: list[model.KpiScore]
    bank_names: dict[int, str]
    branch_names: dict[int, str]


def kpi_report(
    session: Session,
    principal: Principal | None,
    period: Period,
    code: str = "ip_financing",
    by_team: bool = False,
    known_on: dt.date | None = None,
    facts: list[model.LoanFact] | None = None,
) -> KpiReport:
    """网点考核: each branch (or team) scored on IP financing as a separate item (regulator and platform; ``facts``
    as in ``statistics``)."""
    definition = model.kpi_definition(code, period.start)
    if principal is not None:
        require_reader(principal)
    units = access.branches(session)
    if facts is None:
        facts = loan_facts(session, period.end, known_on)
    banks = {u.bank_id for u in units}
    overall = store.overall_ratios(session, period.end, known_on)
    scored = model.kpi_units(facts, period, {u.id: (u.bank_id, u.branch_type) for u in units}, overall, by_team)
    return KpiReport(
        period=period,
        known_on=known_on,
        definition=definition,
        by_team=by_team,
        scores=[model.score(definition, u, period) for u in scored],
        bank_names=access.names_of(session, banks),
        branch_names={u.id: u.name for u in units},
    )


# -- a bank's view: itself, named, and the anonymised market -------------------------------------------------------


@dataclass(frozen=True)
class OwnRank:
    """The viewer's place under a ranking rule among the market's eligible banks (no other bank named)."""

    rule: model.RankingRule
    rank: int | None
    out_of: int
    tier: model.RewardTier | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class MarketView:
    """What a bank sees (同业匿名对标): its own line and the market in aggregate, each aggregate suppressed when
    fewer than ``market.MIN_OTHER_BANKS`` other banks stand behind it. ``substituted``: the caller asked for
    another bank's named figures and is given this instead."""

    period: Period
    known_on: dt.date | None
    own: BankLine
    market_banks: int
    suppressed: bool
    market_total: model.LoanCell | None
    metrics: list[market.MetricSpread]
    rank: OwnRank | None
    substituted: bool


def _market_metrics(lines: list[BankLine], own_id: int) -> list[market.MetricSpread]:
    def col(get: Callable[[BankLine], Decimal | int | None]) -> dict[int, Decimal | None]:
        out: dict[int, Decimal | None] = {}
        for x in lines:
            v = get(x)
            out[x.bank_id] = None if v is None else Decimal(v)
        return out

    cent, one = Decimal("0.01"), Decimal("1")
    return [
        market.spread("disbursed", col(lambda x: x.loans.disbursed), own_id, True, cent),
        market.spread("disbursed_count", col(lambda x: x.loans.disbursed_count), own_id, True, one),
        market.spread("first_time_borrowers", col(lambda x: x.loans.first_time_borrowers), own_id, True, one),
        market.spread("balance", col(lambda x: x.loans.balance), own_id, True, cent),
        market.spread("growth_rate", col(lambda x: x.growth.rate), own_id, False),
        market.spread("npl_ratio", col(lambda x: x.npl.ip_ratio), own_id, False),
        market.spread("inclusive_share", col(lambda x: x.loans.inclusive_share), own_id, False),
        market.spread("average_spread_bp", col(lambda x: x.loans.average_spread_bp), own_id, False, Decimal("0.1")),
    ]


def market_view(
    session: Session,
    principal: Principal | None,
    period: Period,
    known_on: dt.date | None = None,
    bank_id: int | None = None,
    rule_code: str = "growth_within_tolerance",
    facts: list[model.LoanFact] | None = None,
) -> MarketView:
    """A bank's view of ``period``. A bank's user always gets its own bank's view: asking for another bank
    (``bank_id``) gets its own view with ``substituted`` set, never the other's names. The regulator and the
    platform name the bank whose view they want to see (``supervision.bank_required`` without one)."""
    rule = model.ranking_rule(rule_code)
    substituted = False
    if principal is not None and principal.party_kind is PartyKind.BANK:
        substituted = bank_id is not None and bank_id != principal.party_id
        bank_id = principal.party_id
    elif principal is not None:
        if principal.party_kind not in _READERS:
            raise errors.MARKET_READERS()
        require_reader(principal)
    if bank_id is None:
        raise errors.BANK_REQUIRED()
    if access.party_kind(session, bank_id) is not PartyKind.BANK:
        raise errors.NOT_A_BANK(bank_id=bank_id)
    if facts is None:
        facts = loan_facts(session, period.end, known_on)
    lines = bank_lines(session, period, facts, known_on)
    own = next((x for x in lines if x.bank_id == bank_id), None)
    if own is None:  # a bank with nothing in the period: its line is zeros, named
        own = BankLine(
            bank_id,
            access.names_of(session, [bank_id]).get(bank_id, str(bank_id)),
            replace(_empty(), key=(str(bank_id),)),
            model.growth(Decimal("0.00"), Decimal("0.00")),
            model.npl_check(Decimal("0.00"), Decimal("0.00"), None),
            Decimal("0.00"),
        )
    shown = market.enough_others([x.bank_id for x in lines], bank_id)
    total = model.loan_cube(facts, period, ())
    rank: OwnRank | None = None
    if shown:
        rows = model.rank(rule, (model.BankFigures(x.bank_id, x.growth, x.npl) for x in lines))
        mine = next((r for r in rows if r.bank_id == bank_id), None)
        rank = OwnRank(
            rule=rule,
            rank=None if mine is None else mine.rank,
            out_of=sum(1 for r in rows if r.rank is not None),
            tier=None if mine is None else mine.tier,
            reasons=("no_activity",) if mine is None else mine.reasons,
        )
    return MarketView(
        period=period,
        known_on=known_on,
        own=own,
        market_banks=len({x.bank_id for x in lines} | {bank_id}),
        suppressed=not shown,
        market_total=(total[0] if total else _empty()) if shown else None,
        metrics=_market_metrics(lines, bank_id),
        rank=rank,
        substituted=substituted,
    )
