"""Policy-matching errors (政策匹配错误), as ``policy.*`` codes."""

from __future__ import annotations

from ippledge.kernel.errors import ErrorCode, PermissionDeniedError, ValidationError

FIRM_ONLY = ErrorCode(
    "policy.firm_only",
    PermissionDeniedError,
    "只有企业本身可以为计划中的贷款匹配政策",
    "only the firm itself matches policies for a planned loan",
)
PLAN_INVALID = ErrorCode(
    "policy.plan_invalid", ValidationError, "计划贷款有误：{why_zh}", "the planned loan is not valid: {why_en}"
)
