"""Hidden truth (隐藏真值): each simulated IP's true value, which the platform never reads — only tests and benchmarks.

Generative model (all assumptions, seeded, documented here so that a reader can judge how hard the test is):

* latent quality ``q`` per asset = an observable part + an unobservable part. Observable part: standardised
  ``log(1 + count)`` of forward citations (0.45), family size (0.25), claims (0.15) and backward citations (0.10),
  standardised within subtype x filing year (a different transform and different weights from the engine's
  cohort percentiles). Unobservable part: ``0.6 x N(0, 1)`` (market fit, quality of drafting ...). Marks and
  copyrights: ``0.3 x`` standardised years registered + ``0.8 x N(0, 1)``.
* true royalty = field rate (IPC section, as a market would price it; per-kind rates in ``KIND_TRUTH``) x
  ``exp(0.5 q)``; true revenue = the owner's reported revenue x ``exp(0.3 x N(0, 1))`` per firm (reports are noisy),
  x the kind's revenue share, spread over ``portfolio ** PORTFOLIO_EXPONENT`` of the owner's assets of the same kind;
* true life = ``min(legal term left, max(technical life by field or kind - age, the kind's least residual use) x
  exp(0.3 x N(0, 1)))``, growth 3%, discount 12%;
* true value = royalty saving after 25% tax over the life, x ``exp(0.3 x N(0, 1))`` (deal-specific noise);
  nothing for a right that is no longer in force; pending applications x 0.6.

The scale (``KIND_TRUTH``) is calibrated to DOMAIN.md §6, §8 and §9: on ``small`` the median invention in force is
worth about 1.1m CNY, utility model 0.3m, design 0.14m, trademark 0.25m, software copyright 0.09m (decision 0009).

``sim_truth`` stores it per asset; ``store`` writes it after ``load``. The table belongs to the simulator, not to the
product schema: it has its own ``MetaData`` (``SIM_METADATA``), no migration creates it, and ``store`` creates it
on demand in the same database, beside the register it describes (keyed by asset id, no foreign key into it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Column, Float, Integer, MetaData, Table, delete, insert, inspect, select
from sqlalchemy.orm import Session

from ippledge.analytics.features import is_none
from ippledge.db import NAMING_CONVENTION, BigId
from ippledge.registry import queries as register
from ippledge.simulation.generate import Columns, Market

F64 = NDArray[np.float64]

# Per-kind hidden truth (按类型的真值参数), the one place the simulated market's value scale is set. Calibrated to
# DOMAIN.md §6 (plausibility by kind: the median invention is worth more than the median utility model or design;
# the mass of registered software copyrights is low-value; a pledged portfolio of several patents backs a loan of
# about a million CNY at a 25% pledge rate, so a pledged invention is appraised in the high hundreds of thousands to
# low millions), §8 (national deal sizes: ~18m CNY on average, ~72% under 10m) and §9 (several patents per loan).
# The numbers themselves are assumptions chosen to meet those facts; ``tests/simulation/test_truth.py`` checks them.
_SECTION_RATE = {"A": 0.03, "B": 0.02, "C": 0.05, "D": 0.02, "E": 0.02, "F": 0.02, "G": 0.04, "H": 0.04}
_SECTION_LIFE = {"A": 15.0, "B": 14.0, "C": 16.0, "D": 12.0, "E": 15.0, "F": 12.0, "G": 12.0, "H": 11.0}


@dataclass(frozen=True)
class KindTruth:
    """Hidden-truth parameters of one subtype of right."""

    royalty: float  # royalty rate on the revenue it protects; for patents a factor on the IPC section's rate
    life: float  # technical / economic life from filing, years (marks: the brand horizon from today)
    revenue_share: float  # share of the owner's revenue carried by products that rely on this kind of right
    min_life: float  # a right still kept in force has at least this much use left (its owner still pays for it)


KIND_TRUTH: dict[str, KindTruth] = {
    "invention": KindTruth(royalty=1.0, life=13.0, revenue_share=0.6, min_life=3.0),  # life: by IPC section
    "utility_model": KindTruth(royalty=0.5, life=7.0, revenue_share=0.6, min_life=1.5),
    "design": KindTruth(royalty=0.012, life=6.0, revenue_share=0.4, min_life=1.0),
    "mark": KindTruth(royalty=0.01, life=10.0, revenue_share=0.5, min_life=10.0),
    "software": KindTruth(royalty=0.02, life=5.0, revenue_share=0.05, min_life=1.0),  # §6: the mass is low-value
    "work": KindTruth(royalty=0.01, life=8.0, revenue_share=0.03, min_life=1.0),
}
# A portfolio's rights overlap on the same products (several patents read on one product, each would need its own
# licence): revenue is spread over ``portfolio ** PORTFOLIO_EXPONENT`` rights, not shared out linearly. Assumption.
PORTFOLIO_EXPONENT = 0.7

SIM_METADATA = MetaData(naming_convention=NAMING_CONVENTION)  # the simulator's own tables, never migrated

SIM_TRUTH = Table(
    "sim_truth",  # hidden true value of a simulated IP (模拟真值); platform code never reads it
    SIM_METADATA,
    Column("ip_asset_id", BigId, primary_key=True, autoincrement=False),
    Column("true_value_fen", BigId, nullable=False),
    Column("latent_quality", Float, nullable=False),
    Column("seed", Integer, nullable=False),
)


def valuation_columns(market: Market) -> Columns:
    """The register columns the valuation engine reads, built from a market without a database (benchmarks)."""
    cols = dict(market.assets)
    owner = cols["owner"]
    firms = market.enterprises
    cols["owner_revenue_fen"] = firms["revenue_fen"][owner]
    cols["owner_size"] = firms["size"][owner]
    kind_code = np.select([cols["kind"] == "patent", cols["kind"] == "trademark"], [0, 1], default=2)
    per = np.bincount(owner * 3 + kind_code, minlength=3 * len(firms["name"]))
    cols["owner_portfolio"] = per[owner * 3 + kind_code]
    n = len(owner)
    for name in ("licences", "pledges", "transfers", "invalidations_survived"):
        cols[name] = np.zeros(n, np.int64)  # the simulated register records none of these yet
    return cols


def _standardise(x: F64, group: NDArray[np.int64]) -> F64:
    _, g = np.unique(group, return_inverse=True)
    count = np.maximum(np.bincount(g), 1)
    mean = np.bincount(g, weights=x) / count
    var = np.bincount(g, weights=x * x) / count - mean**2
    out: F64 = (x - mean[g]) / np.sqrt(np.maximum(var[g], 1e-9))
    return out


def true_values(market: Market, seed: int) -> tuple[F64, F64]:
    """(true value in yuan, latent quality) per asset of the market."""
    rng = np.random.default_rng([seed, 7919])
    a = market.assets
    n = len(a["subtype"])
    day = np.datetime64(market.spec.as_of.isoformat(), "D")
    subtype, status = a["subtype"], a["status"]
    year = a["filing_date"].astype("M8[Y]").astype(np.int64)
    group = np.unique(subtype, return_inverse=True)[1] * 1000 + (year - year.min())
    obs = np.zeros(n)
    for col, w in (("forward_citations", 0.45), ("family_size", 0.25), ("claims", 0.15), ("backward_citations", 0.1)):
        obs += w * _standardise(np.log1p(np.maximum(a[col], 0).astype(np.float64)), group)
    is_patent = a["kind"] == "patent"
    registered = np.where(np.isnat(a["grant_date"]), 0.0, (day - a["grant_date"]).astype(np.float64) / 365.25)
    other = 0.3 * _standardise(np.maximum(registered, 0.0), group)
    q = np.where(is_patent, obs + 0.6 * rng.standard_normal(n), other + 0.8 * rng.standard_normal(n))
    section = np.where(is_none(a["ipc_main"]), "", a["ipc_main"]).astype("U1")
    rate, life, share, floor = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    for name, k in KIND_TRUTH.items():
        mine = subtype == name
        rate[mine], life[mine], share[mine], floor[mine] = k.royalty, k.life, k.revenue_share, k.min_life
    is_patent_rate = (subtype == "invention") | (subtype == "utility_model")
    rate = np.where(is_patent_rate, rate * 0.03, rate)  # a patent without an IPC section: the all-field rate
    for s, r in _SECTION_RATE.items():
        here = section == s
        rate = np.where(here & is_patent_rate, np.where(subtype == "invention", 1.0, 0.5) * r, rate)
        life = np.where(here & (subtype == "invention"), _SECTION_LIFE[s], life)
    royalty = rate * np.exp(0.5 * q)
    firm_noise = np.exp(0.3 * rng.standard_normal(len(market.enterprises["name"])))
    cols = valuation_columns(market)
    spread = np.maximum(cols["owner_portfolio"], 1).astype(np.float64) ** PORTFOLIO_EXPONENT
    revenue = cols["owner_revenue_fen"] / 100.0 * firm_noise[a["owner"]] * share / spread
    age = (day - a["filing_date"]).astype(np.float64) / 365.25
    legal_left = np.where(np.isnat(a["expiry_date"]), 20.0 - age, (a["expiry_date"] - day).astype(np.float64) / 365.25)
    is_mark = subtype == "mark"
    tech_left = np.maximum(np.where(is_mark, life, life - age), floor) * np.exp(0.3 * rng.standard_normal(n))
    years = np.clip(np.where(is_mark, tech_left, np.minimum(legal_left, tech_left)), 0.0, None)
    qq = 1.03 / 1.12
    annuity = qq * (1 - qq**years) / (1 - qq)
    value = revenue * royalty * 0.75 * annuity * np.exp(0.3 * rng.standard_normal(n))
    alive = np.select([status == "in_force", status == "pending"], [1.0, 0.6], 0.0)
    return value * alive, q


def ensure_table(session: Session) -> None:
    """Create ``sim_truth`` in the session's database unless it is there (inside the session's transaction)."""
    SIM_METADATA.create_all(session.connection(), checkfirst=True)


def store(session: Session, market: Market, seed: int) -> int:
    """Write the market's true values for the assets already loaded (matched by kind and number), replacing what
    was stored for those assets; creates the table on first use. Returns the rows written."""
    value, q = true_values(market, seed)
    ids = register.asset_ids_by_number(session)
    rows = [
        {"ip_asset_id": ids[(k, num)], "true_value_fen": round(v * 100), "latent_quality": float(x), "seed": seed}
        for k, num, v, x in zip(market.assets["kind"].tolist(), market.assets["number"].tolist(), value, q, strict=True)
        if (k, num) in ids
    ]
    ensure_table(session)
    for start in range(0, len(rows), 5_000):
        chunk = [r["ip_asset_id"] for r in rows[start : start + 5_000]]
        session.execute(delete(SIM_TRUTH).where(SIM_TRUTH.c.ip_asset_id.in_(chunk)))
    if rows:
        session.execute(insert(SIM_TRUTH), rows)
    return len(rows)


def stored(session: Session) -> dict[int, tuple[int, float]]:
    """(true value in fen, latent quality) by asset id, as ``store`` wrote them; empty if nothing was stored."""
    if not inspect(session.connection()).has_table(SIM_TRUTH.name):
        return {}
    rows = session.execute(select(SIM_TRUTH.c.ip_asset_id, SIM_TRUTH.c.true_value_fen, SIM_TRUTH.c.latent_quality))
    return {int(a): (int(v), float(q)) for a, v, q in rows}


def spearman(x: F64, y: F64) -> float:
    """Spearman rank correlation (average ranks for ties)."""

    def ranks(v: F64) -> F64:
        order = np.argsort(v, kind="stable")
        sorted_v = v[order]
        first = np.r_[True, sorted_v[1:] != sorted_v[:-1]]
        run = np.cumsum(first) - 1
        starts = np.flatnonzero(first)
        ends = np.r_[starts[1:], len(v)]
        avg = (starts + ends - 1) / 2.0
        out = np.empty(len(v))
        out[order] = avg[run]
        return out

    rx, ry = ranks(np.asarray(x, np.float64)), ranks(np.asarray(y, np.float64))
    return float(np.corrcoef(rx, ry)[0, 1])
