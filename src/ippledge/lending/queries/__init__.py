"""Published read face (查询接口) of lending: what other capabilities may read. Typed, and party-scoped where a
caller is given. Where each read lives:

- ``summaries``: loans as summaries (one, a caller's scoped read, many by id, the whole book) and headline figures;
- ``pledges``: a loan's pledges; each pledge's open loans, principal outstanding and LTV cap (贷后监测, revaluation);
- ``payments``: disbursements to borrowers (放款) and the interest a loan paid over a period;
- ``grades``: the five-tier classification (五级分类): a loan's history, its first NPL date, the tiers' labels;
- ``write_offs``: write-offs (核销), recoveries since, the loss, and the year-end figures (年末指标);
- ``provisions``: the allowance rates and the provisioning ratios (贷款损失准备) as a caller sees them;
- ``book``: the book on a past date and by grade over a run of dates (supervision statistics);
- ``servicing``: extensions (展期) waiting for the checker and the loans with a servicing change.

Other capabilities import the names re-exported here.
"""

from __future__ import annotations

from ippledge.lending.queries.book import LoanOnDate, book_by_grade_over, book_on
from ippledge.lending.queries.grades import GradeChange, GradeLabel, first_npl_on, grade_changes, grade_labels
from ippledge.lending.queries.payments import Disbursement, disbursements_to, interest_paid
from ippledge.lending.queries.pledges import (
    ltv_cap_by_pledge,
    open_loans_by_pledge,
    outstanding_by_pledge,
    pledges_of_loan,
)
from ippledge.lending.queries.provisions import ProvisionTotals, provision_totals
from ippledge.lending.queries.servicing import ExtensionToDecide, extensions_to_decide, serviced_loan_ids
from ippledge.lending.queries.summaries import (
    ZERO,
    LoanFigures,
    LoanSummary,
    disbursed_loans,
    loan_figures,
    loan_summaries,
    loan_summary,
    loans,
    visible_loan,
)
from ippledge.lending.queries.write_offs import (
    Recoveries,
    WriteOffFacts,
    YearEndFigures,
    approved_write_off,
    recoveries,
    write_off_loss,
    write_off_of,
    year_end_figures,
)

__all__ = [
    "ZERO",
    "Disbursement",
    "ExtensionToDecide",
    "GradeChange",
    "GradeLabel",
    "LoanFigures",
    "LoanOnDate",
    "LoanSummary",
    "ProvisionTotals",
    "Recoveries",
    "WriteOffFacts",
    "YearEndFigures",
    "approved_write_off",
    "book_by_grade_over",
    "book_on",
    "disbursed_loans",
    "disbursements_to",
    "extensions_to_decide",
    "first_npl_on",
    "grade_changes",
    "grade_labels",
    "interest_paid",
    "loan_figures",
    "loan_summaries",
    "loan_summary",
    "loans",
    "ltv_cap_by_pledge",
    "open_loans_by_pledge",
    "outstanding_by_pledge",
    "pledges_of_loan",
    "provision_totals",
    "recoveries",
    "serviced_loan_ids",
    "visible_loan",
    "write_off_loss",
    "write_off_of",
    "year_end_figures",
]
