"""Simulated trademarks and copyrights (模拟商标与著作权登记).

Trademark registration numbers are sequential in China (no check digit): numbers are handed out in filing order,
here as a running sum of random gaps from 1,000,000, so they are unique, have 7-8 digits and rise with the date.
A registration lasts 10 years and is renewed for 10 more each time (Trademark Law art. 39-40); marks in force
carry their current period's expiry. Assumption: one Nice class per registration.
"""

from __future__ import annotations

import numpy as np

from ippledge.registry.model import LegalState, Subtype
from ippledge.simulation import vocab
from ippledge.simulation.parties import as_date
from ippledge.simulation.spec import MarketSpec
from ippledge.simulation.vectors import (
    NAT,
    add_years,
    growth_years,
    pick,
    random_dates_in_years,
    sample_until,
    unique_draw,
    whole_years_between,
)

Columns = dict[str, np.ndarray]
FIRST_NUMBER = 1_000_000
LAST_NUMBER = 75_000_000  # assumption: about where CN registration numbers stood by 2024


def _mark_block(rng: np.random.Generator, spec: MarketSpec, n: int, state: LegalState) -> Columns:
    as_of = as_date(spec.as_of)
    last = spec.as_of.year
    years = (last - 29, last) if state is LegalState.IN_FORCE else (last - 25, last - 11)

    def draw(m: int) -> Columns:
        filing = random_dates_in_years(rng, growth_years(rng, m, years[0], years[1], spec.filing_growth))
        lo, hi = spec.trademark_lag_months
        reg = filing + (rng.uniform(lo, hi, m) * 30.44).astype(np.int64).astype("m8[D]")
        first_expiry = add_years(reg, 10) - np.timedelta64(1, "D")
        if state is LegalState.IN_FORCE:
            renewals = np.maximum(0, (whole_years_between(reg, np.full(m, as_of)) // 10))
            expiry = add_years(reg, 10 * (renewals + 1)) - np.timedelta64(1, "D")
            ok = reg <= as_of
        else:
            expiry = first_expiry
            ok = expiry < as_of
        return {"filing_date": filing, "grant_date": reg, "expiry_date": expiry, "ok": ok}

    cols = sample_until(n, draw, "ok")
    cols["status"] = np.full(n, state.value, dtype=object)
    cols["status_date"] = np.where(state is LegalState.IN_FORCE, cols["grant_date"], cols["expiry_date"] + 1)
    return cols


def _mark_names(rng: np.random.Generator, n: int) -> list[str]:
    # Index plain lists with plain ints: converting NumPy string arrays to str objects is far slower.
    syl, latin = list(vocab.MARK_SYLLABLES), list(vocab.MARK_LATIN)
    a, b, c = rng.integers(0, len(syl), size=(3, n)).tolist()
    la, lb = rng.integers(0, len(latin), size=(2, n)).tolist()
    style = rng.integers(0, 10, size=n).tolist()
    out: list[str] = []
    for x, y, z, p, q, s in zip(a, b, c, la, lb, style, strict=True):
        if s < 5:
            out.append(syl[x] + syl[y])
        elif s < 8:
            out.append(syl[x] + syl[y] + syl[z])
        elif s < 9:
            out.append(latin[p] + latin[q])
        else:
            out.append(syl[x] + syl[y] + latin[p])
    return out


def trademarks(rng: np.random.Generator, spec: MarketSpec, n_firms: int, weights: np.ndarray) -> Columns:
    blocks = [_mark_block(rng, spec, spec.trademarks, LegalState.IN_FORCE)]
    expired = spec.planned_counts()["trademark_expired"]
    if expired:
        blocks.append(_mark_block(rng, spec, expired, LegalState.EXPIRED))
    cols = {k: np.concatenate([b[k] for b in blocks]) for k in blocks[0]}
    n = len(cols["status"])
    order = np.argsort(cols["filing_date"], kind="stable")
    mean_gap = max(1, (LAST_NUMBER - FIRST_NUMBER) // max(n, 1))
    numbers = np.empty(n, dtype=np.int64)
    numbers[order] = FIRST_NUMBER + np.cumsum(rng.integers(1, 2 * mean_gap, size=n))
    cols["number"] = np.array([str(x) for x in numbers.tolist()], dtype=object)
    cols["subtype"] = np.full(n, Subtype.MARK.value, dtype=object)
    cols["title"] = np.array(_mark_names(rng, n), dtype=object)
    labels = np.array([str(c) for c in range(46)], dtype=object)
    cols["nice_classes"] = labels[pick(rng, _nice_weights(), n).astype(np.int64)]
    cols["owner"] = rng.choice(n_firms, size=n, p=weights / weights.sum())
    return cols


def _nice_weights() -> dict[int, float]:
    return {c: vocab.NICE_WEIGHTS.get(c, 1.0) for c in range(1, 46)}


def copyrights(rng: np.random.Generator, spec: MarketSpec, n_firms: int, weights: np.ndarray) -> Columns:
    """Software registrations (``2021SR0123456``) and works (``国作登字2021F00012345``, compact form)."""
    ns, nw = spec.software_copyrights, spec.work_copyrights
    n = ns + nw
    as_of = as_date(spec.as_of)
    years = growth_years(rng, n, max(1992, spec.as_of.year - 9), spec.as_of.year, spec.filing_growth)
    reg = np.minimum(random_dates_in_years(rng, years), as_of)
    years = reg.astype("M8[Y]").astype(np.int64) + 1970
    filing = reg - rng.integers(30, 120, n).astype("m8[D]")  # assumption: 1-4 months from application
    is_soft = np.arange(n) < ns
    serial = unique_draw(rng, years * 2 + is_soft, 1, np.where(is_soft, 1_999_999, 9_999_999))
    category = np.where(rng.random(n) < 0.7, "F", "A")
    (s1, s2), (w1, w2) = vocab.SOFTWARE_WORDS, vocab.WORK_WORDS
    i, j, v = rng.integers(0, 1 << 30, size=(3, n)).tolist()
    numbers, titles = [], []
    for k in range(n):
        if is_soft[k]:
            numbers.append(f"{years[k]}SR{serial[k]:07d}")
            titles.append(f"{s1[i[k] % len(s1)]}{s2[j[k] % len(s2)]}软件V{1 + v[k] % 5}.0")
        else:
            numbers.append(f"国作登字{years[k]}{category[k]}{serial[k]:08d}")
            titles.append(f"{w1[i[k] % len(w1)]}{w2[j[k] % len(w2)]}")
    return {
        "subtype": np.where(is_soft, Subtype.SOFTWARE.value, Subtype.WORK.value).astype(object),
        "number": np.array(numbers, dtype=object),
        "title": np.array(titles, dtype=object),
        "filing_date": filing,
        "grant_date": reg,
        "expiry_date": np.full(n, NAT),
        "status": np.full(n, LegalState.IN_FORCE.value, dtype=object),
        "status_date": reg,
        "owner": rng.choice(n_firms, size=n, p=weights / weights.sum()),
    }
