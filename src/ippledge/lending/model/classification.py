"""Five-tier loan classification (贷款五级分类), 商业银行金融资产风险分类办法 (2023).

Floors by days past due (逾期天数): any overdue -> at least 关注 special mention; more than 90 days -> at least
次级 substandard; more than 270 -> at least 可疑 doubtful; more than 360 -> 损失 loss. A bank may classify a loan
worse than its floor, with a reason; never better. 次级, 可疑 and 损失 are non-performing (不良贷款, NPL).

``classify`` is the bank's explicit decision (refused below the floor). ``reclassify`` is the daily close: it
raises a grade to the floor as days past due grow and never upgrades by itself — an upgrade after the borrower
cures is the bank's decision (``classify`` with a reason).
"""

from __future__ import annotations

from enum import IntEnum

from ippledge.lending.errors import BELOW_FLOOR, DOWNGRADE_REASON_REQUIRED, DPD, GRADE


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


def classify(dpd: int, bank_view: Grade | None = None, reason: str | None = None) -> Grade:
    """The grade after the bank's view: the floor when it has none; its view when at or below the floor.

    A view better than the floor is ``lending.classification_below_floor``; a view worse than the floor needs a
    ``reason`` (``lending.downgrade_reason_required``).
    """
    floor = floor_for(dpd)
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
