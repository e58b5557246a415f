"""Valuation errors (估值业务错误): every refusal of valuation as a named ``valuation.*`` code.

Raised as ``raise DATE_FUTURE()`` or ``raise ASSUMPTION_RANGE(key=..., low=..., high=...)``; the details fill the
messages and travel in the response. ``ippledge errors`` and docs/errors.md list them with every other capability's.
"""

from __future__ import annotations

from ippledge.kernel.errors import ConflictError, ErrorCode, PermissionDeniedError, ValidationError

# -- a report's content (评估报告内容) --------------------------------------------------------------------------------
METHOD = ErrorCode("valuation.method", ValidationError, "评估方法无效：{method}", "unknown method: {method}")
NO_ITEMS = ErrorCode(
    "valuation.no_items", ValidationError, "报告须至少评估一项知识产权", "a report values at least one IP"
)
DUPLICATE_ITEM = ErrorCode("valuation.duplicate_item", ValidationError, "同一知识产权重复列出", "an IP is listed twice")
IP_NOT_IN_APPLICATION = ErrorCode(
    "valuation.ip_not_in_application", ValidationError, "知识产权不在申请之中", "the IP is not part of the application"
)
TOTAL_MISMATCH = ErrorCode(
    "valuation.total_mismatch", ValidationError, "合计与分项之和不符", "the total differs from the sum of the items"
)
DATE_FUTURE = ErrorCode(
    "valuation.date_future", ValidationError, "评估基准日不能晚于今天", "the valuation date cannot be in the future"
)
VALIDITY = ErrorCode(
    "valuation.validity",
    ValidationError,
    "有效期须晚于评估基准日",
    "the validity date must be after the valuation date",
)

# -- key assumptions (关键假设) ----------------------------------------------------------------------------------------
ASSUMPTIONS_OBJECT = ErrorCode(
    "valuation.assumptions_object", ValidationError, "关键假设须为 JSON 对象", "key assumptions must be a JSON object"
)
ASSUMPTIONS_SIZE = ErrorCode(
    "valuation.assumptions_size",
    ValidationError,
    "关键假设过多或过长（至多 {max_count} 项、{max_chars} 个字符）",
    "at most {max_count} key assumptions of {max_chars} characters in all",
)
ASSUMPTION_KEY = ErrorCode(
    "valuation.assumption_key", ValidationError, "假设名称须为非空字符串", "assumption names must be non-empty strings"
)
ASSUMPTION_TYPE = ErrorCode(
    "valuation.assumption_type",
    ValidationError,
    "假设「{key}」须为有限数值",
    "assumption {key!r} must be a finite number",
)
ASSUMPTION_RANGE = ErrorCode(
    "valuation.assumption_range", ValidationError, "假设「{key}」超出范围", "assumption {key!r} is out of range"
)

# -- submitting and correcting reports -------------------------------------------------------------------------------
SIGNER = ErrorCode(
    "valuation.signer", PermissionDeniedError, "评估报告须由具名用户签署", "a report is signed by a named user"
)
TASK_NOT_ACCEPTED = ErrorCode(
    "valuation.task_not_accepted",
    ConflictError,
    "须先接受任务才能提交报告",
    "accept the task before submitting a report",
)
EXTERNAL_REPORT = ErrorCode(
    "valuation.external_report",
    ConflictError,
    "外部历史报告不能在平台上更正",
    "an external historical report cannot be corrected on the platform",
)
SUPERSEDED = ErrorCode(
    "valuation.superseded", ConflictError, "该报告已被更正", "this report has already been superseded"
)

# -- valuer governance (评估机构监督) ---------------------------------------------------------------------------------
FLAG_KIND = ErrorCode(
    "valuation.flag_kind", ValidationError, "未知的标记类型：{kind}", "unknown flag kind: {kind} (one of {allowed})"
)
