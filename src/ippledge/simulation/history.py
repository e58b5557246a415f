"""A simulated Beijing, 2019-2022 (模拟北京 2019-2022): banks taking up IP pledge lending, their specialised branches,
loans quarter by quarter, pledge registrations, and the whitelist push from end 2021.

Pure: parameters (``beijing_2019_2022.toml``, each with its source) + a seed -> a book of loans, registrations,
branches and engagements. Nothing is read from the clock or the database, and the same seed gives the same book.
The article's figures are *counted* from the book with the supervision rules (``supervision.model``: the loan cube,
the registration cube) and held to the tolerances stated beside them in the same file; nothing here writes a
figure down.

The policy dates the article gives shape the run: the 2019 notice (banks start to take up IP lending), the 2021
cost-sharing and risk-compensation mechanism (more banks enter, demand grows) and the whitelist push from Q4 2021
(demonstration firms pushed to banks; engagements and loans counted apart).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from typing import Any

import numpy as np
from rich.progress import Progress

from ippledge.access.model import areas_in
from ippledge.supervision import model as sm

PARAMS_FILE = "beijing_2019_2022.toml"


@dataclass(frozen=True)
class Param:
    name: str
    value: Any
    source: str


@dataclass(frozen=True)
class Target:
    """An article figure, the tolerance band the simulated figure must fall in (both ends included), its unit."""

    name: str
    article: str
    value: float
    low: float
    high: float
    unit: str


@dataclass(frozen=True)
class Params:
    """The run's parameters and the article's targets, as read from the data file."""

    values: dict[str, Param]
    targets: dict[str, Target]

    def __getitem__(self, name: str) -> Any:
        return self.values[name].value

    def with_values(self, **changes: Any) -> Params:
        """A copy with some values changed (tests, sensitivity runs); the sources say so."""
        out = dict(self.values)
        for k, v in changes.items():
            out[k] = Param(k, v, f"changed from {self.values[k].value}")
        return Params(out, self.targets)


def load_params(text: str | None = None) -> Params:
    """The parameters and targets from ``beijing_2019_2022.toml`` (or from ``text``)."""
    if text is None:
        text = resources.files("ippledge.simulation").joinpath(PARAMS_FILE).read_text(encoding="utf-8")
    doc = tomllib.loads(text)
    values = {k: Param(k, v["value"], v["source"]) for k, v in doc["params"].items()}
    targets = {
        k: Target(k, v["article"], float(v["value"]), float(v["low"]), float(v["high"]), v["unit"])
        for k, v in doc["targets"].items()
    }
    return Params(values, targets)


# -- the book ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Branch:
    id: int
    bank: int
    level: str  # head_office | branch | sub_branch
    branch_type: str  # tech | culture | ordinary
    region_code: str
    designated_on: dt.date | None  # when it became a 特色支行 (None: ordinary)


@dataclass(frozen=True)
class SimLoan:
    id: int
    bank: int
    branch: int
    borrower: int
    district: str
    principal: Decimal
    disbursed_on: dt.date
    maturity: dt.date
    default_on: dt.date | None
    whitelist: bool
    annual_rate: Decimal
    lpr: Decimal


@dataclass
class History:
    """What a run drew: banks (index = bank id - 1), branches, loans, registrations, whitelist engagements."""

    params: Params
    seed: int
    bank_first_loan: dict[int, dt.date]
    branches: list[Branch]
    loans: list[SimLoan]
    registrations: list[sm.RegistrationFact]
    engagements: dict[dt.date, int] = field(default_factory=dict)  # quarter start -> engagements in it

    def loan_facts(self, end: dt.date) -> list[sm.LoanFact]:
        """The loans as the supervision cube reads them at the end of ``end``: bullet loans outstanding until
        maturity, non-performing from their default date (then outstanding until written off, after the period)."""
        firsts: set[int] = set()
        seen: set[int] = set()
        for ln in self.loans:  # in disbursement order
            if ln.borrower not in seen:
                seen.add(ln.borrower)
                firsts.add(ln.id)
        branch_type = {b.id: b.branch_type for b in self.branches}
        out = []
        for ln in self.loans:
            if ln.disbursed_on > end:
                continue
            defaulted = ln.default_on is not None and ln.default_on <= end
            live = defaulted or end < ln.maturity
            out.append(
                sm.LoanFact(
                    loan_id=ln.id,
                    bank_id=ln.bank,
                    borrower_id=ln.borrower,
                    district=ln.district,
                    product="whitelist" if ln.whitelist else "ip_pledge",
                    ip_kind="patent",
                    firm_size="small",
                    principal=ln.principal,
                    disbursed_on=ln.disbursed_on,
                    annual_rate=ln.annual_rate,
                    lpr=ln.lpr,
                    balance=ln.principal if live else Decimal("0.00"),
                    npl=defaulted,
                    first_loan=ln.id in firsts,
                    branch_id=ln.branch,
                    branch_type=branch_type.get(ln.branch, ""),
                )
            )
        return out


def _quarters(first: int, last: int) -> Iterator[dt.date]:
    for year in range(first, last + 1):
        for month in (1, 4, 7, 10):
            yield dt.date(year, month, 1)


def _quarter_end(q: dt.date) -> dt.date:
    nxt = dt.date(q.year + (q.month == 10), 1 if q.month == 10 else q.month + 3, 1)
    return nxt - dt.timedelta(days=1)


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    day = min(d.day, 28)
    return dt.date(d.year + y, m + 1, day)


# One-year LPR by year (PBOC, 20th of each month; year-start values): 4.15% (Dec 2019), 3.85% (Apr 2020), 3.80% (Dec
# 2021), 3.65% (Aug 2022). Rates priced at LPR + 60-160 bp (assumption).
_LPR = {2019: Decimal("0.0415"), 2020: Decimal("0.0385"), 2021: Decimal("0.0385"), 2022: Decimal("0.0370")}


def _share_of(n: int, share: float, rng: np.random.Generator) -> int:
    """``share`` of ``n`` as a whole number, rounded up or down at random so that it is ``share * n`` on average."""
    exact = n * share
    whole = int(exact)
    return whole + int(rng.random() < exact - whole)


def simulate(params: Params, seed: int, progress: Progress | None = None) -> History:
    """Run the quarters from ``start_year`` to ``end_year`` with the seed's random stream."""
    p = params
    rng = np.random.default_rng(seed)
    first_year, last_year = int(p["start_year"]), int(p["end_year"])
    n_banks = int(p["bank_pool"])
    districts = sorted(areas_in("11"))
    # Haidian (Zhongguancun) and Chaoyang weigh more: assumption from where the article places the tech parks.
    dweights = np.array([4.0 if c == "110108" else 2.5 if c == "110105" else 1.0 for c in districts])
    dweights /= dweights.sum()

    # banks: market share weights and the active set at the start
    size = rng.lognormal(0.0, float(p["bank_size_sigma"]), n_banks)
    active = np.zeros(n_banks, dtype=bool)
    active[rng.choice(n_banks, int(p["banks_active_at_start"]), replace=False)] = True
    start = dt.date(first_year, 1, 1)
    first_loan: dict[int, dt.date] = {}

    # branches: a head office, one Beijing branch and 1 + Poisson sub-branches per bank; each bank designates a share
    # of its sub-branches as tech or culture 特色支行 on dates spread over the period
    branches: list[Branch] = []
    subs: dict[int, list[int]] = {}
    period_days = (dt.date(last_year, 12, 31) - start).days
    for b in range(1, n_banks + 1):
        region = str(rng.choice(districts, p=dweights))
        head = Branch(len(branches) + 1, b, "head_office", "ordinary", "110102", None)
        branches.append(head)
        mid = Branch(len(branches) + 1, b, "branch", "ordinary", region, None)
        branches.append(mid)
        n_sub = 1 + int(rng.poisson(float(p["branches_per_bank_mean"])))
        n_tech = _share_of(n_sub, float(p["tech_branch_share"]), rng)
        n_culture = min(n_sub - n_tech, _share_of(n_sub, float(p["culture_branch_share"]), rng))
        kinds = ["tech"] * n_tech + ["culture"] * n_culture + ["ordinary"] * (n_sub - n_tech - n_culture)
        subs[b] = []
        for kind in kinds:
            on = None if kind == "ordinary" else start + dt.timedelta(days=int(rng.integers(0, period_days + 1)))
            region = str(rng.choice(districts, p=dweights))
            br = Branch(len(branches) + 1, b, "sub_branch", kind, region, on)
            branches.append(br)
            subs[b].append(br.id)

    loans: list[SimLoan] = []
    regs: list[sm.RegistrationFact] = []
    engagements: dict[dt.date, int] = {}
    firms_seen: list[int] = []
    next_firm = 1
    whitelist_from = dt.date.fromisoformat(str(p["whitelist_from"]))
    n_whitelist = int(p["whitelist_firms"])
    whitelist_ids = list(range(1_000_000, 1_000_000 + n_whitelist))  # whitelist firms: their own id range
    per_quarter = float(p["loans_per_quarter_2019"])
    growth = {first_year: 1.0}
    for y in range(first_year + 1, last_year + 1):
        growth[y] = growth[y - 1] * float(p[f"loan_growth_{y}"])
    median, sigma, cap = float(p["loan_median_yuan"]), float(p["loan_sigma"]), float(p["loan_max_yuan"])
    term = int(p["term_months"])
    reg_ratio = float(p["registered_over_loan"])
    non_bank = float(p["non_bank_registrations_share"])
    quarters = list(_quarters(first_year, last_year))
    task = progress.add_task("模拟北京 2019-2022 quarters", total=len(quarters)) if progress is not None else None

    def day_in(q: dt.date) -> dt.date:
        return q + dt.timedelta(days=int(rng.integers(0, (_quarter_end(q) - q).days + 1)))

    def borrower(repeat_share: float = 0.25) -> int:
        nonlocal next_firm
        if firms_seen and rng.random() < repeat_share:
            return firms_seen[int(rng.integers(0, len(firms_seen)))]
        next_firm += 1
        firms_seen.append(next_firm)
        return next_firm

    def lend(bank: int, on: dt.date, amount: float, firm: int, whitelist: bool) -> None:
        principal = Decimal(f"{min(amount, cap):.0f}.00")
        lpr = _LPR[on.year]
        maturity = _add_months(on, term)
        default_on = None
        if rng.random() < float(p["default_rate"]):
            default_on = on + dt.timedelta(days=int(rng.integers(90, max(91, (maturity - on).days + 90))))
        branch = subs[bank][int(rng.integers(0, len(subs[bank])))]  # every bank has a sub-branch (1 + Poisson)
        district = str(rng.choice(districts, p=dweights))
        loans.append(
            SimLoan(
                id=len(loans) + 1,
                bank=bank,
                branch=branch,
                borrower=firm,
                district=district,
                principal=principal,
                disbursed_on=on,
                maturity=maturity,
                default_on=default_on,
                whitelist=whitelist,
                annual_rate=lpr + Decimal(int(rng.integers(60, 161))) / 10_000,
                lpr=lpr,
            )
        )
        registered = Decimal(f"{float(principal) * reg_ratio:.0f}.00")
        regs.append(sm.RegistrationFact(len(regs) + 1, bank, firm, on, registered, "patent", district, "small"))

    for q in quarters:
        year = q.year
        hazard = float(p[f"entry_hazard_{year}"])
        entering = [b for b in np.flatnonzero(~active) if rng.random() < hazard]
        # organic demand for the quarter, shared among the banks lending (new entrants make their first loan now)
        active[entering] = True
        lenders = np.flatnonzero(active)
        n = int(rng.poisson(per_quarter * growth[year]))
        weights = size[lenders] / size[lenders].sum()
        chosen = rng.choice(lenders, n, p=weights) if n else np.array([], dtype=int)
        banks_this_quarter = [int(b) + 1 for b in entering] + [int(b) + 1 for b in chosen]
        for bank in banks_this_quarter:
            on = day_in(q)
            lend(bank, on, float(rng.lognormal(np.log(median), sigma)), borrower(), False)
        # non-bank pledgees (guarantors ...): registrations only, the IP office's series
        n_other = int(rng.poisson(len(banks_this_quarter) * non_bank / (1 - non_bank)))
        for _ in range(n_other):
            on = day_in(q)
            amount = Decimal(f"{min(float(rng.lognormal(np.log(median), sigma)), cap) * reg_ratio:.0f}.00")
            regs.append(sm.RegistrationFact(len(regs) + 1, 0, borrower(), on, amount, "patent", "", "small"))
        # the whitelist push: each listed firm engaged by a bank with some probability; some engagements lend
        if q >= whitelist_from:
            engaged = rng.random(n_whitelist) < float(p["engagement_rate"])
            engagements[q] = int(engaged.sum())
            wl_median, wl_sigma = float(p["whitelist_loan_median_yuan"]), float(p["whitelist_loan_sigma"])
            for i in np.flatnonzero(engaged):
                if rng.random() < float(p["engagement_conversion"]):
                    bank = int(rng.choice(lenders, p=weights)) + 1
                    firm = whitelist_ids[int(i)]
                    lend(bank, day_in(q), float(rng.lognormal(np.log(wl_median), wl_sigma)), firm, True)
        if progress is not None and task is not None:
            progress.advance(task)

    loans.sort(key=lambda ln: (ln.disbursed_on, ln.id))
    for ln in loans:
        first_loan.setdefault(ln.bank, ln.disbursed_on)
    return History(p, seed, first_loan, branches, loans, regs, engagements)


# -- the article's figures, counted from the book ----------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    target: Target
    simulated: float

    @property
    def within(self) -> bool:
        return self.target.low <= self.simulated <= self.target.high


def _sum_loans(h: History, period: sm.Period) -> Decimal:
    cells = sm.loan_cube(h.loan_facts(period.end), period, ())
    return cells[0].disbursed if cells else Decimal(0)


def _banks_lending_by(h: History, end: dt.date) -> int:
    """Banks doing IP pledge lending at ``end``: those that have disbursed an IP pledge loan by then."""
    return sum(1 for on in h.bank_first_loan.values() if on <= end)


def figures(h: History) -> list[Figure]:
    """The simulated value of each article figure, counted from the book."""
    t = h.params.targets
    q1q3 = sm.Period(dt.date(2022, 1, 1), dt.date(2022, 9, 30))
    regs = sm.registration_cube(h.registrations, q1q3, ())
    whole_2021 = sm.Period(dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    since_2021 = sm.Period(dt.date(2021, 1, 1), dt.date(2022, 12, 31))
    wl_cells = sm.loan_cube(h.loan_facts(since_2021.end), since_2021, (sm.Dimension.PRODUCT,))
    wl = next((c.disbursed for c in wl_cells if c.key == ("whitelist",)), Decimal(0))
    end = dt.date(2022, 12, 31)
    designated = [b for b in h.branches if b.designated_on is not None and b.designated_on <= end]
    values = {
        "registrations_2022q1q3": float(regs[0].registered_amount) if regs else 0.0,
        "loans_2022q1q3_over_2021": float(_sum_loans(h, q1q3) / _sum_loans(h, whole_2021)),
        "banks_2022_over_2019": _banks_lending_by(h, end) / _banks_lending_by(h, dt.date(2019, 12, 31)),
        "tech_branches": float(sum(1 for b in designated if b.branch_type == "tech")),
        "culture_branches": float(sum(1 for b in designated if b.branch_type == "culture")),
        "whitelist_engagements": float(sum(n for q, n in h.engagements.items() if since_2021.contains(q))),
        "whitelist_lent": float(wl),
    }
    return [Figure(t[name], values[name]) for name in t]
