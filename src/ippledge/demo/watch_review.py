"""The demo banks' weekly watch-list review (关注名单周检): each Monday an officer deals with the entries whose time
limit falls within the coming week, so the list a newcomer opens shows the work still due, not a year of neglect.

- 年费处于宽限期 (``annuity_in_grace``): the bank pays the annuity on the pledgor's behalf (代缴年费, officer proposes,
  approver decides: ``pay_annuities``), which cures the entry;
- 质押率超过触发线 (``ltv_above_trigger``): the officer re-checks the breach against the appraisal of record (the
  model's revaluation is its challenger, decision record 0008): at or below the bank's review line the entry is cured
  with both figures in the note, above it (or with no appraisal) the entry is escalated to the bank's risk committee.

Other rules are left to the pass (a term_short entry cures itself once the IP outlives the loan) or to the officer.
The review line is the demo's own assumption, not a published figure. Every move goes through the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Final

# ``year`` calls this with its ``Year``; typed ``Any`` here so that the demo's modules stay acyclic.
Year = Any
LoanTrack = Any

AHEAD: Final = dt.timedelta(days=7)  # entries due within the coming week are dealt with now
LTV_REVIEW_LINE_BP: Final = 3_000  # demo assumption: a breach re-checked at or below 30% against the appraisal cures


def review(year: Year, day: dt.date, pay_annuities: Callable[[Year, LoanTrack], None]) -> int:
    """Monday's review of every lending bank's open entries due within a week; the number of entries dealt with."""
    if day.weekday() != 0:
        return 0
    d = year.desk
    tracks = {t.loan_id: t for t in year.tracks if t.loan_id is not None}
    done = 0
    for bank in sorted({t.bank_id for t in tracks.values()}):
        officer = year.cast.officer(bank)
        for entry in d.get(officer, "/watch-list", {"state": "open"}):
            act_by = entry["act_by"]
            if act_by is None or dt.date.fromisoformat(act_by) > day + AHEAD:
                continue
            if entry["rule"] == "annuity_in_grace" and entry["loan_id"] in tracks:
                pay_annuities(year, tracks[entry["loan_id"]])
                done += 1
            elif entry["rule"] == "ltv_above_trigger":
                _recheck_ltv(year, officer, entry)
                done += 1
    return done


def _recheck_ltv(year: Year, officer: str, entry: dict[str, Any]) -> None:
    d = year.desk
    alert = next(
        (
            a
            for a in d.get(officer, "/monitoring/alerts", {"loan_id": entry["loan_id"]})
            if a["id"] == entry["alert_id"]
        ),
        None,
    )
    details = {} if alert is None else alert["payload"].get("details", {})
    record, model = details.get("appraisal_ltv_bp"), details.get("model_ltv_bp")
    url = f"/watch-list/{entry['id']}/moves"
    figures = f"按评估报告质押率 {_pct(record)}，模型重估 {_pct(model)} (appraisal {_pct(record)}, model {_pct(model)})"
    d.post(officer, url, {"to": "acting", "note": f"核实重估结果 re-checking the revaluation: {figures}"})
    if record is not None and record <= LTV_REVIEW_LINE_BP:
        note = f"复核：{figures}，担保充足，维持正常监测 re-checked against the appraisal of record: cured"
        d.post(officer, url, {"to": "cured", "note": note})
    else:
        note = f"复核：{figures}，提交风险委员会 escalated to the risk committee"
        d.post(officer, url, {"to": "escalated", "note": note})


def _pct(bp: int | None) -> str:
    return "-" if bp is None else f"{bp / 100:.2f}%"
