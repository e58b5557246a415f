"""Loss-split previews and portfolio simulations on request (分担测算与组合模拟): the API's side of ``risk split`` and
``risk simulate``.

A split preview uses the scheme version in force on the given day, as stored, and writes nothing. A simulation of a
homogeneous book needs no data, so anyone signed in may run one; a simulation of the live enrolled book reads every
bank's enrolled loans, so only the scheme's fund, the platform operator and the regulator may run it (anyone else
gets 404). Requests are synchronous, so the number of scenarios is bounded (:data:`MAX_SCENARIOS`), and they run on
the NumPy path, so a seed gives the same numbers on every server; larger runs belong to the CLI, where they may go to a
GPU or a Dask cluster.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from ippledge.access.model import Principal
from ippledge.risk_sharing.claims.model import Allocation, preview_split
from ippledge.risk_sharing.errors import BOOK_EMPTY, BOOK_NOT_FOUND, SIMULATION_BOOK, SIMULATION_SCENARIOS
from ippledge.risk_sharing.model import Scheme
from ippledge.risk_sharing.pools import store as pools
from ippledge.risk_sharing.schemes import store as schemes
from ippledge.risk_sharing.simulation.book import book_case
from ippledge.risk_sharing.simulation.simulate import Case, homogeneous_case

MAX_SCENARIOS = 200_000
MAX_LOANS = 100_000_000


def split_preview(
    session: Session,
    code: str,
    loss: str,
    balance: str | None,
    interest: str,
    ip_share_bp: int | None,
    fund_balance: str | None,
    on: dt.date,
) -> tuple[Scheme, Allocation]:
    """The split of a loss under the version of ``code`` in force on ``on``, as stored (nothing is written)."""
    scheme = schemes.scheme_in_force(session, code, on)
    return scheme, preview_split(scheme, loss, balance, interest, ip_share_bp, fund_balance)


def simulation(session: Session, principal: Principal, req: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """Run the simulation ``req`` describes (see ``schemas.SimulationIn``); the summary, and the sensitivity rows
    when ``sensitivity`` names two parties (``FROM:TO``)."""
    code, on = req["scheme_code"], req.get("as_of") or today
    if req["scenarios"] > MAX_SCENARIOS:
        raise SIMULATION_SCENARIOS(most=MAX_SCENARIOS)
    common = {"rho": req["rho"], "scenarios": req["scenarios"], "seed": req["seed"]}
    case: Case
    if req.get("portfolio"):
        pool = pools.pool(session, code)
        if principal.party_id != pool.fund_id and principal.party_kind not in pools.OVERSEERS:
            raise BOOK_NOT_FOUND(code=code)
        case = book_case(session, code, lgd=req["lgd"], as_of=on, device="cpu", **common)
        if not case.inputs["loans"]:
            raise BOOK_EMPTY(code=code)
    else:
        if req.get("loans") is None or req.get("pd") is None:
            raise SIMULATION_BOOK()
        scheme = schemes.scheme_in_force(session, code, on)
        case = homogeneous_case(
            scheme,
            loans=req["loans"],
            pd=req["pd"],
            lgd=req["lgd"],
            exposure=req.get("exposure", 1_000_000.0),
            years=req.get("years", 1),
            fund=req.get("fund"),
            contribution=req.get("contribution", 0.0),
            device="cpu",
            **common,
        )
    pair = None
    if req.get("sensitivity"):
        a, _, b = str(req["sensitivity"]).partition(":")
        case.check_parties(a, b)  # before any work
        pair = (a, b)
    out: dict[str, Any] = {"inputs": {**case.inputs, "as_of": on.isoformat()}, **case.run().summary()}
    if pair is not None:
        out["sensitivity_parties"], out["sensitivity"] = list(pair), case.sensitivity(*pair)
    return out
