"""Valuer governance rules (评估机构监督规则): report flags and the valuer league table. Pure, no I/O.

Every report value of an IP is compared with the platform's model (P10-P90 range and P50) and with the other
reports of the same IP. Flags:

* ``outside_range`` — the report lies outside the model's P10-P90 range widened by ``range_margin`` on each side
  (in log terms: below ``P10 / (1 + m)`` or above ``P90 x (1 + m)``);
* ``far_from_peers`` — ``|log(report / peer median)| > log(1 + peer_margin)``, the peer median being the median of
  all the IP's reports (with two reports: the other one, so both are flagged when they disagree);
* ``opinion_shopping`` (意见选购) — a client engages a valuer new to this IP within ``shopping_window_days`` of a
  lower value and the new report is above the highest earlier value by more than ``shopping_margin``; the later
  report and the client are flagged;
* ``concentration`` — a valuer with at least ``concentration_min_reports`` reports made more than
  ``concentration_share`` of them for one client.

A valuer is **flagged** (the league table's ``flagged``) when, with at least ``min_reports`` model-comparable
reports, its bias — median ``log(report / model P50)`` minus the same median of the median valuer (so the model's
own level error, common to all valuers, cancels) — exceeds ``bias_threshold`` in absolute value, or its share of
outside-range reports exceeds the median valuer's by more than ``outside_excess``. The thresholds are versioned
data (``Thresholds``); the version is reported with every result.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from statistics import median
from typing import Any


class FlagKind(StrEnum):
    OUTSIDE_RANGE = "outside_range"
    FAR_FROM_PEERS = "far_from_peers"
    OPINION_SHOPPING = "opinion_shopping"
    CONCENTRATION = "concentration"


@dataclass(frozen=True)
class Thresholds:
    """Governance thresholds (versioned data); every result names ``version``."""

    version: str = "governance-2025.1"
    range_margin: float = 0.25
    peer_margin: float = 0.5
    shopping_margin: float = 0.2
    shopping_window_days: int = 365
    concentration_share: float = 0.5
    concentration_min_reports: int = 10
    min_reports: int = 20
    bias_threshold: float = 0.3
    outside_excess: float = 0.25

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ReportObs:
    """One report's value of one IP (a multi-IP report gives one observation per IP)."""

    report_id: int
    ip_asset_id: int
    valuer_id: int
    client_id: int | None
    valuation_date: dt.date
    value_fen: int
    internal: bool = False


@dataclass(frozen=True)
class ModelRange:
    p10_fen: int
    p50_fen: int
    p90_fen: int


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    report_id: int | None
    ip_asset_id: int | None
    valuer_id: int
    client_id: int | None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ValuerStats:
    """One row of the league table (评估机构排行榜); log deviations are natural logs."""

    valuer_id: int
    reports: int
    compared: int  # reports with a positive model P50
    median_abs_log_dev: float | None
    mean_abs_log_dev: float | None
    bias: float | None  # median log(report / P50) relative to the median valuer
    raw_bias: float | None  # median log(report / P50)
    outside_share: float | None
    realised: int  # reports of IP later sold in disposal
    realised_median_abs_log_dev: float | None
    flags: int  # report flags on this valuer's reports
    flagged: bool
    reasons: tuple[str, ...]
    realised_over_appraised: float | None = None  # median realised price / appraised value of its reports sold
    realised_reports: int = 0  # its reports behind a lot sold on the market


def _outside(value: int, m: ModelRange, margin: float) -> bool:
    return value < m.p10_fen / (1.0 + margin) or value > m.p90_fen * (1.0 + margin)


def report_flags(reports: Sequence[ReportObs], models: Mapping[int, ModelRange], t: Thresholds) -> list[Flag]:
    """Every flag of the reports (outside range, far from peers, opinion shopping, concentration)."""
    flags: list[Flag] = []
    by_ip: dict[int, list[ReportObs]] = defaultdict(list)
    for r in reports:
        by_ip[r.ip_asset_id].append(r)
        m = models.get(r.ip_asset_id)
        if m is not None and m.p50_fen > 0 and _outside(r.value_fen, m, t.range_margin):
            details = {"value_fen": r.value_fen, "p10_fen": m.p10_fen, "p90_fen": m.p90_fen, "margin": t.range_margin}
            flags.append(Flag(FlagKind.OUTSIDE_RANGE, r.report_id, r.ip_asset_id, r.valuer_id, r.client_id, details))
    for ip, group in by_ip.items():
        flags += _peer_flags(group, t)
        flags += _shopping_flags(ip, group, t)
    flags += _concentration_flags(reports, t)
    return flags


def _peer_flags(group: Sequence[ReportObs], t: Thresholds) -> list[Flag]:
    out: list[Flag] = []
    if len(group) < 2:
        return out
    values = [o.value_fen for o in group if o.value_fen > 0]
    for r in group:
        others = [o.value_fen for o in group if o.report_id != r.report_id and o.value_fen > 0]
        if not others or r.value_fen <= 0:
            continue
        ref = median(values) if len(values) >= 3 else median(others)
        dev = math.log(r.value_fen / ref)
        if abs(dev) > math.log(1.0 + t.peer_margin):
            details = {"value_fen": r.value_fen, "peer_median_fen": round(ref), "log_dev": round(dev, 4)}
            out.append(Flag(FlagKind.FAR_FROM_PEERS, r.report_id, r.ip_asset_id, r.valuer_id, r.client_id, details))
    return out


def _shopping_flags(ip: int, group: Sequence[ReportObs], t: Thresholds) -> list[Flag]:
    out: list[Flag] = []
    by_client: dict[int, list[ReportObs]] = defaultdict(list)
    for r in group:
        if r.client_id is not None and not r.internal:
            by_client[r.client_id].append(r)
    for client, rs in by_client.items():
        rs = sorted(rs, key=lambda r: (r.valuation_date, r.report_id))
        for k, r in enumerate(rs):
            window = [e for e in rs[:k] if (r.valuation_date - e.valuation_date).days <= t.shopping_window_days]
            if not window or any(e.valuer_id == r.valuer_id for e in rs[:k]):
                continue
            best = max(e.value_fen for e in window)
            if r.value_fen > best * (1.0 + t.shopping_margin):
                details = {
                    "value_fen": r.value_fen,
                    "earlier_best_fen": best,
                    "earlier_valuers": sorted({e.valuer_id for e in window}),
                    "earlier_reports": [e.report_id for e in window],
                }
                out.append(Flag(FlagKind.OPINION_SHOPPING, r.report_id, ip, r.valuer_id, client, details))
    return out


def _concentration_flags(reports: Sequence[ReportObs], t: Thresholds) -> list[Flag]:
    out: list[Flag] = []
    per_valuer: dict[int, set[int]] = defaultdict(set)  # distinct reports
    per_pair: dict[tuple[int, int], set[int]] = defaultdict(set)
    for r in reports:
        if r.internal:
            continue
        per_valuer[r.valuer_id].add(r.report_id)
        if r.client_id is not None:
            per_pair[(r.valuer_id, r.client_id)].add(r.report_id)
    for (valuer, client), ids in sorted(per_pair.items()):
        total = len(per_valuer[valuer])
        if total >= t.concentration_min_reports and len(ids) / total > t.concentration_share:
            details = {"client_reports": len(ids), "valuer_reports": total, "share": round(len(ids) / total, 4)}
            out.append(Flag(FlagKind.CONCENTRATION, None, None, valuer, client, details))
    return out


def league_table(
    reports: Sequence[ReportObs],
    models: Mapping[int, ModelRange],
    t: Thresholds,
    realised_fen: Mapping[int, int] | None = None,
    flags: Sequence[Flag] | None = None,
    realised_ratio: Mapping[int, float] | None = None,
) -> list[ValuerStats]:
    """Per valuer: reports, deviations against the model P50 (and realised disposal prices), bias, flagged.
    ``realised_ratio`` maps a report to the realised / appraised ratio of the lot it appraised (成交价/评估价)."""
    realised_fen = realised_fen or {}
    realised_ratio = realised_ratio or {}
    flags = report_flags(reports, models, t) if flags is None else flags
    flag_count: dict[int, int] = defaultdict(int)
    for f in flags:
        if f.report_id is not None:
            flag_count[f.valuer_id] += 1
    by_valuer: dict[int, list[ReportObs]] = defaultdict(list)
    for r in reports:
        if not r.internal:
            by_valuer[r.valuer_id].append(r)
    devs: dict[int, list[float]] = {}
    outside: dict[int, list[bool]] = {}
    for v, rs in by_valuer.items():
        comparable = [(r, models[r.ip_asset_id]) for r in rs if r.ip_asset_id in models and r.value_fen > 0]
        comparable = [(r, m) for r, m in comparable if m.p50_fen > 0]
        devs[v] = [math.log(r.value_fen / m.p50_fen) for r, m in comparable]
        outside[v] = [_outside(r.value_fen, m, t.range_margin) for r, m in comparable]
    raw_bias = {v: median(d) for v, d in devs.items() if d}
    share = {v: sum(o) / len(o) for v, o in outside.items() if o}
    eligible = [v for v in raw_bias if len(devs[v]) >= t.min_reports]
    base_bias = median(raw_bias[v] for v in eligible) if eligible else 0.0
    base_out = median(share[v] for v in eligible) if eligible else 0.0
    rows: list[ValuerStats] = []
    for v in sorted(by_valuer):
        d = devs[v]
        real = [
            math.log(r.value_fen / realised_fen[r.ip_asset_id])
            for r in by_valuer[v]
            if realised_fen.get(r.ip_asset_id, 0) > 0 and r.value_fen > 0
        ]
        ratios = [realised_ratio[rid] for rid in sorted({r.report_id for r in by_valuer[v]}) if rid in realised_ratio]
        bias = raw_bias[v] - base_bias if v in raw_bias else None
        reasons: list[str] = []
        if v in eligible and bias is not None and abs(bias) > t.bias_threshold:
            reasons.append("bias")
        if v in eligible and share[v] - base_out > t.outside_excess:
            reasons.append("outside_range_rate")
        rows.append(
            ValuerStats(
                valuer_id=v,
                reports=len(by_valuer[v]),
                compared=len(d),
                median_abs_log_dev=median(abs(x) for x in d) if d else None,
                mean_abs_log_dev=sum(abs(x) for x in d) / len(d) if d else None,
                bias=bias,
                raw_bias=raw_bias.get(v),
                outside_share=share.get(v),
                realised=len(real),
                realised_median_abs_log_dev=median(abs(x) for x in real) if real else None,
                flags=flag_count[v],
                flagged=bool(reasons),
                reasons=tuple(reasons),
                realised_over_appraised=median(ratios) if ratios else None,
                realised_reports=len(ratios),
            )
        )
    return rows
