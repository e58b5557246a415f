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
AS_OF_FUTURE = ErrorCode(
    "supervision.as_of_future",
    ValidationError,
    "查询时点{as_of}晚于营业日{today}",
    "the as-of date {as_of} is after the business date {today}",
)
