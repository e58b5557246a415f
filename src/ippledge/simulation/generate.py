"""Market generation (模拟市场生成): spec + seed -> NumPy columns. Pure: no database, no clock, no global state.

The same ``(spec, seed)`` always gives the same market (``Market.fingerprint`` proves it). Assets of all kinds are
concatenated into one ``assets`` column set (patents first, then trademarks, then copyrights) whose row index is
what ``owner``/``co_owner``/``twin`` and the annuity and event ``asset`` columns refer to.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np
from rich.progress import Progress

from ippledge.kernel.identifiers.ipc import subclass_titles
from ippledge.registry.model import KIND_OF, Subtype
from ippledge.simulation import legal, marks, parties, patents
from ippledge.simulation.parties import Institution
from ippledge.simulation.spec import MarketSpec

Columns = dict[str, np.ndarray]

# Defaults for columns a kind of asset does not have.
_FILL: dict[str, object] = {
    "grant_date": np.datetime64("NaT", "D"),
    "expiry_date": np.datetime64("NaT", "D"),
    "ipc_main": None,
    "ipc_all": None,
    "nice_classes": None,
    "claims": -1,
    "forward_citations": -1,
    "backward_citations": -1,
    "family_size": -1,
    "preserved": False,
    "invalidation_pending": False,
    "twin": -1,
    "co_owner": -1,
}


@dataclass
class Market:
    """A generated market: institutions, enterprise columns, asset columns, annuity and event rows."""

    spec: MarketSpec
    seed: int
    institutions: list[Institution]
    enterprises: Columns
    assets: Columns
    annuities: Columns
    events: Columns
    timings: dict[str, float] = field(default_factory=dict, compare=False)

    def counts(self) -> dict[str, int]:
        """Assets by ``subtype/status``, plus row counts of the other tables."""
        keys, n = np.unique(self.assets["subtype"] + "/" + self.assets["status"], return_counts=True)
        out = {str(k): int(c) for k, c in zip(keys, n, strict=True)}
        out.update(
            institutions=len(self.institutions),
            enterprises=len(self.enterprises["name"]),
            assets=len(self.assets["number"]),
            annuities=len(self.annuities["asset"]),
            events=len(self.events["asset"]),
        )
        return out

    def fingerprint(self) -> str:
        """SHA-256 over every column (in a fixed order): equal fingerprints mean identical markets."""
        h = hashlib.sha256()
        h.update(repr(self.institutions).encode())
        for group in (self.enterprises, self.assets, self.annuities, self.events):
            for name in sorted(group):
                col = group[name]
                h.update(name.encode())
                if col.dtype == object:
                    h.update("\x1f".join(map(str, col.tolist())).encode())
                else:
                    h.update(np.ascontiguousarray(col).tobytes())
        return h.hexdigest()


@cache
def ipc_subclasses() -> list[str]:
    """Subclass codes from the packaged WIPO table (``ippledge/data/ipc_subclasses.tsv``)."""
    assert resources.files("ippledge").joinpath("data", "ipc_subclasses.tsv").is_file()
    return sorted(subclass_titles())


def generate(spec: MarketSpec, seed: int, progress: Progress | None = None) -> Market:
    """Generate the whole market from ``seed``; ``progress`` (optional) shows one step per stage."""
    import time

    rng = np.random.default_rng(seed)
    timings: dict[str, float] = {}
    task = progress.add_task(f"生成 generate {spec.name}", total=5) if progress else None

    def step(name: str, started: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - started, 3)
        if progress is not None and task is not None:
            progress.advance(task)
        return now

    t = time.perf_counter()
    firms = parties.enterprises(rng, spec)
    taken = {str(code)[8:16] for code in firms["uscc"]}
    insts = parties.institutions(rng, spec, taken)
    n_firms = spec.enterprises
    t = step("enterprises", t)
    pat = patents.generate(rng, spec, ipc_subclasses(), n_firms, firms["patent_weight"])
    t = step("patents", t)
    annuities, events = legal.generate(rng, spec, pat)
    t = step("annuities", t)
    tm = marks.trademarks(rng, spec, n_firms, firms["trademark_weight"])
    cr = marks.copyrights(rng, spec, n_firms, firms["trademark_weight"])
    t = step("trademarks", t)
    assets = _concat([pat, tm, cr])
    kind = np.empty(len(assets["subtype"]), dtype=object)
    for subtype in np.unique(assets["subtype"]).tolist():
        kind[assets["subtype"] == subtype] = KIND_OF[Subtype(subtype)].value
    assets["kind"] = kind
    parties.founded_before(firms["founded_on"], assets["owner"], assets["filing_date"], rng)
    step("assemble", t)
    return Market(spec, seed, insts, firms, assets, annuities, events, timings)


def _concat(parts: list[Columns]) -> Columns:
    parts = [p for p in parts if len(p["subtype"])]
    names = sorted(set().union(*parts))
    out: Columns = {}
    for name in names:
        arrays = []
        for p in parts:
            if name in p:
                arrays.append(p[name])
            else:
                fill = _FILL[name]
                dtype = object if fill is None else np.asarray(fill).dtype
                arrays.append(np.full(len(p["subtype"]), fill, dtype=dtype))
        out[name] = np.concatenate(arrays)
    return out
