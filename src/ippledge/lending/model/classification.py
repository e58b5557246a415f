"""Five-tier loan classification (贷款五级分类), 商业银行金融资产风险分类办法 (2023).

Floors by days past due (逾期天数): any overdue -> at least 关注 special mention; more than 90 days -> at least
次级 substandard; more than 270 -> at least 可疑 doubtful; more than 360 -> 损失 loss. A bank may classify a loan
worse than its floor, with a reason; never better. 次级, 可疑 and 损失 are non-performing (不良贷款, NPL).

``classify`` is the bank's explicit decision (refused below the floor). ``reclassify`` is the daily close: it
raises a grade to the floor as days past due grow and never upgrades by itself — an upgrade after the borrower
cures is the bank's decision (``classify`` with a reason).

Beyond the floors, the 2023 rules (in force 2023-07-01):

- debtor contagion (art. 7, ``contagion``): when more than 10% of a non-retail debtor's claims at the bank are
  non-performing, all its claims there are non-performing (raised to at least 次级);
- upgrade out of NPL (art. 12, ``upgrade_blockers``): to 正常/关注 only after the arrears are repaid and then two
  consecutive periods (or six months) are paid on time, and no other claim of the debtor at the bank is
  non-performing; a bank's earlier upgrade is refused with the reason;
- restructuring (art. 19-20, ``restructure_floor``): a restructured loan is at least 关注, at least 次级 when the
  debtor is in financial difficulty and the loan was already non-performing, for an observation period of
  ``RESTRUCTURE_OBSERVATION_MONTHS`` after the restructuring date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum
from typing import Final

from ippledge.kernel.calendar import add_months
from ippledge.lending.errors import BELOW_FLOOR, DOWNGRADE_REASON_REQUIRED, DPD, GRADE

CONTAGION_SHARE: Final = Decimal("0.10")  # art. 7: more than 10% of the debtor's claims at the bank
UPGRADE_ON_TIME_PERIODS: Final = 2  # art. 12: two consecutive repayment periods paid on time ...
UPGRADE_MONTHS: Final = 6  # ... or six months
RESTRUCTURE_OBSERVATION_MONTHS: Final = 12  # art. 20: 重组观察期 at least one year from the restructuring date


class Grade(IntEnum):
    NORMAL = 1  # 正常
    SPECIAL_MENTION = 2  # 关注
    SUBSTANDARD = 3  # 次级
    DOUBTFUL = 4  # 可疑
    LOSS = 5  # 损失

    @property
    def zh(self) -> str:
        return ("正常", "关注", "次级", "可疑", "损失")[self.value - 1]

    @property
    def code(self) -> str:
        return self.name.lower()

    @property
    def is_npl(self) -> bool:
        return self >= Grade.SUBSTANDARD


def grade_of(code: str) -> Grade:
    """``"special_mention"`` -> ``Grade.SPECIAL_MENTION`` (the loan row stores the lower-case name)."""
    return Grade[code.upper()]


def parse_grade(text: str) -> Grade:
    """A grade from its code (``substandard``), its Chinese name (次级) or its number (3); else ``lending.grade``."""
    for g in Grade:
        if text.strip().lower() in (g.code, g.zh, str(g.value)):
            return g
    allowed = ", ".join(g.code for g in Grade)
    raise GRADE(grade=repr(text), allowed=allowed)


def floor_for(dpd: int) -> Grade:
    """The best grade a loan ``dpd`` days past due may have."""
    if dpd < 0:
        raise DPD(dpd=dpd)
    if dpd > 360:
        return Grade.LOSS
    if dpd > 270:
        return Grade.DOUBTFUL
    if dpd > 90:
        return Grade.SUBSTANDARD
    if dpd >= 1:
        return Grade.SPECIAL_MENTION
    return Grade.NORMAL


def classify(
    dpd: int, bank_view: Grade | None = None, reason: str | None = None, *, floor: Grade | None = None
) -> Grade:
    """The grade after the bank's view: the floor when it has none; its view when at or below the floor.

    ``floor`` raises the days-past-due floor (a restructuring's, ``loan_floor``). A view better than the floor is
    ``lending.classification_below_floor``; a view worse than the floor needs a ``reason``
    (``lending.downgrade_reason_required``).
    """
    floor = max(floor_for(dpd), floor or Grade.NORMAL)
    if bank_view is None:
        return floor
    if bank_view < floor:
        raise BELOW_FLOOR(
            dpd=dpd, floor=floor.code, requested=bank_view.code, floor_zh=floor.zh, requested_zh=bank_view.zh
        )
    if bank_view > floor and not (reason and reason.strip()):
        raise DOWNGRADE_REASON_REQUIRED(dpd=dpd, floor=floor.code, requested=bank_view.code, requested_zh=bank_view.zh)
    return bank_view


def reclassify(dpd: int, current: Grade) -> Grade:
    """The daily close's grade: the current one, raised to the floor if days past due now require it."""
    return max(current, floor_for(dpd))


# ---- 2023 rules beyond the floors ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """One claim (债权) of a debtor at a bank for the contagion rule: its outstanding principal and grade."""

    loan_id: int
    bank_id: int
    debtor_id: int
    outstanding: Decimal
    grade: Grade
    retail: bool = False  # retail debtors are judged claim by claim (art. 7 is for non-retail debtors)


def contagion(claims: Iterable[Claim]) -> set[int]:
    """The performing loans that art. 7 makes non-performing: those of a non-retail debtor more than 10% of whose
    outstanding claims at the same bank are non-performing."""
    groups: dict[tuple[int, int], list[Claim]] = {}
    for c in claims:
        if not c.retail:
            groups.setdefault((c.bank_id, c.debtor_id), []).append(c)
    out: set[int] = set()
    for group in groups.values():
        total = sum((c.outstanding for c in group), Decimal(0))
        npl = sum((c.outstanding for c in group if c.grade.is_npl), Decimal(0))
        if total > 0 and npl > total * CONTAGION_SHARE:
            out.update(c.loan_id for c in group if not c.grade.is_npl)
    return out


def restructure_floor(grade_before: Grade, debtor_in_difficulty: bool) -> Grade:
    """The floor a restructuring sets (art. 19): 关注, or 次级 when the debtor is in difficulty and it was an NPL."""
    if debtor_in_difficulty and grade_before.is_npl:
        return Grade.SUBSTANDARD
    return Grade.SPECIAL_MENTION


def observation_ends(restructured_on: dt.date) -> dt.date:
    """The first day after the restructuring's observation period."""
    return add_months(restructured_on, RESTRUCTURE_OBSERVATION_MONTHS)


def loan_floor(
    dpd: int, on: dt.date, restructured_on: dt.date | None = None, restructure: Grade | None = None
) -> Grade:
    """The days-past-due floor, raised to the restructuring floor while its observation period runs on ``on``."""
    floor = floor_for(dpd)
    if restructured_on is not None and restructure is not None and on < observation_ends(restructured_on):
        floor = max(floor, restructure)
    return floor


@dataclass(frozen=True)
class UpgradeFacts:
    """What the upgrade rule reads about a non-performing loan (art. 12)."""

    on: dt.date
    arrears: bool  # anything due and unpaid (principal, interest or penalty)
    cured_on: dt.date  # since when the loan has had no arrears (or the date it became non-performing, if later)
    on_time_periods: int  # consecutive instalments due after ``cured_on`` and paid on or before their due date
    other_npl: bool = False  # another claim of the debtor at the bank is non-performing


def upgrade_blockers(facts: UpgradeFacts) -> list[tuple[str, str]]:
    """Why a non-performing loan may not yet be upgraded to 正常/关注, as ``(zh, en)`` reasons (empty: it may)."""
    out: list[tuple[str, str]] = []
    if facts.arrears:
        out.append(("欠款尚未还清", "the arrears are not fully repaid"))
    else:
        months_done = facts.on >= add_months(facts.cured_on, UPGRADE_MONTHS)
        if facts.on_time_periods < UPGRADE_ON_TIME_PERIODS and not months_done:
            out.append(
                (
                    f"还清欠款（{facts.cured_on}）后按时还款{facts.on_time_periods}期，须连续{UPGRADE_ON_TIME_PERIODS}期"
                    f"或满{UPGRADE_MONTHS}个月",
                    f"since the arrears were repaid ({facts.cured_on}) {facts.on_time_periods} period(s) were paid on "
                    f"time; {UPGRADE_ON_TIME_PERIODS} consecutive periods or {UPGRADE_MONTHS} months are needed",
                )
            )
    if facts.other_npl:
        out.append(("债务人在本行另有不良债权", "the debtor has another non-performing claim at the bank"))
    return out
