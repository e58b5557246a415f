"""HTTP kit errors (接口公共错误): the codes of the shared request machinery, as named constants."""

from __future__ import annotations

from ippledge.kernel.errors import ConflictError, ErrorCode, ValidationError

# Idempotent requests (幂等请求)
IDEMPOTENCY_KEY_REQUIRED = ErrorCode(
    "idempotency.key_required",
    ValidationError,
    "资金类请求必须带 Idempotency-Key 请求头（8 到 100 个字符）",
    "money-moving requests need an Idempotency-Key header (8 to 100 characters)",
)
IDEMPOTENCY_MISMATCH = ErrorCode(
    "idempotency.mismatch",
    ConflictError,
    "该幂等键已用于另一笔不同的请求",
    "this idempotency key was already used for a different request",
)
