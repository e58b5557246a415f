"""Supervision errors (监管统计错误): every refusal of the statistics, rankings and their inputs, as ``supervision.*``.

Raised as ``raise PERIOD_REVERSED(start=..., end=...)``; the messages are filled from the details.
"""

from __future__ import annotations

from ippledge.kernel.errors import ErrorCode, PermissionDeniedError, ValidationError

PERIOD_REVERSED = ErrorCode(
    "supervision.period_reversed",
    ValidationError,
    "统计期间结束日{end}早于开始日{start}",
    "the period ends ({end}) before it starts ({start})",
)
UNKNOWN_DIMENSION = ErrorCode(
    "supervision.unknown_dimension",
    ValidationError,
    "未知的统计维度{name}（可选：{known}）",
    "unknown dimension {name} (known: {known})",
)
UNKNOWN_RULE = ErrorCode(
    "supervision.unknown_rule",
    ValidationError,
    "未知的排名规则{code}（可选：{known}）",
    "unknown ranking rule {code} (known: {known})",
)
RATIO_RANGE = ErrorCode(
    "supervision.ratio_range",
    ValidationError,
    "不良贷款率须在0到1之间（收到{ratio}）",
    "an NPL ratio is a fraction from 0 to 1 (got {ratio})",
)
NOT_A_BANK = ErrorCode(
    "supervision.not_a_bank",
    ValidationError,
    "机构{bank_id}不是银行",
    "party {bank_id} is not a bank",
)
REGULATOR_ONLY = ErrorCode(
    "supervision.regulator_only",
    PermissionDeniedError,
    "监管统计仅向监管机构和平台开放",
    "supervision statistics are for the regulator and the platform only",
)
MARKET_READERS = ErrorCode(
    "supervision.market_readers",
    PermissionDeniedError,
    "同业对标仅向银行、监管机构和平台开放",
    "the market view is for banks, the regulator and the platform only",
)
BANK_REQUIRED = ErrorCode(
    "supervision.bank_required",
    ValidationError,
    "请指定要查看哪家银行的对标视图（bank_id）",
    "name the bank whose market view to show (bank_id)",
)
AS_OF_FUTURE = ErrorCode(
    "supervision.as_of_future",
    ValidationError,
    "查询时点{as_of}晚于营业日{today}",
    "the as-of date {as_of} is after the business date {today}",
)
UNKNOWN_KPI = ErrorCode(
    "supervision.unknown_kpi",
    ValidationError,
    "未知的考核方案{code}（可选：{known}）",
    "unknown KPI scheme {code} (known: {known})",
)
KPI_NOT_IN_FORCE = ErrorCode(
    "supervision.kpi_not_in_force",
    ValidationError,
    "考核方案{code}自{first}起施行，{on}时尚未施行",
    "the KPI scheme {code} applies from {first}, not yet on {on}",
)
UNKNOWN_LOAN = ErrorCode(
    "supervision.unknown_loan",
    ValidationError,
    "贷款{loan_id}不存在",
    "no loan {loan_id}",
)
UNKNOWN_GRADE = ErrorCode(
    "supervision.unknown_grade",
    ValidationError,
    "未知的五级分类{grade}（可选：{known}）",
    "unknown loan grade {grade} (known: {known})",
)
CORRECTION_FUTURE = ErrorCode(
    "supervision.correction_future",
    ValidationError,
    "更正生效日{effective_on}晚于营业日{today}，或早于放款日{disbursed_on}",
    "a correction takes effect between the disbursement ({disbursed_on}) and today ({today}), not on {effective_on}",
)
UNKNOWN_REPORT = ErrorCode(
    "supervision.unknown_report",
    ValidationError,
    "未知的报表{name}（可选：{known}）",
    "unknown report {name} (known: {known})",
)
BAD_PERIOD = ErrorCode(
    "supervision.bad_period",
    ValidationError,
    "统计期间{period}无法识别（例：2022、2022-H1、2022-Q3、2022-09、2022-01-01..2022-09-30）",
    "cannot read the period {period} (e.g. 2022, 2022-H1, 2022-Q3, 2022-09, 2022-01-01..2022-09-30)",
)
