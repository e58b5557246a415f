"""Simulated patents (模拟专利): filing and grant dates, numbers, IPC, claims, citations, families, legal states.

Blocks are generated per subtype and legal state, each by rejection sampling so that, say, every invention "in
force" really was granted before ``as_of`` and has not reached the end of its term; the blocks are then
concatenated and numbered. Output columns are NumPy arrays (dates ``datetime64[D]``, ``NaT`` for none; ``-1`` for a
missing count or index).
"""

from __future__ import annotations

import numpy as np

from ippledge.registry.model import LegalState, Subtype
from ippledge.simulation import vocab
from ippledge.simulation.parties import as_date
from ippledge.simulation.spec import MarketSpec
from ippledge.simulation.vectors import (
    NAT,
    Dates,
    add_months,
    add_years,
    growth_years,
    patent_application_numbers,
    random_dates_in_years,
    sample_until,
    unique_draw,
    whole_years_between,
)

Columns = dict[str, np.ndarray]
TERM_YEARS = {Subtype.INVENTION: 20, Subtype.UTILITY_MODEL: 10, Subtype.DESIGN: 10}  # design: 15 from 2021-06-01
_DESIGN_15_FROM = np.datetime64("2021-06-01")
_TYPE_DIGIT = {Subtype.INVENTION: 1, Subtype.UTILITY_MODEL: 2, Subtype.DESIGN: 3}
PCT_SHARE = 0.03  # assumption: share of inventions that entered China via PCT (type digit 8)


def term_years(subtype: np.ndarray, filing: Dates) -> np.ndarray:
    """Protection term in years per row (Patent Law art. 42, design 15 years for filings from 2021-06-01)."""
    years = np.where(subtype == Subtype.INVENTION.value, 20, 10)
    return np.where((subtype == Subtype.DESIGN.value) & (filing >= _DESIGN_15_FROM), 15, years)


def grant_year_no(filing: Dates, grant: Dates) -> np.ndarray:
    """Patent year (1-based, counted from the filing date) in which the grant falls."""
    return whole_years_between(filing, grant) + 1


def lapse_window(
    filing: Dates, grant: Dates, subtype: np.ndarray, as_of: np.datetime64
) -> tuple[np.ndarray, np.ndarray]:
    """``(grant year, last year whose grace has ended by as_of)``: a lapse may hit any year strictly after the first
    and up to the second. Grace is 6 months (Implementing Rules r. 98)."""
    grace_cut = add_months(np.array([as_of]), -6)[0] - np.timedelta64(1, "D")  # grace ends strictly before as_of
    last = np.minimum(whole_years_between(filing, np.full(len(filing), grace_cut)) + 1, term_years(subtype, filing))
    return grant_year_no(filing, grant), last


def _grant_lag_days(rng: np.random.Generator, spec: MarketSpec, subtype: Subtype, n: int) -> np.ndarray:
    if subtype is Subtype.INVENTION:
        lo, hi = spec.invention_lag_years
        return (rng.uniform(lo, hi, n) * 365.25).astype(np.int64)
    lo_m, hi_m = spec.utility_lag_months
    return (rng.uniform(lo_m, hi_m, n) * 30.44).astype(np.int64)


def _block(
    rng: np.random.Generator, spec: MarketSpec, subtype: Subtype, state: LegalState, n: int, years: tuple[int, int]
) -> Columns:
    """``n`` patents of one subtype and state with consistent filing, grant, expiry and status dates."""
    as_of = as_date(spec.as_of)
    code = np.array(subtype.value, dtype=object)

    def draw(m: int) -> Columns:
        filing = random_dates_in_years(rng, growth_years(rng, m, years[0], years[1], spec.filing_growth))
        grant = filing + _grant_lag_days(rng, spec, subtype, m).astype("m8[D]")
        subtypes = np.full(m, subtype.value, dtype=object)
        expiry = add_years(filing, term_years(subtypes, filing)) - np.timedelta64(1, "D")
        if state is LegalState.PENDING:
            ok = grant > as_of  # still under examination on as_of
            grant = np.full(m, NAT)
        elif state is LegalState.EXPIRED:
            ok = (expiry < as_of) & (grant < expiry)
        elif state is LegalState.TERMINATED:
            # Some annuity after the grant year must have fallen due and left its 6-month grace before as_of.
            ok = lapse_window(filing, grant, subtypes, as_of)[1] > lapse_window(filing, grant, subtypes, as_of)[0]
        else:
            ok = (grant <= as_of) & (expiry >= as_of)
        return {"filing_date": filing, "grant_date": grant, "expiry_date": expiry, "ok": ok}

    cols = sample_until(n, draw, "ok")
    cols["subtype"] = np.full(n, code)
    cols["status"] = np.full(n, state.value, dtype=object)
    if state is LegalState.PENDING:
        cols["expiry_date"] = np.full(n, NAT)
    return cols


def _ipc(rng: np.random.Generator, subclasses: list[str], strong: dict[str, float], n: int) -> list[str]:
    weights = np.array([strong.get(s, 1.0) for s in subclasses])
    sub = rng.choice(len(subclasses), size=n, p=weights / weights.sum()).tolist()
    groups = (1, 3, 5, 7, 9, 11, 13, 15, 16, 17, 19, 20, 21, 30, 40)
    group = rng.integers(0, len(groups), size=n).tolist()
    # Subgroup: /00 for 15%, two digits for 65%, three digits for 20% (assumption).
    kind = rng.random(n).tolist()
    two = (rng.integers(1, 50, size=n) * 2).tolist()
    three = rng.integers(100, 999, size=n).tolist()
    return [
        f"{subclasses[s]}{groups[g]}/{'00' if k < 0.15 else (f'{t:02d}' if k < 0.8 else h)}"
        for s, g, t, h, k in zip(sub, group, two, three, kind, strict=True)
    ]


def _titles(rng: np.random.Generator, subtype: np.ndarray, ipc_main: list[str | None]) -> list[str]:
    n = len(subtype)
    t, s, o = rng.integers(0, 1 << 30, size=(3, n)).tolist()
    out: list[str] = []
    for i in range(n):
        if subtype[i] == "design":
            out.append(vocab.DESIGN_OBJECTS[o[i] % len(vocab.DESIGN_OBJECTS)])
            continue
        main = ipc_main[i] or ""
        subjects, objects = vocab.TECH_WORDS.get(main[:4], vocab.TECH_WORDS[""])
        templates = vocab.TITLE_TEMPLATES if subtype[i] == "invention" else vocab.UTILITY_TEMPLATES
        out.append(
            templates[t[i] % len(templates)].format(s=subjects[s[i] % len(subjects)], o=objects[o[i] % len(objects)])
        )
    return out


def _numbers(rng: np.random.Generator, subtype: np.ndarray, filing: Dates) -> list[str]:
    """Application numbers unique per (year, type digit); serial ranges grow with the year (assumption)."""
    years = filing.astype("M8[Y]").astype(np.int64) + 1970
    digits = np.select(
        [subtype == Subtype.INVENTION.value, subtype == Subtype.UTILITY_MODEL.value], [1, 2], default=3
    ).astype(np.int64)
    pct = (digits == 1) & (rng.random(len(digits)) < PCT_SHARE)
    digits[pct] = 8
    high = np.minimum(9_999_999, (200_000 * 1.14 ** (years - 2003)).astype(np.int64))
    serials = unique_draw(rng, years * 10 + digits, 1, high)
    return patent_application_numbers(years, digits, serials)


def generate(
    rng: np.random.Generator, spec: MarketSpec, subclasses: list[str], n_firms: int, weights: np.ndarray
) -> Columns:
    """All patents of the market: the in-force blocks, then lapsed, expired, pending and same-day twins."""
    last, first = spec.as_of.year, spec.first_year
    plan = spec.planned_counts()
    blocks: list[Columns] = [
        _block(rng, spec, Subtype.INVENTION, LegalState.IN_FORCE, spec.inventions, (first, last)),
        _block(rng, spec, Subtype.UTILITY_MODEL, LegalState.IN_FORCE, spec.utility_models, (last - 9, last)),
        _block(rng, spec, Subtype.DESIGN, LegalState.IN_FORCE, spec.designs, (last - 14, last)),
    ]
    lapsed = plan["patent_lapsed"]
    if lapsed:
        shares = np.array([spec.inventions, spec.utility_models, spec.designs], dtype=float)
        split = rng.multinomial(lapsed, shares / shares.sum())
        kinds = (Subtype.INVENTION, Subtype.UTILITY_MODEL, Subtype.DESIGN)
        for kind, count, lo in zip(kinds, split, (first, last - 9, last - 14), strict=True):
            blocks.append(_block(rng, spec, kind, LegalState.TERMINATED, int(count), (lo, last)))
    if plan["patent_expired"]:
        blocks.append(
            _block(rng, spec, Subtype.UTILITY_MODEL, LegalState.EXPIRED, plan["patent_expired"], (last - 14, last - 9))
        )
    if spec.pending_inventions:
        blocks.append(
            _block(rng, spec, Subtype.INVENTION, LegalState.PENDING, spec.pending_inventions, (last - 2, last))
        )
    cols = {k: np.concatenate([b[k] for b in blocks]) for k in blocks[0]}
    n = len(cols["subtype"])
    owner = rng.choice(n_firms, size=n, p=weights / weights.sum())

    twins = spec.same_day_twins
    if twins:
        cols, owner = _add_twins(rng, spec, cols, owner, twins, n_firms, weights)
        n = len(cols["subtype"])
    else:
        cols["twin"] = np.full(n, -1, dtype=np.int64)
    subtype = cols["subtype"]
    is_design = subtype == Subtype.DESIGN.value
    is_invention = subtype == Subtype.INVENTION.value

    utility_ipc = _ipc(rng, subclasses, vocab.STRONG_IPC_UTILITY, n)
    invention_ipc = _ipc(rng, subclasses, vocab.STRONG_IPC, n)
    ipc_main: list[str | None] = [
        None if d else (a if inv else b)
        for d, inv, a, b in zip(is_design.tolist(), is_invention.tolist(), invention_ipc, utility_ipc, strict=True)
    ]
    cols["ipc_main"] = np.array(ipc_main, dtype=object)
    cols["ipc_all"] = _ipc_all(rng, subclasses, ipc_main)
    cols["title"] = np.array(_titles(rng, subtype, ipc_main), dtype=object)
    if twins:  # the twin pairs share one title: copy the utility model's onto its invention sibling
        twin = cols["twin"]
        has = twin >= 0
        cols["title"][has & is_invention] = cols["title"][twin[has & is_invention]]
    cols["number"] = np.array(_numbers(rng, subtype, cols["filing_date"]), dtype=object)
    _counts(rng, spec, cols, is_design, is_invention)
    cols["owner"] = owner
    co = rng.random(n) < spec.co_owned_share
    other = (owner + rng.integers(1, n_firms, size=n)) % n_firms  # never the owner itself
    cols["co_owner"] = np.where(co, other, -1)
    return cols


def _add_twins(
    rng: np.random.Generator,
    spec: MarketSpec,
    cols: Columns,
    owner: np.ndarray,
    twins: int,
    n_firms: int,
    weights: np.ndarray,
) -> tuple[Columns, np.ndarray]:
    """Same-day invention (pending) + utility model (in force) pairs with one owner (Patent Law art. 9)."""
    as_of = as_date(spec.as_of)
    um = _block(rng, spec, Subtype.UTILITY_MODEL, LegalState.IN_FORCE, twins, (spec.as_of.year - 2, spec.as_of.year))
    # Keep the invention pending: filed less than the shortest invention lag before as_of.
    min_lag = np.timedelta64(int(spec.invention_lag_years[0] * 365), "D")
    recent = as_of - min_lag + np.timedelta64(1, "D")
    um["filing_date"] = np.maximum(um["filing_date"], recent)
    um_grant = um["filing_date"] + np.timedelta64(180, "D")
    um["grant_date"] = np.minimum(um_grant, as_of)
    um["expiry_date"] = add_years(um["filing_date"], 10) - np.timedelta64(1, "D")
    inv = {
        "filing_date": um["filing_date"].copy(),
        "grant_date": np.full(twins, NAT),
        "expiry_date": np.full(twins, NAT),
        "subtype": np.full(twins, Subtype.INVENTION.value, dtype=object),
        "status": np.full(twins, LegalState.PENDING.value, dtype=object),
    }
    base = len(cols["subtype"])
    pair_owner = rng.choice(n_firms, size=twins, p=weights / weights.sum())
    twin = np.full(base + 2 * twins, -1, dtype=np.int64)
    twin[base : base + twins] = np.arange(base + twins, base + 2 * twins)
    twin[base + twins :] = np.arange(base, base + twins)
    merged = {k: np.concatenate([cols[k], um[k], inv[k]]) for k in cols}
    merged["twin"] = twin
    return merged, np.concatenate([owner, pair_owner, pair_owner])


def _ipc_all(rng: np.random.Generator, subclasses: list[str], ipc_main: list[str | None]) -> np.ndarray:
    """Main symbol plus 0-4 further symbols (Poisson mean 1.5; assumption)."""
    n = len(ipc_main)
    extra = np.minimum(rng.poisson(1.5, n), 4)
    pool = _ipc(rng, subclasses, vocab.STRONG_IPC, int(extra.sum()))
    out = np.empty(n, dtype=object)
    pos = 0
    for i, (main, k) in enumerate(zip(ipc_main, extra.tolist(), strict=True)):
        if main is None:
            out[i] = None
        else:
            out[i] = " ".join([main, *dict.fromkeys(s for s in pool[pos : pos + k] if s != main)])
        pos += k
    return out


def _counts(
    rng: np.random.Generator, spec: MarketSpec, cols: Columns, is_design: np.ndarray, is_inv: np.ndarray
) -> None:
    """Claims, forward and backward citations and family size (none for designs; assumptions in the spec)."""
    n = len(is_design)
    as_of = as_date(spec.as_of)
    # Negative binomial with shape 3: mean = 1 + (mean - 1); most patents have 5-12 claims, a few have 30+.
    mean = np.where(is_inv, spec.claims_mean_invention, spec.claims_mean_utility) - 1.0
    claims = rng.negative_binomial(3, 3.0 / (3.0 + mean)) + 1
    age = (as_of - cols["filing_date"]).astype(np.int64) / 365.25
    # Gamma-Poisson mixture with shape 0.5: heavy tail, mean rising with age.
    lam = rng.gamma(0.5, 2.0, n) * spec.forward_citations_per_year * np.maximum(age, 0) * np.where(is_inv, 1.0, 0.3)
    forward = rng.poisson(lam)
    backward = rng.negative_binomial(2, 2.0 / (2.0 + spec.backward_citations_mean), n)
    family = rng.geometric(np.where(is_inv, 0.55, 0.9), n)  # mostly 1-3, a tail for inventions filed abroad
    cols["claims"] = np.where(is_design, -1, claims).astype(np.int64)
    cols["forward_citations"] = np.where(is_design, -1, forward).astype(np.int64)
    cols["backward_citations"] = np.where(is_design, -1, backward).astype(np.int64)
    cols["family_size"] = family.astype(np.int64)
