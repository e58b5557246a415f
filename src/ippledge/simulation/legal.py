"""Simulated legal history (模拟法律状态与年费): annuity rows, status dates, CF01/CX01/PP01 events and flags.

Annuity rule (Patent Law Implementing Rules r. 98): the grant year's fee is paid on registering the grant; the fee
for patent year n (n > grant year) falls due on the (n-1)th anniversary of filing, with 6 months' grace. Patents
in force paid every year due; ``in_grace_share`` of them have the last due year unpaid but still inside grace;
lapsed ones stopped paying in a year whose grace ended before ``as_of`` (CF01, effective on that due date).

Row volume: ``AnnuityHistory.FULL`` writes every year from grant to the next due year; ``LAST_AND_NEXT`` only the
last paid and next due years (``beijing``: about two rows per patent instead of ~six).
"""

from __future__ import annotations

import json

import numpy as np

from ippledge.registry.model import EventCode, LegalState, Subtype
from ippledge.simulation.parties import as_date
from ippledge.simulation.patents import grant_year_no, lapse_window, term_years
from ippledge.simulation.spec import AnnuityHistory, MarketSpec
from ippledge.simulation.vectors import NAT, add_months, add_years, whole_years_between

Columns = dict[str, np.ndarray]

# Annual fees in CNY by patent year, CNIPA 专利收费标准 (国家知识产权局, in force since 2018); fee reductions
# (费减) for small firms are ignored (assumption: the register shows the full amount due).
_INVENTION_FEES = [900] * 3 + [1200] * 3 + [2000] * 3 + [4000] * 3 + [6000] * 3 + [8000] * 5
_UTILITY_FEES = [600] * 3 + [900] * 2 + [1200] * 3 + [2000] * 2 + [3000] * 5  # utility models and designs
FEE_FEN = np.zeros((2, 21), dtype=np.int64)
FEE_FEN[0, 1:] = np.array(_INVENTION_FEES) * 100
FEE_FEN[1, 1:16] = np.array(_UTILITY_FEES) * 100
_NONE = 99  # "no unpaid year"


def generate(rng: np.random.Generator, spec: MarketSpec, patents: Columns) -> tuple[Columns, Columns]:
    """Annuity rows and legal-status events; also sets ``status_date``, ``preserved`` and
    ``invalidation_pending`` on ``patents`` (in place)."""
    as_of = as_date(spec.as_of)
    n = len(patents["subtype"])
    subtype, status = patents["subtype"], patents["status"]
    filing, grant, expiry = patents["filing_date"], patents["grant_date"], patents["expiry_date"]
    term = term_years(subtype, filing)
    in_force = status == LegalState.IN_FORCE.value
    lapsed = status == LegalState.TERMINATED.value
    expired = status == LegalState.EXPIRED.value
    granted = in_force | lapsed | expired

    grant_safe = np.where(granted, grant, filing)  # NaT-free for arithmetic; masked out below
    n_grant = grant_year_no(filing, grant_safe)
    n_now = whole_years_between(filing, np.full(n, as_of)) + 1
    n_end = np.where(in_force, np.minimum(n_now + 1, term), term)
    unpaid = np.where(in_force & (n_now + 1 <= term), n_now + 1, _NONE)

    # In grace: the year due on the last anniversary is unpaid and its grace has not yet ended.
    last_due = add_years(filing, n_now - 1)
    eligible = in_force & (n_now > n_grant) & (add_months(last_due, 6) >= as_of)
    share = spec.in_grace_share * max(1, int(in_force.sum())) / max(1, int(eligible.sum()))
    in_grace = eligible & (rng.random(n) < share)
    unpaid = np.where(in_grace, n_now, unpaid)

    lo, hi = lapse_window(filing, grant_safe, subtype, as_of)
    n_lapse = lo + 1 + (rng.random(n) * np.maximum(hi - lo, 1)).astype(np.int64)
    n_end = np.where(lapsed, n_lapse, n_end)
    unpaid = np.where(lapsed, n_lapse, unpaid)
    lapse_date = add_years(filing, n_lapse - 1)

    if spec.annuity_history is AnnuityHistory.FULL:
        n_start = n_grant
    else:
        n_start = np.maximum(n_grant, np.minimum(n_end, unpaid) - 1)
    annuities = _rows(rng, subtype, filing, grant_safe, n_start, n_end, n_grant, unpaid, granted)

    patents["status_date"] = np.select(
        [in_force, lapsed, expired],
        [grant, lapse_date, expiry + np.timedelta64(1, "D")],
        default=filing,
    )
    preserved = in_force & (rng.random(n) < spec.preserved_share)
    patents["preserved"] = preserved
    patents["invalidation_pending"] = in_force & (subtype != Subtype.DESIGN.value)
    patents["invalidation_pending"] &= rng.random(n) < spec.invalidation_pending_share
    days_since_grant = np.maximum((as_of - grant_safe).astype(np.int64), 1)
    preserved_on = grant_safe + (rng.random(n) * days_since_grant).astype("m8[D]")

    events = _events(
        (lapsed, EventCode.CF01, lapse_date),
        (expired, EventCode.CX01, expiry + np.timedelta64(1, "D")),
        (preserved, EventCode.PP01, preserved_on),
        details={EventCode.CF01: n_lapse},
    )
    return annuities, events


def _rows(
    rng: np.random.Generator,
    subtype: np.ndarray,
    filing: np.ndarray,
    grant: np.ndarray,
    n_start: np.ndarray,
    n_end: np.ndarray,
    n_grant: np.ndarray,
    unpaid: np.ndarray,
    granted: np.ndarray,
) -> Columns:
    counts = np.where(granted, np.maximum(n_end - n_start + 1, 0), 0)
    asset = np.repeat(np.arange(len(counts)), counts)
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    year_no = n_start[asset] + (np.arange(len(asset)) - offsets)
    is_grant_year = year_no == n_grant[asset]
    due = np.where(is_grant_year, grant[asset], add_years(filing[asset], year_no - 1))
    schedule = np.where(subtype[asset] == Subtype.INVENTION.value, 0, 1)
    amount = FEE_FEN[schedule, np.minimum(year_no, 20)]
    paid = year_no < unpaid[asset]
    early = rng.integers(0, 61, size=len(asset)).astype("m8[D]")  # paid up to two months early; assumption
    paid_on = np.where(is_grant_year, due, np.maximum(due - early, grant[asset]))
    return {
        "asset": asset,
        "year_no": year_no,
        "due_date": due,
        "amount_fen": amount,
        "paid_on": np.where(paid, paid_on, NAT),
        "paid_fen": np.where(paid, amount, -1),
    }


def _events(*specs: tuple[np.ndarray, EventCode, np.ndarray], details: dict[EventCode, np.ndarray]) -> Columns:
    assets, codes, dates, info = [], [], [], []
    for mask, code, when in specs:
        idx = np.flatnonzero(mask)
        assets.append(idx)
        codes.append(np.full(len(idx), code.value, dtype=object))
        dates.append(when[idx])
        extra = details.get(code)
        info.append(
            np.array([json.dumps({"year_no": int(y)}) for y in extra[idx]], dtype=object)
            if extra is not None
            else np.full(len(idx), None, dtype=object)
        )
    return {
        "asset": np.concatenate(assets),
        "code": np.concatenate(codes),
        "effective_date": np.concatenate(dates),
        "details": np.concatenate(info),
    }
