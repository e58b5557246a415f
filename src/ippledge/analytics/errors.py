"""Analytics errors (分析错误): the analytics engine's refusals as named codes; it may import only the kernel."""

from __future__ import annotations

from ippledge.kernel.errors import ErrorCode, ValidationError

UNKNOWN_USE = ErrorCode(
    "valuation.unknown_use", ValidationError, "未知的评估用途：{use}", "unknown valuation use: {use}"
)
