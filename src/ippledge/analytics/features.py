"""Raw indicators (原始指标) from register columns: ages, terms, counts, IPC breadth and diversity, evidence.

Input is a dict of NumPy columns named as on the register (``ip_asset``): ``kind``, ``subtype``, ``status``,
``filing_date``, ``grant_date``, ``expiry_date`` (``datetime64[D]``, NaT for none), ``ipc_main``, ``ipc_all``,
``nice_classes`` (object, None for none), ``claims``, ``forward_citations``, ``backward_citations``, ``family_size``
(``-1`` for none), ``preserved``, ``invalidation_pending`` (bool). Optional evidence columns (absent = the source
was not consulted, so the indicator is *missing*, not zero): ``licences``, ``pledges``, ``transfers``,
``invalidations_survived`` (counts of recorded events), ``owner_revenue_fen`` (-1 unknown), ``owner_portfolio``
(how many assets of the same kind the owner holds) and ``owner_size`` (micro | small | medium | large).
Everything is vectorised; the only per-string work is NumPy's own string handling.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from numpy.typing import NDArray

Columns = dict[str, np.ndarray]
F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

SUBTYPES = ("invention", "utility_model", "design", "mark", "software", "work")  # code = index + 1
KINDS = ("patent", "trademark", "copyright")
FIRST_YEAR = 1950  # year slot 0
DAYS_PER_YEAR = 365.25


def is_none(values: np.ndarray) -> NDArray[np.bool_]:
    """Element-wise ``is None`` of an object column, without a Python loop."""
    out: NDArray[np.bool_] = np.equal(values, np.array(None, dtype=object))
    return out


def codes(values: np.ndarray, vocabulary: tuple[str, ...]) -> I64:
    """1-based code of each value in ``vocabulary`` (0 for anything else); one comparison per vocabulary entry."""
    out = np.zeros(len(values), dtype=np.int64)
    for i, v in enumerate(vocabulary):
        out[values == v] = i + 1
    return out


def _count(values: np.ndarray) -> F64:
    x = np.asarray(values, dtype=np.float64)
    return np.where(x < 0, np.nan, x)


def _years(delta: np.ndarray) -> F64:
    out: F64 = delta.astype("m8[D]").astype(np.float64) / DAYS_PER_YEAR
    return out


def term_years(subtype: I64, filing: np.ndarray) -> F64:
    """Legal term: invention 20, utility model 10, design 10 (15 from 2021-06-01); marks 10 per registration."""
    design15 = (subtype == 3) & (filing >= np.datetime64("2021-06-01"))
    out: F64 = np.select([subtype == 1, design15, subtype <= 4], [20.0, 15.0, 10.0], default=50.0)
    return out


def ipc_breadth(ipc_all: np.ndarray) -> tuple[F64, F64]:
    """Per asset: distinct IPC subclasses and ``1 - sum of squared subclass shares`` (NaN where no IPC).

    The OECD originality index uses the classes of the *cited* patents, which the register does not hold; the
    diversity of the patent's own classification is the proxy used here (marked as such in the explanation).
    """
    n = len(ipc_all)
    scope, diversity = np.full(n, np.nan), np.full(n, np.nan)
    has = np.flatnonzero(~is_none(ipc_all))
    if not len(has):
        return scope, diversity
    text = ipc_all[has].astype(str)
    per = np.strings.count(text, " ") + 1
    tokens = np.array(" ".join(text.tolist()).split(), dtype="U4")  # subclass = first four characters
    _, code = np.unique(tokens, return_inverse=True)
    owner = np.repeat(np.arange(len(has)), per)
    pair, pair_count = np.unique(owner * (int(code.max()) + 1) + code, return_counts=True)
    pair_owner = pair // (int(code.max()) + 1)
    share = pair_count / per[pair_owner]
    scope[has] = np.bincount(pair_owner, minlength=len(has))
    diversity[has] = 1.0 - np.bincount(pair_owner, weights=share**2, minlength=len(has))
    return scope, diversity


def first_token(values: np.ndarray, width: int) -> np.ndarray:
    """The first ``width`` characters of each string ('' for None), as a fixed-width NumPy string array."""
    filled = np.where(is_none(values), "", values)
    return filled.astype(f"U{width}")


def _token_count(values: np.ndarray) -> F64:
    text = np.where(is_none(values), "", values).astype(str)
    out: F64 = (np.strings.count(text, " ") + 1).astype(np.float64)
    return out


def nice_class(nice_classes: np.ndarray) -> I64:
    head = np.strings.strip(first_token(nice_classes, 2))
    ok = np.strings.isdigit(head)
    out = np.zeros(len(head), dtype=np.int64)
    out[ok] = head[ok].astype(np.int64)
    return out


def raw_features(cols: Columns, as_of: dt.date) -> dict[str, np.ndarray]:
    """Every raw indicator (NaN = missing) plus the codes that place an asset in its cohort and family."""
    day = np.datetime64(as_of.isoformat(), "D")
    n = len(cols["subtype"])
    subtype = codes(cols["subtype"], SUBTYPES)
    kind = codes(cols["kind"], KINDS) - 1
    status = cols["status"]
    filing, grant, expiry = cols["filing_date"], cols["grant_date"], cols["expiry_date"]
    is_patent, is_mark = kind == 0, kind == 1
    term = term_years(subtype, filing)
    age = np.maximum(_years(day - filing), 0.0)
    legal_left = np.where(
        np.isnat(expiry), np.maximum(term - age, 0.0), np.maximum(_years(expiry - day), 0.0)
    )  # pending patents: the term they would have if granted
    since_grant = np.where(np.isnat(grant), 0.0, np.maximum(_years(day - grant), 0.0))
    in_force = status == "in_force"
    alive = np.select([in_force, status == "pending"], [1.0, 0.5], default=0.0)
    alive = np.where(cols["preserved"], alive * 0.5, alive)  # court preservation: disposal is frozen
    out: dict[str, np.ndarray] = {
        "subtype": subtype,
        "kind": kind,
        "in_force": in_force,
        "pending": status == "pending",
        "year": filing.astype("M8[Y]").astype(np.int64) + 1970,
        "age": age,
        "term": term,
        "legal_left": np.where(alive > 0, legal_left, 0.0),
        "legal_status": alive,
        "remaining_term": np.where(is_mark, np.nan, np.clip(legal_left / term, 0.0, 1.0) * (alive > 0)),
        "claims": _count(cols["claims"]),
        "family_size": _count(cols["family_size"]),
        "forward_citations": _count(cols["forward_citations"]),
        "backward_citations": _count(cols["backward_citations"]),
        "registered_age": np.where(is_mark | (kind == 2), np.minimum(since_grant / 20.0, 1.0), np.nan),
        "renewals": np.where(is_mark, np.minimum(np.floor(since_grant / 10.0) / 2.0, 1.0), np.nan),
        "nice_count": np.where(is_mark, _token_count(cols["nice_classes"]), np.nan),
        "ipc3": np.where(is_patent, first_token(cols["ipc_main"], 3), ""),
        "nice": np.where(is_mark, nice_class(cols["nice_classes"]), 0),
    }
    scope, diversity = ipc_breadth(cols["ipc_all"])
    out["ipc_scope"], out["ipc_diversity"] = scope, diversity
    survived = cols.get("invalidations_survived")
    stability = np.where(cols["invalidation_pending"], 0.3, 0.8)
    if survived is not None:  # survived a challenge (partially invalidated, upheld): Harhoff et al. 2003
        stability = np.where(~cols["invalidation_pending"] & (survived > 0), 1.0, stability)
    out["stability"] = np.where(is_patent, stability, np.nan)
    for name in ("licences", "pledges", "transfers"):
        given = cols.get(name)
        # Recorded history: 0 with none, rising towards 1 with each record (1 - exp(-n/2)).
        out[name] = np.full(n, np.nan) if given is None else 1.0 - np.exp(-np.asarray(given, np.float64) / 2.0)
    revenue = cols.get("owner_revenue_fen")
    portfolio = cols.get("owner_portfolio")
    if revenue is None or portfolio is None:
        out["revenue_basis"] = np.full(n, np.nan)
    else:
        rev = np.asarray(revenue, np.float64)
        out["revenue_basis"] = np.where(rev < 0, np.nan, rev / 100.0 / np.maximum(portfolio, 1))
    return out
