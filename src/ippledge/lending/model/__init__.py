"""Lending rules (贷款业务规则), pure: no database, no framework, no clock. Where each rule lives:

- ``interest``: rates (0-36%), annual / 12 per month, annual / 360 per day, 算头不算尾, fen-exact daily accrual;
- ``schedule``: 等额本息, 等额本金, 先息后本, 到期一次还本付息, due dates anchored on disbursement, rounding;
- ``repayment_order``: 还款冲抵顺序, penalty, compound interest, interest, then principal, oldest first;
- ``prepayment``: payoff quotes (提前结清), partial prepayment (减少月供 / 缩短期限), the fee, what fits a leftover;
- ``delinquency``: days past due (逾期天数) with grace to the next working day, penalty interest (罚息);
- ``classification``: five-tier classification (五级分类): floors by days past due, the bank's view, the close;
- ``postings``: the loan book's journal entry templates (放款, 还款, 计提, 核销, 收回, 贷款损失准备).

The daily close's per-loan plan is ``lending.close.model``; the provisioning policy is ``lending.provisioning.model``.
The names other capabilities use are re-exported here.
"""

from __future__ import annotations

from ippledge.lending.model.classification import Grade, classify, floor_for, grade_of, parse_grade, reclassify
from ippledge.lending.model.delinquency import days_past_due, penalty_between, penalty_for_day, penalty_rate
from ippledge.lending.model.interest import (
    DAYS_IN_YEAR,
    accrual_increment,
    check_rate,
    daily_accruals,
    interest_for_days,
    parse_rate,
    round_fen,
    scheduled_accrual,
)
from ippledge.lending.model.prepayment import (
    PartialPrepayment,
    PayoffQuote,
    PrepaymentMode,
    partial_prepayment,
    payoff_quote,
    prepaid_principal_fitting,
)
from ippledge.lending.model.repayment_order import Allocation, AllocationLine, Bucket, Due, Sequence, allocate
from ippledge.lending.model.schedule import (
    Instalment,
    RepaymentMethod,
    Schedule,
    build_schedule,
    equal_installment_payment,
)

__all__ = [
    "DAYS_IN_YEAR",
    "Allocation",
    "AllocationLine",
    "Bucket",
    "Due",
    "Grade",
    "Instalment",
    "PartialPrepayment",
    "PayoffQuote",
    "PrepaymentMode",
    "RepaymentMethod",
    "Schedule",
    "Sequence",
    "accrual_increment",
    "allocate",
    "build_schedule",
    "check_rate",
    "classify",
    "daily_accruals",
    "days_past_due",
    "equal_installment_payment",
    "floor_for",
    "grade_of",
    "interest_for_days",
    "parse_grade",
    "parse_rate",
    "partial_prepayment",
    "payoff_quote",
    "penalty_between",
    "penalty_for_day",
    "penalty_rate",
    "prepaid_principal_fitting",
    "reclassify",
    "round_fen",
    "scheduled_accrual",
]
