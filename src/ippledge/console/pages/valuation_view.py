"""Valuations side by side as charts (估值区间与驱动因素) on the bank's application page: each IP's model band
P10–P90 with P50 and the appraisals of record, and what drives the model's score (each indicator's contribution,
from the valuation's explanation; contributions add up to the score).

Reads only what the page already has from ``valuation.governance.api.asset_valuations`` (the caller's scope).
"""

from __future__ import annotations

from typing import Any

from ippledge.console import charts, i18n


def _name(v: dict[str, Any]) -> str:
    asset = v["asset"]
    return str(asset.title) if asset is not None else str(v["view"].ip_asset_id)


def valuation_charts(valuations: list[dict[str, Any]], lang: str) -> dict[str, Any] | None:
    """The range chart over the IPs with a model valuation, and one drivers chart and table per such IP."""
    modelled = [v for v in valuations if v["view"].model is not None]
    if not modelled:
        return None
    labels = {"band": i18n.t("ui.model_band", lang), "appraisal": i18n.t("ui.appraisal_of_record", lang)}
    bands = [(v["view"].model.value_p10, v["view"].model.value_p50, v["view"].model.value_p90) for v in modelled]
    appraisals = [[r.value for r in v["view"].reports] for v in modelled]
    names = [_name(v) for v in modelled]
    drivers = []
    for v in modelled:
        ex = v["view"].model.explanation
        # an indicator that adds nothing (missing, or scored zero) would only crowd the bars
        indicators = [x for x in ex.get("indicators", []) if abs(float(x["contribution"])) >= 0.005]
        items = [(i18n.t(f"ind.{x['key']}", lang), float(x["contribution"])) for x in indicators]
        dims = [
            (i18n.t(f"dim.{k}", lang), d.get("score"), float(d.get("contribution") or 0.0))
            for k, d in ex.get("dimensions", {}).items()
        ]
        title = f"{_name(v)} · {i18n.t('ui.model_score', lang)} {float(ex.get('score', 0.0)):.1f}"
        drivers.append(
            {
                "name": _name(v),
                "score": float(ex.get("score", 0.0)),
                "option": charts.drivers(items, title),
                "dimensions": dims,
                "top": sorted(items, key=lambda x: -x[1])[:3],
            }
        )
    return {"range": charts.valuation_range(names, bands, appraisals, labels), "drivers": drivers}
