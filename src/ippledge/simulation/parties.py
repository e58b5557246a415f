"""Simulated parties (模拟参与方): enterprises with valid USCCs, and the institutions around them.

USCCs come from ``kernel.identifiers.uscc.generate``: registration department 9 (工商), type 1 (企业), a Beijing
district code, and an organisation-code body whose GB 11714 check the kernel computes. Firms founded after the
2015 reform get bodies starting ``MA`` (as new codes in Beijing do); older ones get 8 digits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ippledge.access.model import PartyKind
from ippledge.kernel.identifiers import uscc
from ippledge.simulation import vocab
from ippledge.simulation.spec import MarketSpec
from ippledge.simulation.vectors import growth_years, random_dates_in_years

Columns = dict[str, np.ndarray]
_USCC_REFORM = np.datetime64("2015-10-01")
_ALPHABET = np.array(list(uscc.ALPHABET))


@dataclass(frozen=True)
class Institution:
    """A non-enterprise party; ``key`` prefixes its users' names (``bank3`` -> ``bank3.officer``)."""

    key: str
    kind: PartyKind
    name: str
    uscc: str
    region_code: str


def _org_bodies(rng: np.random.Generator, new_style: np.ndarray) -> list[str]:
    """Unique 8-character organisation-code bodies (``MA`` + 6 characters for post-2015 firms)."""
    n = len(new_style)
    seen: set[str] = set()
    out: list[str] = []
    digits = rng.integers(0, 10, size=(n, 8))
    chars = rng.integers(0, len(_ALPHABET), size=(n, 6))
    for i in range(n):
        body = "MA" + "".join(_ALPHABET[chars[i]]) if new_style[i] else "".join(map(str, digits[i]))
        while body in seen:  # rare: redraw from the same stream
            body = "MA" + "".join(_ALPHABET[rng.integers(0, len(_ALPHABET), 6)])
        seen.add(body)
        out.append(body)
    return out


def _unique_names(rng: np.random.Generator, words: np.ndarray) -> list[str]:
    chars = np.array(list(vocab.TRADE_NAME_CHARS))
    forms = [f for f, _ in vocab.COMPANY_FORMS]
    form_p = np.array([p for _, p in vocab.COMPANY_FORMS])
    n = len(words)
    first = chars[rng.integers(0, len(chars), size=(n, 2))]
    form_idx = rng.choice(len(forms), size=n, p=form_p / form_p.sum())
    seen: set[str] = set()
    names: list[str] = []
    for i in range(n):
        trade = first[i, 0] + first[i, 1]
        name = f"北京{trade}{words[i]}{forms[form_idx[i]]}"
        while name in seen:  # collisions get a three-character trade name, as registrars require a distinct one
            trade = "".join(chars[rng.integers(0, len(chars), size=3)])
            name = f"北京{trade}{words[i]}{forms[form_idx[i]]}"
        seen.add(name)
        names.append(name)
    return names


def enterprises(rng: np.random.Generator, spec: MarketSpec) -> Columns:
    """Enterprise columns: name, uscc, region_code, industry, size, revenue_fen, employees, founded_on, high_tech,
    plus ``patent_weight`` and ``trademark_weight`` (how likely the firm is to own each asset drawn)."""
    n = spec.enterprises
    region_codes = np.array([c for c, _, _ in vocab.BEIJING_DISTRICTS])
    region_p = np.array([w for _, _, w in vocab.BEIJING_DISTRICTS])
    region = region_codes[rng.choice(len(region_codes), size=n, p=region_p / region_p.sum())]

    ind = rng.choice(len(vocab.INDUSTRIES), size=n, p=_norm([s for _, _, s, _ in vocab.INDUSTRIES]))
    industry = np.array([c for c, _, _, _ in vocab.INDUSTRIES])[ind]
    words = np.array([w for _, w, _, _ in vocab.INDUSTRIES])[ind]
    propensity = np.array([p for _, _, _, p in vocab.INDUSTRIES])[ind]

    size_idx = rng.choice(len(vocab.SIZES), size=n, p=_norm([s for _, s, _, _ in vocab.SIZES]))
    size = np.array([s for s, _, _, _ in vocab.SIZES])[size_idx]
    revenue_median = np.array([r for _, _, r, _ in vocab.SIZES], dtype=float)[size_idx]
    staff_median = np.array([e for _, _, _, e in vocab.SIZES], dtype=float)[size_idx]
    revenue_fen = (np.exp(rng.normal(np.log(revenue_median), 0.8)) * 100).round().astype(np.int64)
    employees = np.maximum(1, np.exp(rng.normal(np.log(staff_median), 0.6)).round()).astype(np.int64)

    # Founding years 1990..as_of-1, recent-heavy (Beijing registered more firms each year); assumption.
    founded = random_dates_in_years(rng, growth_years(rng, n, 1990, spec.as_of.year - 1, 0.06))
    mean_prop = float(propensity.mean())
    high_tech = rng.random(n) < np.minimum(0.9, spec.high_tech_share * propensity / mean_prop)

    bodies = _org_bodies(rng, founded >= _USCC_REFORM)
    codes = [uscc.generate("9", "1", r, b) for r, b in zip(region.tolist(), bodies, strict=True)]

    size_factor = np.array([0.5, 1.0, 3.0, 10.0])[size_idx]
    pareto_p = rng.pareto(spec.portfolio_alpha, n) + 1.0
    pareto_t = rng.pareto(spec.portfolio_alpha, n) + 1.0
    return {
        "name": np.array(_unique_names(rng, words), dtype=object),
        "uscc": np.array(codes, dtype=object),
        "region_code": region.astype(object),
        "industry": industry.astype(object),
        "size": size.astype(object),
        "revenue_fen": revenue_fen,
        "employees": employees,
        "founded_on": founded,
        "high_tech": high_tech,
        "patent_weight": pareto_p * size_factor * propensity * np.where(high_tech, 2.0, 1.0),
        "trademark_weight": pareto_t * size_factor,
    }


def _norm(weights: list[float]) -> np.ndarray:
    p = np.array(weights, dtype=float)
    normed: np.ndarray = p / p.sum()
    return normed


def institutions(rng: np.random.Generator, spec: MarketSpec, taken: set[str]) -> list[Institution]:
    """Banks, valuers, insurers, guarantors, the IP operator, funds, registries, regulator and platform."""
    plan: list[tuple[str, PartyKind, str, str, str]] = []  # key, kind, name, dept+type, division

    def numbered(prefix: str, kind: PartyKind, names: tuple[str, ...], count: int, dept: str = "91") -> None:
        for i in range(count):
            name = names[i] if i < len(names) else f"{names[i % len(names)].split('北京')[0]}第{i + 1}号（模拟）"
            plan.append((f"{prefix}{i + 1}", kind, name, dept, "110108" if i % 2 else "110105"))

    numbered("bank", PartyKind.BANK, vocab.BANK_NAMES, spec.banks)
    numbered("valuer", PartyKind.VALUER, vocab.VALUER_NAMES, spec.valuers)
    numbered("insurer", PartyKind.INSURER, vocab.INSURER_NAMES, spec.insurers)
    numbered("guarantor", PartyKind.GUARANTOR, vocab.GUARANTOR_NAMES, spec.guarantors)
    numbered("ipop", PartyKind.IP_OPERATOR, vocab.IP_OPERATOR_NAMES, spec.ip_operators)
    numbered("fund", PartyKind.FUND, vocab.FUND_NAMES, spec.funds, dept="12")  # 事业单位
    for what, name in vocab.REGISTRY_NAMES:
        plan.append((f"registry.{what}", PartyKind.REGISTRY, name, "11", "100000"))  # 机关, national
    plan.append(("regulator", PartyKind.REGULATOR, vocab.REGULATOR_NAME, "11", "110000"))
    plan.append(("platform", PartyKind.PLATFORM, vocab.PLATFORM_NAME, "91", "110108"))

    bodies = [b for b in _org_bodies(rng, np.ones(len(plan) * 2, dtype=bool)) if b not in taken][: len(plan)]
    return [
        Institution(key, kind, name, uscc.generate(dt_[0], dt_[1], div, body), div[:6])
        for (key, kind, name, dt_, div), body in zip(plan, bodies, strict=True)
    ]


def founded_before(founded: np.ndarray, owners: np.ndarray, filing: np.ndarray, rng: np.random.Generator) -> None:
    """Move founding dates so that no firm filed an application before it existed (in place)."""
    earliest = np.full(len(founded), np.datetime64("9999-12-31"), dtype="M8[D]")
    np.minimum.at(earliest, owners, filing)
    gap = rng.integers(30, 720, size=len(founded)).astype("m8[D]")
    np.minimum(founded, earliest - gap, out=founded)


def as_date(d: dt.date) -> np.datetime64:
    return np.datetime64(d.isoformat(), "D")
