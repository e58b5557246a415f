"""The demo year's restructuring (贷款重组) and a watch-list entry (关注名单) an officer cures by hand.

The first late payer whose loan still has three instalments ahead is listed by its officer (rule ``officer``), the
entry moves to 处置中 (acting) and the bank restructures the loan (2023 classification rules art. 19-20: at least 关注
for the observation year); the next instalment paid on time cures the entry, and the repaid loan takes it off the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console

# ``year`` calls these with its ``Year`` and ``LoanTrack``; typed ``Any`` here so that the demo's modules stay acyclic.
Year = Any
LoanTrack = Any


def restructure_late_payer(year: Year, track: LoanTrack, instalments_left: int) -> None:
    """After a late instalment: list the loan, act, restructure (once in the demo year)."""
    if year.restructurings or track.firm.profile != "late" or instalments_left < 3 or track.loan_id is None:
        return
    d, officer = year.desk, year.cast.officer(track.bank_id)
    reason = "借款人连续逾期还款，列入关注名单 the borrower pays late: listed by its officer"
    entry = d.post(officer, "/watch-list", {"loan_id": track.loan_id, "reason": reason, "owner": officer})
    note = "约谈借款人，重组还款安排 met the borrower, restructuring the repayments"
    d.post(officer, f"/watch-list/{entry['id']}/moves", {"to": "acting", "note": note})
    body = {"reason": "借款人主要客户回款延迟，重组还款安排（非财务困难）", "debtor_in_difficulty": False}
    loan = d.post(officer, f"/loans/{track.loan_id}/restructure", body)
    track.restructured_on, track.watch_entry_id = d.today, int(entry["id"])
    track.restructure_grade = str(loan.get("grade"))
    year.restructurings += 1


def cure_on_time(year: Year, track: LoanTrack, delay_days: int) -> None:
    """An instalment paid on time after the restructuring cures the officer's entry."""
    if track.watch_entry_id is None or track.watch_cured_on is not None or delay_days > 0:
        return
    d, officer = year.desk, year.cast.officer(track.bank_id)
    note = "重组后按期还款，风险已化解 paid on time after the restructuring: cured"
    d.post(officer, f"/watch-list/{track.watch_entry_id}/moves", {"to": "cured", "note": note})
    track.watch_cured_on = d.today


def close_when_repaid(year: Year, track: LoanTrack) -> None:
    """The repaid loan comes off the list (cured → closed)."""
    if track.watch_cured_on is None or track.repaid_on is None or track.watch_entry_id is None:
        return
    note = "贷款结清，移出关注名单 loan repaid: off the list"
    year.desk.post(
        year.cast.officer(track.bank_id), f"/watch-list/{track.watch_entry_id}/moves", {"to": "closed", "note": note}
    )


def print_restructured(console: Console, tracks: Sequence[LoanTrack]) -> None:
    for t in tracks:
        if t.restructured_on is None:
            continue
        console.print(
            f"贷款重组 restructuring: loan {t.loan_id} restructured on {t.restructured_on} "
            f"(grade {t.restructure_grade}, at least 关注 special mention for the observation year); "
            f"关注名单 watch entry {t.watch_entry_id} "
            f"opened by the officer, acting, "
            + (f"cured on {t.watch_cured_on}" if t.watch_cured_on else "not yet cured")
            + (" and closed when the loan was repaid" if t.watch_cured_on and t.repaid_on else "")
        )
