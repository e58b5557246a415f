"""The demo's scheme facts (演示：准入事实): the lending bank's attestation on each application before enrolment.

The officer attests the borrower's total bank debt and credit record (what a credit report would show) and, for some
loans, the security besides the pledged patents (a property mortgage or a guarantee covering part of the loan: a
combination loan, 组合贷款), which fixes the IP-pledged share that Wuhan-style schemes and the Beijing 2024 interest
subsidy read. The draws come from a generator seeded by the application id, so the rest of the demo's random
sequence is unchanged. Every figure here is an assumption of the demo.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import numpy as np

from ippledge.demo.desk import Desk
from ippledge.demo.year import LoanTrack

DEBT_MEDIAN = 6_000_000  # the borrower's bank debt, lognormal around this median (assumption)
COMBINATION_SHARE = 0.3  # a third of the loans carry other security besides the patents (assumption)


def attest(desk: Desk, officer: str, track: LoanTrack) -> dict[str, Any]:
    """The officer's attestation on the loan's application; returns the body attested."""
    rng = np.random.default_rng(track.application_id)
    debt = Decimal(int(DEBT_MEDIAN * float(np.exp(rng.normal(0.0, 0.8))) // 10_000 * 10_000))
    adverse = 0.25 if track.firm.profile == "default" else 0.05
    body: dict[str, Any] = {
        "borrower_bank_debt": str(debt),
        "clean_credit": bool(rng.random() >= adverse),
        "credit_report_ref": f"征信-{track.application_id:06d}",
    }
    if rng.random() < COMBINATION_SHARE and track.amount > 0:
        part = (track.amount * Decimal(str(round(float(rng.uniform(0.2, 0.6)), 2)))).quantize(Decimal(1))
        kind, note = ("property", "厂房抵押") if rng.random() < 0.5 else ("guarantee", "融资担保公司保证")
        body["other_security"] = [{"kind": kind, "amount": str(part), "note": note}]
    desk.post(officer, f"/applications/{track.application_id}/bank-attestations", body)
    return body


def tally_refusal(reasons: Counter[str], answer: Any) -> None:
    """Count the rule codes of a refused enrolment (``risk.enrol.ineligible``), or the error code of another refusal."""
    if isinstance(answer, dict) and answer.get("code") == "risk.enrol.ineligible":
        reasons.update(r["code"] for r in answer.get("details", {}).get("reasons", []))
    elif isinstance(answer, dict):
        reasons[str(answer.get("code"))] += 1
