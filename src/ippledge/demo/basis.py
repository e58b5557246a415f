"""The lending basis per loan (贷款依据): what each credit decision of the year lent against, and the model beside it.

The cap is the appraisal of record (the valuer's report, or the bank's internal valuation) x the product's LTV cap;
the model's P50 and forced-sale value are shown beside it as the challenger and the LGD input (decision record 0008).
The model values the whole register once, on the market date, so every decision of the year finds a fresh valuation.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from ippledge.credit import queries as credit
from ippledge.credit.model import coverage_ratio
from ippledge.demo.year import LoanTrack
from ippledge.valuation.engine import service as model_valuation

KIND_ZH = {"report": "报告 report", "internal": "内部 internal", "model": "模型 model", "mixed": "混合 mixed"}


def value_register(factory: sessionmaker[Session], as_of: dt.date, seed: int) -> int:
    """The model values every IP on the register on ``as_of`` (the challenger of the year's appraisals)."""
    with factory.begin() as s:
        return model_valuation.value_all(s, as_of, seed=seed).valued


def _wan(value: Decimal | None) -> str:
    """Yuan as 万元 with one decimal (the table's unit)."""
    return "—" if value is None else f"{value / 10_000:,.1f}"


SHORT = {  # the warnings' codes, short enough for a table cell
    "credit.appraisal_outside_model_band": "band",
    "credit.model_cap_applied": "k×P90",
    "credit.model_basis": "model",
    "credit.no_model_valuation": "no model",
    "credit.forced_sale_coverage_low": "coverage",
}


def print_basis(console: Console, session: Session, tracks: list[LoanTrack]) -> None:
    """One row per credit decision: loan, appraisal of record, basis, LTV cap, cap, amount, model P50, forced sale,
    coverage (forced sale / amount), and the warnings the approver saw."""
    t = Table(title="贷款依据 lending basis (cap = appraisal of record x LTV cap; the model challenges)")
    for col in (
        "贷款 loan",
        "评估值 appraisal",
        "依据 basis",
        "质押率 LTV",
        "上限 cap",
        "金额 amount",
        "模型 P50",
        "强制变现 forced sale",
        "覆盖 coverage",
        "提示 warnings",
    ):
        left = col.startswith(("贷款", "依据", "提示"))
        t.add_column(col, justify="left" if left else "right", no_wrap=col.startswith("依据"))
    t.caption = "money in 万元; coverage = forced-sale value / amount; warnings never block"
    kinds: Counter[str] = Counter()
    warned: Counter[str] = Counter()
    for track in tracks:
        facts = None if track.decision_id is None else credit.decision_facts(session, track.decision_id)
        if facts is None or not facts.pledged_asset_ids:
            continue
        kinds[facts.basis_kind or "none"] += 1
        warned.update(set(facts.warnings))
        cover = coverage_ratio(facts.forced_sale, facts.amount)
        t.add_row(
            f"#{track.loan_id}" if track.loan_id else f"({facts.status})",
            _wan(facts.appraisal),
            KIND_ZH.get(facts.basis_kind or "", "无 none"),
            "—" if facts.ltv_cap_bp is None else f"{facts.ltv_cap_bp / 100:g}%",
            _wan(facts.max_supported),
            _wan(facts.amount),
            _wan(facts.model_p50),
            _wan(facts.forced_sale),
            "—" if cover is None else f"{cover:.0%}",
            ", ".join(SHORT.get(w, w) for w in sorted(set(facts.warnings))),
        )
    console.print(t)
    console.print(
        "依据 bases: "
        + (", ".join(f"{KIND_ZH.get(k, k)} {n}" for k, n in sorted(kinds.items())) or "none")
        + " · 提示 warnings (non-blocking): "
        + (", ".join(f"{w.removeprefix('credit.')} {n}" for w, n in sorted(warned.items())) or "none")
    )
